"""What to watch: the task queue's depth and age, unsent email, unsealed agreements."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from agreements.models import SLAVersion, VersionStatus
from exchange.schedule import STALE_RUN
from notifications.models import Outbox


def _age(since: dt.datetime | None, now: dt.datetime) -> str:
    return "-" if since is None else f"{(now - since).total_seconds():.0f}"


class Command(BaseCommand):
    help = (
        "Print queue depth, oldest waiting task age, stale runs, recent failures, unsent "
        "email and unsealed agreements, one 'name: value' a line (ages in seconds)."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        ready = DBTaskResult.objects.ready()  # waiting, and due now
        oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        unsent = Outbox.objects.filter(sent_at__isnull=True, gave_up_at__isnull=True)
        unsealed = SLAVersion.objects.filter(
            status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED], pdf_sha256=""
        )
        lines = {
            "tasks.ready": ready.count(),
            "tasks.oldest_ready_age_s": _age(oldest, now),
            "tasks.running": running.count(),
            "tasks.running_stale": running.filter(started_at__lt=now - STALE_RUN).count(),
            "tasks.failed_last_24h": DBTaskResult.objects.filter(
                status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
            ).count(),
            "outbox.unsent": unsent.count(),
            "outbox.oldest_unsent_age_s": _age(
                unsent.aggregate(oldest=Min("created_at"))["oldest"], now
            ),
            "outbox.given_up": Outbox.objects.filter(gave_up_at__isnull=False).count(),
            "agreements.unsealed": unsealed.count(),
            "agreements.oldest_unsealed_age_s": _age(
                unsealed.aggregate(oldest=Min("signed_at"))["oldest"], now
            ),
        }
        for name, value in lines.items():
            self.stdout.write(f"{name}: {value}")
