"""Performance after signing: measurements per period, their corrections, explanations.

Measurements belong to a service of a signed agreement version
(``agreements.SLAService``); this app never writes agreements' tables.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from agreements.models import SLAService


class Measurement(models.Model):
    """The actual value of one measure for one period, and whether the target was met."""

    class Source(models.TextChoices):
        TYPED = "typed", "Typed in"
        IMPORTED = "imported", "Imported from a file"
        PUSHED = "pushed", "Sent by another system"

    service = models.ForeignKey(SLAService, on_delete=models.PROTECT, related_name="measurements")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The next period's start (excluded).")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    value_text = models.CharField("actual value", max_length=120)
    met = models.BooleanField()
    note = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TYPED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "period_start"], name="one_measurement_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="measurement_period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.measure_what}, {self.period_start}: {self.value_text}"

    @property
    def latest_explanation(self) -> Explanation | None:
        return max(self.explanations.all(), key=lambda e: (e.written_at, e.pk), default=None)

    @property
    def is_explained(self) -> bool:
        """A miss is settled once its latest explanation has been acknowledged."""
        latest = self.latest_explanation
        return latest is not None and latest.status == Explanation.Status.ACKNOWLEDGED


class MeasurementChange(models.Model):
    """Append-only history of a measurement: the first record and every correction."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)  # "recorded" or "corrected"
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["measurement", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.measurement_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A measurement's history is append-only.")
        super().save(*args, **kwargs)


class Explanation(models.Model):
    """The provider's account of a missed period; the recipient acknowledges or asks for more."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting the recipient"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        MORE_ASKED = "more_asked", "More asked for"

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="explanations"
    )
    what_happened = models.TextField()
    fix = models.TextField("what is being done to fix it")
    prevention = models.TextField("how a repeat will be prevented")
    fix_by = models.DateField("fixed by")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AWAITING)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(blank=True)

    class Meta:
        ordering = ["measurement", "written_at", "id"]
        # Explanations awaiting an answer (the home page).
        indexes = [models.Index(fields=["status", "written_at"], name="explanation_status_idx")]

    def __str__(self) -> str:
        return f"Explanation of {self.measurement}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A secret in a person's calendar feed address, so calendar apps need no session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ApiToken(models.Model):
    """A department's key for another system (a service desk, a finance system) to send
    measurements of the services it provides. Only its SHA-256 is stored; the token
    itself is shown once, when it is made."""

    PREFIX = "exm_"

    department = models.ForeignKey(
        "organisation.Department", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=120, help_text="Which system uses it.")
    token_sha256 = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The token's first characters.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["department", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ApiRequest(models.Model):
    """A request made with an idempotency key, and its answer, so a retry gets the same
    answer instead of sending the figure again."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="requests")
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class AgreementHealth(models.Model):
    """An agreement's figures for the managers' overview, kept so the overview can sort and
    page thousands of agreements in the database.

    Written by ``monitoring.services.health_refresh``: after every measurement or
    explanation, and once a day by the worker (periods fall due as days pass). A row
    computed on another day, or for another version than the one in force, is stale:
    the pages work its figures out afresh and use the row only to sort. Every agreement
    has one from the moment it is drafted (``monitoring.receivers.keep_new_agreement``),
    so the overview reads its pages from this table's indexes.
    """

    sla = models.OneToOneField(
        "agreements.SLA", on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    version = models.ForeignKey(
        "agreements.SLAVersion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    met = models.PositiveIntegerField(default=0)
    recorded = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(null=True)
    open_issues = models.PositiveIntegerField(default=0)
    awaiting_answers = models.PositiveIntegerField(default=0)
    standing = models.CharField(max_length=16, default="no_figures")
    reasons = models.JSONField(default=list)
    computed_on = models.DateField()
    # The two departments' names in lower case: the overview's order within equal figures.
    name = models.CharField(max_length=255, default="")

    class Meta:
        # One for each of the overview's orders, so a page of it is read along an index.
        indexes = [
            models.Index(F("open_issues").desc(), "name", "sla", name="health_issues_idx"),
            # Ascending puts agreements with no figures last, as the page asks (PostgreSQL's
            # default). Best first asks for them last too, so that order is sorted, not read.
            models.Index("percent", "name", "sla", name="health_percent_idx"),
            models.Index("name", "sla", name="health_name_idx"),
        ]

    def __str__(self) -> str:
        return f"Health of agreement {self.sla_id} on {self.computed_on}"


class Owed(models.Model):
    """One thing a department owes on an agreement in force: its provider, a period
    overdue or a missed target to explain; its recipient, the answer to an explanation.
    Kept beside ``AgreementHealth`` by the same refresh (and valid on the same day, for
    the same version), so a home page reads a person's first few things to do from here
    instead of working out every record of every agreement they are in.
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        EXPLAIN = "explain", "To explain"
        ANSWER = "answer", "To answer"

    sla = models.ForeignKey("agreements.SLA", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("agreements.SLAVersion", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(SLAService, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Who owes it: the provider, or for an answer the recipient.",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    measurement = models.ForeignKey(
        Measurement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    explanation = models.ForeignKey(
        "Explanation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    computed_on = models.DateField(help_text="As ``AgreementHealth.computed_on``.")

    class Meta:
        # The home page: a department's first few of one kind, in the records' order.
        indexes = [
            models.Index(
                fields=["department", "kind", "computed_on", "sla", "id"],
                name="owed_department_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: service {self.service_id} from {self.period_start}"


class KeptDay(models.Model):
    """A day on which every agreement's figures (and what is owed) were kept afresh.

    Written when ``health_refresh`` of all agreements finishes (the worker does it daily
    just after midnight). From then until midnight each agreement is kept afresh as it
    changes (a measurement, an explanation, a version signed), so pages may trust the
    kept rows without checking each agreement's date.
    """

    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return f"Every agreement kept on {self.day}"
