"""Every write to an exchange goes through here.

Each service locks the meeting row (``select_for_update``) inside its own
transaction, asks ``meetings.rules`` whether the action is allowed for this
person now, changes the data, and appends an ``Event`` to the record. Side
effects run on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from exchange import permissions
from exchange.models import Department
from exchange.people import display_name
from meetings import rules
from meetings.models import (
    Event,
    GroundRulesAck,
    ItemStatus,
    Meeting,
    Move,
    NeedItem,
    NeedList,
    Origin,
    Remark,
    Step,
    Summary,
)
from meetings.rules import Role, RuleError
from meetings.words import possessive

# Called on commit with (meeting_id, event_id) for every event: the live
# screens subscribe here.
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
    if hasattr(user, "_meeting_role_cache"):
        user._meeting_role_cache.pop(meeting.pk, None)
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
    from meetings.selectors import meeting_with_everything

    return meeting_with_everything(meeting.pk, lock=False)


# --- scheduling ----------------------------------------------------------------


class ScheduleError(ValueError):
    pass


@transaction.atomic
def meeting_schedule(
    *,
    by: AbstractBaseUser,
    department_a: Department,
    department_b: Department,
    facilitator: AbstractBaseUser,
    scheduled_for: dt.datetime,
    place: str,
    title: str = "",
    review_of: Meeting | None = None,
) -> Meeting:
    if not permissions.can_schedule_exchange(by):
        raise RuleError("Only a facilitator or a manager can schedule an exchange.", status=403)
    if department_a.pk == department_b.pk:
        raise ScheduleError("An exchange needs two different departments.")
    for department in (department_a, department_b):
        if department.head is None:
            raise ScheduleError(
                f"{department.name} has no head yet; every exchange needs a head on each side."
            )
    if not permissions.is_facilitator(facilitator):
        raise ScheduleError(f"{display_name(facilitator)} is not a facilitator.")
    if permissions.is_member_of(facilitator, department_a) or permissions.is_member_of(
        facilitator, department_b
    ):
        raise ScheduleError(
            "The facilitator must be impartial: choose someone outside both departments."
        )
    meeting = Meeting(
        title=title.strip(),
        department_a=department_a,
        department_b=department_b,
        facilitator=facilitator,
        scheduled_for=scheduled_for,
        place=place.strip(),
        created_by=by,
        review_of=review_of,
    )
    meeting.full_clean()
    meeting.save()
    for department in (department_a, department_b):
        NeedList.objects.create(meeting=meeting, department=department)
    _record(
        meeting,
        actor=by,
        kind="scheduled",
        description=(
            f"{display_name(by)} scheduled the exchange between {department_a.name} and "
            f"{department_b.name}, facilitated by {display_name(facilitator)}."
        ),
        after={"scheduled_for": scheduled_for.isoformat(), "place": meeting.place},
    )
    return meeting


# --- need lists (preparation) ----------------------------------------------------

ITEM_FIELDS = NeedItem.EDITABLE_FIELDS


def _item_snapshot(item: NeedItem) -> dict[str, Any]:
    return {
        field: (str(v) if isinstance(v := getattr(item, field), Decimal) else v)
        for field in ITEM_FIELDS
    } | {"position": item.position, "confirmed_need": item.confirmed_need}


def _fresh_item(item: NeedItem) -> NeedItem:
    """Re-read a request under the meeting lock; someone may have removed it meanwhile."""
    try:
        return NeedItem.objects.select_related("need_list").get(pk=item.pk)
    except NeedItem.DoesNotExist:
        raise RuleError(
            "That request is not on the list any more: someone has removed it.", status=404
        ) from None


def _check_edit(meeting: Meeting, need_list: NeedList, by: AbstractBaseUser) -> None:
    role = _role(by, meeting)
    if role is None:
        raise RuleError("You are not part of this exchange.", status=403)
    if meeting.step != Step.PREPARATION:
        raise RuleError(
            "The need lists are frozen: the meeting has opened, so they can no longer change.",
            status=409,
        )
    rules.check(meeting, role, "edit_needs")
    if not permissions.can_edit_need_list(by, need_list):
        raise RuleError("You cannot edit this need list.", status=403)
    if need_list.is_ready:
        raise RuleError(
            "This list is marked ready. Take back ‘ready’ before changing it.", status=409
        )


def _apply_item_data(
    item: NeedItem, data: dict[str, Any], confirmed_need: bool, by: AbstractBaseUser
) -> None:
    """Copy the form's data; only the head can confirm a costly item is still a need."""
    if not permissions.is_head_of(by, item.need_list.department):
        confirmed_need = item.confirmed_need
    for field in ITEM_FIELDS:
        setattr(item, field, data[field])
    item.confirmed_need = bool(confirmed_need) and item.cost_is_high


