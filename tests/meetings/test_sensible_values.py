"""Values that make no sense for their meaning are refused at the form, with a message.

Each test is one case that once got through and did lasting damage (a meeting stuck in
closing, calendar feeds failing, tens of thousands of periods).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from agreements.models import SLAService
from meetings import services
from meetings.models import ItemStatus, Meeting, Step
from tests.factories import MEASURE_POST
from tests.meetings.helpers import drive_to, items_of

HTMX = {"HX-Request": "true"}


def act(meeting, action: str) -> str:
    return reverse("meetings:act", args=[meeting.pk, action])


def _yes(client, meeting, item, start: str):
    return client.post(
        act(meeting, "move_yes"),
        {"item": item.pk, "start_date": start, **MEASURE_POST},
        headers=HTMX,
    )


def test_a_yes_starting_on_9999_12_31_is_refused_with_a_message(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    response = _yes(as_user(org.sam), meeting, item, "9999-12-31")
    assert response.status_code == 400
    assert "Starts on: Choose a start date before" in response.readable
    item.refresh_from_db()
    assert item.status == ItemStatus.AWAITING_RESPONSE


def test_a_yes_starting_on_0001_01_01_is_refused_with_a_message(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    response = _yes(as_user(org.sam), meeting, item, "0001-01-01")
    assert response.status_code == 400
    assert "Starts on: Choose a start date on or after" in response.readable
    item.refresh_from_db()
    assert item.status == ItemStatus.AWAITING_RESPONSE


def test_a_counter_offer_starting_far_ahead_is_refused(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    response = as_user(org.sam).post(
        act(meeting, "move_counter"),
        {
            "item": item.pk,
            "service": "Weekly batch",
            "level": "Every Friday",
            "start_date": "9999-12-31",
            **MEASURE_POST,
        },
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Starting on: Choose a start date before" in response.readable


def test_a_start_date_on_the_last_day_of_the_calendar_still_lets_the_meeting_close(meeting, org):
    """Data from before the check: closing no longer overflows the review date."""
    drive_to(meeting, org, Step.CLOSING)
    items = items_of(meeting, org.finance)
    type(items[0]).objects.filter(pk=items[0].pk).update(agreed_start=dt.date(9999, 12, 31))
    services.meeting_close(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.CLOSED
    service = SLAService.objects.get(need_item=items[0])
    assert service.review_date == dt.date(9999, 12, 31)


def test_a_meeting_at_9999_12_31_23_59_cannot_be_scheduled(org, as_user):
    response = as_user(org.priya).post(
        reverse("meetings:schedule"),
        {
            "department_a": org.finance.pk,
            "department_b": org.sales.pk,
            "facilitator": org.priya.pk,
            "scheduled_for": "9999-12-31T23:59",
            "place": "Board room",
        },
    )
    assert response.status_code == 400
    assert "Choose a date within the next" in response.readable
    assert not Meeting.objects.exists()


def test_a_meeting_title_is_one_line(org, as_user):
    response = as_user(org.priya).post(
        reverse("meetings:schedule"),
        {
            "department_a": org.finance.pk,
            "department_b": org.sales.pk,
            "facilitator": org.priya.pk,
            "scheduled_for": (timezone.localtime() + dt.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": "Board\r\nroom",
            "title": "Quarterly\r\nDTSTART:19700101T000000Z\r\nreview",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.title == "Quarterly DTSTART:19700101T000000Z review"
    assert meeting.place == "Board room"
