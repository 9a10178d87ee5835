"""The daily reminders: queued once a day per person, however often they run."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from monitoring import tasks
from monitoring.reminders import reminders_send
from notifications.models import Outbox
from tests.monitoring.conftest import TODAY


def test_running_twice_on_one_day_sends_nothing_twice(
    orders, org, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=TODAY)
        again = reminders_send(today=TODAY)
    assert first == 4 and again == 0
    run_tasks()
    assert len(mail.outbox) == 4
    assert Outbox.objects.filter(kind="monitoring-reminder", sent_at__isnull=False).count() == 4


def test_the_next_day_reminds_again(orders, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=TODAY)
        assert reminders_send(today=TODAY + dt.timedelta(days=1)) == 4


def test_the_daily_task_queues_them(orders, org, run_tasks, monkeypatch):
    from monitoring import reminders

    monkeypatch.setattr(reminders.timezone, "localdate", lambda: TODAY)
    assert tasks.send_daily_reminders.call() == 4
    assert Outbox.objects.filter(kind="monitoring-reminder").count() == 4
