"""Opening an escalation and choosing its arbiter: proposal, acceptance, consent."""

from __future__ import annotations

import pytest

from escalation import services
from escalation.models import ArbiterProposal, Escalation, State
from escalation.services import EscalationRefused
from meetings.models import ItemStatus
from organisation.models import OrgRole
from tests.factories import give_role, make_user


def test_escalating_in_the_meeting_opens_an_escalation(escalation, item, org):
    assert escalation.state == State.AWAITING_PROPOSAL
    assert escalation.meeting == item.need_list.meeting
    assert escalation.opened_by == org.priya
    assert escalation.note == "No way forward."
    item.refresh_from_db()
    assert item.status == ItemStatus.ESCALATED


def test_an_item_is_escalated_once(escalation, item, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_open(item=item, by=org.priya)
    assert refused.value.status == 409
    assert Escalation.objects.count() == 1


def test_the_facilitator_proposes_an_arbiter(escalation, org):
    proposal = services.escalation_propose_arbiter(
        escalation=escalation, by=org.priya, arbiter=org.arthur, note="Senior, impartial."
    )
    escalation.refresh_from_db()
    assert escalation.state == State.AWAITING_ACCEPTANCE
    assert escalation.arbiter == org.arthur
    assert proposal.status == ArbiterProposal.Status.PENDING


def test_a_manager_may_be_proposed(escalation, org):
    services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.margaret)
    escalation.refresh_from_db()
    assert escalation.arbiter == org.margaret


@pytest.mark.parametrize("who", ["fiona", "sam", "arthur", "margaret"])
def test_only_the_facilitator_proposes(escalation, org, who):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_propose_arbiter(
            escalation=escalation, by=getattr(org, who), arbiter=org.arthur
        )
    assert refused.value.status == 403
    escalation.refresh_from_db()
    assert escalation.arbiter is None


def test_an_arbiter_from_either_department_is_refused(escalation, org):
    give_role(org.fergus, OrgRole.Role.ARBITER)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.fergus)
    assert refused.value.status == 409
    assert "neither department" in refused.value.message
    escalation.refresh_from_db()
    assert escalation.state == State.AWAITING_PROPOSAL


def test_someone_without_the_role_is_refused(escalation, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.olive)
    assert "arbiter or manager role" in refused.value.message


def test_a_second_proposal_waits_for_the_heads(proposed, org):
    other = make_user("otto")
    give_role(other, OrgRole.Role.ARBITER)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_propose_arbiter(escalation=proposed, by=org.priya, arbiter=other)
    assert refused.value.status == 409


def test_both_heads_accepting_chooses_the_arbiter(proposed, org):
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_ACCEPTANCE
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_CONSENTS
    assert proposed.current_proposal.status == ArbiterProposal.Status.ACCEPTED


def test_an_objection_needs_a_reason(proposed, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=False)
    assert refused.value.status == 409
    assert not proposed.current_proposal.responses.exists()


def test_an_objection_sends_it_back_to_the_facilitator(proposed, org):
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    services.escalation_respond_to_arbiter(
        escalation=proposed, by=org.sam, accept=False, reason="He reports to Finance."
    )
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_PROPOSAL
    assert proposed.arbiter is None
    first = proposed.proposals.get()
    assert first.status == ArbiterProposal.Status.OBJECTED
    assert first.responses.get(department=org.sales).reason == "He reports to Finance."
    # The facilitator proposes again, and both heads answer afresh.
    services.escalation_propose_arbiter(escalation=proposed, by=org.priya, arbiter=org.margaret)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    proposed.refresh_from_db()
    assert proposed.state == State.AWAITING_CONSENTS
    assert proposed.arbiter == org.margaret


@pytest.mark.parametrize("who", ["fergus", "sean", "priya", "olive", "arthur"])
def test_only_the_two_heads_respond(proposed, org, who):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_respond_to_arbiter(
            escalation=proposed, by=getattr(org, who), accept=True
        )
    assert refused.value.status == 403


def test_a_head_responds_once(proposed, org):
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_respond_to_arbiter(
            escalation=proposed, by=org.fiona, accept=False, reason="Changed my mind"
        )
    assert refused.value.status == 409


def test_responding_before_a_proposal_is_refused(escalation, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_respond_to_arbiter(escalation=escalation, by=org.fiona, accept=True)
    assert refused.value.status == 409


def test_consent_before_the_arbiter_is_accepted_is_refused(proposed, org):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_consent(escalation=proposed, by=org.fiona)
    assert refused.value.status == 409
    assert not proposed.consents.exists()


def test_both_consents_hand_it_to_the_arbiter(chosen, org):
    consent = services.escalation_consent(escalation=chosen, by=org.fiona)
    assert (consent.head, consent.department) == (org.fiona, org.finance)
    assert consent.at is not None
    chosen.refresh_from_db()
    assert chosen.state == State.AWAITING_CONSENTS
    services.escalation_consent(escalation=chosen, by=org.sam)
    chosen.refresh_from_db()
    assert chosen.state == State.WITH_ARBITER


def test_a_head_consents_once(chosen, org):
    services.escalation_consent(escalation=chosen, by=org.fiona)
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_consent(escalation=chosen, by=org.fiona)
    assert refused.value.status == 409


@pytest.mark.parametrize("who", ["fergus", "priya", "arthur", "olive"])
def test_only_heads_consent(chosen, org, who):
    with pytest.raises(EscalationRefused) as refused:
        services.escalation_consent(escalation=chosen, by=getattr(org, who))
    assert refused.value.status == 403
