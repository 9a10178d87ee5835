"""Queue today's reminder emails now (the worker also does this once a day by itself).

Reminders no longer need cron: the worker (``manage.py worker``) runs them
daily at ``REMINDERS_AT``. This command is for a run by hand. Each person gets
at most one reminder a day, however often it runs.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from monitoring.reminders import reminders_send
from monitoring.selectors import people_owing


class Command(BaseCommand):
    help = (
        "Queue today's reminders for everyone who owes a measurement, an explanation or an "
        "answer. The worker does this daily by itself; each person gets one a day at most."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would be emailed; send nothing."
        )
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, dry_run: bool = False, today: dt.date | None = None, **options):
        if dry_run:
            for user, attention in people_owing(today):
                if user.email:
                    self.stdout.write(f"{user.email}: {attention.count} item(s)")
            return
        queued = reminders_send(today=today)
        self.stdout.write(f"{queued} reminder(s) queued; the worker sends them.")
