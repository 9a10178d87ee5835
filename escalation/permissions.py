"""Who may see and do what with an escalation.

Views and services ask these helpers; templates receive their answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from organisation import permissions as org
from organisation.models import Department, Membership, OrgRole
from organisation.people import display_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from escalation.models import Escalation


def departments_of(escalation: Escalation) -> tuple[Department, Department]:
    meeting = escalation.meeting
    return (meeting.department_a, meeting.department_b)


def is_the_arbiter(user: AbstractBaseUser, escalation: Escalation) -> bool:
    """The chosen arbiter (a proposed one is not the arbiter until both heads accept)."""
    return (
        user.is_authenticated and escalation.arbiter_id == user.pk and escalation.arbiter_is_chosen
    )


def is_the_facilitator(user: AbstractBaseUser, escalation: Escalation) -> bool:
    return user.is_authenticated and escalation.meeting.facilitator_id == user.pk


def proposes_arbiter(user: AbstractBaseUser, escalation: Escalation) -> bool:
    """Whoever chaired the meeting proposes the arbiter: its facilitator, or, where there
    was none, the head of the department that called it."""
    meeting = escalation.meeting
    if meeting.has_facilitator:
        return is_the_facilitator(user, escalation)
    return user.is_authenticated and org.is_head_of(user, meeting.department_a)


def headed_department(user: AbstractBaseUser, escalation: Escalation) -> Department | None:
    """The department (of the two) that ``user`` heads, if any."""
    for department in departments_of(escalation):
        if org.is_head_of(user, department):
            return department
    return None


def is_party(user: AbstractBaseUser, escalation: Escalation) -> bool:
    """A head or member of either department."""
    return any(org.is_member_of(user, d) for d in departments_of(escalation))


def can_view_escalation(user: AbstractBaseUser, escalation: Escalation) -> bool:
    """The arbiter, both departments (members read), the facilitator, managers in remit."""
    if not user.is_authenticated:
        return False
    return (
        is_the_arbiter(user, escalation)
        or is_the_facilitator(user, escalation)
        or is_party(user, escalation)
        or org.manages_any(user, list(departments_of(escalation)))
    )


def may_arbitrate(user: AbstractBaseUser, escalation: Escalation) -> str | None:
    """Why ``user`` cannot be this escalation's arbiter, or ``None`` when they can."""
    roles = set(OrgRole.objects.filter(user=user).values_list("role", flat=True))
    if not roles & {OrgRole.Role.ARBITER, OrgRole.Role.MANAGER}:
        return f"{display_name(user)} does not hold the arbiter or manager role."
    departments = departments_of(escalation)
    if Membership.objects.filter(user=user, department__in=departments).exists():
        return (
            f"{display_name(user)} belongs to {departments[0].name} or {departments[1].name}: "
            "the arbiter must be unbiased, from neither department."
        )
    return None
