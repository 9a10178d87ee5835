"""The worker's timetable: the sweeps every minute and the reminders once a day.

The queue (django-tasks-db) runs what is enqueued; this module makes sure each
periodic task always has its next run enqueued. ``ensure_scheduled`` is called
by every worker (``manage.py worker``) when it starts and every half minute
after, so a run lost with a killed worker is enqueued again. Two workers may
both enqueue a run; every periodic task is idempotent, so that only costs a
little work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from agreements import tasks as agreement_tasks
from meetings import tasks as meeting_tasks
from monitoring import tasks as monitoring_tasks
from notifications import tasks as notification_tasks

logger = logging.getLogger(__name__)

# A run still marked running after this long belongs to a worker that died.
STALE_RUN = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Periodic:
    task: Task
    # Given the last successful finish (or None) and now: when the next run is due.
    next_run: Callable[[dt.datetime | None, dt.datetime], dt.datetime]


def every(interval: dt.timedelta) -> Callable[[dt.datetime | None, dt.datetime], dt.datetime]:
    def next_run(last: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        return now if last is None else max(now, last + interval)

    return next_run


def daily_at(clock: str) -> Callable[[dt.datetime | None, dt.datetime], dt.datetime]:
    """Once a day at ``clock`` (HH:MM, local time); a day missed while no worker ran runs now."""
    hour, minute = (int(part) for part in clock.split(":"))

    def next_run(last: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        local = timezone.localtime(now)
        today = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        latest_due = today if today <= local else today - dt.timedelta(days=1)
        if last is None or last < latest_due:
            return now
        return latest_due + dt.timedelta(days=1)

    return next_run


def timetable() -> list[Periodic]:
    return [
        Periodic(notification_tasks.sweep_outbox, every(dt.timedelta(minutes=1))),
        Periodic(agreement_tasks.sweep_unsealed, every(dt.timedelta(minutes=1))),
        Periodic(monitoring_tasks.send_daily_reminders, daily_at(settings.REMINDERS_AT)),
        Periodic(meeting_tasks.send_need_list_reminders, daily_at(settings.REMINDERS_AT)),
        Periodic(monitoring_tasks.refresh_agreement_health, daily_at("00:05")),
    ]


def ensure_scheduled(now: dt.datetime | None = None) -> list[str]:
    """Enqueue the next run of each periodic task that has none waiting or running."""
    now = now or timezone.now()
    enqueued = []
    for periodic in timetable():
        runs = DBTaskResult.objects.filter(task_path=periodic.task.module_path)
        waiting = runs.filter(status=TaskResultStatus.READY).exists()
        running = runs.filter(
            status=TaskResultStatus.RUNNING, started_at__gt=now - STALE_RUN
        ).exists()
        if waiting or running:
            continue
        last = (
            runs.filter(status=TaskResultStatus.SUCCESSFUL)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        when = periodic.next_run(last, now)
        periodic.task.using(run_after=when).enqueue()
        enqueued.append(periodic.task.name)
    return enqueued
