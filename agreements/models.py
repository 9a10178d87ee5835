"""The service level agreement an exchange ends in: its versions, services, signatures, record."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from meetings.measures import MeasureFields
from meetings.models import Meeting, NeedItem, Origin
from organisation.models import Department

DEFAULT_ESCALATION_ROUTE = (
    "A disagreement about a service in this agreement goes first to the two heads, who "
    "try to settle it between themselves within ten working days. If they cannot, either "
    "head may ask for an unbiased arbiter (another manager, a more senior person, or the "
    "shared boss). Both heads agree in advance to be bound by the arbiter's outcome, which "
    "is added to this agreement as a new version signed by both heads."
)

MONITORING_CLAUSE = (
    "Each measure is recorded at its agreed frequency, as met or missed against its target, "
    "by the person named as measuring it. When a service falls short, the provider records "
    "what happened, what is being done to fix it and how a repeat will be prevented. Both "
    "departments see the record. Each service is reviewed by its review date, and either head "
    "may open a review exchange from this agreement to develop it further."
)


class SLA(models.Model):
    """One agreement per exchange, covering both directions."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="sla")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "service level agreement"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"SLA: {self.meeting.department_a} and {self.meeting.department_b}"

    @property
    def departments(self) -> tuple[Department, Department]:
        return (self.meeting.department_a, self.meeting.department_b)

    @property
    def latest_version(self) -> SLAVersion | None:
        """The newest version (uses prefetched versions when there are some)."""
        return max(self.versions.all(), key=lambda v: v.number, default=None)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting", "Awaiting signatures"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded"


class SLAVersion(models.Model):
    """Version n of an agreement. Once signed it never changes; a change is version n+1."""

    sla = models.ForeignKey(SLA, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    reason = models.CharField(max_length=300, help_text="Why this version exists.")
    escalation_route = models.TextField(default=DEFAULT_ESCALATION_ROUTE)
    # How the agreement's standing is judged (the heads agree these with the terms).
    status_window = models.PositiveSmallIntegerField(
        "periods looked at",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The standing looks at each measure's last this many periods.",
    )
    at_risk_below = models.PositiveSmallIntegerField(
        "at risk below (%)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A measure met in fewer of those periods than this puts the agreement at risk.",
    )
    breached_below = models.PositiveSmallIntegerField(
        "breached below (%)",
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="A measure met in fewer of those periods than this breaches the agreement.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The sealed PDF, produced once when the second head signs, then never re-rendered.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdf_produced_at = models.DateTimeField(null=True, blank=True)
    # Sealing runs in the worker: failed attempts so far, the last error, and when the
    # next attempt is due. A signed version without a PDF is always picked up again.
    seal_attempts = models.PositiveIntegerField(default=0, editable=False)
    seal_error = models.TextField(blank=True, editable=False)
    seal_retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sla", "number"]
        # The version in force of each agreement; versions to sign.
        indexes = [models.Index(fields=["status", "sla"], name="version_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["sla", "number"], name="one_version_number_per_sla"),
            models.CheckConstraint(condition=Q(number__gte=1), name="sla_version_number_positive"),
            models.CheckConstraint(
                condition=Q(breached_below__lte=models.F("at_risk_below")),
                name="sla_breach_threshold_below_risk",
                violation_error_message="“Breached below” is at most “at risk below”.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sla}, version {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in {VersionStatus.DRAFT, VersionStatus.AWAITING}

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_sha256)

    @property
    def is_sealing(self) -> bool:
        """Signed by both heads, its sealed PDF not made yet (the worker is on it)."""
        return self.status in {VersionStatus.SIGNED, VersionStatus.SUPERSEDED} and not self.has_pdf


class SLAService(MeasureFields):
    """One agreed service: what the provider gives the recipient, and how it is measured.

    The measure's fields and meaning are shared with the request it came from
    (``meetings.measures``).
    """

    version = models.ForeignKey(SLAVersion, on_delete=models.CASCADE, related_name="services")
    position = models.PositiveIntegerField(default=0)
    need_item = models.ForeignKey(
        NeedItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=300)
    level = models.CharField("service level", max_length=300, blank=True)
    milestones = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider=models.F("recipient")),
                name="sla_service_two_departments",
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(review_date__gte=models.F("start_date")),
                name="sla_service_review_after_start",
                violation_error_message="The review date comes after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.provider} for {self.recipient})"

    def clean(self) -> None:
        self.tidy_measure()
        self.clean_measure(required=False)

    @property
    def missing(self) -> list[str]:
        """The rough details still to complete before anyone can sign."""
        gaps = []
        if self.measure_needs_confirming or self.measure.problems():
            gaps.append("a measure (its kind and target)")
        if not self.measured_by.strip():
            gaps.append("who measures")
        if self.start_date is None:
            gaps.append("a start date")
        if self.review_date is None:
            gaps.append("a review date")
        return gaps


class EscalationOutcome(models.Model):
    """A request that went to an arbiter, and (once known) what came of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the arbiter"
        SERVICE = "service", "Service agreed through the arbiter"
        NONE_OWED = "none_owed", "No service owed"

    version = models.ForeignKey(SLAVersion, on_delete=models.CASCADE, related_name="escalations")
    need_item = models.ForeignKey(
        NeedItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    requested = models.CharField("service requested", max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reasoning = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return f"{self.requested}: {self.get_status_display()}"


class Signature(models.Model):
    """A head's signature on their department's part of one version."""

    version = models.ForeignKey(SLAVersion, on_delete=models.CASCADE, related_name="signatures")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sla_signatures"
    )
    signer_name = models.CharField(max_length=300)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    content_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the canonical content the head signed."
    )

    class Meta:
        ordering = ["version", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "department"], name="one_signature_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} for {self.department} ({self.signed_at:%Y-%m-%d %H:%M})"


class Change(models.Model):
    """The version's append-only record: every edit, signature and clearing, who and when."""

    version = models.ForeignKey(SLAVersion, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=40)
    description = models.TextField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "at", "id"]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The agreement's record is append-only; changes are never edited.")
        super().save(*args, **kwargs)
