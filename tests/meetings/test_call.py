"""A head calls an exchange: the proposed time answered, a facilitator invited, who chairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import rules, services
from meetings.models import Event, Meeting, NeedList, Step
from meetings.rules import Role, RuleError
from tests.meetings.helpers import chair_of, drive_to, prepare

URL = reverse("meetings:call")


def next_week(days: int = 7) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


def call(org, **overrides) -> Meeting:
    arguments = {
        "by": org.fiona,
        "department_a": org.finance,
        "department_b": org.sales,
        "scheduled_for": next_week(),
        "place": "Board room",
    } | overrides
    return services.meeting_call(**arguments)


def form_data(org, **overrides) -> dict[str, object]:
    return {
        "department_a": org.finance.pk,
        "department_b": org.sales.pk,
        "scheduled_for": next_week().strftime("%Y-%m-%dT%H:%M"),
        "place": "Board room",
        "needs_due": "",
        "facilitator": "",
        "title": "",
    } | overrides


# --- calling ------------------------------------------------------------------------------


def test_a_head_calls_an_exchange_her_department_is_a_and_the_time_is_proposed(org):
    meeting = call(org, needs_due=timezone.localdate() + dt.timedelta(days=3))

    assert (meeting.department_a, meeting.department_b) == (org.finance, org.sales)
    assert meeting.created_by == org.fiona
    assert meeting.is_proposed and meeting.time_awaits == "b"
    assert meeting.facilitator is None
    assert meeting.needs_due == timezone.localdate() + dt.timedelta(days=3)
    # Without a deadline, the lists are due the day before the meeting.
    later = call(org, department_b=org.operations)
    assert later.needs_due == timezone.localdate(later.scheduled_for) - dt.timedelta(days=1)
    assert NeedList.objects.filter(meeting=meeting).count() == 2
    event = Event.objects.get(meeting=meeting)
    assert event.kind == "called"
    assert "Fiona Marsh (Finance) called an exchange with Sales" in event.description


def test_without_a_facilitator_the_calling_head_chairs(org):
    meeting = call(org)
    assert rules.chair_role(meeting) == Role.HEAD_A
    assert rules.is_chair(Role.HEAD_A, meeting)
    assert not rules.is_chair(Role.HEAD_B, meeting)
    assert rules.chair_title(meeting) == "the head of Finance"


@pytest.mark.parametrize("who", ["fergus", "priya", "margaret", "arthur"])
def test_a_member_or_someone_heading_no_department_cannot_call(org, who):
    with pytest.raises(RuleError) as refusal:
        call(org, by=getattr(org, who))
    assert refusal.value.status == 403
    assert not Meeting.objects.exists()


def test_a_head_cannot_call_for_a_department_she_does_not_head(org):
    with pytest.raises(RuleError) as refusal:
        call(org, by=org.fiona, department_a=org.operations, department_b=org.sales)
    assert refusal.value.status == 403


def test_a_head_cannot_call_an_exchange_with_her_own_department(org):
    with pytest.raises(services.CallError, match="between two departments"):
        call(org, department_b=org.finance)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"scheduled_for": timezone.now() - dt.timedelta(days=1)}, "in the future"),
        ({"needs_due": timezone.localdate() - dt.timedelta(days=1)}, "due in the past"),
        ({"needs_due": timezone.localdate() + dt.timedelta(days=30)}, "on or before the day"),
        ({"place": "   "}, "Say where"),
    ],
)
def test_bad_dates_or_place_are_refused_with_a_clear_message(org, overrides, message):
    with pytest.raises(services.CallError, match=message):
        call(org, **overrides)
    assert not Meeting.objects.exists()


def test_an_invited_facilitator_must_be_impartial(org):
    from tests.factories import give_role

    give_role(org.fergus, "facilitator")
    with pytest.raises(services.CallError, match="impartial"):
        call(org, facilitator=org.fergus)
    with pytest.raises(services.CallError, match="not a facilitator"):
        call(org, facilitator=org.olive)


# --- answering the proposed time -------------------------------------------------------------


def test_the_other_head_accepts_and_the_exchange_is_agreed(org):
    meeting = call(org)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    meeting.refresh_from_db()
    assert not meeting.is_proposed
    assert meeting.events.last().kind == "time_agreed"


def test_a_counter_proposal_goes_back_to_the_caller_who_may_accept_it(org):
    meeting = call(org)
    later = next_week(9)
    services.meeting_time_propose(meeting=meeting, by=org.sam, scheduled_for=later, place="Room 2")
    meeting.refresh_from_db()
    assert (meeting.scheduled_for, meeting.place, meeting.time_awaits) == (later, "Room 2", "a")
    with pytest.raises(RuleError) as refusal:
        services.meeting_time_accept(meeting=meeting, by=org.sam)
    assert refusal.value.status == 403
    services.meeting_time_propose(meeting=meeting, by=org.fiona, scheduled_for=next_week(10))
    meeting.refresh_from_db()
    assert meeting.time_awaits == "b" and meeting.place == "Room 2"
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    meeting.refresh_from_db()
    assert not meeting.is_proposed


@pytest.mark.parametrize("who", ["fiona", "fergus", "sean", "priya", "olive"])
def test_only_the_head_whose_answer_is_awaited_answers(org, who):
    meeting = call(org)
    with pytest.raises(RuleError):
        services.meeting_time_accept(meeting=meeting, by=getattr(org, who))
    meeting.refresh_from_db()
    assert meeting.time_awaits == "b"


def test_a_counter_proposal_in_the_past_is_refused_and_changes_nothing(org):
    meeting = call(org)
    before = meeting.scheduled_for
    with pytest.raises(services.CallError, match="in the future"):
        services.meeting_time_propose(
            meeting=meeting, by=org.sam, scheduled_for=timezone.now() - dt.timedelta(hours=2)
        )
    meeting.refresh_from_db()
    assert meeting.scheduled_for == before and meeting.time_awaits == "b"


def test_an_agreed_time_is_not_answered_again(org):
    meeting = call(org)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    with pytest.raises(RuleError) as refusal:
        services.meeting_time_accept(meeting=meeting, by=org.sam)
    assert refusal.value.status == 409


def test_a_proposed_exchange_cannot_open(org):
    meeting = call(org)
    prepare(meeting, org)
    with pytest.raises(RuleError, match="The time is not agreed yet: Sales"):
        services.meeting_advance(meeting=meeting, by=org.fiona)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    services.meeting_advance(meeting=meeting, by=org.fiona)
    meeting.refresh_from_db()
    assert meeting.step == Step.OPENING


# --- the chair ---------------------------------------------------------------------------------


def test_the_calling_head_chairs_the_whole_exchange_under_the_same_rules(org):
    meeting = call(org)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    prepare(meeting, org, a_needs=["Signed order forms"], b_needs=["Credit decisions"])
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.sam)
    assert refusal.value.status == 403
    assert "Only the chair (the head of Finance)" in refusal.value.message
    services.meeting_advance(meeting=meeting, by=org.fiona)
    # Exit conditions hold for the head who chairs exactly as for a facilitator.
    with pytest.raises(RuleError, match="Not yet"):
        services.meeting_advance(meeting=meeting, by=org.fiona)
    services.meeting_undo_advance(meeting=meeting, by=org.fiona)
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION
    assert chair_of(meeting) == org.fiona
    drive_to(meeting, org, Step.CLOSED)
    assert meeting.events.filter(kind="closed", actor=org.fiona).exists()


def test_the_head_who_chairs_does_not_read_the_other_list_before_it_is_presented(org):
    from meetings import permissions

    meeting = call(org)
    sales_list = meeting.need_list_for(org.sales)
    assert permissions.is_chair(Role.HEAD_A, meeting)
    assert not permissions.role_sees_need_list(Role.HEAD_A, sales_list)


def test_the_turn_names_the_head_who_chairs(org):
    meeting = call(org)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    prepare(meeting, org)
    turn = rules.waiting_for(Meeting.objects.get(pk=meeting.pk))
    assert turn.roles == (Role.HEAD_A,)
    assert turn.task == "Move on to “Opening: ground rules”."


def test_while_the_time_is_proposed_the_turn_is_the_other_heads(org):
    meeting = call(org)
    turn = rules.waiting_for(meeting)
    assert turn.roles == (Role.HEAD_B,)


# --- the facilitator's invitation ---------------------------------------------------------------


def test_an_invited_facilitator_chairs_only_once_she_accepts(org):
    meeting = call(org, facilitator=org.priya)
    assert meeting.facilitator_invited
    assert rules.chair_role(meeting) == Role.HEAD_A
    services.meeting_invitation_answer(meeting=meeting, by=org.priya, accept=True)
    meeting.refresh_from_db()
    assert rules.chair_role(meeting) == Role.FACILITATOR
    assert meeting.events.last().kind == "invitation_accepted"


def test_a_facilitator_who_declines_leaves_and_another_can_be_invited(org):
    meeting = call(org, facilitator=org.priya)
    services.meeting_invitation_answer(meeting=meeting, by=org.priya, accept=False)
    meeting.refresh_from_db()
    assert meeting.facilitator is None and not meeting.facilitator_invited
    assert rules.chair_role(meeting) == Role.HEAD_A
    services.meeting_facilitator_invite(meeting=meeting, by=org.sam, facilitator=org.priya)
    meeting.refresh_from_db()
    assert meeting.facilitator == org.priya and meeting.facilitator_invited


def test_only_the_invited_facilitator_answers_the_invitation(org):
    meeting = call(org, facilitator=org.priya)
    for who in (org.fiona, org.sam, org.margaret):
        with pytest.raises(RuleError):
            services.meeting_invitation_answer(meeting=meeting, by=who, accept=True)
    meeting.refresh_from_db()
    assert meeting.facilitator_invited


# --- the page --------------------------------------------------------------------------------


def test_the_call_page_is_for_heads_only(org, as_user):
    assert as_user(org.fiona).get(URL).status_code == 200
    for who in (org.fergus, org.priya, org.margaret):
        assert as_user(who).get(URL).status_code == 403


def test_calling_from_the_page_opens_the_proposed_exchange(org, as_user):
    response = as_user(org.fiona).post(URL, form_data(org), follow=True)
    meeting = Meeting.objects.get()
    assert response.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk])
    assert "It waits for Sales to accept the time" in response.readable
    assert "Proposed." in response.readable


def test_the_page_refuses_ones_own_department_with_a_clear_message(org, as_user):
    response = as_user(org.fiona).post(URL, form_data(org, department_b=org.finance.pk))
    assert response.status_code == 400
    assert "Choose another department than your own." in response.readable
    assert not Meeting.objects.exists()


def test_the_page_refuses_a_bad_date_with_a_clear_message(org, as_user):
    response = as_user(org.fiona).post(URL, form_data(org, scheduled_for="next tuesday"))
    assert response.status_code == 400
    assert "Write the date and time as 2026-12-03 10:00." in response.readable
    past = (timezone.now() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(org.fiona).post(URL, form_data(org, scheduled_for=past))
    assert "Choose a date and time in the future." in response.readable
    assert not Meeting.objects.exists()


def test_a_head_cannot_pick_a_department_she_does_not_head_on_the_page(org, as_user):
    response = as_user(org.fiona).post(URL, form_data(org, department_a=org.operations.pk))
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_the_other_head_sees_accept_and_propose_and_the_caller_does_not(org, as_user):
    meeting = call(org)
    page = reverse("meetings:detail", args=[meeting.pk])
    sam = as_user(org.sam).get(page).readable
    assert "Accept this time and place" in sam and "Propose another time" in sam
    fiona = as_user(org.fiona).get(page).readable
    assert "It waits for Sales to accept the time or propose another" in fiona
    assert "Accept this time and place" not in fiona


def test_accepting_on_the_page_agrees_the_exchange(org, as_user):
    meeting = call(org)
    act = reverse("meetings:act", args=[meeting.pk, "accept_time"])
    response = as_user(org.sam).post(act, follow=True)
    assert "Time and place accepted" in response.readable
    meeting.refresh_from_db()
    assert not meeting.is_proposed


def test_a_counter_proposal_with_a_bad_date_on_the_page_says_so(org, as_user):
    meeting = call(org)
    act = reverse("meetings:act", args=[meeting.pk, "propose_time"])
    response = as_user(org.sam).post(act, {"scheduled_for": "soon"})
    assert response.status_code == 400
    assert "Write the date and time as 2026-12-03 10:00." in response.readable
    meeting.refresh_from_db()
    assert meeting.time_awaits == "b"


def test_the_head_who_chairs_sees_the_chair_controls_and_the_other_head_does_not(org, as_user):
    meeting = call(org)
    services.meeting_time_accept(meeting=meeting, by=org.sam)
    prepare(meeting, org)
    page = reverse("meetings:detail", args=[meeting.pk])
    fiona = as_user(org.fiona).get(page).readable
    assert 'id="chair-controls"' in fiona
    assert "Move on to “Opening: ground rules”" in fiona
    assert "chaired by Fiona Marsh (head of Finance)" in fiona
    sam = as_user(org.sam).get(page).readable
    assert 'id="chair-controls"' not in sam
    assert "Waiting for <strong>Fiona Marsh (head of Finance, chairing)</strong>" in sam