@transaction.atomic
def need_item_add(
    *, need_list: NeedList, by: AbstractBaseUser, data: dict[str, Any], confirmed_need: bool = False
) -> NeedItem:
    meeting = _lock(need_list.meeting_id)
    need_list = NeedList.objects.get(pk=need_list.pk)
    _check_edit(meeting, need_list, by)
    last = need_list.items.aggregate(last=Max("position"))["last"]
    item = NeedItem(need_list=need_list, position=(last + 1) if last is not None else 0)
    _apply_item_data(item, data, confirmed_need, by)
    item.full_clean()
    item.save()
    _record(
        meeting,
        actor=by,
        kind="need_added",
        item=item,
        description=f"{display_name(by)} added “{item.service}” to {possessive(need_list.department.name)} needs.",
        after=_item_snapshot(item),
    )
    return item


@transaction.atomic
def need_item_update(
    *,
    item: NeedItem,
    by: AbstractBaseUser,
    data: dict[str, Any],
    version: int,
    confirmed_need: bool = False,
) -> NeedItem:
    meeting = _lock(item.need_list.meeting_id)
    item = _fresh_item(item)
    _check_edit(meeting, item.need_list, by)
    if item.version != version:
        raise StaleEdit(
            "Someone else changed this request while you were editing it. "
            "Their version is shown; make your change again if it is still needed."
        )
    before = _item_snapshot(item)
    _apply_item_data(item, data, confirmed_need, by)
    item.version += 1
    item.full_clean()
    item.save()
    _record(
        meeting,
        actor=by,
        kind="need_edited",
        item=item,
        description=f"{display_name(by)} edited “{item.service}”.",
        before=before,
        after=_item_snapshot(item),
    )
    return item


@transaction.atomic
def need_item_confirm(*, item: NeedItem, by: AbstractBaseUser) -> NeedItem:
    """The head confirms a costly item is still a need."""
    meeting = _lock(item.need_list.meeting_id)
    item = _fresh_item(item)
    _check_edit(meeting, item.need_list, by)
    if not permissions.is_head_of(by, item.need_list.department):
        raise RuleError("Only the head can confirm that a costly request is still a need.", 403)
    if not item.cost_is_high:
        return item
    item.confirmed_need = True
    item.version += 1
    item.save(update_fields=["confirmed_need", "version"])
    _record(
        meeting,
        actor=by,
        kind="need_confirmed",
        item=item,
        description=(
            f"{display_name(by)} confirmed “{item.service}” is still a need although it costs "
            "nearly as much as it brings."
        ),
    )
    return item


@transaction.atomic
def need_item_remove(*, item: NeedItem, by: AbstractBaseUser) -> None:
    meeting = _lock(item.need_list.meeting_id)
    item = _fresh_item(item)
    _check_edit(meeting, item.need_list, by)
    _record(
        meeting,
        actor=by,
        kind="need_removed",
        description=f"{display_name(by)} removed “{item.service}”.",
        before=_item_snapshot(item),
    )
    need_list = item.need_list
    item.delete()
    for position, remaining in enumerate(need_list.items.order_by("position", "id")):
        if remaining.position != position:
            NeedItem.objects.filter(pk=remaining.pk).update(position=position)


