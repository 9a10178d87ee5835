"""The worker's scheduled work for monitoring: the daily reminders and kept figures."""

from __future__ import annotations

from django.tasks import task

from monitoring import reminders, services


@task()
def send_daily_reminders() -> int:
    """Queue today's reminders (once a day per person, however often it runs)."""
    return reminders.reminders_send()


@task()
def refresh_agreement_health() -> int:
    """Work out every agreement's overview figures for today (periods fall due with time)."""
    return services.health_refresh()
