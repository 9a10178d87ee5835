"""Escalation: an unbiased arbiter, agreed to be binding, who helps before deciding.

One ``Escalation`` per escalated request. The facilitator proposes an arbiter
(``ArbiterProposal``), each head accepts or objects (``ArbiterResponse``), each
head then agrees to be bound (``Consent``); only then does the arbiter act:
notes (``ArbiterNote``), facilitation sessions (``FacilitationSession``) and
finally the ``Outcome``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisation.models import Department


class State(models.TextChoices):
    AWAITING_PROPOSAL = "awaiting_proposal", "Awaiting the facilitator's proposal of an arbiter"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "Awaiting the heads' acceptance of the arbiter"
    AWAITING_CONSENTS = "awaiting_consents", "Awaiting both heads' consent to be bound"
    WITH_ARBITER = "with_arbiter", "With the arbiter"
    RESOLVED = "resolved", "Resolved"


class Escalation(models.Model):
    """A request the two sides could not settle, on its way to (or with) an arbiter."""

    item = models.OneToOneField(
        "meetings.NeedItem", on_delete=models.CASCADE, related_name="escalation"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="escalations"
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.AWAITING_PROPOSAL)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arbitrations",
        help_text="The proposed arbiter while the heads decide; the chosen one afterwards.",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        # Escalations waiting for someone (the home page).
        indexes = [models.Index(fields=["state"], name="escalation_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="awaiting_proposal") | Q(arbiter__isnull=False),
                name="escalation_arbiter_named_after_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"Escalation of “{self.item}”"

    @property
    def arbiter_is_chosen(self) -> bool:
        return self.state in CHOSEN_STATES

    @property
    def arbiter_may_act(self) -> bool:
        return self.state == State.WITH_ARBITER

    @property
    def is_resolved(self) -> bool:
        return self.state == State.RESOLVED

    @property
    def current_proposal(self) -> ArbiterProposal | None:
        proposals = list(self.proposals.all())
        return proposals[-1] if proposals else None

    def state_badge(self) -> str:
        """The badge modifier for the state: good, warn or plain."""
        if self.state == State.RESOLVED:
            return "good"
        if self.state == State.WITH_ARBITER:
            return ""
        return "warn"


CHOSEN_STATES = frozenset({State.AWAITING_CONSENTS, State.WITH_ARBITER, State.RESOLVED})


class ArbiterProposal(models.Model):
    """The facilitator's proposal of an arbiter, which both heads accept or object to."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the heads"
        ACCEPTED = "accepted", "Accepted by both heads"
        OBJECTED = "objected", "Objected to"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="proposals")
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.arbiter} proposed as arbiter ({self.get_status_display()})"


class ArbiterResponse(models.Model):
    """One head's acceptance of, or objection to, a proposed arbiter."""

    proposal = models.ForeignKey(
        ArbiterProposal, on_delete=models.CASCADE, related_name="responses"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    head = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField()
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "department"], name="one_response_per_department"
            ),
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(reason=""), name="objection_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {'accepted' if self.accepted else 'objected'}"


class Consent(models.Model):
    """A head's record that the department agrees to be bound by the arbiter's outcome."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="consents")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    head = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "department"], name="one_consent_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} agrees to be bound"


class ArbiterNote(models.Model):
    """The arbiter's working notes."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FacilitationSession(models.Model):
    """A session in which the arbiter helped the two sides towards their own agreement."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("date")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name="who attended"
    )
    notes = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Facilitation session on {self.held_on:%-d %B %Y}"


class Outcome(models.Model):
    """How an escalation ended: agreed with the arbiter's help, or decided by the arbiter."""

    class Kind(models.TextChoices):
        FACILITATED = "facilitated", "Facilitated: the two sides agreed with the arbiter's help"
        DECIDED = "decided", "Decided by the arbiter"

    escalation = models.OneToOneField(Escalation, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    no_service_owed = models.BooleanField(default=False)
    service = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    reasoning = models.TextField()
    facilitation_tried = models.BooleanField(
        default=False,
        help_text="For a decision: facilitation was tried first.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(no_service_owed=True, service="", level="", start_date__isnull=True)
                | (
                    Q(no_service_owed=False, start_date__isnull=False)
                    & ~Q(service="")
                    & ~Q(level="")
                ),
                name="outcome_terms_or_no_service_owed",
            ),
            models.CheckConstraint(
                condition=~Q(kind="decided") | Q(facilitation_tried=True),
                name="decision_only_after_facilitation",
            ),
            models.CheckConstraint(condition=~Q(reasoning=""), name="outcome_has_reasoning"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.terms_text}"

    @property
    def terms_text(self) -> str:
        if self.no_service_owed:
            return "No service is owed."
        return f"{self.service} ({self.level}), from {self.start_date:%-d %B %Y}"