@transaction.atomic
def need_item_move(*, item: NeedItem, by: AbstractBaseUser, offset: int) -> None:
    """Move an item up (-1) or down (+1) in its list."""
    meeting = _lock(item.need_list.meeting_id)
    item = _fresh_item(item)
    _check_edit(meeting, item.need_list, by)
    items = list(item.need_list.items.order_by("position", "id"))
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, candidate in enumerate(items):
        NeedItem.objects.filter(pk=candidate.pk).update(position=position)
    _record(
        meeting,
        actor=by,
        kind="need_moved",
        item=item,
        description=f"{display_name(by)} moved “{item.service}” to position {target + 1}.",
        before={"position": index},
        after={"position": target},
    )


@transaction.atomic
def need_list_set_ready(*, need_list: NeedList, by: AbstractBaseUser, ready: bool) -> NeedList:
    meeting = _lock(need_list.meeting_id)
    need_list = NeedList.objects.select_related("department").get(pk=need_list.pk)
    role = _role(by, meeting)
    rules.check(meeting, role, "mark_ready" if ready else "unmark_ready")
    if not permissions.is_head_of(by, need_list.department):
        raise RuleError("Only this department's head can mark its list ready.", status=403)
    if ready:
        items = list(need_list.items.all())
        if not items:
            raise RuleError("Add at least one request before marking the list ready.", status=409)
        unconfirmed = [i.service for i in items if i.needs_confirmation]
        if unconfirmed:
            raise RuleError(
                "Confirm or change the requests that cost nearly as much as they bring: "
                + ", ".join(f"“{s}”" for s in unconfirmed)
                + ".",
                status=409,
            )
        if need_list.is_ready:
            return need_list
        need_list.ready_at, need_list.ready_by = timezone.now(), by
    else:
        if not need_list.is_ready:
            return need_list
        need_list.ready_at, need_list.ready_by = None, None
    need_list.save(update_fields=["ready_at", "ready_by"])
    _record(
        meeting,
        actor=by,
        kind="list_ready" if ready else "list_not_ready",
        description=(
            f"{display_name(by)} marked {possessive(need_list.department.name)} need list ready."
            if ready
            else f"{display_name(by)} took back ‘ready’ on {possessive(need_list.department.name)} need list."
        ),
    )
    return need_list


@transaction.atomic
def need_list_update_settings(
    *,
    need_list: NeedList,
    by: AbstractBaseUser,
    members_may_edit: bool,
    flagged_difficult: bool,
    difficulty_note: str = "",
) -> NeedList:
    meeting = _lock(need_list.meeting_id)
    need_list = NeedList.objects.select_related("department").get(pk=need_list.pk)
    role = _role(by, meeting)
    rules.check(meeting, role, "flag_difficult")
    if not permissions.is_head_of(by, need_list.department):
        raise RuleError("Only this department's head can change these settings.", status=403)
    before = {
        "members_may_edit": need_list.members_may_edit,
        "flagged_difficult": need_list.flagged_difficult,
        "difficulty_note": need_list.difficulty_note,
    }
    need_list.members_may_edit = members_may_edit
    need_list.flagged_difficult = flagged_difficult
    need_list.difficulty_note = difficulty_note.strip() if flagged_difficult else ""
    need_list.full_clean()
    need_list.save()
    after = {
        "members_may_edit": need_list.members_may_edit,
        "flagged_difficult": need_list.flagged_difficult,
        "difficulty_note": need_list.difficulty_note,
    }
    if before != after:
        parts = []
        if before["flagged_difficult"] != after["flagged_difficult"]:
            parts.append(
                "flagged the meeting as likely to be difficult"
                if flagged_difficult
                else "removed the ‘difficult’ flag"
            )
        if before["members_may_edit"] != after["members_may_edit"]:
            parts.append(
                "let members edit the list" if members_may_edit else "stopped members editing"
            )
        _record(
            meeting,
            actor=by,
            kind="list_settings",
            description=f"{display_name(by)} ({need_list.department.name}) "
            + (" and ".join(parts) or "updated the note on difficulty")
            + ".",
            before=before,
            after=after,
        )
    return need_list


