import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string

from monitoring import services
from monitoring.selectors import attention_for
from tests.monitoring.conftest import START, TODAY


def test_the_provider_owes_overdue_measurements(orders, org):
    attention = attention_for(org.sean, TODAY)
    # Sales provides "Signed order forms" and "Credit notes": Jan..Jun periods, due a week after.
    overdue = [(s.service, p.start) for s, p in attention.overdue]
    assert ("Signed order forms", START) in overdue
    assert all(p.due < TODAY for _, p in attention.overdue)
    assert not attention_for(org.priya, TODAY)
    assert not attention_for(org.margaret, TODAY)


def test_a_recorded_period_is_no_longer_owed(orders, org):
    services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="99%", today=TODAY
    )
    overdue = [(s.pk, p.start) for s, p in attention_for(org.sam, TODAY).overdue]
    assert (orders.pk, START) not in overdue


def test_a_miss_is_owed_until_explained_then_the_recipient_owes_an_answer(orders, org):
    missed = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="50%", today=TODAY
    )
    assert attention_for(org.sean, TODAY).to_explain == [missed]
    explanation = services.explanation_write(
        measurement=missed,
        by=org.sean,
        what_happened="x",
        fix="y",
        prevention="z",
        fix_by=dt.date(2026, 8, 1),
    )
    assert attention_for(org.sean, TODAY).to_explain == []
    assert attention_for(org.fiona, TODAY).to_answer == [explanation]
    assert attention_for(org.fergus, TODAY).to_answer == []  # the head answers
    services.explanation_respond(explanation=explanation, by=org.fiona, acknowledge=False, note="?")
    assert attention_for(org.sean, TODAY).to_explain == [missed]
    assert attention_for(org.fiona, TODAY).to_answer == []


def test_home_panel_renders(orders, org):
    html = render_to_string(
        "monitoring/_home_panel.html", {"monitoring_attention": attention_for(org.sam, TODAY)}
    )
    assert "Overdue" in html and f"#measure-{orders.pk}" in html
    assert (
        render_to_string(
            "monitoring/_home_panel.html", {"monitoring_attention": attention_for(org.priya, TODAY)}
        ).strip()
        == ""
    )


def test_reminders_go_to_the_people_who_owe(
    orders, org, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_monitoring_reminders", today=TODAY, stdout=io.StringIO())
    run_tasks()
    recipients = sorted(m.to[0] for m in mail.outbox)
    # Sales owes measurements to Finance and Finance to Sales: both departments' people.
    assert recipients == [
        "fergus@example.org",
        "fiona@example.org",
        "sam@example.org",
        "sean@example.org",
    ]
    body = next(m.body for m in mail.outbox if m.to == ["sean@example.org"])
    assert "Measurements overdue" in body
    assert "Share of orders with complete paperwork (Sales for Finance)" in body
    assert "/monitoring/agreements/" in body


def test_reminders_dry_run_sends_nothing(orders, org, capsys):
    call_command("send_monitoring_reminders", "--dry-run", "--today", "2026-07-20")
    assert mail.outbox == []
    assert "sean@example.org" in capsys.readouterr().out
