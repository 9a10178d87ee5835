"""The heads' page: accept the arbiter (or object), then agree to be bound."""

from __future__ import annotations

from django.urls import reverse

from escalation.models import State


def _url(escalation) -> str:
    return reverse("escalation:heads", args=[escalation.pk])


def test_a_head_is_asked_to_accept(proposed, org, as_user):
    response = as_user(org.fiona).get(_url(proposed))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Arthur Kemp" in page
    assert 'value="respond"' in page


def test_a_member_reads_but_cannot_answer(proposed, org, as_user):
    response = as_user(org.fergus).get(_url(proposed))
    assert response.status_code == 200
    assert 'value="respond"' not in response.content.decode()
    response = as_user(org.fergus).post(_url(proposed), {"action": "respond", "decision": "accept"})
    assert response.status_code == 403
    assert "Only the heads" in response.content.decode()


def test_another_department_head_may_not_peek(proposed, org, as_user):
    assert as_user(org.olive).get(_url(proposed)).status_code == 403


def test_accepting_and_consenting(proposed, org, as_user):
    for head in (org.fiona, org.sam):
        response = as_user(head).post(_url(proposed), {"action": "respond", "decision": "accept"})
        assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_CONSENTS
    page = as_user(org.fiona).get(_url(proposed)).content.decode()
    assert 'value="consent"' in page
    for head in (org.fiona, org.sam):
        response = as_user(head).post(_url(proposed), {"action": "consent", "bound": "on"})
        assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == State.WITH_ARBITER


def test_an_objection_without_a_reason_rerenders(proposed, org, as_user):
    response = as_user(org.sam).post(_url(proposed), {"action": "respond", "decision": "object"})
    assert response.status_code == 400
    assert "Say why you object" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_ACCEPTANCE


def test_an_objection_with_a_reason(proposed, org, as_user):
    response = as_user(org.sam).post(
        _url(proposed),
        {"action": "respond", "decision": "object", "reason": "He reports to Finance."},
        follow=True,
    )
    assert "Your objection is recorded" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_PROPOSAL


def test_consenting_before_acceptance_is_refused(proposed, org, as_user):
    response = as_user(org.fiona).post(_url(proposed), {"action": "consent", "bound": "on"})
    assert response.status_code == 409
    assert "accept the arbiter" in response.content.decode()
    assert not proposed.consents.exists()


def test_consent_must_be_ticked(chosen, org, as_user):
    response = as_user(org.fiona).post(_url(chosen), {"action": "consent"})
    assert response.status_code == 400
    assert not chosen.consents.exists()