# --- the meeting ----------------------------------------------------------------------


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


@transaction.atomic
def meeting_advance(
    *, meeting: Meeting, by: AbstractBaseUser, expected_step: str | None = None
) -> Outcome:
    """Move to the next step, if the current step's exit condition holds.

    ``expected_step`` is the step the facilitator saw: if the meeting has moved
    on since (a second click, another tab), nothing happens.
    """
    locked, _, _ = _act(meeting.pk, by, "advance")
    if expected_step and expected_step != locked.step:
        raise RuleError(
            f"The meeting has already moved on to “{rules.step_label(locked)}”.", status=409
        )
    full = _prefetched(locked)
    missing = rules.exit_blockers(full)
    if missing:
        raise RuleError("Not yet: " + " ".join(missing), status=409)
    before = locked.step
    locked.step = rules.next_step(before)
    locked.current_item = _first_item(full, locked.step)
    if locked.current_item is not None and locked.step in rules.PRESENTING:
        NeedItem.objects.filter(pk=locked.current_item.pk, presented_at__isnull=True).update(
            presented_at=timezone.now()
        )
    locked.save(update_fields=["step", "current_item"])
    event = _record(
        locked,
        actor=by,
        kind="advanced",
        description=f"{display_name(by)} moved the meeting on to “{rules.step_label(locked)}”.",
        before={"step": before},
        after={"step": locked.step},
    )
    return Outcome(locked, event)


def _first_item(meeting: Meeting, step: str) -> NeedItem | None:
    side = rules.requests_side(step)
    if side is None:
        return None
    department = rules.department_of(meeting, side)
    return (
        NeedItem.objects.filter(need_list__meeting=meeting, need_list__department=department)
        .order_by("position", "id")
        .first()
    )


@transaction.atomic
def meeting_undo_advance(*, meeting: Meeting, by: AbstractBaseUser) -> Outcome:
    """Go back one step, allowed only while nothing has happened since the advance."""
    locked, _, _ = _act(meeting.pk, by, "undo_advance")
    last = Event.objects.filter(meeting=locked).order_by("-seq").first()
    if last is None or last.kind != "advanced":
        raise RuleError(
            "Undo is possible only straight after an advance, before anything happens in the "
            "new step.",
            status=409,
        )
    before = locked.step
    locked.step = last.before["step"]
    locked.current_item = None
    if (
        locked.step in rules.PRESENTING
        or locked.step in rules.SUMMARISING
        or locked.step in rules.RESPONDING
    ):
        locked.current_item = _first_item(locked, locked.step)
    locked.save(update_fields=["step", "current_item"])
    event = _record(
        locked,
        actor=by,
        kind="advance_undone",
        description=f"{display_name(by)} undid the advance: back to “{rules.step_label(locked)}”.",
        before={"step": before},
        after={"step": locked.step},
    )
    return Outcome(locked, event)


@transaction.atomic
def meeting_acknowledge_rules(*, meeting: Meeting, by: AbstractBaseUser) -> Outcome:
    locked, role, _ = _act(meeting.pk, by, "acknowledge_rules")
    side = rules.side_of_role(role)
    department = rules.department_of(locked, side)
    if GroundRulesAck.objects.filter(meeting=locked, department=department).exists():
        return Outcome(locked)
    GroundRulesAck.objects.create(meeting=locked, department=department, user=by)
    event = _record(
        locked,
        actor=by,
        kind="rules_acknowledged",
        description=f"{display_name(by)} acknowledged the ground rules for {department.name}.",
    )
    return Outcome(locked, event)


