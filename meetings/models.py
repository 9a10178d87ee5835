"""An exchange meeting between two departments, their need lists, and its record."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from meetings.measures import Frequency, MeasureFields
from meetings.words import possessive
from organisation.models import Department

__all__ = ["Frequency"]  # re-exported: agreements and monitoring name it from here

MAX_MONEY = Decimal("1000000000")  # a billion: anything above is a typing slip


class Step(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    OPENING = "opening", "Opening"
    A_PRESENTS = "a_presents", "A presents"
    B_SUMMARISES = "b_summarises", "B summarises"
    B_PRESENTS = "b_presents", "B presents"
    A_SUMMARISES = "a_summarises", "A summarises"
    B_RESPONDS = "b_responds", "B responds to A's requests"
    A_RESPONDS = "a_responds", "A responds to B's requests"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class Meeting(models.Model):
    """An expectations exchange: A (who called it) and B, chaired by a facilitator who
    accepted the invitation, or else by A's head (``rules.chair_role``)."""

    title = models.CharField(max_length=200, blank=True)
    department_a = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    department_b = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_meetings",
    )
    # Invited by a head and not answered yet: until the facilitator accepts, A's head chairs.
    facilitator_invited = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField()
    place = models.CharField(max_length=300, help_text="A room, or a link to a video call.")
    # A called exchange is "proposed" until the other side agrees its time and place:
    # the side whose answer is awaited ("a" or "b"), empty once agreed.
    time_awaits = models.CharField(
        max_length=1, blank=True, choices=[("a", "A"), ("b", "B")], default=""
    )
    # The day both need lists should be ready; the heads are reminded before it.
    needs_due = models.DateField("need lists due", null=True, blank=True)
    step = models.CharField(max_length=20, choices=Step.choices, default=Step.PREPARATION)
    current_item = models.ForeignKey(
        "NeedItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The chair's optional time box for the current step: a timer on every screen,
    # never a lock. Cleared whenever the step changes.
    timebox_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    timebox_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [
            # The exchanges list (newest first) and the home page (soonest open ones first).
            models.Index(fields=["scheduled_for", "id"], name="meeting_when_idx"),
            models.Index(fields=["step", "scheduled_for"], name="meeting_step_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(department_a=models.F("department_b")),
                name="meeting_two_different_departments",
            ),
            models.CheckConstraint(
                condition=Q(facilitator_invited=False) | Q(facilitator__isnull=False),
                name="meeting_invitation_names_a_facilitator",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.department_a} and {self.department_b}"

    @property
    def departments(self) -> tuple[Department, Department]:
        return (self.department_a, self.department_b)

    @property
    def is_proposed(self) -> bool:
        """Called, and its time not yet agreed by both sides."""
        return bool(self.time_awaits)

    @property
    def has_facilitator(self) -> bool:
        """A facilitator is named and has accepted (or was assigned when scheduled)."""
        return self.facilitator_id is not None and not self.facilitator_invited

    def other_department(self, department: Department) -> Department:
        return self.department_b if department.pk == self.department_a_id else self.department_a

    def need_list_for(self, department: Department) -> NeedList:
        return self.need_lists.get(department=department)


class NeedList(models.Model):
    """What one department needs from the other, prepared before the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="need_lists")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="need_lists")
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members_may_edit = models.BooleanField(default=False)
    flagged_difficult = models.BooleanField(default=False)
    difficulty_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="one_list_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{possessive(self.department)} needs ({self.meeting})"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None


class ItemStatus(models.TextChoices):
    """Where the negotiation of one request stands (steps 7 and 8)."""

    AWAITING_RESPONSE = "awaiting_response", "Awaiting a response"
    COUNTER_OFFERED = "counter_offered", "Counter-offer made"
    COUNTER_REJECTED = "counter_rejected", "Counter-offer rejected"
    DECLINED = "declined", "Declined"
    CHALLENGED = "challenged", "Reasons challenged"
    MAINTAINED = "maintained", "No maintained"
    OFFER_REQUESTED = "offer_requested", "Asked what can be offered"
    IMPASSE = "impasse", "Impasse: nothing to offer"
    AGREED = "agreed", "Agreed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ESCALATED = "escalated", "Escalated"


class Origin(models.TextChoices):
    YES = "yes", "Yes"
    COUNTER = "counter", "Counter-offer"
    ARBITER = "arbiter", "Arbiter"


class NeedItem(MeasureFields):
    """One request: a service one department needs from the other."""

    # What the department writes while preparing (the rest belongs to the meeting).
    EDITABLE_FIELDS = [
        "service",
        "benefit_department",
        "benefit_organisation",
        "cost_estimate",
        "value_estimate",
        "service_level",
        "measure_what",
        "measure_kind",
        "measure_threshold",
        "measure_direction",
        "measure_unit",
        "measure_limit",
        "measure_time_unit",
        "measure_frequency",
        "measured_by",
    ]

    need_list = models.ForeignKey(NeedList, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    service = models.CharField("service needed", max_length=300)
    benefit_department = models.TextField("benefit to the department")
    benefit_organisation = models.TextField("benefit to the organisation")
    cost_estimate = models.DecimalField(
        "rough cost to provide (£ a year)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
    )
    value_estimate = models.DecimalField(
        "rough value of the benefit (£ a year)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
    )
    service_level = models.CharField("service level in mind", max_length=300)
    confirmed_need = models.BooleanField(
        default=False,
        help_text="The head confirmed this is still a need although it costs nearly as much "
        "as it brings.",
    )
    version = models.PositiveIntegerField(default=1)
    presented_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.AWAITING_RESPONSE
    )
    agreed_service = models.CharField(max_length=300, blank=True)
    agreed_level = models.CharField(max_length=300, blank=True)
    agreed_start = models.DateField(null=True, blank=True)
    agreed_milestones = models.TextField(blank=True)
    agreed_origin = models.CharField(max_length=10, choices=Origin.choices, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_estimate__gte=0) & Q(value_estimate__gte=0),
                name="need_item_money_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.service

    def clean(self) -> None:
        self.tidy_measure()
        self.clean_measure(required=not self.measure_target.strip())

    @property
    def department(self) -> Department:
        return self.need_list.department

    @property
    def cost_is_high(self) -> bool:
        """Providing should cost clearly less than it brings: at most half the value."""
        return self.cost_estimate * 2 > self.value_estimate

    @property
    def needs_confirmation(self) -> bool:
        return self.cost_is_high and not self.confirmed_need

    @property
    def is_settled(self) -> bool:
        return self.status in {ItemStatus.AGREED, ItemStatus.WITHDRAWN, ItemStatus.ESCALATED}


class Remark(models.Model):
    """A clarifying question from the listening side, answered by the presenter."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="remarks")
    item = models.ForeignKey(NeedItem, on_delete=models.CASCADE, related_name="remarks")
    step = models.CharField(max_length=20, choices=Step.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    struck_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    struck_at = models.DateTimeField(null=True, blank=True)
    struck_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return not self.answered_at and not self.struck_at


class Summary(models.Model):
    """One round of the listening side restating a request, and the presenter's verdict."""

    class Verdict(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        CLARIFY = "clarify", "Clarification asked"

    item = models.ForeignKey(NeedItem, on_delete=models.CASCADE, related_name="summaries")
    round = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_note = models.TextField(blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "round"]
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="one_summary_per_round")
        ]

    def __str__(self) -> str:
        return f"Summary {self.round} of {self.item}"


class Move(MeasureFields):
    """One move in the negotiation of a request (yes, counter-offer, no, and the replies).

    A yes or a counter-offer carries the measure the provider agrees to (its target,
    how often and who measures); the other moves leave it empty.
    """

    class Kind(models.TextChoices):
        YES = "yes", "Yes"
        COUNTER = "counter", "Counter-offer"
        NO = "no", "No"
        ACCEPT_COUNTER = "accept_counter", "Counter-offer accepted"
        REJECT_COUNTER = "reject_counter", "Counter-offer rejected"
        ACCEPT_NO = "accept_no", "No accepted: request withdrawn"
        CHALLENGE = "challenge", "Reasons challenged"
        MAINTAIN = "maintain", "No maintained"
        ASK_OFFER = "ask_offer", "Asked what can be offered"
        NO_OFFER = "no_offer", "Nothing can be offered"
        WITHDRAW = "withdraw", "Request withdrawn"
        ESCALATE = "escalate", "Escalated to an arbiter"

    class Reason(models.TextChoices):
        COST = "cost", "The cost outweighs the benefit"
        RESOURCES = "resources", "The resources are not available"
        OTHER = "other", "Another reason"

    item = models.ForeignKey(NeedItem, on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    service = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    milestones = models.TextField(blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    text = models.TextField(blank=True)
    measure_what = models.CharField("what is measured", max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.item}"

    @property
    def carries_measure(self) -> bool:
        return self.kind in {self.Kind.YES, self.Kind.COUNTER} and bool(self.measure_kind)


class GroundRulesAck(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="acknowledgements")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "department"], name="one_ack_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.department} acknowledged the ground rules"


class Readiness(models.Model):
    """A head's signal in a presenting or summarising step: "no more questions", "done".

    The chair sees both sides' status before moving on; a head may take it back.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="readiness")
    step = models.CharField(max_length=20, choices=Step.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "step", "department"], name="one_signal_per_side_and_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} ready in {self.step}"


class Event(models.Model):
    """The meeting's append-only record: every action, who, when, in which step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(max_length=20, choices=Step.choices)
    kind = models.CharField(max_length=40)
    item = models.ForeignKey(
        NeedItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    description = models.TextField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["meeting", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="event_seq_unique_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.description[:60]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The meeting record is append-only; events are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The meeting record is append-only; events are never deleted.")
