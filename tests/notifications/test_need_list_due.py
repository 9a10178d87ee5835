"""The daily reminder: heads whose need list is due within two days and not ready, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import notices, tasks
from meetings.models import Step
from notifications.services import preferences_set
from tests.factories import make_item
from tests.notifications.mail import sent, to


@pytest.fixture
def remind(django_capture_on_commit_callbacks, run_tasks):
    """Run the daily task as the worker would: its deliveries are enqueued once it commits."""

    def run(today=None):
        with django_capture_on_commit_callbacks(execute=True):
            if today is None:
                tasks.send_need_list_reminders.enqueue()
                run_tasks()
            else:
                notices.need_lists_remind(today=today)

    return run


@pytest.fixture
def due_soon(meeting):
    meeting.needs_due = timezone.localdate() + dt.timedelta(days=2)
    meeting.save()
    return meeting


def test_heads_whose_list_is_not_ready_are_reminded(due_soon, org, mailoutbox, run_tasks, remind):
    list_a = due_soon.need_lists.get(department=org.finance)
    make_item(list_a)
    list_a.ready_at, list_a.ready_by = timezone.now(), org.fiona
    list_a.save()
    remind()
    assert sent(mailoutbox, run_tasks) == {
        "Sales's need list is due by " + notices._day(due_soon.needs_due): {"sam@example.org"}
    }
    assert f"/exchanges/{due_soon.pk}/needs/" in to(mailoutbox, "sam@example.org").body


def test_running_the_reminders_again_sends_nothing_twice(due_soon, mailoutbox, run_tasks, remind):
    remind()
    remind()
    remind(today=timezone.localdate() + dt.timedelta(days=1))
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == ["fiona@example.org", "sam@example.org"]


def test_a_moved_deadline_is_reminded_again(due_soon, mailoutbox, run_tasks, remind):
    remind()
    due_soon.needs_due -= dt.timedelta(days=1)
    due_soon.save()
    remind()
    run_tasks()
    assert len(mailoutbox) == 4


@pytest.mark.parametrize("days", [3, -1])
def test_nobody_is_reminded_too_early_or_after_the_deadline(
    meeting, mailoutbox, run_tasks, remind, days
):
    meeting.needs_due = timezone.localdate() + dt.timedelta(days=days)
    meeting.save()
    remind()
    assert sent(mailoutbox, run_tasks) == {}


def test_an_open_meeting_is_not_reminded(due_soon, mailoutbox, run_tasks, remind):
    due_soon.step = Step.OPENING
    due_soon.save()
    remind()
    assert sent(mailoutbox, run_tasks) == {}


def test_a_head_who_turned_reminders_off_is_not_reminded(
    due_soon, org, mailoutbox, run_tasks, remind
):
    preferences_set(user=org.fiona, off={"need-list-due"})
    remind()
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {"sam@example.org"}
