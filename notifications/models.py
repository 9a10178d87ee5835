"""The outbox: every email the product sends, written in the transaction that caused it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Outbox(models.Model):
    """One email to one person. Written with the change that causes it; sent by the worker.

    ``key`` names the notice and its recipient, so the same notice is never
    queued twice (running the daily reminders again, a retried service call).
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60, help_text="What sort of notice, e.g. 'escalation'.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # A body that grants something (a sign-in link) is blanked once it is sent.
    secret = models.BooleanField(default=False)
    # One optional attachment, kept as text (a calendar invitation) and attached on delivery.
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the next delivery attempt is due; the sweep re-enqueues rows left behind.
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outgoing email"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_unsent_due_idx",
                condition=Q(sent_at__isnull=True, gave_up_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.address}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.gave_up_at is None


class OptOut(models.Model):
    """One person has turned one kind of email off (``notifications.kinds``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_opt_outs"
    )
    kind = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "email turned off"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} turned off {self.kind}"
