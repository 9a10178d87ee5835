"""The arbiter's work: notes, sessions and the outcome, only after both consents."""

from __future__ import annotations

import pytest

from escalation import services
from escalation.models import Outcome, State
from escalation.services import EscalationRefused
from meetings.models import Event, ItemStatus, Origin


def test_the_arbiter_cannot_act_before_both_consents(chosen, org, start):
    services.escalation_consent(escalation=chosen, by=org.fiona)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_add_note(escalation=chosen, by=org.arthur, text="First thoughts")
    assert refused.value.status == 409
    assert "both heads" in refused.value.message
    with pytest.raises(EscalationRefused):
        services.escalation_record_outcome(
            escalation=chosen,
            by=org.arthur,
            kind=Outcome.Kind.FACILITATED,
            reasoning="Agreed.",
            service="Forms",
            level="Weekly",
            start_date=start,
        )
    assert not chosen.notes.exists()
    assert not Outcome.objects.exists()


def test_a_proposed_arbiter_cannot_act(proposed, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_add_note(escalation=proposed, by=org.arthur, text="Hello")
    assert refused.value.status == 403


@pytest.mark.parametrize("who", ["priya", "fiona", "sam", "margaret"])
def test_only_the_arbiter_writes_notes(with_arbiter, org, who):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_add_note(escalation=with_arbiter, by=getattr(org, who), text="x")
    assert refused.value.status == 403


def test_the_arbiter_keeps_notes(with_arbiter, org):
    note = services.escalation_add_note(
        escalation=with_arbiter, by=org.arthur, text="  Both want faster invoicing.  "
    )
    assert note.text == "Both want faster invoicing."
    with pytest.raises(EscalationRefused):
        services.escalation_add_note(escalation=with_arbiter, by=org.arthur, text="   ")


def test_the_arbiter_records_a_session(with_arbiter, org, start):
    session = services.escalation_record_session(
        escalation=with_arbiter,
        by=org.arthur,
        held_on=start,
        attendees=[org.fiona, org.sam, org.arthur],
        notes="Explored a weekly batch.",
    )
    assert set(session.attendees.all()) == {org.fiona, org.sam, org.arthur}
    with pytest.raises(EscalationRefused):
        services.escalation_record_session(
            escalation=with_arbiter, by=org.arthur, held_on=start, attendees=[], notes="x"
        )


def test_a_facilitated_outcome_settles_the_request(with_arbiter, org, start):
    outcome = services.escalation_record_outcome(
        escalation=with_arbiter,
        by=org.arthur,
        kind=Outcome.Kind.FACILITATED,
        reasoning="Sales can batch forms weekly with a template from Finance.",
        service="Signed order forms, batched weekly",
        level="Every Friday",
        start_date=start,
    )
    with_arbiter.refresh_from_db()
    assert with_arbiter.state == State.RESOLVED
    assert outcome.decided_by == org.arthur
    item = with_arbiter.item
    item.refresh_from_db()
    assert item.status == ItemStatus.AGREED
    assert item.agreed_origin == Origin.ARBITER
    assert (item.agreed_service, item.agreed_level, item.agreed_start) == (
        "Signed order forms, batched weekly",
        "Every Friday",
        start,
    )
    event = Event.objects.get(kind="arbiter_outcome")
    assert "agreed with the arbiter's help" in event.description


def test_deciding_asks_that_facilitation_was_tried(with_arbiter, org, start):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_record_outcome(
            escalation=with_arbiter,
            by=org.arthur,
            kind=Outcome.Kind.DECIDED,
            reasoning="Cost outweighs benefit.",
            no_service_owed=True,
        )
    assert refused.value.status == 409
    assert "facilitation" in refused.value.message or "agreement" in refused.value.message
    assert not Outcome.objects.exists()


def test_a_decision_that_no_service_is_owed(with_arbiter, org):
    outcome = services.escalation_record_outcome(
        escalation=with_arbiter,
        by=org.arthur,
        kind=Outcome.Kind.DECIDED,
        reasoning="The cost outweighs the benefit.",
        no_service_owed=True,
        service="ignored",
        facilitation_tried=True,
    )
    assert outcome.no_service_owed and outcome.service == ""
    assert outcome.terms_text == "No service is owed."
    item = with_arbiter.item
    item.refresh_from_db()
    assert item.status == ItemStatus.ESCALATED


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"level": "Weekly"}, "service"),
        ({"service": "Forms"}, "level"),
        ({"service": "Forms", "level": "Weekly"}, "date"),
    ],
)
def test_terms_must_be_complete(with_arbiter, org, terms, message):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_record_outcome(
            escalation=with_arbiter,
            by=org.arthur,
            kind=Outcome.Kind.FACILITATED,
            reasoning="Agreed.",
            **terms,
        )
    assert message in refused.value.message


def test_the_outcome_is_recorded_once(with_arbiter, org):
    kwargs = {
        "escalation": with_arbiter,
        "by": org.arthur,
        "kind": Outcome.Kind.DECIDED,
        "reasoning": "No.",
        "no_service_owed": True,
        "facilitation_tried": True,
    }
    services.escalation_record_outcome(**kwargs)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_record_outcome(**kwargs)
    assert refused.value.status == 409


def test_the_outcome_goes_to_the_agreement(with_arbiter, org, start, monkeypatch):
    from agreements import services as agreement_services

    calls = []
    monkeypatch.setattr(
        agreement_services, "sla_apply_escalation_outcome", lambda **kw: calls.append(kw)
    )
    services.escalation_record_outcome(
        escalation=with_arbiter,
        by=org.arthur,
        kind=Outcome.Kind.FACILITATED,
        reasoning="Agreed together.",
        service="Forms",
        level="Weekly",
        start_date=start,
    )
    assert len(calls) == 1
    call = calls[0]
    assert call["item"].pk == with_arbiter.item_id
    assert call["item"].status == ItemStatus.AGREED
    assert call["service"] == "Forms" and call["level"] == "Weekly"
    assert call["start_date"] == start
    assert call["no_service_owed"] is False
    assert call["reasoning"] == "Agreed together."
    assert call["by"] == org.arthur
