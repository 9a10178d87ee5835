"""Who sees which escalation, and what each person has to do on it."""

from __future__ import annotations

import pytest

from escalation import selectors, services
from escalation.models import Outcome
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_meeting, make_user


def _needing(user) -> list[tuple[int, bool, str]]:
    return [
        (e.pk, e.needs_action_by_user, e.action_label) for e in selectors.escalations_for_user(user)
    ]


def test_the_facilitator_is_asked_to_propose(escalation, org):
    [(pk, needs, label)] = _needing(org.priya)
    assert pk == escalation.pk and needs and label == "Propose an arbiter"
    assert _needing(org.fiona) == [(escalation.pk, False, "")]


def test_heads_are_asked_to_accept_until_they_answer(proposed, org):
    assert _needing(org.fiona)[0][1] is True
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    assert _needing(org.fiona)[0][1] is False
    assert _needing(org.sam)[0][1] is True
    assert _needing(org.priya)[0][1] is False


def test_heads_are_asked_to_consent(chosen, org):
    assert _needing(org.sam)[0][2] == "Agree to be bound by the outcome"
    services.escalation_consent(escalation=chosen, by=org.sam)
    assert _needing(org.sam)[0][1] is False


def test_the_arbiter_sees_it_once_chosen_and_acts_after_consents(proposed, org):
    assert _needing(org.arthur) == []
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    assert _needing(org.arthur) == [(proposed.pk, False, "")]
    services.escalation_consent(escalation=proposed, by=org.fiona)
    services.escalation_consent(escalation=proposed, by=org.sam)
    assert _needing(org.arthur)[0][1] is True


def test_nothing_needed_once_resolved(with_arbiter, org):
    services.escalation_record_outcome(
        escalation=with_arbiter,
        by=org.arthur,
        kind=Outcome.Kind.DECIDED,
        reasoning="No.",
        no_service_owed=True,
        facilitation_tried=True,
    )
    for user in (org.arthur, org.fiona, org.sam, org.priya):
        assert [needs for _pk, needs, _label in _needing(user)] == [False]


@pytest.mark.parametrize("who", ["fergus", "sean", "margaret"])
def test_members_and_managers_see_it(escalation, org, who):
    assert _needing(getattr(org, who)) == [(escalation.pk, False, "")]


def test_others_see_nothing(escalation, org):
    assert _needing(org.olive) == []
    assert _needing(org.arthur) == []  # not (yet) the arbiter


def test_a_manager_outside_the_remit_sees_nothing(escalation, org):
    outsider = make_user("max")
    give_role(outsider, OrgRole.Role.MANAGER, remit=[org.operations])
    assert _needing(outsider) == []
    insider = make_user("mia")
    give_role(insider, OrgRole.Role.MANAGER, remit=[org.sales])
    assert len(_needing(insider)) == 1


def test_needing_you_comes_first(escalation, org):
    # A second escalation, in another exchange the facilitator also runs, already proposed.
    other = make_meeting(
        department_a=org.operations, department_b=make_department("Legal"), facilitator=org.priya
    )
    from escalation.models import Escalation
    from tests.factories import make_item

    item = make_item(other.need_list_for(org.operations), "Contracts checked")
    later = Escalation.objects.create(item=item, meeting=other, opened_by=org.priya)
    services.escalation_propose_arbiter(escalation=later, by=org.priya, arbiter=org.margaret)
    assert [pk for pk, _n, _l in _needing(org.priya)] == [escalation.pk, later.pk]


def test_is_arbiter_in_meeting(proposed, org, meeting):
    assert not selectors.is_arbiter_in_meeting(user=org.arthur, meeting=meeting)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    assert selectors.is_arbiter_in_meeting(user=org.arthur, meeting=meeting)
    assert not selectors.is_arbiter_in_meeting(user=org.margaret, meeting=meeting)


def test_eligible_arbiters_exclude_both_departments(escalation, org):
    give_role(org.fergus, OrgRole.Role.MANAGER)
    assert set(selectors.eligible_arbiters(escalation)) == {org.arthur, org.margaret}


def test_the_thread_reads_in_order(escalation, org):
    entries = selectors.escalation_thread(escalation)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "Request presented"
    assert kinds[1:] == ["No", "Nothing can be offered", "Escalated to an arbiter"]
    no = entries[1]
    assert no.who == "Samira Okafor" and no.side == "b"
    assert ("Reason", "The resources are not available") in no.details
