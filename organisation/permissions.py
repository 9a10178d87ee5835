"""The organisation's answers about people: which roles they hold, which
departments they belong to or head, and which departments a manager oversees.

Every app's own permission rules (``meetings.permissions``,
``escalation.permissions``, ...) are built on these answers. Views call those
helpers (usually through a scoped fetch helper that raises
``PermissionDenied``); templates receive their answers, never decide.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from organisation.models import Department, Membership, OrgRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_org_roles_cache", None)
    if cached is None:
        cached = set(OrgRole.objects.filter(user=user).values_list("role", flat=True))
        user._org_roles_cache = cached
    return cached


def is_facilitator(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.FACILITATOR in roles_of(user)


def is_arbiter(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.ARBITER in roles_of(user)


def is_manager(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.MANAGER in roles_of(user)


def memberships_of(user: AbstractBaseUser) -> dict[int, Membership]:
    """The person's memberships by department id, read once per user object (per request)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_org_memberships_cache", None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).select_related("department")
        cached = {m.department_id: m for m in memberships.order_by("department__name")}
        user._org_memberships_cache = cached
    return cached


def forget_memberships(user: AbstractBaseUser) -> None:
    """Drop the memberships read for this person, so the next ``memberships_of`` reads
    them afresh (``delattr`` reaches through request.user's lazy wrapper)."""
    with contextlib.suppress(AttributeError):
        delattr(user, "_org_memberships_cache")


def membership_in(user: AbstractBaseUser, department: Department) -> Membership | None:
    return memberships_of(user).get(department.pk)


def is_head_of(user: AbstractBaseUser, department: Department) -> bool:
    membership = membership_in(user, department)
    return membership is not None and membership.role == Membership.Role.HEAD


def is_member_of(user: AbstractBaseUser, department: Department) -> bool:
    return membership_in(user, department) is not None


def manager_remit_ids(user: AbstractBaseUser) -> set[int] | None:
    """Department ids a manager oversees; ``None`` means the whole organisation (read once
    per user object, that is per request, as ``roles_of``)."""
    if not is_manager(user):
        return set()
    # ``getattr``, not ``__dict__``: request.user is a lazy wrapper around the person.
    if getattr(user, "_org_remit_cache", False) is False:
        ids = set(
            OrgRole.objects.filter(user=user, role=OrgRole.Role.MANAGER).values_list(
                "remit", flat=True
            )
        )
        ids.discard(None)  # a manager with no remit: the left join's one empty row
        user._org_remit_cache = ids or None
    remit = user._org_remit_cache
    return None if remit is None else set(remit)


def manages_any(user: AbstractBaseUser, departments: list[Department]) -> bool:
    if not is_manager(user):
        return False
    remit = manager_remit_ids(user)
    return remit is None or any(d.id in remit for d in departments)


def is_administrator(user: AbstractBaseUser) -> bool:
    """Administrators set the organisation up: departments, people, roles, invitations."""
    return OrgRole.Role.ADMINISTRATOR in roles_of(user)
