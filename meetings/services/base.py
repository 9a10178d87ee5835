"""What every write to an exchange shares: the meeting lock, the person's part
in it, and the append-only record.

Each service locks the meeting row (``select_for_update``) inside its own
transaction, asks ``meetings.rules`` whether the action is allowed for this
person now, changes the data, and appends an ``Event`` to the record. Side
effects run on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format

from meetings import permissions, rules
from meetings.models import Event, Meeting, NeedItem
from meetings.rules import Role, RuleError
from meetings.selectors import meeting_with_everything

# Called on commit with (meeting_id, event_id) for every event: the live
# screens subscribe here (see docs/architecture.md).
event_listeners: list[Callable[[int, int], None]] = []


class StaleEdit(RuleError):
    """Someone changed the thing being edited since the form was opened."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=409)


# --- helpers -----------------------------------------------------------------


def _lock(meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("department_a", "department_b", "facilitator")
        .get(pk=pk)
    )


def _role(user: AbstractBaseUser, meeting: Meeting) -> Role | None:
    permissions.forget_meeting_role(user, meeting)
    return permissions.meeting_role(user, meeting)


def _record(
    meeting: Meeting,
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    description: str,
    item: NeedItem | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append to the meeting's record. The caller holds the meeting lock."""
    last = Event.objects.filter(meeting=meeting).aggregate(last=Max("seq"))["last"] or 0
    event = Event.objects.create(
        meeting=meeting,
        seq=last + 1,
        actor=actor,
        step=meeting.step,
        kind=kind,
        item=item,
        description=description,
        before=before or {},
        after=after or {},
    )
    meeting_id, event_id = meeting.pk, event.pk

    def notify() -> None:
        for listener in list(event_listeners):
            listener(meeting_id, event_id)

    transaction.on_commit(notify)
    return event


def _date(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _item_in(meeting: Meeting, item_id: int) -> NeedItem:
    try:
        return NeedItem.objects.select_related("need_list").get(
            pk=item_id, need_list__meeting=meeting
        )
    except (NeedItem.DoesNotExist, ValueError, TypeError):
        raise RuleError("That request is not part of this exchange.", status=409) from None


def _prefetched(meeting: Meeting) -> Meeting:
    """Re-read the related rows the exit conditions look at."""
    return meeting_with_everything(meeting.pk, lock=False)


@dataclass
class Outcome:
    meeting: Meeting
    event: Event | None = None


def _act(meeting_id: int, by: AbstractBaseUser, action: str, item_id: int | None = None):
    meeting = _lock(meeting_id)
    role = _role(by, meeting)
    item = _item_in(meeting, item_id) if item_id is not None else None
    rules.check(meeting, role, action, item)
    return meeting, role, item
