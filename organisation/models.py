"""The organisation: departments, who belongs to them, and organisation-wide roles."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
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
