"""The facilitator's page to propose an arbiter."""

from __future__ import annotations

from django.urls import reverse

from escalation.models import State
from organisation.models import OrgRole
from tests.factories import give_role


def _url(escalation) -> str:
    return reverse("escalation:propose", args=[escalation.pk])


def test_the_facilitator_sees_the_eligible_people(escalation, org, as_user):
    give_role(org.fergus, OrgRole.Role.ARBITER)
    response = as_user(org.priya).get(_url(escalation))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Arthur Kemp" in page and "Margaret Hale" in page
    assert "Fergus Lane" not in page


def test_proposing(escalation, org, as_user):
    response = as_user(org.priya).post(_url(escalation), {"arbiter": org.arthur.pk, "note": "Fair"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.state == State.AWAITING_ACCEPTANCE
    assert escalation.arbiter == org.arthur


def test_someone_from_a_department_cannot_be_chosen(escalation, org, as_user):
    give_role(org.fergus, OrgRole.Role.ARBITER)
    response = as_user(org.priya).post(_url(escalation), {"arbiter": org.fergus.pk})
    assert response.status_code == 400
    escalation.refresh_from_db()
    assert escalation.arbiter is None


def test_a_head_may_not_propose(escalation, org, as_user):
    assert as_user(org.fiona).get(_url(escalation)).status_code == 403
    response = as_user(org.fiona).post(_url(escalation), {"arbiter": org.arthur.pk})
    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.arbiter is None


def test_proposing_twice_is_refused_with_a_message(proposed, org, as_user):
    response = as_user(org.priya).post(_url(proposed), {"arbiter": org.margaret.pk})
    assert response.status_code == 409
    assert "already been proposed" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.arbiter == org.arthur
