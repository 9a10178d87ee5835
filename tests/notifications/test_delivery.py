"""The worker delivers each outbox row once, retries with backoff, and sweeps up lost rows."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery, tasks
from notifications.models import Outbox
from notifications.services import Attachment, notice_send
from tests.tasks import queued


@pytest.fixture
def row(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notice_send(
            to=org.fiona, subject="Hello", body="Something happened.", key="t:1", kind="test"
        )
    return row


def test_delivery_sends_once_and_marks_the_row_sent(row, run_tasks):
    run_tasks()
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["fiona@example.org"]]
    assert mail.outbox[0].subject == "Hello"
    tasks.deliver_notice.call(outbox_id=row.pk)  # a duplicate task sends nothing
    assert len(mail.outbox) == 1


def test_a_failure_is_recorded_and_retried_after_a_backoff(row, run_tasks):
    with mock.patch.object(delivery, "send_email", side_effect=OSError("mail server down")):
        run_tasks()
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert "mail server down" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    (retry,) = queued()
    assert retry.task.run_after == row.next_attempt_at
    assert mail.outbox == []
    run_tasks(now=row.next_attempt_at + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2
    assert len(mail.outbox) == 1


def test_backoff_grows_and_is_capped():
    from notifications.retry import MAX_DELAY, backoff

    assert backoff(1) < backoff(2) < backoff(3)
    assert backoff(50) == MAX_DELAY


def test_after_many_failures_the_row_is_given_up(row):
    from django.tasks import default_task_backend

    default_task_backend.clear()
    Outbox.objects.filter(pk=row.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    with mock.patch.object(delivery, "send_email", side_effect=OSError("no such mailbox")):
        tasks.deliver_notice.call(outbox_id=row.pk)
    row.refresh_from_db()
    assert row.gave_up_at is not None and row.sent_at is None
    assert queued() == []  # no further attempt


def test_the_sweep_redelivers_a_row_whose_task_was_lost(row, run_tasks):
    from django.tasks import default_task_backend

    default_task_backend.clear()  # the worker died: the task is gone, the row stays
    assert tasks.sweep_outbox.call() == 0  # not overdue yet
    Outbox.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - delivery.grace() - dt.timedelta(seconds=1)
    )
    assert tasks.sweep_outbox.call() == 1
    assert tasks.sweep_outbox.call() == 0  # queued again now: not swept twice
    run_tasks()
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mail.outbox) == 1


def test_an_attachment_is_attached_when_delivered(
    org, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice_send(
            to=org.fiona,
            subject="Invited",
            body="Come.",
            key="t:ics",
            kind="invitation",
            attachment=Attachment(
                "exchange.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
            ),
        )
    run_tasks()
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert name == "exchange.ics" and mimetype == "text/calendar"
    assert "BEGIN:VCALENDAR" in content
