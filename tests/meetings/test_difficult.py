"""A meeting flagged as likely to be difficult opens only once a facilitator has accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import rules, services
from meetings.models import Step
from meetings.rules import Role, RuleError
from tests.meetings.helpers import prepare


@pytest.fixture
def agreed(org):
    meeting = services.meeting_call(
        by=org.fiona,
        department_a=org.finance,
        department_b=org.sales,
        scheduled_for=timezone.now() + dt.timedelta(days=7),
        place="Board room",
    )
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    prepare(meeting, org)
    return meeting


def flag(meeting, head, department):
    services.need_list_update_settings(
        need_list=meeting.need_list_for(department),
        by=head,
        members_may_edit=False,
        flagged_difficult=True,
        difficulty_note="Last year's row about credit notes.",
    )


def test_a_meeting_flagged_difficult_cannot_open_without_an_accepted_facilitator(agreed, org):
    flag(agreed, org.sam, org.sales)
    with pytest.raises(RuleError, match="a facilitator must be invited and accept") as refusal:
        services.meeting_advance(meeting=agreed, by=org.fiona)
    assert refusal.value.status == 409
    agreed.refresh_from_db()
    assert agreed.step == Step.PREPARATION

    services.meeting_facilitator_invite(meeting=agreed, by=org.fiona, facilitator=org.priya)
    agreed.refresh_from_db()
    # Invited is not enough: the invitation must be accepted.
    with pytest.raises(RuleError, match="the invited facilitator must accept before it can open"):
        services.meeting_advance(meeting=agreed, by=org.fiona)
    assert rules.waiting_for(agreed).roles == (Role.FACILITATOR,)

    services.meeting_invitation_answer(meeting=agreed, by=org.priya, accept=True)
    agreed.refresh_from_db()
    # The facilitator now chairs: the head of A no longer may move the meeting on.
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=agreed, by=org.fiona)
    assert refusal.value.status == 403
    services.meeting_advance(meeting=agreed, by=org.priya)
    agreed.refresh_from_db()
    assert agreed.step == Step.OPENING


def test_a_declined_invitation_leaves_the_meeting_closed_to_opening(agreed, org):
    flag(agreed, org.fiona, org.finance)
    services.meeting_facilitator_invite(meeting=agreed, by=org.sam, facilitator=org.priya)
    services.meeting_invitation_answer(meeting=agreed, by=org.priya, accept=False)
    with pytest.raises(RuleError, match="invited and accept"):
        services.meeting_advance(meeting=agreed, by=org.fiona)


def test_the_exchange_page_says_a_facilitator_is_needed(agreed, org, as_user):
    flag(agreed, org.sam, org.sales)
    page = reverse("meetings:detail", args=[agreed.pk])
    for who in (org.fiona, org.sam, org.fergus):
        html = as_user(who).get(page).readable
        assert "A facilitator is needed." in html
        assert "opens only once a facilitator has been invited and accepted" in html
        # Who flagged it and why stays with Sales (and a facilitator).
        assert "Last year's row about credit notes." not in html
    fiona = as_user(org.fiona).get(page).readable
    assert "Invite a facilitator" in fiona
    assert 'disabled aria-describedby="before-moving-on"' in fiona


def test_inviting_from_the_page_then_accepting_lets_the_facilitator_chair(agreed, org, as_user):
    flag(agreed, org.sam, org.sales)
    invite = reverse("meetings:act", args=[agreed.pk, "invite"])
    as_user(org.sam).post(invite, {"facilitator": org.priya.pk})
    page = reverse("meetings:detail", args=[agreed.pk])
    assert "Priya Nair is invited and has not answered yet" in as_user(org.fiona).get(page).readable
    assert "Accept and chair" in as_user(org.priya).get(page).readable
    accept = reverse("meetings:act", args=[agreed.pk, "accept_invitation"])
    as_user(org.priya).post(accept)
    html = as_user(org.priya).get(page).readable
    assert "A facilitator is needed." not in html
    assert 'id="chair-controls"' in html
    assert "chaired by Priya Nair (facilitator)" in html
