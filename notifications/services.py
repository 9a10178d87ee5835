"""Sending notices: write them to the outbox now, deliver them after the commit.

Every email the product sends goes through ``notice_send``. It writes one
``Outbox`` row per person inside the caller's transaction, so a notice exists
exactly when the change that caused it does, and enqueues its delivery once
that transaction commits. The worker sends it; a sweep re-delivers any row
whose task was lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import kinds, tasks
from notifications.models import OptOut, Outbox

SIGN_OFF = "\n\nExpectations Exchange"


def notice_key(*parts: object) -> str:
    """A notice's key from its parts: ``notice_key("escalation", 7, "opened")``."""
    return ":".join(str(part) for part in parts)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a notice, kept as text: ``Attachment("invite.ics", text, "text/calendar")``."""

    name: str
    content: str
    mimetype: str


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
    attachment: Attachment | None = None,
) -> list[Outbox]:
    """Queue the email ``subject``/``body`` to each person in ``to`` who has an address.

    ``key`` names this notice (the event, not the person): with the
    recipient it makes the row's unique key, so asking again with the same
    key queues nothing twice. ``kind`` says what sort of notice it is
    (``notifications.kinds``): a person who turned that kind off is skipped.
    Returns the rows queued now.
    """
    queued = []
    now = timezone.now()
    people = _people(to)
    off = set()
    if kinds.may_turn_off(kind):
        off = set(
            OptOut.objects.filter(user__in=[p.pk for p in people], kind=kind).values_list(
                "user_id", flat=True
            )
        )
    for person in people:
        if person.pk in off:
            continue
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
                    attachment_name=attachment.name if attachment else "",
                    attachment_type=attachment.mimetype if attachment else "",
                    attachment=attachment.content if attachment else "",
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


def last_queued_at(*, key_prefix: str, recipient: AbstractBaseUser) -> dt.datetime | None:
    """When a notice whose key starts with ``key_prefix`` was last queued for ``recipient``
    (for rate limits on notices a person asks for, such as a reminder)."""
    return (
        Outbox.objects.filter(key__startswith=key_prefix, recipient=recipient)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


# How often a person may be reminded of one thing on someone's request (the chair's
# "remind" buttons).
REMIND_EVERY = dt.timedelta(hours=1)


def remind_refusal(*, key_prefix: str, recipient: AbstractBaseUser, name: str) -> str | None:
    """Why ``recipient`` (called ``name``) cannot be reminded again yet, or ``None``.

    A reminder whose key starts with ``key_prefix`` is sent at most once every
    ``REMIND_EVERY``; the refusal says when the next one can go.
    """
    last = last_queued_at(key_prefix=key_prefix, recipient=recipient)
    if last is None or timezone.now() - last >= REMIND_EVERY:
        return None
    again = timezone.localtime(last + REMIND_EVERY)
    return (
        f"{name} was reminded at {timezone.localtime(last):%H:%M}. You can remind them again "
        f"from {again:%H:%M}."
    )


def turned_off(user: AbstractBaseUser) -> set[str]:
    """The kinds of email ``user`` has turned off."""
    return set(OptOut.objects.filter(user=user).values_list("kind", flat=True))


@transaction.atomic
def preferences_set(*, user: AbstractBaseUser, off: Iterable[str]) -> set[str]:
    """Turn off exactly the kinds in ``off`` for ``user``; invitations stay on whatever is asked."""
    wanted = {kind for kind in off if kinds.may_turn_off(kind)}
    OptOut.objects.filter(user=user).exclude(kind__in=wanted).delete()
    have = turned_off(user)
    OptOut.objects.bulk_create(
        [OptOut(user=user, kind=kind) for kind in sorted(wanted - have)], ignore_conflicts=True
    )
    return wanted