@transaction.atomic
def meeting_set_current(*, meeting: Meeting, by: AbstractBaseUser, item_id: int) -> Outcome:
    locked, _, item = _act(meeting.pk, by, "set_current", item_id)
    if locked.current_item_id == item.pk:
        return Outcome(locked)
    before = locked.current_item_id
    locked.current_item = item
    locked.save(update_fields=["current_item"])
    if locked.step in rules.PRESENTING and item.presented_at is None:
        item.presented_at = timezone.now()
        item.save(update_fields=["presented_at"])
    event = _record(
        locked,
        actor=by,
        kind="current_request",
        item=item,
        description=f"The meeting moved to “{item.service}”.",
        before={"item": before},
        after={"item": item.pk},
    )
    return Outcome(locked, event)


@transaction.atomic
def meeting_next_request(*, meeting: Meeting, by: AbstractBaseUser, offset: int = 1) -> Outcome:
    """Move the current request forward (or back) within the requests on the table."""
    locked, _, _ = _act(meeting.pk, by, "set_current")
    side = rules.requests_side(locked.step)
    department = rules.department_of(locked, side)
    items = list(
        NeedItem.objects.filter(
            need_list__meeting=locked, need_list__department=department
        ).order_by("position", "id")
    )
    if not items:
        raise RuleError("There are no requests on the table in this step.", status=409)
    ids = [i.pk for i in items]
    index = ids.index(locked.current_item_id) if locked.current_item_id in ids else -1
    target = index + offset
    if not 0 <= target < len(items):
        raise RuleError(
            "That was the last request." if offset > 0 else "This is the first request.",
            status=409,
        )
    return meeting_set_current(meeting=locked, by=by, item_id=items[target].pk)


@transaction.atomic
def remark_ask(*, meeting: Meeting, by: AbstractBaseUser, item_id: int, text: str) -> Outcome:
    locked, _, item = _act(meeting.pk, by, "ask_question", item_id)
    text = text.strip()
    if not text:
        raise RuleError("Write the question first.", status=409)
    remark = Remark.objects.create(
        meeting=locked, item=item, step=locked.step, author=by, text=text
    )
    event = _record(
        locked,
        actor=by,
        kind="question_asked",
        item=item,
        description=f"{display_name(by)} asked about “{item.service}”: {text}",
        after={"remark": remark.pk},
    )
    return Outcome(locked, event)


def _remark_in(meeting: Meeting, remark_id: int) -> Remark:
    try:
        return Remark.objects.select_related("item__need_list").get(pk=remark_id, meeting=meeting)
    except (Remark.DoesNotExist, ValueError, TypeError):
        raise RuleError("That remark is not part of this exchange.", status=409) from None


@transaction.atomic
def remark_answer(
    *, meeting: Meeting, by: AbstractBaseUser, remark_id: int, answer: str
) -> Outcome:
    locked = _lock(meeting.pk)
    remark = _remark_in(locked, remark_id)
    rules.check(locked, _role(by, locked), "answer_question", remark.item)
    if remark.step != locked.step:
        raise RuleError("That question belongs to an earlier step.", status=409)
    if remark.struck_at:
        raise RuleError("That remark was struck as out of order.", status=409)
    answer = answer.strip()
    if not answer:
        raise RuleError("Write the answer first.", status=409)
    before = {"answer": remark.answer}
    remark.answer, remark.answered_by, remark.answered_at = answer, by, timezone.now()
    remark.save(update_fields=["answer", "answered_by", "answered_at"])
    event = _record(
        locked,
        actor=by,
        kind="question_answered",
        item=remark.item,
        description=f"{display_name(by)} answered: {answer}",
        before=before,
        after={"answer": answer, "remark": remark.pk},
    )
    return Outcome(locked, event)


