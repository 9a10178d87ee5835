"""The meeting page: who sees it, full page and htmx fragment, forms per role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.models import Step
from tests.factories import make_meeting
from tests.meetings.helpers import drive_to


def url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def test_the_full_page_names_the_step_with_real_departments(meeting, org, as_user):
    drive_to(meeting, org, Step.A_PRESENTS)
    response = as_user(org.priya).get(url(meeting))
    assert response.status_code == 200
    html = response.readable
    assert html.count("<h1") == 1
    assert "Finance presents" in html
    assert "<html" in html
    assert 'id="region-stage"' in html and 'id="region-requests"' in html


def test_the_htmx_fragment_is_only_the_live_region(meeting, org, as_user):
    drive_to(meeting, org, Step.A_PRESENTS)
    response = as_user(org.sam).get(url(meeting), headers={"HX-Request": "true"})
    html = response.readable
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="meeting-live"')
    assert "Ask a clarifying question" in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("who", ["olive", "arthur"])
def test_people_outside_the_exchange_get_403(meeting, org, as_user, who):
    response = as_user(getattr(org, who)).get(url(meeting))
    assert response.status_code == 403
    assert "between other departments" in response.readable


def test_the_manager_follows_read_only(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    html = as_user(org.margaret).get(url(meeting)).readable
    assert "You are following this meeting" in html
    assert "/act/" not in html


def test_each_head_sees_only_the_forms_for_their_turn(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    sam = as_user(org.sam).get(url(meeting)).readable
    fiona = as_user(org.fiona).get(url(meeting)).readable
    fergus = as_user(org.fergus).get(url(meeting)).readable
    assert "Make a counter-offer" in sam and "No, with reasons" in sam
    assert "Make a counter-offer" not in fiona
    assert "Waiting for Sales" in fiona
    assert "Your head speaks for your department" in fergus
    assert "/act/move_" not in fergus


def test_facilitator_console_shows_what_is_missing_and_a_disabled_advance(meeting, org, as_user):
    drive_to(meeting, org, Step.OPENING)
    html = as_user(org.priya).get(url(meeting)).readable
    assert "Finance's head has not acknowledged the ground rules." in html
    assert "Undo the last advance" in html
    advance = re.search(r"<button[^>]*data-shortcut=\"a\"[^>]*>", html).group(0)
    assert "disabled" in advance and 'aria-describedby="before-moving-on"' in advance


def test_preparation_shows_readiness_and_the_difficult_flag_to_the_facilitator(
    meeting, org, as_user
):
    sales_list = meeting.need_lists.get(department=org.sales)
    sales_list.flagged_difficult = True
    sales_list.difficulty_note = "Old wounds"
    sales_list.save()
    priya = as_user(org.priya).get(url(meeting)).readable
    fiona = as_user(org.fiona).get(url(meeting)).readable
    assert "Likely to be difficult" in priya and "Old wounds" in priya
    assert "Likely to be difficult" not in fiona and "Old wounds" not in fiona
    assert "Need list private until presented" in fiona


def test_whoever_chairs_sees_who_is_connected_and_no_one_else(meeting, org, as_user):
    """The presence list is the chair's: the facilitator, or the head of A with none."""
    assert 'id="region-presence"' in as_user(org.priya).get(url(meeting)).readable
    assert 'id="region-presence"' not in as_user(org.fiona).get(url(meeting)).readable

    chaired = make_meeting(
        department_a=org.finance, department_b=org.sales, facilitator=None, created_by=org.fiona
    )
    assert 'id="region-presence"' in as_user(org.fiona).get(url(chaired)).readable
    assert 'id="region-presence"' not in as_user(org.sam).get(url(chaired)).readable
