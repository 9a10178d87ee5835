"""Who plays which part in an exchange, and who may see or edit its need lists.

Built on the organisation's answers (``organisation.permissions``). The part a
person plays (a ``meetings.rules.Role``) is what the state machine asks about.

``OBSERVER_CHECKS`` lets an app above widen who may follow a meeting without
this module knowing it: ``escalation`` adds the arbiters of its requests (see
``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from meetings.rules import Role, Side, head_role, lists_are_presented, side_of_role
from organisation import permissions as org
from organisation.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from meetings.models import Meeting, NeedList

# check(user, meeting) -> bool: someone outside both departments who may follow.
OBSERVER_CHECKS: list[Callable[[AbstractBaseUser, Meeting], bool]] = []


def can_schedule_exchange(user: AbstractBaseUser) -> bool:
    return org.is_facilitator(user) or org.is_manager(user)


def meeting_role(user: AbstractBaseUser, meeting: Meeting) -> Role | None:
    """The part ``user`` plays in ``meeting``, or ``None``."""
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
        elif org.manages_any(user, [meeting.department_a, meeting.department_b]) or any(
            check(user, meeting) for check in OBSERVER_CHECKS
        ):
            role = Role.OBSERVER
    cache[meeting.pk] = role
    return role


def forget_meeting_role(user: AbstractBaseUser, meeting: Meeting) -> None:
    """Drop the cached answer, so the next ``meeting_role`` reads it afresh."""
    cache = getattr(user, "_meeting_role_cache", None)
    if cache is not None:
        cache.pop(meeting.pk, None)


def can_view_meeting(user: AbstractBaseUser, meeting: Meeting) -> bool:
    return meeting_role(user, meeting) is not None


def can_view_need_list(user: AbstractBaseUser, need_list: NeedList) -> bool:
    """Own department and the facilitator always; others once the list is presented."""
    return role_sees_need_list(meeting_role(user, need_list.meeting), need_list)


def role_sees_need_list(role: Role | None, need_list: NeedList) -> bool:
    """``can_view_need_list`` for whoever plays ``role``."""
    meeting = need_list.meeting
    if role is None:
        return False
    if role == Role.FACILITATOR:
        return True
    side = Side.A if need_list.department_id == meeting.department_a_id else Side.B
    return side_of_role(role) == side or lists_are_presented(meeting, side)


def can_edit_need_list(user: AbstractBaseUser, need_list: NeedList) -> bool:
    """The head always (in preparation); members when the head allows it."""
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