@transaction.atomic
def remark_strike(
    *, meeting: Meeting, by: AbstractBaseUser, remark_id: int, reason: str = ""
) -> Outcome:
    locked = _lock(meeting.pk)
    remark = _remark_in(locked, remark_id)
    rules.check(locked, _role(by, locked), "strike_remark")
    if remark.struck_at:
        return Outcome(locked)
    remark.struck_by, remark.struck_at = by, timezone.now()
    remark.struck_reason = reason.strip() or "Out of order: a judgement, not a clarifying question."
    remark.save(update_fields=["struck_by", "struck_at", "struck_reason"])
    event = _record(
        locked,
        actor=by,
        kind="remark_struck",
        item=remark.item,
        description=f"{display_name(by)} struck a remark as out of order: {remark.struck_reason}",
        after={"remark": remark.pk},
    )
    return Outcome(locked, event)


@transaction.atomic
def summary_write(*, meeting: Meeting, by: AbstractBaseUser, item_id: int, text: str) -> Outcome:
    locked, _, item = _act(meeting.pk, by, "write_summary", item_id)
    text = text.strip()
    if not text:
        raise RuleError("Write the summary first.", status=409)
    last = item.summaries.order_by("-round").first()
    if last is not None and last.verdict == Summary.Verdict.CONFIRMED:
        raise RuleError("This summary is already confirmed.", status=409)
    if last is not None and last.verdict == Summary.Verdict.PENDING:
        raise RuleError(
            "The last summary is still waiting for confirmation or a clarification.", status=409
        )
    summary = Summary.objects.create(
        item=item, round=(last.round + 1) if last else 1, text=text, author=by
    )
    event = _record(
        locked,
        actor=by,
        kind="summary_written",
        item=item,
        description=f"{display_name(by)} summarised “{item.service}” (round {summary.round}): {text}",
        after={"summary": summary.pk, "round": summary.round},
    )
    return Outcome(locked, event)


def _pending_summary(item: NeedItem) -> Summary:
    last = item.summaries.order_by("-round").first()
    if last is None or last.verdict != Summary.Verdict.PENDING:
        raise RuleError("There is no summary waiting for a verdict on this request.", status=409)
    return last


@transaction.atomic
def summary_confirm(*, meeting: Meeting, by: AbstractBaseUser, item_id: int) -> Outcome:
    locked, _, item = _act(meeting.pk, by, "confirm_summary", item_id)
    summary = _pending_summary(item)
    summary.verdict, summary.verdict_by, summary.verdict_at = (
        Summary.Verdict.CONFIRMED,
        by,
        timezone.now(),
    )
    summary.save(update_fields=["verdict", "verdict_by", "verdict_at"])
    event = _record(
        locked,
        actor=by,
        kind="summary_confirmed",
        item=item,
        description=f"{display_name(by)} confirmed the summary of “{item.service}”.",
        after={"summary": summary.pk},
    )
    return Outcome(locked, event)


@transaction.atomic
def summary_clarify(*, meeting: Meeting, by: AbstractBaseUser, item_id: int, note: str) -> Outcome:
    locked, _, item = _act(meeting.pk, by, "clarify_summary", item_id)
    note = note.strip()
    if not note:
        raise RuleError("Say what the summary misses, so it can be revised.", status=409)
    summary = _pending_summary(item)
    summary.verdict, summary.verdict_note = Summary.Verdict.CLARIFY, note
    summary.verdict_by, summary.verdict_at = by, timezone.now()
    summary.save(update_fields=["verdict", "verdict_note", "verdict_by", "verdict_at"])
    event = _record(
        locked,
        actor=by,
        kind="summary_clarified",
        item=item,
        description=f"{display_name(by)} asked for the summary of “{item.service}” to be revised: {note}",
        after={"summary": summary.pk},
    )
    return Outcome(locked, event)


# --- negotiation (steps 7 and 8) ------------------------------------------------------


