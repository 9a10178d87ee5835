"""A head calls an exchange: the time is proposed and answered, a facilitator invited.

The head who calls speaks for department A, which presents first. The other head
accepts the time and place or proposes another (then the caller answers, and so
on); until one side accepts, the exchange is "proposed" and cannot open
(``rules.exit_blockers``). A facilitator, when invited, accepts or declines; the
chair is decided by ``rules.chair_role``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from meetings import notices, rules
from meetings.models import Meeting, NeedList
from meetings.rules import RuleError, Side
from meetings.services.base import Outcome, _act, _record
from organisation import permissions as org
from organisation.models import Department
from organisation.people import display_name


class CallError(RuleError):
    """A call, answer or invitation that cannot be made as given (a clear message, 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=400)


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


def check_time(scheduled_for: dt.datetime, needs_due: dt.date | None = None) -> None:
    """A proposed time in the future, and a need-list deadline before the meeting."""
    if scheduled_for < timezone.now():
        raise CallError("Choose a date and time in the future for the exchange.")
    if needs_due is not None:
        if needs_due < timezone.localdate():
            raise CallError("The need lists cannot be due in the past.")
        if needs_due > timezone.localtime(scheduled_for).date():
            raise CallError("The need lists must be due on or before the day of the exchange.")


def default_due(scheduled_for: dt.datetime) -> dt.date:
    """The need lists are due the day before the meeting (today at the earliest)."""
    day = timezone.localtime(scheduled_for).date()
    return max(day - dt.timedelta(days=1), timezone.localdate())


def check_facilitator(facilitator: AbstractBaseUser, departments: tuple[Department, ...]) -> None:
    if not org.is_facilitator(facilitator):
        raise CallError(f"{display_name(facilitator)} is not a facilitator.")
    if any(org.is_member_of(facilitator, d) for d in departments):
        raise CallError(
            "The facilitator must be impartial: choose someone outside both departments."
        )


