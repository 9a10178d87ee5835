"""The worker's scheduled work for monitoring: the daily reminders."""

from __future__ import annotations

from django.tasks import task

from monitoring import reminders


@task()
def send_daily_reminders() -> int:
    """Queue today's reminders (once a day per person, however often it runs)."""
    return reminders.reminders_send()
