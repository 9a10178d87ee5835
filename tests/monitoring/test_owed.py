"""What is owed, kept: the home page reads a person's first few things to do from ``Owed``
once every agreement has been kept today, and works them out otherwise; both give the
same answer."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements import signals as agreement_signals
from agreements.models import SLAVersion
from monitoring import services
from monitoring.models import AgreementHealth, KeptDay, Owed
from monitoring.selectors import attention_for
from tests.monitoring.conftest import START, TODAY


def seen(attention) -> dict[str, list]:
    """What the home panel shows, by what it is."""
    return {
        "overdue": [
            (service.pk, period.start, period.due) for service, period in attention.overdue
        ],
        "to_explain": [(m.pk, m.service.pk, m.value_text) for m in attention.to_explain],
        "to_answer": [e.pk for e in attention.to_answer],
        "more": attention.more,
    }


def worked_out(user, limit=5):
    """The answer without kept rows (what a page does before the day is kept)."""
    KeptDay.objects.filter(day=TODAY).delete()
    return seen(attention_for(user, TODAY, limit=limit))


def record_miss(orders, org):
    return services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="50%", today=TODAY
    )


def test_kept_rows_give_what_working_it_out_gives(orders, org):
    record_miss(orders, org)
    answered = services.measurement_record(
        service=orders,
        period_start=dt.date(2026, 3, 5),
        by=org.sam,
        value_text="60%",
        today=TODAY,
    )
    services.explanation_write(
        measurement=answered,
        by=org.sean,
        what_happened="A new form.",
        fix="Training",
        prevention="A checklist",
        fix_by=dt.date(2026, 9, 1),
    )
    services.measurement_record(
        service=orders,
        period_start=dt.date(2026, 2, 5),
        by=org.sam,
        value_text="99%",
        today=TODAY,
    )
    people = [org.sam, org.sean, org.fiona, org.fergus]
    expected = {person.username: worked_out(person) for person in people}
    assert expected["sean"]["to_explain"], "the miss is owed by Sales"
    assert expected["sean"]["overdue"] and expected["fiona"]["overdue"]
    assert expected["fiona"]["to_answer"], "Finance's head owes the answer"

    assert services.health_refresh(today=TODAY) == 1
    assert KeptDay.objects.filter(day=TODAY).exists()
    assert Owed.objects.filter(kind=Owed.Kind.EXPLAIN, department=org.sales).count() == 1
    assert Owed.objects.filter(kind=Owed.Kind.ANSWER, department=org.finance).count() == 1

    for person in people:
        assert seen(attention_for(person, TODAY, limit=5)) == expected[person.username]
    # With only one or two shown, "more" says so in both.
    assert seen(attention_for(org.sean, TODAY, limit=1)) == worked_out(org.sean, limit=1)


def test_once_the_day_is_kept_no_record_is_worked_out(orders, org):
    services.health_refresh(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        attention = attention_for(org.sean, TODAY, limit=5)
    assert attention.overdue
    # Only the kept rows are read: no agreement's measurements are.
    assert not any('FROM "monitoring_measurement"' in q["sql"] for q in queries)
    assert any('FROM "monitoring_owed"' in q["sql"] for q in queries)


def test_a_change_after_keeping_is_kept_at_once(orders, org, django_capture_on_commit_callbacks):
    # Today, as the pages and the on-commit refresh see it: nothing is kept by hand after.
    today = timezone.localdate()
    services.health_refresh(today=today)
    before = seen(attention_for(org.sean, today, limit=50))
    assert (orders.pk, START) in [(pk, start) for pk, start, _due in before["overdue"]]

    with django_capture_on_commit_callbacks(execute=True):
        missed = services.measurement_record(
            service=orders, period_start=START, by=org.sam, value_text="50%"
        )

    assert KeptDay.objects.filter(day=today).exists()  # still read from the kept rows
    after = seen(attention_for(org.sean, today, limit=50))
    assert (orders.pk, START) not in [(pk, start) for pk, start, _due in after["overdue"]]
    assert after["to_explain"] == [(missed.pk, orders.pk, "50%")]
    KeptDay.objects.filter(day=today).delete()
    assert seen(attention_for(org.sean, today, limit=50)) == after  # as worked out


def test_before_the_day_is_kept_the_page_works_it_out(orders, org):
    yesterday_in_march = dt.date(2026, 3, 20)
    services.health_refresh(today=yesterday_in_march)  # kept long ago: periods fell due since
    assert not KeptDay.objects.filter(day=TODAY).exists()

    attention = seen(attention_for(org.sean, TODAY, limit=50))

    assert attention == worked_out(org.sean, limit=50)
    assert any(due > yesterday_in_march for _pk, _start, due in attention["overdue"])


def test_signing_a_version_keeps_its_agreement_afresh(orders, org):
    sla_id = orders.version.sla_id
    AgreementHealth.objects.filter(sla_id=sla_id).delete()

    agreement_signals.version_signed.send(sender=SLAVersion, version_id=orders.version_id)

    health = AgreementHealth.objects.get(sla_id=sla_id)
    assert health.version_id == orders.version_id
    assert Owed.objects.filter(sla_id=sla_id, department=org.sales).exists()


def test_the_figures_can_be_kept_by_hand(orders, org):
    out = io.StringIO()
    call_command("keep_figures", stdout=out)
    assert out.getvalue().strip() == "Kept the figures of 1 agreement."
    assert KeptDay.objects.filter(day=timezone.localdate()).exists()
    assert AgreementHealth.objects.get(sla=orders.version.sla).computed_on == timezone.localdate()


def test_if_keeping_fails_after_a_signing_the_page_works_it_out(orders, org, monkeypatch):
    today = timezone.localdate()
    services.health_refresh(today=today)
    sla_id = orders.version.sla_id

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "health_refresh", broken)
    agreement_signals.version_signed.send(sender=SLAVersion, version_id=orders.version_id)

    assert not KeptDay.objects.filter(day=today).exists()
    assert not Owed.objects.filter(sla_id=sla_id).exists()
    assert AgreementHealth.objects.get(sla_id=sla_id).computed_on == dt.date.min
    # What the page shows is worked out, so nothing owed is lost.
    assert attention_for(org.sean, today, limit=5).overdue
