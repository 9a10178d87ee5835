import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from agreements import services as agreement_services
from monitoring import services
from monitoring.models import Explanation, MeasurementChange
from monitoring.services import MonitoringError
from tests.monitoring.conftest import START, TODAY

JANUARY = START  # the first period: 5 January to 5 February 2026


def record(service, by, value, period=JANUARY, **extra):
    return services.measurement_record(
        service=service, period_start=period, by=by, value_text=value, today=TODAY, **extra
    )


def test_a_member_of_the_provider_records_a_met_period(orders, org):
    measurement = record(orders, org.sean, "96.5%")
    assert measurement.met is True
    assert measurement.value == Decimal("96.5")
    assert measurement.period_end == dt.date(2026, 2, 5)
    change = MeasurementChange.objects.get(measurement=measurement)
    assert change.kind == "recorded" and change.by == org.sean


def test_a_miss_asks_the_provider_for_an_explanation(
    orders, org, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        measurement = record(orders, org.sam, "90%")
    run_tasks()
    assert measurement.met is False
    assert sorted(m.to[0] for m in mail.outbox) == ["sam@example.org", "sean@example.org"]
    assert "what happened" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["priya", "fiona", "fergus", "margaret", "olive"])
def test_only_the_provider_records(orders, org, who):
    with pytest.raises(MonitoringError) as refusal:
        record(orders, getattr(org, who), "96%")
    assert refusal.value.status == 403


def test_only_periods_that_have_ended(orders, org):
    with pytest.raises(MonitoringError):
        record(orders, org.sam, "96%", period=dt.date(2026, 7, 5))  # ends 5 August
    with pytest.raises(MonitoringError):
        record(orders, org.sam, "96%", period=dt.date(2026, 1, 6))  # not a period start
    assert record(orders, org.sam, "96%", period=dt.date(2026, 6, 5)).met


def test_a_period_is_recorded_once_then_corrected(orders, org):
    record(orders, org.sam, "96%")
    with pytest.raises(MonitoringError, match="correct"):
        record(orders, org.sean, "97%")


def test_only_signed_versions_are_measured(orders, org):
    agreement_services.sla_amend(sla=orders.version.sla, by=org.fiona, reason="Review")
    new = agreement_services.latest_version(orders.version.sla).services.get(service=orders.service)
    with pytest.raises(MonitoringError, match="signed"):
        record(new, org.sam, "96%")


def test_a_non_numeric_target_needs_met_or_missed_said(credit_notes, org):
    with pytest.raises(MonitoringError) as refusal:
        record(credit_notes, org.sam, "all but two")
    assert refusal.value.status == 400
    assert record(credit_notes, org.sam, "all but two", met=False).met is False


def test_a_numeric_target_needs_a_number(orders, org):
    with pytest.raises(MonitoringError, match="number"):
        record(orders, org.sam, "most of them")
    with pytest.raises(MonitoringError, match="actual value"):
        record(orders, org.sam, "  ")


def test_a_correction_keeps_the_history(orders, org, django_capture_on_commit_callbacks, run_tasks):
    measurement = record(orders, org.sean, "96%")
    with pytest.raises(MonitoringError, match="why"):
        services.measurement_correct(
            measurement=measurement, by=org.sam, value_text="93%", reason=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_correct(
            measurement=measurement, by=org.sam, value_text="93%", reason="Late forms recounted"
        )
    measurement.refresh_from_db()
    assert measurement.met is False and measurement.corrected_at is not None
    change = measurement.changes.get(kind="corrected")
    assert change.by == org.sam
    assert change.before["value"] == "96%" and change.after["value"] == "93%"
    assert change.reason == "Late forms recounted"
    run_tasks()
    assert len(mail.outbox) == 2  # the provider is asked to explain the miss now


def test_a_correction_by_someone_else_is_refused(orders, org):
    measurement = record(orders, org.sean, "96%")
    with pytest.raises(MonitoringError) as refusal:
        services.measurement_correct(
            measurement=measurement, by=org.fiona, value_text="3%", reason="No"
        )
    assert refusal.value.status == 403
    assert measurement.changes.count() == 1


def explain(measurement, by):
    return services.explanation_write(
        measurement=measurement,
        by=by,
        what_happened="Two sales staff were off sick.",
        fix="Forms are checked daily by the team lead.",
        prevention="A second person is trained.",
        fix_by=dt.date(2026, 3, 1),
    )


def test_explanation_then_acknowledged(orders, org, django_capture_on_commit_callbacks, run_tasks):
    missed = record(orders, org.sam, "90%")
    with django_capture_on_commit_callbacks(execute=True):
        explanation = explain(missed, org.sean)
    run_tasks()
    assert [m.to[0] for m in mail.outbox] == ["fiona@example.org"]
    with pytest.raises(MonitoringError, match="waiting"):
        explain(missed, org.sam)
    services.explanation_respond(explanation=explanation, by=org.fiona, acknowledge=True)
    explanation.refresh_from_db()
    assert explanation.status == Explanation.Status.ACKNOWLEDGED
    assert explanation.responded_by == org.fiona
    missed.refresh_from_db()
    assert missed.is_explained


def test_asking_for_more_needs_a_note_then_a_new_explanation(orders, org):
    missed = record(orders, org.sam, "90%")
    first = explain(missed, org.sam)
    with pytest.raises(MonitoringError, match="more"):
        services.explanation_respond(explanation=first, by=org.fiona, acknowledge=False)
    services.explanation_respond(
        explanation=first, by=org.fiona, acknowledge=False, note="Who is being trained?"
    )
    with pytest.raises(MonitoringError, match="answered"):
        services.explanation_respond(explanation=first, by=org.fiona, acknowledge=True)
    second = explain(missed, org.sam)
    assert second.status == Explanation.Status.AWAITING
    assert not missed.is_explained


def test_who_explains_and_who_answers(orders, org):
    met = record(orders, org.sam, "99%")
    with pytest.raises(MonitoringError, match="nothing to explain"):
        explain(met, org.sam)
    missed = record(orders, org.sam, "90%", period=dt.date(2026, 2, 5))
    with pytest.raises(MonitoringError) as refusal:
        explain(missed, org.fiona)
    assert refusal.value.status == 403
    explanation = explain(missed, org.sam)
    for who in (org.fergus, org.sam, org.priya):
        with pytest.raises(MonitoringError) as refusal:
            services.explanation_respond(explanation=explanation, by=who, acknowledge=True)
        assert refusal.value.status == 403


def test_an_explanation_needs_every_part(orders, org):
    missed = record(orders, org.sam, "90%")
    with pytest.raises(MonitoringError) as refusal:
        services.explanation_write(
            measurement=missed, by=org.sam, what_happened="x", fix="", prevention="", fix_by=None
        )
    assert refusal.value.status == 400
    assert "the fix" in refusal.value.message and "date" in refusal.value.message
