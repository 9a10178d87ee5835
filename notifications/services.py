"""Sending notices: write them to the outbox now, deliver them after the commit.

Every email the product sends goes through ``notice_send``. It writes one
``Outbox`` row per person inside the caller's transaction, so a notice exists
exactly when the change that caused it does, and enqueues its delivery once
that transaction commits. The worker sends it; a sweep re-delivers any row
whose task was lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import Outbox

SIGN_OFF = "\n\nExpectations Exchange"


def notice_key(*parts: object) -> str:
    """A notice's key from its parts: ``notice_key("escalation", 7, "opened")``."""
    return ":".join(str(part) for part in parts)


def _people(to: AbstractBaseUser | Iterable[AbstractBaseUser | None]) -> list[AbstractBaseUser]:
    people = [to] if isinstance(to, AbstractBaseUser) else list(to)
    unique = {person.pk: person for person in people if person is not None and person.email}
    return [unique[pk] for pk in sorted(unique)]


@transaction.atomic
def notice_send(
    *,
    to: AbstractBaseUser | Iterable[AbstractBaseUser | None],
    subject: str,
    body: str,
    key: str,
    kind: str,
    secret: bool = False,
) -> list[Outbox]:
    """Queue the email ``subject``/``body`` to each person in ``to`` who has an address.

    ``key`` names this notice (the event, not the person): with the
    recipient it makes the row's unique key, so asking again with the same
    key queues nothing twice. ``kind`` says what sort of notice it is, for
    people's preferences and the records. Returns the rows queued now.
    """
    queued = []
    now = timezone.now()
    for person in _people(to):
        row_key = f"{key}:{person.pk}"
        if Outbox.objects.filter(key=row_key).exists():
            continue
        try:
            with transaction.atomic():
                row = Outbox.objects.create(
                    key=row_key,
                    kind=kind,
                    recipient=person,
                    address=person.email,
                    subject=subject,
                    body=body + SIGN_OFF,
                    secret=secret,
                    next_attempt_at=now,
                )
        except IntegrityError:  # queued by a concurrent transaction a moment ago
            continue
        queued.append(row)
    ids = [row.pk for row in queued]
    if ids:
        # robust: the change has committed; if enqueueing fails, the sweep delivers later.
        transaction.on_commit(lambda: tasks.enqueue_deliveries(ids), robust=True)
    return queued
