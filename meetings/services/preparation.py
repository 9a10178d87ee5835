"""Before the meeting: scheduling an exchange and preparing the need lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone

from meetings import notices, permissions, rules
from meetings.models import Meeting, NeedItem, NeedList, Step
from meetings.rules import RuleError
from meetings.services.base import StaleEdit, _lock, _record, _role
from meetings.words import possessive
from notifications.services import notice_key, remind_refusal
from organisation import permissions as org
from organisation.models import Department
from organisation.people import display_name

# --- scheduling ----------------------------------------------------------------


class ScheduleError(ValueError):
    pass


@transaction.atomic
def meeting_schedule(
    *,
    by: AbstractBaseUser,
    department_a: Department,
    department_b: Department,
    facilitator: AbstractBaseUser | None,
    scheduled_for: dt.datetime,
    place: str,
    title: str = "",
    review_of: Meeting | None = None,
    needs_due: dt.date | None = None,
) -> Meeting:
    """A facilitator or manager schedules an exchange for two departments: the time is
    set (not proposed), and a facilitator named here is assigned, as before. Without
    one, A's head chairs."""
    if not permissions.can_schedule_exchange(by):
        raise RuleError("Only a facilitator or a manager can schedule an exchange.", status=403)
    if department_a.pk == department_b.pk:
        raise ScheduleError("An exchange needs two different departments.")
    # Both departments' people in one query.
    prefetch_related_objects([department_a, department_b], "memberships__user")
    for department in (department_a, department_b):
        if department.head is None:
            raise ScheduleError(
                f"{department.name} has no head yet; every exchange needs a head on each side."
            )
    if facilitator is not None and not org.is_facilitator(facilitator):
        raise ScheduleError(f"{display_name(facilitator)} is not a facilitator.")
    if facilitator is not None and (
        org.is_member_of(facilitator, department_a) or org.is_member_of(facilitator, department_b)
    ):
        raise ScheduleError(
            "The facilitator must be impartial: choose someone outside both departments."
        )
    meeting_day = timezone.localdate(scheduled_for)
    if needs_due is None:
        needs_due = max(meeting_day - dt.timedelta(days=1), timezone.localdate())
    elif needs_due > meeting_day:
        raise ScheduleError("The need lists must be due on or before the day of the meeting.")
    meeting = Meeting(
        title=title.strip(),
        needs_due=needs_due,
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
            f"{department_b.name}, "
            + (
                f"facilitated by {display_name(facilitator)}."
                if facilitator is not None
                else f"chaired by the head of {department_a.name}."
            )
        ),
        after={"scheduled_for": scheduled_for.isoformat(), "place": meeting.place},
    )
    notices.invited(meeting)
    return meeting


# --- need lists (preparation) ----------------------------------------------------

ITEM_FIELDS = NeedItem.EDITABLE_FIELDS


def _item_snapshot(item: NeedItem) -> dict[str, Any]:
    """The request as it stands, and whose list it is on (the record's reader filter
    needs the department even after the request is removed)."""
    return {
        field: (str(v) if isinstance(v := getattr(item, field), Decimal) else v)
        for field in ITEM_FIELDS
    } | {
        "position": item.position,
        "confirmed_need": item.confirmed_need,
        "department": item.need_list.department_id,
    }


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
    if not org.is_head_of(by, item.need_list.department):
        confirmed_need = item.confirmed_need
    for field in ITEM_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    if "measure_target" in data:  # a target only ever written as text, carried into a review
        item.measure_target = data["measure_target"]
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
    if not org.is_head_of(by, item.need_list.department):
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
        after={"department": item.need_list.department_id},
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
        before={"position": index, "department": item.need_list.department_id},
        after={"position": target, "department": item.need_list.department_id},
    )


@transaction.atomic
def need_list_set_ready(*, need_list: NeedList, by: AbstractBaseUser, ready: bool) -> NeedList:
    meeting = _lock(need_list.meeting_id)
    need_list = NeedList.objects.select_related("department").get(pk=need_list.pk)
    role = _role(by, meeting)
    rules.check(meeting, role, "mark_ready" if ready else "unmark_ready")
    if not org.is_head_of(by, need_list.department):
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
    if ready:
        notices.list_ready(need_list)
    return need_list


@transaction.atomic
def need_list_remind(*, meeting: Meeting, by: AbstractBaseUser, need_list_id: int) -> str:
    """The chair reminds a head whose list is not ready, at most once an hour.

    Returns what the chair is told; refuses (``RuleError``) anyone else, outside
    preparation, a ready list, or a reminder within the hour.
    """
    meeting = _lock(meeting.pk)
    if not permissions.is_chair(_role(by, meeting), meeting):
        raise RuleError("Only the chair can remind the heads.", status=403)
    if meeting.step != Step.PREPARATION:
        raise RuleError("Need lists can be reminded only during preparation.", status=409)
    need_list = (
        NeedList.objects.select_related("department", "meeting").filter(
            pk=need_list_id, meeting=meeting
        )
    ).first()
    if need_list is None:
        raise RuleError("That need list is not part of this exchange.", status=409)
    head = need_list.department.head
    if need_list.is_ready:
        raise RuleError(f"{need_list.department.name}'s list is already marked ready.")
    if head is None:
        raise RuleError(f"{need_list.department.name} has no head to remind.")
    prefix = notice_key("need-list-nudge", need_list.pk) + ":"
    refusal = remind_refusal(key_prefix=prefix, recipient=head, name=display_name(head))
    if refusal:
        raise RuleError(refusal, status=429)
    if not notices.need_list_nudge(need_list, by=by, key=prefix + timezone.now().isoformat()):
        return (
            f"No email was sent: {display_name(head)} has turned these reminders off. "
            "Their home page still shows the list to prepare."
        )
    return f"Reminder sent to {display_name(head)}."


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
    if not org.is_head_of(by, need_list.department):
        raise RuleError("Only this department's head can change these settings.", status=403)
    before = {
        "department": need_list.department_id,
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
        "department": need_list.department_id,
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
