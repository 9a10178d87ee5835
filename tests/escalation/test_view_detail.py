"""The arbiter's workspace: the thread, notes, sessions and the outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalation.models import Outcome, State
from meetings.models import ItemStatus


def _url(escalation) -> str:
    return reverse("escalation:detail", args=[escalation.pk])


@pytest.mark.parametrize("who", ["priya", "fiona", "sam", "fergus", "sean", "margaret"])
def test_the_parties_can_read_it(escalation, org, as_user, who):
    response = as_user(getattr(org, who)).get(_url(escalation))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Nothing to offer this quarter." in page  # the thread
    assert "The resources are not available" in page


def test_a_head_of_another_department_may_not_peek(escalation, org, as_user):
    response = as_user(org.olive).get(_url(escalation))
    assert response.status_code == 403


def test_a_proposed_arbiter_does_not_see_it_yet(proposed, org, as_user):
    assert as_user(org.arthur).get(_url(proposed)).status_code == 403


def test_the_chosen_arbiter_sees_it_and_waits_for_consents(chosen, org, as_user):
    response = as_user(org.arthur).get(_url(chosen))
    assert response.status_code == 200
    page = response.content.decode()
    assert "once both heads have agreed to be bound" in page
    assert 'value="outcome"' not in page


def test_acting_before_both_consents_is_refused_with_a_message(chosen, org, as_user):
    response = as_user(org.arthur).post(
        _url(chosen), {"action": "note", "note-text": "Early thoughts"}
    )
    assert response.status_code == 409
    assert "both heads have agreed to be bound" in response.content.decode()
    assert not chosen.notes.exists()


def test_the_arbiter_sees_the_forms(with_arbiter, org, as_user):
    page = as_user(org.arthur).get(_url(with_arbiter)).content.decode()
    for action in ("note", "session", "outcome"):
        assert f'value="{action}"' in page


def test_a_head_sees_no_arbiter_forms(with_arbiter, org, as_user):
    page = as_user(org.fiona).get(_url(with_arbiter)).content.decode()
    assert 'value="outcome"' not in page


def test_adding_a_note(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(
        _url(with_arbiter), {"action": "note", "note-text": "Both want faster invoicing."}
    )
    assert response.status_code == 302
    assert with_arbiter.notes.get().text == "Both want faster invoicing."


def test_adding_a_note_with_htmx_returns_the_notes(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(
        _url(with_arbiter),
        {"action": "note", "note-text": "Talked to both."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="escalation-notes"' in page
    assert "Talked to both." in page
    assert "<h1" not in page


def test_an_empty_note_rerenders_with_a_message(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(_url(with_arbiter), {"action": "note", "note-text": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not with_arbiter.notes.exists()


def test_someone_else_posting_a_note_is_refused(with_arbiter, org, as_user):
    response = as_user(org.fiona).post(
        _url(with_arbiter), {"action": "note", "note-text": "I am the arbiter now"}
    )
    assert response.status_code == 403
    assert "Only the chosen arbiter" in response.content.decode()
    assert not with_arbiter.notes.exists()


def test_recording_a_session(with_arbiter, org, as_user, start):
    response = as_user(org.arthur).post(
        _url(with_arbiter),
        {
            "action": "session",
            "session-held_on": start.isoformat(),
            "session-attendees": [org.fiona.pk, org.sam.pk],
            "session-notes": "Explored a weekly batch.",
        },
    )
    assert response.status_code == 302
    session = with_arbiter.sessions.get()
    assert set(session.attendees.all()) == {org.fiona, org.sam}


def test_an_outsider_cannot_be_an_attendee(with_arbiter, org, as_user, start):
    response = as_user(org.arthur).post(
        _url(with_arbiter),
        {
            "action": "session",
            "session-held_on": start.isoformat(),
            "session-attendees": [org.olive.pk],
            "session-notes": "x",
        },
    )
    assert response.status_code == 400
    assert not with_arbiter.sessions.exists()


def _outcome(**overrides) -> dict:
    data = {
        "action": "outcome",
        "outcome-kind": "facilitated",
        "outcome-service": "Signed order forms, batched weekly",
        "outcome-level": "Every Friday",
        "outcome-start_date": "2027-01-04",
        "outcome-reasoning": "Both sides agreed a weekly batch.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_recording_a_facilitated_outcome(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(_url(with_arbiter), _outcome(), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The outcome is recorded" in page
    assert "Signed order forms, batched weekly (Every Friday), from 4 January 2027" in page
    with_arbiter.refresh_from_db()
    assert with_arbiter.state == State.RESOLVED
    assert with_arbiter.item.status == ItemStatus.AGREED


def test_deciding_without_confirming_facilitation_rerenders(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(_url(with_arbiter), _outcome(**{"outcome-kind": "decided"}))
    assert response.status_code == 400
    assert "confirm that you tried facilitation" in response.content.decode()
    assert not Outcome.objects.exists()


def test_deciding_with_confirmation(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(
        _url(with_arbiter),
        _outcome(
            **{
                "outcome-kind": "decided",
                "outcome-facilitation_tried": "on",
                "outcome-no_service_owed": "on",
                "outcome-service": None,
                "outcome-level": None,
                "outcome-start_date": None,
            }
        ),
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.kind == "decided" and outcome.no_service_owed


def test_terms_and_no_service_owed_together_rerender(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(
        _url(with_arbiter), _outcome(**{"outcome-no_service_owed": "on"})
    )
    assert response.status_code == 400
    assert not Outcome.objects.exists()


def test_an_unknown_action_is_refused(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(_url(with_arbiter), {"action": "delete"})
    assert response.status_code == 409


def test_a_missing_escalation_is_404(org, as_user, db):
    assert as_user(org.priya).get(reverse("escalation:detail", args=[999])).status_code == 404


def test_an_empty_note_with_htmx_rerenders_the_notes(with_arbiter, org, as_user):
    response = as_user(org.arthur).post(
        _url(with_arbiter), {"action": "note", "note-text": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="escalation-notes"' in page and "<h1" not in page
    assert "This field is required" in page


def test_a_refused_note_with_htmx_shows_the_refusal_in_the_notes(with_arbiter, org, as_user):
    from escalation import services

    services.escalation_record_outcome(
        escalation=with_arbiter,
        by=org.arthur,
        kind=Outcome.Kind.DECIDED,
        reasoning="No.",
        no_service_owed=True,
        facilitation_tried=True,
    )
    response = as_user(org.arthur).post(
        _url(with_arbiter), {"action": "note", "note-text": "Late"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="escalation-notes"' in page and "<h1" not in page
    assert "This escalation is resolved" in page


def test_a_manager_outside_the_remit_may_not_peek(escalation, org, as_user):
    from organisation.models import OrgRole
    from tests.factories import give_role, make_user

    outsider = make_user("max")
    give_role(outsider, OrgRole.Role.MANAGER, remit=[org.operations])
    assert as_user(outsider).get(_url(escalation)).status_code == 403
    insider = make_user("mia")
    give_role(insider, OrgRole.Role.MANAGER, remit=[org.finance])
    assert as_user(insider).get(_url(escalation)).status_code == 200


def test_the_arbiter_can_follow_the_meeting(chosen, org, as_user, meeting):
    response = as_user(org.arthur).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
