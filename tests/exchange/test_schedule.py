"""The worker's timetable: the sweeps every minute, the reminders daily, nothing doubled."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from exchange import schedule

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def database_queue(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_every_runs_now_at_first_then_after_the_interval():
    next_run = schedule.every(dt.timedelta(minutes=1))
    now = timezone.now()
    assert next_run(None, now) == now
    assert next_run(now - dt.timedelta(seconds=10), now) == now + dt.timedelta(seconds=50)
    assert next_run(now - dt.timedelta(hours=1), now) == now


def test_daily_runs_at_its_time_and_catches_up_a_missed_day(settings):
    settings.TIME_ZONE = "Europe/London"
    next_run = schedule.daily_at("07:15")
    morning = dt.datetime(2026, 11, 26, 6, 0, tzinfo=LONDON)
    ran_yesterday = dt.datetime(2026, 11, 25, 7, 15, 5, tzinfo=LONDON)
    assert next_run(ran_yesterday, morning) == dt.datetime(2026, 11, 26, 7, 15, tzinfo=LONDON)
    noon = dt.datetime(2026, 11, 26, 12, 0, tzinfo=LONDON)
    assert next_run(ran_yesterday, noon) == noon  # the worker was down at 07:15: run now
    ran_today = dt.datetime(2026, 11, 26, 7, 15, 2, tzinfo=LONDON)
    assert next_run(ran_today, noon) == dt.datetime(2026, 11, 27, 7, 15, tzinfo=LONDON)
    assert next_run(None, noon) == noon


def test_ensure_scheduled_enqueues_each_periodic_task_once(database_queue):
    enqueued = schedule.ensure_scheduled()
    assert sorted(enqueued) == [
        "refresh_agreement_health",
        "send_daily_reminders",
        "send_need_list_reminders",
        "sweep_outbox",
        "sweep_unsealed",
    ]
    assert schedule.ensure_scheduled() == []  # already waiting: nothing twice
    assert DBTaskResult.objects.count() == 5


def test_a_run_lost_with_a_killed_worker_is_enqueued_again(database_queue):
    schedule.ensure_scheduled()
    stale = timezone.now() - schedule.STALE_RUN - dt.timedelta(minutes=1)
    DBTaskResult.objects.filter(task_path="notifications.tasks.sweep_outbox").update(
        status=TaskResultStatus.RUNNING, started_at=stale
    )
    assert schedule.ensure_scheduled() == ["sweep_outbox"]


def test_after_a_run_the_next_waits_for_its_interval(database_queue):
    schedule.ensure_scheduled()
    finished = timezone.now()
    DBTaskResult.objects.filter(task_path="agreements.tasks.sweep_unsealed").update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=finished
    )
    assert schedule.ensure_scheduled() == ["sweep_unsealed"]
    waiting = DBTaskResult.objects.get(
        task_path="agreements.tasks.sweep_unsealed", status=TaskResultStatus.READY
    )
    assert waiting.run_after >= finished + dt.timedelta(seconds=59)
