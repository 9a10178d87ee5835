"""The organisation: departments, who belongs to them, roles, and its working hours."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisation.hours import WorkingHours


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def head(self):
        membership = next(
            (m for m in self.memberships.all() if m.role == Membership.Role.HEAD), None
        )
        return membership.user if membership else None


class Membership(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", "Head"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="one_membership_per_department"
            ),
            models.UniqueConstraint(
                fields=["department"], condition=Q(role="head"), name="one_head_per_department"
            ),
        ]
        ordering = ["department__name", "role", "user__last_name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.department})"


class OrgRole(models.Model):
    """A role someone holds across the organisation, independent of department."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        ARBITER = "arbiter", "Arbiter"
        MANAGER = "manager", "Manager"
        ADMINISTRATOR = "administrator", "Administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_roles"
    )
    role = models.CharField(max_length=13, choices=Role.choices)
    remit = models.ManyToManyField(
        Department,
        blank=True,
        related_name="+",
        help_text="For managers: the departments whose agreements they oversee. "
        "Leave empty for the whole organisation.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_role_of_a_kind")]
        verbose_name = "organisation role"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class WorkingCalendar(models.Model):
    """Business hours for measures of time: which weekdays, opening hours, and holidays."""

    name = models.CharField(max_length=120, unique=True)
    weekdays = models.CharField(
        max_length=7,
        default="01234",
        help_text="The working weekdays as digits, Monday 0 to Sunday 6: 01234 is Monday "
        "to Friday.",
    )
    opens = models.TimeField(default=dt.time(7, 0))
    closes = models.TimeField(default=dt.time(19, 0))
    is_default = models.BooleanField(
        default=False, help_text="The calendar new measures of time use unless another is chosen."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="calendar_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__regex=r"^[0-6]{1,7}$"), name="calendar_weekdays_digits"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hours().describe()})"

    def hours(self) -> WorkingHours:
        """The pure calendar (holidays from prefetched ``holidays`` when there are some)."""
        return WorkingHours(
            weekdays=frozenset(int(d) for d in self.weekdays),
            opens=self.opens,
            closes=self.closes,
            holidays=frozenset(h.date for h in self.holidays.all()),
        )

    @classmethod
    def default(cls) -> WorkingCalendar:
        """The organisation's calendar: the one marked default, made on first use."""
        found = cls.objects.filter(is_default=True).first()
        if found is None:
            found, _ = cls.objects.get_or_create(name="Office hours", defaults={"is_default": True})
        return found


class Holiday(models.Model):
    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_holiday_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Holiday'} ({self.date:%d %b %Y})"


class Invitation(models.Model):
    """A one-time link by which someone sets their password and signs in for the first time.

    Only the SHA-256 of the link's token is stored; the token itself is in the email.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="invitation_user_recent")]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A fresh token and the digest to store."""
        token = secrets.token_urlsafe(32)
        return token, Invitation.digest(token)

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class OrgChange(models.Model):
    """The organisation's record: every change made on the organisation page."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    description = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="orgchange_recent")]

    def __str__(self) -> str:
        return self.description
