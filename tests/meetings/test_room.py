"""Whose move it is, readiness signals, the time box, and the room's words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import rules, services
from meetings.models import Event, Readiness, Step
from meetings.rules import Role, RuleError
from meetings.words import possessive
from tests.meetings.helpers import drive_to, items_of

pytestmark = pytest.mark.django_db


def url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def act(meeting, action: str) -> str:
    return reverse("meetings:act", args=[meeting.pk, action])


def turn(meeting) -> rules.Turn:
    from meetings.selectors import meeting_with_everything

    return rules.waiting_for(meeting_with_everything(meeting.pk))


# --- whose move -------------------------------------------------------------------


def test_in_preparation_the_heads_whose_lists_are_not_ready_have_the_move(meeting, org):
    assert turn(meeting).roles == (Role.HEAD_A, Role.HEAD_B)
    assert turn(meeting).task == "Finish your need list and mark it ready."
    drive_to(meeting, org, Step.PREPARATION)  # both lists prepared and ready
    assert turn(meeting).roles == (Role.FACILITATOR,)
    assert turn(meeting).task == "Move on to “Opening: ground rules”."


def test_at_the_opening_each_head_who_has_not_acknowledged(meeting, org):
    drive_to(meeting, org, Step.OPENING)
    services.meeting_acknowledge_rules(meeting=meeting, by=org.fiona)
    assert turn(meeting) == rules.Turn((Role.HEAD_B,), "Acknowledge the ground rules.")


def test_an_open_question_on_the_current_request_is_the_presenters_move(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    assert turn(meeting).roles == (Role.FACILITATOR,)
    assert turn(meeting).task == "Move to the next request."
    first = items_of(meeting, org.finance)[0]
    services.remark_ask(meeting=meeting, by=org.sam, item_id=first.pk, text="New customers?")
    now = turn(meeting)
    assert now.roles == (Role.HEAD_A,)
    assert now.task == "Answer Sales' question on “Signed order forms”."
    assert now.item_id == first.pk


def test_summaries_pass_between_the_two_heads(meeting, org):
    drive_to(meeting, org, Step.B_SUMMARISES)
    first = items_of(meeting, org.finance)[0]
    assert turn(meeting).roles == (Role.HEAD_B,)
    assert turn(meeting).task == "Summarise “Signed order forms”."
    services.summary_write(meeting=meeting, by=org.sam, item_id=first.pk, text="You need forms.")
    assert turn(meeting).roles == (Role.HEAD_A,)
    assert turn(meeting).task.startswith("Confirm Sales' summary of “Signed order forms”")
    services.summary_clarify(meeting=meeting, by=org.fiona, item_id=first.pk, note="Signed.")
    assert turn(meeting).task == "Revise your summary of “Signed order forms”."


def test_in_negotiation_the_move_follows_the_request(meeting, org):
    drive_to(meeting, org, Step.B_RESPONDS)
    first = items_of(meeting, org.finance)[0]
    assert turn(meeting).roles == (Role.HEAD_B,)
    services.response_counter(
        meeting=meeting,
        by=org.sam,
        item_id=first.pk,
        service="Forms in a week",
        level="95%",
        start_date=dt.date(2027, 2, 1),
    )
    assert turn(meeting) == rules.Turn(
        (Role.HEAD_A,),
        "Accept or reject Sales' counter-offer on “Signed order forms”.",
        first.pk,
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=first.pk, kind="accept_counter", text=""
    )
    assert turn(meeting).roles == (Role.FACILITATOR,)


def test_at_closing_the_chair_and_after_it_nobody(meeting, org):
    drive_to(meeting, org, Step.CLOSING)
    assert turn(meeting).roles == (Role.FACILITATOR,)
    drive_to(meeting, org, Step.CLOSED)
    assert turn(meeting).roles == ()


# --- the banner: exactly the person whose move it is ---------------------------------


def test_the_banner_is_on_the_screen_of_exactly_the_person_whose_move_it_is(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    pages = {
        who: as_user(getattr(org, who)).get(url(meeting)).readable
        for who in ("priya", "fiona", "sam", "fergus", "sean", "margaret")
    }
    assert [who for who, html in pages.items() if 'id="your-move"' in html] == ["sam"]
    assert "Answer “Signed order forms”: yes, a counter-offer or a no with reasons." in pages["sam"]
    for who in ("priya", "fiona", "fergus", "sean", "margaret"):
        assert "Waiting for <strong>Samira Okafor (head of Sales)</strong>" in pages[who]
    assert 'data-your-move="true"' in pages["sam"] and 'data-your-move="false"' in pages["fiona"]


def test_the_htmx_fragment_carries_the_banner_too(meeting, org, as_user):
    drive_to(meeting, org, Step.OPENING)
    client = as_user(org.fiona)
    fragment = client.get(url(meeting), headers={"HX-Request": "true"}).readable
    assert fragment.lstrip().startswith('<div id="meeting-live"')
    assert 'id="your-move"' in fragment and "Acknowledge the ground rules." in fragment
    response = client.post(act(meeting, "acknowledge"), headers={"HX-Request": "true"})
    assert 'id="your-move"' not in response.readable
    assert "Waiting for <strong>Samira Okafor (head of Sales)</strong>" in response.readable


# --- questions only about the request being discussed --------------------------------


def test_a_question_about_another_request_is_refused(meeting, org, as_user):
    drive_to(meeting, org, Step.A_PRESENTS)
    _first, second = items_of(meeting, org.finance)
    with pytest.raises(RuleError) as refusal:
        services.remark_ask(meeting=meeting, by=org.sam, item_id=second.pk, text="And this?")
    assert refusal.value.status == 409
    assert "request being discussed" in refusal.value.message
    response = as_user(org.sam).post(
        act(meeting, "ask"),
        {"item": second.pk, "text": "And this?"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "Questions are about the request being discussed now." in response.readable
    assert not meeting.remarks.exists()
    html = as_user(org.sam).get(url(meeting)).readable
    assert html.count('name="text"') == 1  # one question box: on the current request


# --- readiness -------------------------------------------------------------------------


def test_heads_signal_done_and_the_chair_sees_both_sides(meeting, org, as_user):
    drive_to(meeting, org, Step.A_PRESENTS)
    response = as_user(org.sam).post(
        act(meeting, "ready"), {"ready": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert re.search(r'aria-pressed="true"[^>]*>No more questions<', response.readable)
    signal = Readiness.objects.get(meeting=meeting)
    assert (signal.department, signal.step, signal.by) == (org.sales, Step.A_PRESENTS, org.sam)
    assert Event.objects.filter(meeting=meeting, kind="readiness").count() == 1

    chair = as_user(org.priya).get(url(meeting)).readable
    assert "✓ No more questions" in chair
    assert "not yet “done presenting”" in chair

    services.meeting_signal_ready(meeting=meeting, by=org.sam, ready=True)  # again: no change
    assert Event.objects.filter(meeting=meeting, kind="readiness").count() == 1
    services.meeting_signal_ready(meeting=meeting, by=org.sam, ready=False)
    assert not Readiness.objects.exists()
    assert Event.objects.filter(meeting=meeting, kind="readiness_withdrawn").count() == 1


@pytest.mark.parametrize("who, status", [("fergus", 403), ("priya", 403), ("margaret", 403)])
def test_only_heads_signal(meeting, org, who, status):
    drive_to(meeting, org, Step.A_PRESENTS)
    with pytest.raises(RuleError) as refusal:
        services.meeting_signal_ready(meeting=meeting, by=getattr(org, who), ready=True)
    assert refusal.value.status == status
    assert not Readiness.objects.exists()


def test_no_signals_outside_presenting_and_summarising(meeting, org):
    drive_to(meeting, org, Step.B_RESPONDS)
    with pytest.raises(RuleError) as refusal:
        services.meeting_signal_ready(meeting=meeting, by=org.sam, ready=True)
    assert refusal.value.status == 409


def test_readiness_labels_say_what_done_means_for_each_side():
    assert rules.readiness_label(Step.A_PRESENTS, rules.Side.B) == "No more questions"
    assert rules.readiness_label(Step.A_PRESENTS, rules.Side.A) == "Done presenting"
    assert rules.readiness_label(Step.B_SUMMARISES, rules.Side.B) == "Done summarising"


# --- the time box -------------------------------------------------------------------


def test_the_chair_sets_a_time_box_every_screen_shows_and_the_next_step_clears(
    meeting, org, as_user
):
    drive_to(meeting, org, Step.A_PRESENTS)
    before = timezone.now()
    response = as_user(org.priya).post(
        act(meeting, "timebox"), {"minutes": "10"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Time box set: 10 minutes." in response.readable
    meeting.refresh_from_db()
    assert meeting.timebox_minutes == 10
    assert before + dt.timedelta(minutes=10) <= meeting.timebox_ends_at
    assert Event.objects.filter(meeting=meeting, kind="timebox_set").exists()
    sam = as_user(org.sam).get(url(meeting)).readable
    assert "data-timebox-ends=" in sam and "Time box, 10 min" in sam
    assert 'id="timebox-minutes"' not in sam  # only the chair sets it

    drive_to(meeting, org, Step.B_SUMMARISES)  # the time box never blocks moving on
    meeting.refresh_from_db()
    assert meeting.timebox_ends_at is None and meeting.timebox_minutes is None


@pytest.mark.parametrize("minutes", ["0", "181", "ten", "-5"])
def test_a_bad_time_box_changes_nothing(meeting, org, as_user, minutes):
    drive_to(meeting, org, Step.A_PRESENTS)
    response = as_user(org.priya).post(
        act(meeting, "timebox"), {"minutes": minutes}, headers={"HX-Request": "true"}
    )
    meeting.refresh_from_db()
    if minutes == "0":  # zero clears: there was none
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert 'role="alert"' in response.readable
    assert meeting.timebox_ends_at is None


def test_only_the_chair_sets_a_time_box(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    with pytest.raises(RuleError) as refusal:
        services.meeting_set_timebox(meeting=meeting, by=org.fiona, minutes=5)
    assert refusal.value.status == 403


# --- words -----------------------------------------------------------------------------


def test_steps_are_numbered_one_to_nine_then_closed(meeting, org, as_user):
    assert rules.step_position(Step.PREPARATION) == "Step 1 of 9"
    assert rules.step_position(Step.CLOSING) == "Step 9 of 9"
    assert rules.step_position(Step.CLOSED) == "Closed"
    html = as_user(org.priya).get(url(meeting)).readable
    assert "Step 1 of 9" in html and "of 10" not in html
    assert "What happens here" in html and "The lists stay private" in html


@pytest.mark.parametrize(
    "name, expected",
    [("Sales", "Sales'"), ("Operations", "Operations'"), ("Finance", "Finance's"), ("HR", "HR's")],
)
def test_possessives(name, expected):
    assert possessive(name) == expected


def test_the_glossary_explains_the_methods_words(org, as_user):
    html = as_user(org.sam).get(reverse("meetings:glossary")).readable
    for term in (
        "Impasse",
        "No maintained",
        "Strike as out of order",
        "Origin",
        "Version in force",
    ):
        assert f">{term}</dt>" in html
    assert "Step 1 of 9: Preparation" in html and "Closed: Closed" in html
    assert "B summarises A's requests" in html
