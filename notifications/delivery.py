"""Delivering the outbox: send one row once, and find rows whose delivery was lost."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications import retry
from notifications.models import Outbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def outbox_deliver(*, outbox_id: int) -> Outbox | None:
    """Send one queued email, once. Returns the row, or ``None`` if it no longer exists.

    The row is locked while sending, so two workers never send it together,
    and a sent row is never sent again. A failure is recorded with the time
    of the next attempt (backoff); after ``MAX_ATTEMPTS`` the row is given up.
    """
    with transaction.atomic():
        row = Outbox.objects.select_for_update().filter(pk=outbox_id).first()
        if row is None or not row.is_pending:
            return row
        row.attempts += 1
        try:
            send_email(row)
        except Exception as error:  # the mail server's many ways of saying no
            logger.warning("Could not send outbox row %s to %s: %s", row.pk, row.address, error)
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.gave_up_at = timezone.now()
                logger.error("Gave up sending outbox row %s to %s", row.pk, row.address)
            else:
                row.next_attempt_at = retry.next_attempt_at(row.attempts)
            row.save(update_fields=["attempts", "last_error", "gave_up_at", "next_attempt_at"])
            return row
        row.sent_at = timezone.now()
        row.last_error = ""
        if row.secret:
            row.body = "(Not kept: it held a sign-in link.)"
        row.save(update_fields=["attempts", "sent_at", "last_error", "body"])
        return row


def send_email(row: Outbox) -> None:
    """Send one row's email now, with its attachment if it has one."""
    message = EmailMessage(row.subject, row.body, None, [row.address])
    if row.attachment_name:
        message.attach(row.attachment_name, row.attachment, row.attachment_type)
    message.send()


def overdue_ids(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Unsent rows whose attempt was due more than ``grace()`` ago: their task was lost."""
    now = now or timezone.now()
    return list(
        Outbox.objects.filter(
            sent_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now - grace()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def mark_swept(ids: list[int]) -> None:
    """Queued again now: the next sweep leaves them alone for another ``grace()``."""
    Outbox.objects.filter(pk__in=ids, sent_at__isnull=True).update(next_attempt_at=timezone.now())


def grace() -> dt.timedelta:
    """How long after its attempt was due unfinished work counts as lost (its task gone)."""
    return dt.timedelta(seconds=settings.SWEEP_AFTER_SECONDS)