def _negotiate(
    meeting: Meeting,
    by: AbstractBaseUser,
    item_id: int,
    kind: str,
    *,
    describe: Callable[[str, str], str],
    **fields: Any,
) -> Outcome:
    """Make one negotiation move. ``describe(who, service)`` words it for the record."""
    locked = _lock(meeting.pk)
    role = _role(by, locked)
    item = _item_in(locked, item_id)
    target = rules.negotiation_next(locked, item, role, kind)
    move = Move(item=item, kind=kind, author=by, **fields)
    move.full_clean(exclude=["item", "author"])
    move.save()
    before = {"status": item.status}
    item.status = target
    update = ["status"]
    if target == ItemStatus.AGREED:
        terms = _agreed_terms(item, move)
        for key, value in terms.items():
            setattr(item, key, value)
        item.settled_at = timezone.now()
        update += [*terms, "settled_at"]
    elif target == ItemStatus.WITHDRAWN:
        item.settled_at = timezone.now()
        update.append("settled_at")
    item.save(update_fields=update)
    event = _record(
        locked,
        actor=by,
        kind=f"move_{kind}",
        item=item,
        description=describe(display_name(by), item.service),
        before=before,
        after={"status": item.status, "move": move.pk},
    )
    return Outcome(locked, event)


def _agreed_terms(item: NeedItem, move: Move) -> dict[str, Any]:
    if move.kind == Move.Kind.YES:
        return {
            "agreed_service": item.service,
            "agreed_level": item.service_level,
            "agreed_start": move.start_date,
            "agreed_milestones": move.milestones,
            "agreed_origin": Origin.YES,
        }
    counter = item.moves.filter(kind=Move.Kind.COUNTER).order_by("-created_at", "-id").first()
    return {
        "agreed_service": counter.service,
        "agreed_level": counter.level,
        "agreed_start": counter.start_date,
        "agreed_milestones": counter.milestones,
        "agreed_origin": Origin.COUNTER,
    }


def _require(value: Any, message: str) -> None:
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise RuleError(message, status=409)


@transaction.atomic
def response_yes(
    *,
    meeting: Meeting,
    by: AbstractBaseUser,
    item_id: int,
    start_date: dt.date,
    milestones: str = "",
) -> Outcome:
    _require(start_date, "A yes needs the date the service starts.")
    return _negotiate(
        meeting,
        by,
        item_id,
        Move.Kind.YES,
        describe=lambda who, service: (
            f"{who} said yes to “{service}”, starting {_date(start_date)}."
        ),
        start_date=start_date,
        milestones=milestones.strip(),
    )


@transaction.atomic
def response_counter(
    *,
    meeting: Meeting,
    by: AbstractBaseUser,
    item_id: int,
    service: str,
    level: str,
    start_date: dt.date,
    milestones: str = "",
) -> Outcome:
    _require(service, "Say what service you can offer instead.")
    _require(level, "Say at what level you can provide it.")
    _require(start_date, "Say when it could start.")
    return _negotiate(
        meeting,
        by,
        item_id,
        Move.Kind.COUNTER,
        describe=lambda who, requested: (
            f"{who} made a counter-offer on “{requested}”: {service.strip()} "
            f"({level.strip()}), from {_date(start_date)}."
        ),
        service=service.strip(),
        level=level.strip(),
        start_date=start_date,
        milestones=milestones.strip(),
    )


@transaction.atomic
def response_no(
    *, meeting: Meeting, by: AbstractBaseUser, item_id: int, reason: str, explanation: str
) -> Outcome:
    if reason not in Move.Reason.values:
        raise RuleError("Choose why the answer is no.", status=409)
    _require(explanation, "A no must be justified: explain the reason.")
    return _negotiate(
        meeting,
        by,
        item_id,
        Move.Kind.NO,
        describe=lambda who, service: (
            f"{who} said no to “{service}”: {Move.Reason(reason).label.lower()}. "
            f"{explanation.strip()}"
        ),
        reason=reason,
        text=explanation.strip(),
    )


# move -> (how the record words it, whether a reason is required)
REPLY_TEXT = {
    Move.Kind.ACCEPT_COUNTER: ("accepted the counter-offer on “{service}”.", False),
    Move.Kind.REJECT_COUNTER: ("rejected the counter-offer on “{service}”:", True),
    Move.Kind.ACCEPT_NO: ("accepted the no: “{service}” is withdrawn.", False),
    Move.Kind.CHALLENGE: ("challenged the reasons for the no on “{service}”:", True),
    Move.Kind.MAINTAIN: ("maintained the no on “{service}”:", True),
    Move.Kind.ASK_OFFER: ("asked what could be offered instead of “{service}”.", False),
    Move.Kind.NO_OFFER: ("has nothing to offer instead of “{service}”:", True),
    Move.Kind.WITHDRAW: ("withdrew “{service}”.", False),
}


