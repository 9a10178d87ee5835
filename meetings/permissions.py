"""Who plays which part in an exchange, and who may see or edit its need lists.

Built on the organisation's answers (``organisation.permissions``). The part a
person plays (a ``meetings.rules.Role``) is what the state machine asks about.

``OBSERVER_CHECKS`` lets an app above widen who may follow a meeting without
this module knowing it: ``escalation`` adds the arbiters of its requests (see
``docs/architecture.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meetings import rules
from meetings.rules import (
    Role,
    Side,
    head_role,
    item_is_presented,
    lists_are_presented,
    side_of_role,
)
from organisation import permissions as org
from organisation.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from meetings.models import Event, Meeting, NeedItem, NeedList

# check(user, meeting) -> bool: someone outside both departments who may follow.
OBSERVER_CHECKS: list[Callable[[AbstractBaseUser, Meeting], bool]] = []


def can_schedule_exchange(user: AbstractBaseUser) -> bool:
    """Facilitators and managers schedule exchanges for two other departments."""
    return org.is_facilitator(user) or org.is_manager(user)


def can_call_exchange(user: AbstractBaseUser) -> bool:
    """Any department head calls an exchange for their own department."""
    return any(m.role == Membership.Role.HEAD for m in org.memberships_of(user).values())


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
        memberships = {d: m.role for d, m in org.memberships_of(user).items()}
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
    org.forget_memberships(user)


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
    if reads_both_lists(role):
        return True
    side = Side.A if need_list.department_id == meeting.department_a_id else Side.B
    return side_of_role(role) == side or lists_are_presented(meeting, side)


def may_read_department_private(role: Role | None, meeting: Meeting, department_id: int) -> bool:
    """Whether ``role`` may read what one department keeps to itself before the meeting
    (its list as it is being prepared, its settings): that department and the facilitator."""
    if role is None:
        return False
    if reads_both_lists(role):
        return True
    side = Side.A if department_id == meeting.department_a_id else Side.B
    return side_of_role(role) == side


def is_chair(role: Role | None, meeting: Meeting) -> bool:
    """Whether ``role`` chairs ``meeting`` (``rules.chair_role`` decides)."""
    return rules.is_chair(role, meeting)


def chair_person(meeting: Meeting) -> AbstractBaseUser | None:
    """The person who chairs ``meeting``, as ``rules.chair_role`` decides: the facilitator
    who accepted, otherwise the head of A (``None`` while A has no head)."""
    if rules.chair_role(meeting) == Role.FACILITATOR:
        return meeting.facilitator
    return meeting.department_a.head


def reads_both_lists(role: Role | None) -> bool:
    """The facilitator, impartial, reads both lists as they are prepared. A head who
    chairs does not: chairing gives no sight of the other side's list before it is
    presented."""
    return role == Role.FACILITATOR


def may_read_item(role: Role | None, item: NeedItem, meeting: Meeting | None = None) -> bool:
    """Whether whoever plays ``role`` may read anything that names or describes ``item``.

    The item's own department and the facilitator always; anyone else only once the
    item has been presented in the meeting (``rules.item_is_presented``). Every
    page, live region, minutes line and PDF asks this, never a template.
    """
    meeting = meeting or item.need_list.meeting
    if may_read_department_private(role, meeting, item.need_list.department_id):
        return True
    return role is not None and item_is_presented(meeting, item)


def readable_items(role: Role | None, meeting: Meeting, items: Iterable[NeedItem]) -> list:
    return [item for item in items if may_read_item(role, item, meeting)]


# --- the record, worded for its reader ------------------------------------------------

# Events about a need list while it is prepared: private to the department (and
# the facilitator) whatever happens to the request afterwards, since a removed request
# is never presented and its earlier events outlive it.
PREPARATION_KINDS = frozenset(
    {"need_added", "need_edited", "need_confirmed", "need_removed", "need_moved"}
)
SETTINGS_KINDS = frozenset({"list_settings"})


@dataclass(frozen=True)
class RecordLine:
    """One line of the meeting's record, as one reader may read it."""

    seq: int
    at: dt.datetime
    step: str
    step_display: str
    actor: object | None
    kind: str
    text: str


def _event_department_id(event: Event) -> int | None:
    if event.item_id is not None and event.item is not None:
        return event.item.need_list.department_id
    for data in (event.after, event.before):
        if isinstance(data, dict) and isinstance(data.get("department"), int):
            return data["department"]
    return None


def _department_name(meeting: Meeting, department_id: int | None) -> str:
    if department_id == meeting.department_a_id:
        return meeting.department_a.name
    if department_id == meeting.department_b_id:
        return meeting.department_b.name
    return "A department"


def record_text(event: Event, role: Role | None, meeting: Meeting) -> str:
    """What ``event`` says to whoever plays ``role``, decided now, at read time.

    The record keeps its full wording (``Event.description``); a reader who may
    not yet read the request it names gets only that a need list changed.
    """
    if reads_both_lists(role):
        return event.description
    department_id = _event_department_id(event)
    name = _department_name(meeting, department_id)
    if event.kind in PREPARATION_KINDS or event.kind in SETTINGS_KINDS:
        if department_id is not None and may_read_department_private(role, meeting, department_id):
            return event.description
        if event.kind in SETTINGS_KINDS:
            return f"{name} changed its meeting settings."
        return f"{name} changed its need list."
    if event.item_id is not None:
        if event.item is not None and may_read_item(role, event.item, meeting):
            return event.description
        return f"Something happened on one of {name}'s requests."
    return event.description


def record_for(events: Iterable[Event], role: Role | None, meeting: Meeting) -> list[RecordLine]:
    """The lines of the record ``events`` make, worded for ``role``."""
    return [
        RecordLine(
            seq=event.seq,
            at=event.at,
            step=event.step,
            step_display=event.get_step_display(),
            actor=event.actor,
            kind=event.kind,
            text=record_text(event, role, meeting),
        )
        for event in events
    ]


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
