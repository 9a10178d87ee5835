"""The meeting opening tells everyone in it, with a link straight in, once."""

from __future__ import annotations

from meetings import services
from meetings.models import Step
from notifications.services import preferences_set
from tests.meetings.helpers import prepare


def open_meeting(meeting, org, capture):
    with capture(execute=True):
        services.meeting_advance(meeting=meeting, by=org.priya)


def test_everyone_in_the_meeting_is_told_and_no_one_else(
    meeting, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    prepare(meeting, org)
    run_tasks()
    mailoutbox.clear()
    open_meeting(meeting, org, django_capture_on_commit_callbacks)
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "fergus@example.org",
        "fiona@example.org",
        "priya@example.org",
        "sam@example.org",
        "sean@example.org",
    ]
    assert all(m.subject == f"Starting now: {meeting}" for m in mailoutbox)
    assert all(f"/exchanges/{meeting.pk}/" in m.body for m in mailoutbox)


def test_opening_again_after_an_undo_tells_no_one_twice(
    meeting, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    prepare(meeting, org)
    open_meeting(meeting, org, django_capture_on_commit_callbacks)
    services.meeting_undo_advance(meeting=meeting, by=org.priya)
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION
    open_meeting(meeting, org, django_capture_on_commit_callbacks)
    run_tasks()
    assert len([m for m in mailoutbox if m.subject.startswith("Starting now")]) == 5


def test_someone_who_turned_it_off_is_not_told(
    meeting, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    preferences_set(user=org.sean, off={"meeting-starting"})
    prepare(meeting, org)
    open_meeting(meeting, org, django_capture_on_commit_callbacks)
    run_tasks()
    starting = {m.to[0] for m in mailoutbox if m.subject.startswith("Starting now")}
    assert "sean@example.org" not in starting and "sam@example.org" in starting
