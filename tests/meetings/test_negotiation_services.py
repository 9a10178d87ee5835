"""Every negotiation path of DOMAIN.md step 7, end to end on the database."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings import services
from meetings.models import ItemStatus, Move, Origin, Step
from meetings.rules import RuleError
from tests.meetings.helpers import drive_to, items_of

START = dt.date(2027, 2, 1)


@pytest.fixture
def responding(meeting, org):
    """Sales responds to Finance's first request."""
    drive_to(meeting, org, Step.B_RESPONDS)
    return meeting, items_of(meeting, org.finance)[0]


def status(item) -> str:
    item.refresh_from_db()
    return item.status


def counter(meeting, org, item, service="Order forms within five days"):
    services.response_counter(
        meeting=meeting,
        by=org.sam,
        item_id=item.pk,
        service=service,
        level="Five working days",
        start_date=START,
    )


def test_yes_agrees_with_the_start_date(responding, org):
    meeting, item = responding
    services.response_yes(
        meeting=meeting, by=org.sam, item_id=item.pk, start_date=START, milestones="Pilot first"
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.AGREED
    assert (item.agreed_service, item.agreed_start, item.agreed_origin) == (
        item.service,
        START,
        Origin.YES,
    )
    assert item.agreed_milestones == "Pilot first"


def test_counter_offer_accepted_is_agreed_on_the_counters_terms(responding, org):
    meeting, item = responding
    counter(meeting, org, item)
    assert status(item) == ItemStatus.COUNTER_OFFERED
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ACCEPT_COUNTER
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.AGREED
    assert item.agreed_service == "Order forms within five days"
    assert item.agreed_level == "Five working days"
    assert item.agreed_origin == Origin.COUNTER


def test_rejected_counter_needs_a_reason_then_a_new_counter(responding, org):
    meeting, item = responding
    counter(meeting, org, item)
    with pytest.raises(RuleError) as refusal:
        services.response_reply(
            meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.REJECT_COUNTER, text=" "
        )
    assert "reason" in refusal.value.message
    assert status(item) == ItemStatus.COUNTER_OFFERED
    services.response_reply(
        meeting=meeting,
        by=org.fiona,
        item_id=item.pk,
        kind=Move.Kind.REJECT_COUNTER,
        text="Five days is month end: too late.",
    )
    assert status(item) == ItemStatus.COUNTER_REJECTED
    counter(meeting, org, item, service="Order forms within three days")
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ACCEPT_COUNTER
    )
    item.refresh_from_db()
    assert item.agreed_service == "Order forms within three days"


def test_no_must_be_justified(responding, org):
    meeting, item = responding
    with pytest.raises(RuleError) as refusal:
        services.response_no(
            meeting=meeting, by=org.sam, item_id=item.pk, reason=Move.Reason.COST, explanation=""
        )
    assert "justified" in refusal.value.message
    with pytest.raises(RuleError):
        services.response_no(
            meeting=meeting, by=org.sam, item_id=item.pk, reason="bored", explanation="Because"
        )
    assert status(item) == ItemStatus.AWAITING_RESPONSE
    assert not item.moves.exists()


def test_no_accepted_withdraws_the_request(responding, org):
    meeting, item = responding
    services.response_no(
        meeting=meeting,
        by=org.sam,
        item_id=item.pk,
        reason=Move.Reason.RESOURCES,
        explanation="Nobody free until Q3.",
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ACCEPT_NO
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and item.settled_at is not None


def test_challenged_no_revised_to_yes(responding, org):
    meeting, item = responding
    services.response_no(
        meeting=meeting, by=org.sam, item_id=item.pk, reason="cost", explanation="Too dear."
    )
    services.response_reply(
        meeting=meeting,
        by=org.fiona,
        item_id=item.pk,
        kind=Move.Kind.CHALLENGE,
        text="It costs £3k and saves £40k.",
    )
    services.response_yes(meeting=meeting, by=org.sam, item_id=item.pk, start_date=START)
    assert status(item) == ItemStatus.AGREED


def test_maintained_no_then_an_offer_instead(responding, org):
    meeting, item = responding
    services.response_no(
        meeting=meeting, by=org.sam, item_id=item.pk, reason="other", explanation="Policy."
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.CHALLENGE, text="Which?"
    )
    services.response_reply(
        meeting=meeting, by=org.sam, item_id=item.pk, kind=Move.Kind.MAINTAIN, text="Board policy."
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ASK_OFFER
    )
    assert status(item) == ItemStatus.OFFER_REQUESTED
    counter(meeting, org, item, service="Weekly batch of order forms")
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ACCEPT_COUNTER
    )
    item.refresh_from_db()
    assert (item.status, item.agreed_service) == (ItemStatus.AGREED, "Weekly batch of order forms")


def test_no_offer_is_an_impasse_and_goes_to_escalation(responding, org):
    meeting, item = responding
    services.response_no(
        meeting=meeting, by=org.sam, item_id=item.pk, reason="resources", explanation="None."
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.CHALLENGE, text="Really?"
    )
    services.response_reply(
        meeting=meeting, by=org.sam, item_id=item.pk, kind=Move.Kind.MAINTAIN, text="Really."
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.ASK_OFFER
    )
    with pytest.raises(RuleError):
        services.item_escalate(meeting=meeting, by=org.priya, item_id=item.pk)
    services.response_reply(
        meeting=meeting, by=org.sam, item_id=item.pk, kind=Move.Kind.NO_OFFER, text="Nothing."
    )
    assert status(item) == ItemStatus.IMPASSE
    with pytest.raises(RuleError) as refusal:
        services.item_escalate(meeting=meeting, by=org.sean, item_id=item.pk)
    assert refusal.value.status == 403
    services.item_escalate(meeting=meeting, by=org.priya, item_id=item.pk, note="Deadlock")
    assert status(item) == ItemStatus.ESCALATED
    assert meeting.events.filter(kind="escalated", item=item).exists()


def test_a_rejected_counter_can_be_escalated_by_either_head(responding, org):
    meeting, item = responding
    counter(meeting, org, item)
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.REJECT_COUNTER, text="No."
    )
    services.item_escalate(meeting=meeting, by=org.fiona, item_id=item.pk)
    assert status(item) == ItemStatus.ESCALATED


def test_it_is_not_the_requesters_turn_to_answer(responding, org):
    meeting, item = responding
    with pytest.raises(RuleError) as refusal:
        services.response_yes(meeting=meeting, by=org.fiona, item_id=item.pk, start_date=START)
    assert refusal.value.status == 403
    assert "Sales' turn" in refusal.value.message
    with pytest.raises(RuleError) as refusal:
        services.response_yes(meeting=meeting, by=org.sean, item_id=item.pk, start_date=START)
    assert refusal.value.status == 403
    assert status(item) == ItemStatus.AWAITING_RESPONSE


def test_user_text_with_braces_is_recorded_verbatim(responding, org):
    meeting, item = responding
    counter(meeting, org, item, service="Forms {within} 5 days")
    event = meeting.events.order_by("-seq").first()
    assert "Forms {within} 5 days" in event.description


def test_arbiter_outcome_settles_an_escalated_request(responding, org):
    meeting, item = responding
    counter(meeting, org, item)
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.REJECT_COUNTER, text="No."
    )
    services.item_escalate(meeting=meeting, by=org.priya, item_id=item.pk)
    services.item_settle_by_arbiter(
        item=item,
        service="Forms within four days",
        level="Four working days",
        start_date=START,
        description="The arbiter decided: four days.",
    )
    item.refresh_from_db()
    assert (item.status, item.agreed_origin) == (ItemStatus.AGREED, Origin.ARBITER)