@transaction.atomic
def response_reply(
    *, meeting: Meeting, by: AbstractBaseUser, item_id: int, kind: str, text: str = ""
) -> Outcome:
    """Every move that carries at most a reason: accept, reject, challenge, maintain, ..."""
    if kind not in REPLY_TEXT:
        raise RuleError("That is not a move in this negotiation.", status=409)
    template, needs_text = REPLY_TEXT[kind]
    text = text.strip()
    if needs_text and not text:
        raise RuleError("Give the reason: it goes on the record.", status=409)

    def describe(who: str, service: str) -> str:
        before, _, after = template.partition("{service}")
        return f"{who} {before}{service}{after}" + (f" {text}" if text else "")

    return _negotiate(meeting, by, item_id, kind, describe=describe, text=text)


@transaction.atomic
def item_escalate(
    *, meeting: Meeting, by: AbstractBaseUser, item_id: int, note: str = ""
) -> Outcome:
    from escalation import services as escalation_services

    locked, _, item = _act(meeting.pk, by, "escalate", item_id)
    Move.objects.create(item=item, kind=Move.Kind.ESCALATE, author=by, text=note.strip())
    before = {"status": item.status}
    item.status = ItemStatus.ESCALATED
    item.settled_at = timezone.now()
    item.save(update_fields=["status", "settled_at"])
    escalation_services.escalation_open(item=item, by=by, note=note.strip())
    event = _record(
        locked,
        actor=by,
        kind="escalated",
        item=item,
        description=f"{display_name(by)} escalated “{item.service}” to an arbiter."
        + (f" {note.strip()}" if note.strip() else ""),
        before=before,
        after={"status": item.status},
    )
    return Outcome(locked, event)


@transaction.atomic
def item_settle_by_arbiter(
    *,
    item: NeedItem,
    service: str | None,
    level: str = "",
    start_date: dt.date | None = None,
    description: str,
) -> NeedItem:
    """Record an arbiter's outcome on an escalated request (called by ``escalation``).

    With a ``service`` the request becomes agreed on the arbiter's terms; without
    one, no service is owed and it stays escalated, now decided.
    """
    meeting = _lock(item.need_list.meeting_id)
    item = NeedItem.objects.select_related("need_list").get(pk=item.pk)
    if item.status not in {ItemStatus.ESCALATED, ItemStatus.AGREED}:
        raise RuleError("Only an escalated request can be settled by an arbiter.", status=409)
    before = {"status": item.status}
    if service:
        item.status = ItemStatus.AGREED
        item.agreed_service, item.agreed_level = service, level
        item.agreed_start, item.agreed_origin = start_date, Origin.ARBITER
        item.settled_at = timezone.now()
        item.save()
    _record(
        meeting,
        actor=None,
        kind="arbiter_outcome",
        item=item,
        description=description,
        before=before,
        after={"status": item.status},
    )
    return item


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: AbstractBaseUser) -> Outcome:
    from agreements import services as agreement_services

    locked, _, _ = _act(meeting.pk, by, "close")
    locked.step = Step.CLOSED
    locked.closed_at = timezone.now()
    locked.current_item = None
    locked.save(update_fields=["step", "closed_at", "current_item"])
    event = _record(
        locked,
        actor=by,
        kind="closed",
        description=f"{display_name(by)} closed the meeting. The agreed services go to the SLA draft.",
        before={"step": Step.CLOSING},
        after={"step": Step.CLOSED},
    )
    agreement_services.sla_draft_from_meeting(meeting=locked, by=by)
    return Outcome(locked, event)
