"""Running background tasks in tests: deterministically, when the test says so.

The test settings use Django's dummy tasks backend, which only records what
is enqueued. ``run_queued_tasks`` then runs, in this thread, every task that
is due (``run_after`` respected), including the tasks those enqueue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import default_task_backend
from django.utils import timezone


def queued() -> list:
    return list(default_task_backend.results)


def run_queued_tasks(*, now: dt.datetime | None = None) -> list[Any]:
    """Run every due task (and those they enqueue) in order; return their return values."""
    returned = []
    while True:
        moment = now or timezone.now()
        due = [
            result
            for result in default_task_backend.results
            if result.task.run_after is None or result.task.run_after <= moment
        ]
        if not due:
            return returned
        for result in due:
            default_task_backend.results.remove(result)
            returned.append(result.task.call(*result.args, **result.kwargs))


def deliver_outbox() -> int:
    """Send every email still in the outbox, as the worker would (for tests whose server
    runs in another thread, where the tasks it enqueued are out of reach)."""
    from notifications import delivery
    from notifications.models import Outbox

    pending = list(
        Outbox.objects.filter(sent_at__isnull=True, gave_up_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for outbox_id in pending:
        delivery.outbox_deliver(outbox_id=outbox_id)
    return len(pending)
