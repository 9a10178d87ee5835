"""The worker's side of the outbox: deliver a row, and sweep up rows left unsent."""

from __future__ import annotations

from collections.abc import Iterable

from django.tasks import task

from notifications import delivery, retry


def enqueue_deliveries(ids: Iterable[int]) -> None:
    for outbox_id in ids:
        deliver_notice.enqueue(outbox_id=outbox_id)


@task()
def deliver_notice(outbox_id: int) -> str:
    """Send one outbox row; on failure ask for another attempt after the backoff."""
    row = delivery.outbox_deliver(outbox_id=outbox_id)
    if row is None:
        return "gone"
    if row.sent_at is not None:
        return "sent"
    if row.gave_up_at is not None:
        return "gave up"
    retry.enqueue_at(deliver_notice, row.next_attempt_at, outbox_id=row.pk)
    return f"failed (attempt {row.attempts}), retrying at {row.next_attempt_at:%H:%M:%S}"


@task()
def sweep_outbox() -> int:
    """Re-enqueue every row whose delivery is overdue (task lost, worker killed)."""
    ids = delivery.overdue_ids()
    delivery.mark_swept(ids)
    enqueue_deliveries(ids)
    return len(ids)
