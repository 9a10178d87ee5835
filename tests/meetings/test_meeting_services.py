"""The meeting's services end to end on the database: steps, exit conditions, undo, record."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings import services
from meetings.models import Event, GroundRulesAck, NeedItem, Remark, Step, Summary
from meetings.rules import RuleError
from tests.factories import item_data
from tests.meetings.helpers import drive_to, finish_step, items_of, prepare


def test_cannot_open_until_both_lists_are_ready(meeting, org):
    list_a = meeting.need_lists.get(department=org.finance)
    services.need_item_add(need_list=list_a, by=org.fiona, data=item_data())
    services.need_list_set_ready(need_list=list_a, by=org.fiona, ready=True)
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert refusal.value.status == 409
    assert "Sales has not marked its need list ready" in refusal.value.message
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION


def test_only_the_facilitator_advances(meeting, org):
    prepare(meeting, org)
    for person in (org.fiona, org.sam, org.margaret, org.fergus):
        with pytest.raises(RuleError) as refusal:
            services.meeting_advance(meeting=meeting, by=person)
        assert refusal.value.status == 403
    services.meeting_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.OPENING


def test_need_lists_freeze_when_the_meeting_opens(meeting, org):
    drive_to(meeting, org, Step.OPENING)
    list_a = meeting.need_lists.get(department=org.finance)
    with pytest.raises(RuleError) as refusal:
        services.need_item_add(need_list=list_a, by=org.fiona, data=item_data(service="Late"))
    assert refusal.value.status == 409
    assert "frozen" in refusal.value.message
    with pytest.raises(RuleError):
        services.need_list_set_ready(need_list=list_a, by=org.fiona, ready=False)
    assert not NeedItem.objects.filter(service="Late").exists()


def test_both_heads_acknowledge_the_ground_rules_before_presenting(meeting, org):
    drive_to(meeting, org, Step.OPENING)
    services.meeting_acknowledge_rules(meeting=meeting, by=org.fiona)
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert "Sales' head has not acknowledged the ground rules" in refusal.value.message
    with pytest.raises(RuleError) as refusal:
        services.meeting_acknowledge_rules(meeting=meeting, by=org.sean)
    assert refusal.value.status == 403
    services.meeting_acknowledge_rules(meeting=meeting, by=org.sam)
    services.meeting_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.A_PRESENTS
    assert GroundRulesAck.objects.filter(meeting=meeting).count() == 2


def test_presenting_shows_requests_one_at_a_time_and_questions_must_be_answered(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    first, second = items_of(meeting, org.finance)
    meeting.refresh_from_db()
    assert meeting.current_item == first
    services.remark_ask(meeting=meeting, by=org.sam, item_id=first.pk, text="New customers only?")
    with pytest.raises(RuleError) as refusal:
        services.remark_ask(meeting=meeting, by=org.fiona, item_id=first.pk, text="Mine?")
    assert refusal.value.status == 403
    services.meeting_set_current(meeting=meeting, by=org.priya, item_id=second.pk)
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert "still unanswered" in refusal.value.message
    remark = Remark.objects.get()
    with pytest.raises(RuleError) as refusal:
        services.remark_answer(meeting=meeting, by=org.sam, remark_id=remark.pk, answer="Yes")
    assert refusal.value.status == 403
    services.remark_answer(meeting=meeting, by=org.fiona, remark_id=remark.pk, answer="Yes.")
    services.meeting_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.B_SUMMARISES


def test_every_request_must_be_presented_before_moving_on(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert "“Monthly sales forecast” has not been presented yet" in refusal.value.message


def test_facilitator_strikes_a_remark_out_of_order_and_it_stays_on_record(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    first = items_of(meeting, org.finance)[0]
    services.remark_ask(
        meeting=meeting, by=org.sam, item_id=first.pk, text="This is a silly request."
    )
    remark = Remark.objects.get()
    with pytest.raises(RuleError):
        services.remark_strike(meeting=meeting, by=org.fiona, remark_id=remark.pk)
    services.remark_strike(meeting=meeting, by=org.priya, remark_id=remark.pk, reason="Judgement")
    remark.refresh_from_db()
    assert remark.struck_at is not None and remark.text == "This is a silly request."
    assert not remark.is_open
    with pytest.raises(RuleError):
        services.remark_answer(meeting=meeting, by=org.fiona, remark_id=remark.pk, answer="No")
    assert Event.objects.filter(meeting=meeting, kind="remark_struck").exists()


def test_summaries_are_revised_until_confirmed(meeting, org):
    drive_to(meeting, org, Step.B_SUMMARISES)
    first, second = items_of(meeting, org.finance)
    services.summary_write(meeting=meeting, by=org.sam, item_id=first.pk, text="You want forms.")
    with pytest.raises(RuleError):
        services.summary_write(meeting=meeting, by=org.sam, item_id=first.pk, text="Again")
    services.summary_clarify(
        meeting=meeting, by=org.fiona, item_id=first.pk, note="Signed forms, within two days."
    )
    services.summary_write(
        meeting=meeting, by=org.sam, item_id=first.pk, text="Signed forms within two days."
    )
    services.summary_confirm(meeting=meeting, by=org.fiona, item_id=first.pk)
    assert [s.verdict for s in Summary.objects.filter(item=first)] == ["clarify", "confirmed"]
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert "“Monthly sales forecast” has not been summarised yet" in refusal.value.message
    with pytest.raises(RuleError) as refusal:
        services.summary_confirm(meeting=meeting, by=org.sam, item_id=second.pk)
    assert refusal.value.status == 403


def test_a_requests_are_settled_before_any_of_b(meeting, org):
    drive_to(meeting, org, Step.B_RESPONDS)
    b_item = items_of(meeting, org.sales)[0]
    with pytest.raises(RuleError) as refusal:
        services.response_yes(
            meeting=meeting, by=org.fiona, item_id=b_item.pk, start_date=dt.date(2027, 1, 4)
        )
    assert refusal.value.status == 409
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya)
    assert "not yet agreed, withdrawn or escalated" in refusal.value.message
    finish_step(meeting)
    services.meeting_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.A_RESPONDS


def test_undo_the_last_advance_while_nothing_has_happened(meeting, org):
    drive_to(meeting, org, Step.OPENING)
    services.meeting_undo_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION
    assert meeting.events.order_by("-seq").first().kind == "advance_undone"
    services.meeting_advance(meeting=meeting, by=org.priya)
    services.meeting_acknowledge_rules(meeting=meeting, by=org.fiona)
    with pytest.raises(RuleError) as refusal:
        services.meeting_undo_advance(meeting=meeting, by=org.priya)
    assert refusal.value.status == 409
    meeting.refresh_from_db()
    assert meeting.step == Step.OPENING


def test_a_stale_advance_from_a_second_click_changes_nothing(meeting, org):
    prepare(meeting, org)
    services.meeting_advance(meeting=meeting, by=org.priya, expected_step=Step.PREPARATION)
    with pytest.raises(RuleError) as refusal:
        services.meeting_advance(meeting=meeting, by=org.priya, expected_step=Step.PREPARATION)
    assert "already moved on" in refusal.value.message
    meeting.refresh_from_db()
    assert meeting.step == Step.OPENING


def test_closing_hands_over_and_the_record_is_complete(meeting, org):
    drive_to(meeting, org, Step.CLOSED)
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    kinds = list(meeting.events.values_list("kind", flat=True))
    assert kinds[0] == "need_added" and kinds[-1] == "closed"
    seqs = list(meeting.events.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert all(e.actor_id for e in meeting.events.all())


def test_events_are_append_only(meeting, org):
    prepare(meeting, org)
    event = meeting.events.first()
    event.description = "Rewritten history"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
