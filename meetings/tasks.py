"""The worker's scheduled work for exchanges: reminding heads before their need lists are due."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from meetings import notices


@task()
def send_need_list_reminders() -> int:
    """Queue the reminders due today (each head once per deadline, however often it runs)."""
    with transaction.atomic():
        return notices.need_lists_remind()
