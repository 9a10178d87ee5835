"""Who may do what: every permission question in the product is answered here.

Views call these helpers (usually through a scoped fetch helper that raises
``PermissionDenied``); templates receive their answers, never decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exchange.models import Department, Membership, OrgRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_org_roles_cache", None)
    if cached is None:
        cached = set(OrgRole.objects.filter(user=user).values_list("role", flat=True))
        user._org_roles_cache = cached
    return cached


def is_facilitator(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.FACILITATOR in _roles(user)


def is_arbiter(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.ARBITER in _roles(user)


def is_manager(user: AbstractBaseUser) -> bool:
    return OrgRole.Role.MANAGER in _roles(user)


def can_schedule_exchange(user: AbstractBaseUser) -> bool:
    return is_facilitator(user) or is_manager(user)


def membership_in(user: AbstractBaseUser, department: Department) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, department=department).first()


def is_head_of(user: AbstractBaseUser, department: Department) -> bool:
    membership = membership_in(user, department)
    return membership is not None and membership.role == Membership.Role.HEAD


def is_member_of(user: AbstractBaseUser, department: Department) -> bool:
    return membership_in(user, department) is not None


def manager_remit_ids(user: AbstractBaseUser) -> set[int] | None:
    """Department ids a manager oversees; ``None`` means the whole organisation."""
    role = OrgRole.objects.filter(user=user, role=OrgRole.Role.MANAGER).first()
    if role is None:
        return set()
    ids = set(role.remit.values_list("id", flat=True))
    return ids or None


def manages_any(user: AbstractBaseUser, departments: list[Department]) -> bool:
    if not is_manager(user):
        return False
    remit = manager_remit_ids(user)
    return remit is None or any(d.id in remit for d in departments)


# --- meetings ----------------------------------------------------------------


def meeting_role(user: AbstractBaseUser, meeting):
    """The part ``user`` plays in ``meeting`` (a ``meetings.rules.Role``), or ``None``."""
    from meetings.rules import Role

    if not user.is_authenticated:
        return None
    cache = getattr(user, "_meeting_role_cache", None)
    if cache is None:
        cache = user._meeting_role_cache = {}
    if meeting.pk in cache:
        return cache[meeting.pk]
    role = None
    if meeting.facilitator_id == user.pk:
        role = Role.FACILITATOR
    else:
        memberships = {
            m.department_id: m.role
            for m in Membership.objects.filter(
                user=user, department_id__in=[meeting.department_a_id, meeting.department_b_id]
            )
        }
        if meeting.department_a_id in memberships:
            head = memberships[meeting.department_a_id] == Membership.Role.HEAD
            role = Role.HEAD_A if head else Role.MEMBER_A
        elif meeting.department_b_id in memberships:
            head = memberships[meeting.department_b_id] == Membership.Role.HEAD
            role = Role.HEAD_B if head else Role.MEMBER_B
        elif manages_any(user, [meeting.department_a, meeting.department_b]) or _arbitrates(
            user, meeting
        ):
            role = Role.OBSERVER
    cache[meeting.pk] = role
    return role


def _arbitrates(user: AbstractBaseUser, meeting) -> bool:
    from escalation import selectors as escalation_selectors

    return escalation_selectors.is_arbiter_in_meeting(user=user, meeting=meeting)


def can_view_meeting(user: AbstractBaseUser, meeting) -> bool:
    return meeting_role(user, meeting) is not None


def can_view_need_list(user: AbstractBaseUser, need_list) -> bool:
    """Own department and the facilitator always; others once the list is presented."""
    return role_sees_need_list(meeting_role(user, need_list.meeting), need_list)


def role_sees_need_list(role, need_list) -> bool:
    """``can_view_need_list`` for whoever plays ``role`` (a ``meetings.rules.Role``)."""
    from meetings.rules import Role, Side, lists_are_presented, side_of_role

    meeting = need_list.meeting
    if role is None:
        return False
    if role == Role.FACILITATOR:
        return True
    side = Side.A if need_list.department_id == meeting.department_a_id else Side.B
    return side_of_role(role) == side or lists_are_presented(meeting, side)


def can_edit_need_list(user: AbstractBaseUser, need_list) -> bool:
    """The head always (in preparation); members when the head allows it."""
    from meetings.rules import Role, Side, head_role, side_of_role

    meeting = need_list.meeting
    role = meeting_role(user, meeting)
    side = Side.A if need_list.department_id == meeting.department_a_id else Side.B
    if role == head_role(side):
        return True
    return (
        side_of_role(role) == side
        and role in (Role.MEMBER_A, Role.MEMBER_B)
        and (need_list.members_may_edit)
    )
