"""Emails when an escalation opens, its arbiter is proposed and chosen, and it resolves.

Each person gets their own email, queued in the outbox with the change and
sent by the worker (here: ``run_tasks``).
"""

from __future__ import annotations

import pytest

from escalation import services
from escalation.models import Outcome
from notifications.models import Outbox
from notifications.services import preferences_set


def sent(mailoutbox, run_tasks) -> dict[str, set[str]]:
    """Run the worker's tasks; then each subject sent, with who received it."""
    run_tasks()
    by_subject: dict[str, set[str]] = {}
    for message in mailoutbox:
        assert len(message.to) == 1  # one person an email
        by_subject.setdefault(message.subject, set()).update(message.to)
    return by_subject


def test_opening_tells_the_facilitator_and_both_heads(escalation, mailoutbox, run_tasks):
    ((subject, recipients),) = sent(mailoutbox, run_tasks).items()
    assert recipients == {"priya@example.org", "fiona@example.org", "sam@example.org"}
    assert "Signed order forms" in subject
    assert all(f"/escalations/{escalation.pk}/" in m.body for m in mailoutbox)


def test_the_notice_is_queued_with_the_change_and_sent_once(escalation, mailoutbox, run_tasks):
    assert Outbox.objects.filter(kind="escalation", sent_at__isnull=True).count() == 3
    run_tasks()
    run_tasks()
    assert len(mailoutbox) == 3
    assert not Outbox.objects.filter(sent_at__isnull=True).exists()


def test_proposing_asks_both_heads(
    escalation, org, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.arthur)
    (recipients,) = sent(mailoutbox, run_tasks).values()
    assert recipients == {"fiona@example.org", "sam@example.org"}
    assert all("Arthur Kemp" in m.body for m in mailoutbox)


def test_nothing_is_queued_when_the_transaction_fails(escalation, org, mailoutbox, run_tasks):
    run_tasks()
    mailoutbox.clear()
    before = Outbox.objects.count()
    with pytest.raises(services.EscalationRefused):
        services.escalation_propose_arbiter(escalation=escalation, by=org.fiona, arbiter=org.arthur)
    assert Outbox.objects.count() == before
    assert sent(mailoutbox, run_tasks) == {}


def test_an_objection_tells_the_facilitator(
    proposed, org, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(
            escalation=proposed, by=org.sam, accept=False, reason="Too close to Finance."
        )
    assert list(sent(mailoutbox, run_tasks).values()) == [{"priya@example.org"}]
    assert "Too close to Finance." in mailoutbox[0].body


def test_a_second_proposal_is_a_new_notice(
    proposed, org, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(
            escalation=proposed, by=org.sam, accept=False, reason="Too close to Finance."
        )
    run_tasks()
    mailoutbox.clear()
    proposed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_propose_arbiter(escalation=proposed, by=org.priya, arbiter=org.arthur)
    assert list(sent(mailoutbox, run_tasks).values()) == [{"fiona@example.org", "sam@example.org"}]


def test_choosing_tells_the_arbiter_and_asks_for_consent(
    proposed, org, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    assert sent(mailoutbox, run_tasks) == {}
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    by_subject = sent(mailoutbox, run_tasks)
    assert by_subject["You are the arbiter for “Signed order forms”"] == {"arthur@example.org"}
    assert by_subject["Your consent is needed: “Signed order forms”"] == {
        "fiona@example.org",
        "sam@example.org",
    }
    consent = next(m for m in mailoutbox if m.subject.startswith("Your consent"))
    assert "bound" in consent.body


def test_both_consents_tell_the_arbiter(
    chosen, org, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_consent(escalation=chosen, by=org.fiona)
        services.escalation_consent(escalation=chosen, by=org.sam)
    assert list(sent(mailoutbox, run_tasks).values()) == [{"arthur@example.org"}]


def test_the_outcome_tells_everyone_involved(
    with_arbiter, org, start, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_record_outcome(
            escalation=with_arbiter,
            by=org.arthur,
            kind=Outcome.Kind.FACILITATED,
            reasoning="They agreed a weekly batch.",
            service="Forms, weekly",
            level="Every Friday",
            start_date=start,
        )
    by_subject = sent(mailoutbox, run_tasks)
    (recipients,) = (r for s, r in by_subject.items() if s.startswith("Outcome recorded"))
    assert recipients == {
        "priya@example.org",
        "fiona@example.org",
        "sam@example.org",
        "arthur@example.org",
    }
    message = next(m for m in mailoutbox if m.subject.startswith("Outcome recorded"))
    assert "Forms, weekly (Every Friday)" in message.body
    assert "They agreed a weekly batch." in message.body


def test_someone_who_turned_escalation_emails_off_is_not_told_the_outcome(
    with_arbiter, org, start, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    preferences_set(user=org.sam, off={"escalation"})
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_record_outcome(
            escalation=with_arbiter,
            by=org.arthur,
            kind=Outcome.Kind.FACILITATED,
            reasoning="They agreed a weekly batch.",
            service="Forms, weekly",
            level="Every Friday",
            start_date=start,
        )
    by_subject = sent(mailoutbox, run_tasks)
    (recipients,) = (r for s, r in by_subject.items() if s.startswith("Outcome recorded"))
    assert recipients == {"priya@example.org", "fiona@example.org", "arthur@example.org"}
