"""Run a background worker: django-tasks-db's ``db_worker`` plus the periodic timetable.

Every worker keeps the timetable (``exchange.schedule``) enqueued, so the
sweeps and the daily reminders run without cron. Start as many workers as the
load needs; see docs/operations.md.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from agreements import pdf
from exchange import schedule

logger = logging.getLogger(__name__)
SCHEDULE_EVERY_SECONDS = 30.0


def _keep_scheduled(stop: threading.Event, every: float) -> None:
    while True:
        try:
            close_old_connections()
            enqueued = schedule.ensure_scheduled()
            if enqueued:
                logger.info("Scheduled %s", ", ".join(enqueued))
        except DatabaseError:  # the database restarting, or SQLite busy: try again later
            logger.warning("Could not check the timetable; trying again shortly", exc_info=True)
        finally:
            connections.close_all()
        if stop.wait(every):
            return


class Command(DBWorkerCommand):
    help = (
        "Run a background worker: sealing PDFs, sending email, the sweeps and the daily reminders."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Restarting on code changes would kill a render half-way: off unless asked for.
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not keep the periodic tasks (sweeps, daily reminders) enqueued.",
        )

    def handle(self, *args, schedule: bool = True, **options) -> None:
        stop = threading.Event()
        if schedule:
            threading.Thread(
                target=_keep_scheduled,
                args=(stop, SCHEDULE_EVERY_SECONDS),
                name="timetable",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            pdf.render_pool_shutdown()