@transaction.atomic
def meeting_call(
    *,
    by: AbstractBaseUser,
    department_a: Department,
    department_b: Department,
    scheduled_for: dt.datetime,
    place: str,
    facilitator: AbstractBaseUser | None = None,
    needs_due: dt.date | None = None,
    title: str = "",
    review_of: Meeting | None = None,
) -> Meeting:
    """The head of ``department_a`` calls an exchange with ``department_b``.

    The time and place are proposed to B's head; a named facilitator is invited.
    ``review_of``: the exchange whose agreement this one reviews.
    """
    if not org.is_head_of(by, department_a):
        raise RuleError("Only the head of a department can call an exchange for it.", status=403)
    if department_a.pk == department_b.pk:
        raise CallError("Choose another department: an exchange is between two departments.")
    if department_b.head is None:
        raise CallError(
            f"{department_b.name} has no head yet; every exchange needs a head on each side."
        )
    place = place.strip()
    if not place:
        raise CallError("Say where the exchange happens: a room or a link.")
    check_time(scheduled_for, needs_due)
    if needs_due is None:
        needs_due = default_due(scheduled_for)
    if facilitator is not None:
        check_facilitator(facilitator, (department_a, department_b))
    meeting = Meeting(
        title=title.strip(),
        department_a=department_a,
        department_b=department_b,
        facilitator=facilitator,
        facilitator_invited=facilitator is not None,
        scheduled_for=scheduled_for,
        place=place,
        needs_due=needs_due,
        time_awaits=Side.B,
        created_by=by,
        review_of=review_of,
    )
    meeting.full_clean()
    meeting.save()
    for department in (department_a, department_b):
        NeedList.objects.create(meeting=meeting, department=department)
    invited = f" {display_name(facilitator)} is invited to chair." if facilitator else ""
    _record(
        meeting,
        actor=by,
        kind="called",
        description=(
            f"{display_name(by)} ({department_a.name}) called an exchange with "
            f"{department_b.name}, proposing {_when(scheduled_for)} at {place}.{invited}"
        ),
        after={"scheduled_for": scheduled_for.isoformat(), "place": place},
    )
    notices.time_to_answer(meeting, by=by, key=f"exchange-called:{meeting.pk}")
    if facilitator is not None:
        notices.facilitator_asked(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_time_accept(*, meeting: Meeting, by: AbstractBaseUser) -> Outcome:
    """The head whose answer is awaited accepts the proposed time and place."""
    locked, _role, _item = _act(meeting.pk, by, "answer_time")
    locked.time_awaits = ""
    locked.save(update_fields=["time_awaits"])
    event = _record(
        locked,
        actor=by,
        kind="time_agreed",
        description=(
            f"{display_name(by)} accepted {_when(locked.scheduled_for)} at {locked.place}. "
            "The exchange is agreed."
        ),
    )
    notices.invited(locked)  # both heads and the chair, with the calendar invitation
    return Outcome(locked, event)


@transaction.atomic
def meeting_time_propose(
    *, meeting: Meeting, by: AbstractBaseUser, scheduled_for: dt.datetime, place: str = ""
) -> Outcome:
    """The head whose answer is awaited proposes another time (and place); the other
    side answers next."""
    locked, role, _item = _act(meeting.pk, by, "answer_time")
    check_time(scheduled_for)
    before = {"scheduled_for": locked.scheduled_for.isoformat(), "place": locked.place}
    if locked.needs_due and locked.needs_due > timezone.localtime(scheduled_for).date():
        locked.needs_due = default_due(scheduled_for)  # an earlier meeting brings it forward
    locked.scheduled_for = scheduled_for
    locked.place = place.strip() or locked.place
    locked.time_awaits = rules.other(rules.side_of_role(role))
    locked.save(update_fields=["scheduled_for", "place", "time_awaits", "needs_due"])
    waiting = rules.department_of(locked, Side(locked.time_awaits)).name
    event = _record(
        locked,
        actor=by,
        kind="time_proposed",
        description=(
            f"{display_name(by)} proposed another time: {_when(scheduled_for)} at "
            f"{locked.place}. It waits for {waiting} to accept it."
        ),
        before=before,
        after={"scheduled_for": scheduled_for.isoformat(), "place": locked.place},
    )
    notices.time_to_answer(locked, by=by, key=f"time-proposed:{event.pk}")
    return Outcome(locked, event)


@transaction.atomic
def meeting_facilitator_invite(
    *, meeting: Meeting, by: AbstractBaseUser, facilitator: AbstractBaseUser
) -> Outcome:
    """A head invites a facilitator to chair (when none is invited yet)."""
    locked, _role, _item = _act(meeting.pk, by, "invite_facilitator")
    check_facilitator(facilitator, locked.departments)
    locked.facilitator, locked.facilitator_invited = facilitator, True
    locked.save(update_fields=["facilitator", "facilitator_invited"])
    event = _record(
        locked,
        actor=by,
        kind="facilitator_invited",
        description=f"{display_name(by)} invited {display_name(facilitator)} to chair.",
    )
    notices.facilitator_asked(locked, by=by)
    return Outcome(locked, event)


@transaction.atomic
def meeting_invitation_answer(*, meeting: Meeting, by: AbstractBaseUser, accept: bool) -> Outcome:
    """The invited facilitator accepts (and chairs from now on) or declines (and leaves)."""
    locked, _role, _item = _act(meeting.pk, by, "answer_invitation")
    if accept:
        locked.facilitator_invited = False
        description = f"{display_name(by)} accepted the invitation and chairs the exchange."
    else:
        locked.facilitator, locked.facilitator_invited = None, False
        description = (
            f"{display_name(by)} declined the invitation to chair. "
            f"{rules.chair_title(locked).capitalize()} chairs unless another facilitator accepts."
        )
    locked.save(update_fields=["facilitator", "facilitator_invited"])
    event = _record(
        locked,
        actor=by,
        kind="invitation_accepted" if accept else "invitation_declined",
        description=description,
    )
    notices.facilitator_answered(
        locked, by=by, accepted=accept, key=f"facilitator-answer:{event.pk}"
    )
    return Outcome(locked, event)
