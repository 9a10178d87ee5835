"""Scheduling an exchange invites both heads and the chair once, with a calendar invitation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting
from notifications.services import preferences_set
from tests.notifications.mail import sent, to

WHEN = dt.datetime(2027, 3, 10, 14, 30, tzinfo=dt.UTC)


def schedule(org, **extra) -> Meeting:
    return services.meeting_schedule(
        by=org.priya,
        department_a=org.finance,
        department_b=org.sales,
        facilitator=org.priya,
        scheduled_for=WHEN,
        place="Board room",
        **extra,
    )


@pytest.fixture
def scheduled(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return schedule(org, title="Quarter close\nand forecasts")


def test_both_heads_and_the_chair_are_invited_and_no_one_else(scheduled, mailoutbox, run_tasks):
    recipients = set().union(*sent(mailoutbox, run_tasks).values())
    assert recipients == {"fiona@example.org", "sam@example.org", "priya@example.org"}
    assert len(mailoutbox) == 3
    fiona = to(mailoutbox, "fiona@example.org")
    assert fiona.subject.startswith("Invitation: exchange with Sales")
    assert "as head of Finance" in fiona.body
    assert f"/exchanges/{scheduled.pk}/" in fiona.body
    assert "Invitation to chair" in to(mailoutbox, "priya@example.org").subject
    assert "Invitation: exchange with Finance" in to(mailoutbox, "sam@example.org").subject


def test_the_invitation_carries_a_calendar_event_with_the_time_and_title(
    scheduled, mailoutbox, run_tasks
):
    run_tasks()
    for message in mailoutbox:
        ((name, content, mimetype),) = message.attachments
        assert (name, mimetype) == ("exchange.ics", "text/calendar")
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert event.decoded("dtstart") == WHEN
        # the line break typed into the title does not break the calendar
        assert str(event["summary"]) == "Exchange: Quarter close and forecasts"
        assert str(event["location"]) == "Board room"
        assert "\n" not in message.subject


def test_the_need_lists_are_due_the_day_before_unless_set(scheduled, org, mailoutbox, run_tasks):
    assert scheduled.needs_due == dt.date(2027, 3, 9)
    run_tasks()
    assert "due by Tuesday 9 March 2027" in to(mailoutbox, "fiona@example.org").body
    chosen = schedule(org, needs_due=dt.date(2027, 3, 1))
    assert chosen.needs_due == dt.date(2027, 3, 1)


def test_a_deadline_after_the_meeting_is_refused(org):
    with pytest.raises(services.ScheduleError, match="on or before the day of the meeting"):
        schedule(org, needs_due=dt.date(2027, 3, 11))
    assert not Meeting.objects.exists()


def test_each_invitation_is_sent_once(scheduled, mailoutbox, run_tasks):
    from meetings import notices

    notices.invited(scheduled)  # asked again: the same notice is not queued twice
    run_tasks()
    run_tasks()
    assert len(mailoutbox) == 3


def test_invitations_are_sent_even_to_someone_who_turned_everything_off(
    org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    preferences_set(user=org.fiona, off={"invitation", "need-list-due", "meeting-starting"})
    with django_capture_on_commit_callbacks(execute=True):
        schedule(org)
    assert "fiona@example.org" in set().union(*sent(mailoutbox, run_tasks).values())


def test_a_past_deadline_is_never_set_by_default(org):
    soon = timezone.now() + dt.timedelta(hours=1)
    meeting = services.meeting_schedule(
        by=org.priya,
        department_a=org.finance,
        department_b=org.sales,
        facilitator=org.priya,
        scheduled_for=soon,
        place="Board room",
    )
    assert meeting.needs_due >= timezone.localdate()
