"""Emails when an escalation opens, its arbiter is proposed and chosen, and it resolves."""

from __future__ import annotations

import pytest

from escalation import services
from escalation.models import Outcome


def _to(message) -> set[str]:
    return set(message.to)


def test_opening_tells_the_facilitator_and_both_heads(escalation, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert _to(message) == {"priya@example.org", "fiona@example.org", "sam@example.org"}
    assert "Signed order forms" in message.subject
    assert f"/escalations/{escalation.pk}/" in message.body


def test_proposing_asks_both_heads(escalation, org, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.arthur)
    assert len(mailoutbox) == 1
    assert _to(mailoutbox[0]) == {"fiona@example.org", "sam@example.org"}
    assert "Arthur Kemp" in mailoutbox[0].body


def test_nothing_is_sent_when_the_transaction_fails(escalation, org, mailoutbox):
    mailoutbox.clear()
    with pytest.raises(services.EscalationRefused):
        services.escalation_propose_arbiter(escalation=escalation, by=org.fiona, arbiter=org.arthur)
    assert mailoutbox == []


def test_an_objection_tells_the_facilitator(
    proposed, org, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(
            escalation=proposed, by=org.sam, accept=False, reason="Too close to Finance."
        )
    assert len(mailoutbox) == 1
    assert _to(mailoutbox[0]) == {"priya@example.org"}
    assert "Too close to Finance." in mailoutbox[0].body


def test_choosing_tells_the_arbiter_and_asks_for_consent(
    proposed, org, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    by_subject = {m.subject: m for m in mailoutbox}
    assert _to(by_subject["You are the arbiter for “Signed order forms”"]) == {"arthur@example.org"}
    consent = by_subject["Your consent is needed: “Signed order forms”"]
    assert _to(consent) == {"fiona@example.org", "sam@example.org"}
    assert "bound" in consent.body


def test_both_consents_tell_the_arbiter(
    chosen, org, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_consent(escalation=chosen, by=org.fiona)
        services.escalation_consent(escalation=chosen, by=org.sam)
    assert len(mailoutbox) == 1
    assert _to(mailoutbox[0]) == {"arthur@example.org"}


def test_the_outcome_tells_everyone_involved(
    with_arbiter, org, start, mailoutbox, django_capture_on_commit_callbacks
):
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
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert _to(message) == {
        "priya@example.org",
        "fiona@example.org",
        "sam@example.org",
        "arthur@example.org",
    }
    assert "Forms, weekly (Every Friday)" in message.body
    assert "They agreed a weekly batch." in message.body
