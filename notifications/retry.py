"""Retry with backoff for background tasks: the next attempt's time, and re-enqueueing it.

django-tasks-db runs a task once and records a failure; it does not retry.
A task that fails for a reason that may pass (a mail server down, a render
that crashed) records its attempt in its own row and asks for another run
with ``run_after``. Each app's sweep also re-enqueues work whose task was lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.tasks import Task
from django.tasks.exceptions import InvalidTask
from django.utils import timezone

BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after ``attempts`` failed attempts: 30 s, 1 min, 2 min ... at most an hour."""
    if attempts <= 0:
        return dt.timedelta(0)
    return min(BASE_DELAY * (2 ** min(attempts - 1, 20)), MAX_DELAY)


def next_attempt_at(attempts: int) -> dt.datetime:
    return timezone.now() + backoff(attempts)


def enqueue_at(task: Task, when: dt.datetime, **kwargs: Any) -> None:
    """Enqueue ``task`` to run no earlier than ``when``.

    Call it once the failed attempt has been recorded (committed). A backend
    that cannot defer (the immediate one) is not asked to: the sweep picks
    the work up when it is due.
    """
    with contextlib.suppress(InvalidTask):
        task.using(run_after=when).enqueue(**kwargs)
