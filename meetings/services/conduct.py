"""Running the meeting: moving through the steps, presenting, questions and summaries."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from meetings import notices, rules
from meetings.models import (
    Event,
    GroundRulesAck,
    Meeting,
    NeedItem,
    Readiness,
    Remark,
    Step,
    Summary,
)
from meetings.rules import RuleError
from meetings.services.base import Outcome, _act, _lock, _prefetched, _record, _role
from organisation.people import display_name


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
    locked.timebox_minutes, locked.timebox_ends_at = None, None  # a time box is per step
    locked.save(update_fields=["step", "current_item", "timebox_minutes", "timebox_ends_at"])
    event = _record(
        locked,
        actor=by,
        kind="advanced",
        description=f"{display_name(by)} moved the meeting on to “{rules.step_label(locked)}”.",
        before={"step": before},
        after={"step": locked.step},
    )
    if before == Step.PREPARATION:
        notices.meeting_started(locked)
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
    locked.timebox_minutes, locked.timebox_ends_at = None, None
    locked.save(update_fields=["step", "current_item", "timebox_minutes", "timebox_ends_at"])
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


@transaction.atomic
def meeting_signal_ready(*, meeting: Meeting, by: AbstractBaseUser, ready: bool) -> Outcome:
    """A head says their side is done with this step ("no more questions"), or takes it back.

    Information for the chair, never a condition for moving on.
    """
    locked, role, _ = _act(meeting.pk, by, "signal_ready")
    side = rules.side_of_role(role)
    department = rules.department_of(locked, side)
    label = rules.readiness_label(locked.step, side)
    existing = Readiness.objects.filter(meeting=locked, step=locked.step, department=department)
    if ready == existing.exists():
        return Outcome(locked)  # already so: a second click changes nothing
    if ready:
        Readiness.objects.create(meeting=locked, step=locked.step, department=department, by=by)
        description = f"{display_name(by)} for {department.name}: “{label}”."
    else:
        existing.delete()
        description = f"{display_name(by)} took back “{label}” for {department.name}."
    event = _record(
        locked,
        actor=by,
        kind="readiness" if ready else "readiness_withdrawn",
        description=description,
        after={"department": department.pk, "ready": ready},
    )
    return Outcome(locked, event)


@transaction.atomic
def meeting_set_timebox(*, meeting: Meeting, by: AbstractBaseUser, minutes: int | None) -> Outcome:
    """The chair sets (or, with ``None``, clears) a time box for the current step."""
    locked, _, _ = _act(meeting.pk, by, "set_timebox")
    if minutes is not None and not 1 <= minutes <= rules.TIMEBOX_MAX_MINUTES:
        raise RuleError(
            f"A time box is between 1 and {rules.TIMEBOX_MAX_MINUTES} minutes.", status=400
        )
    before = {"minutes": locked.timebox_minutes}
    locked.timebox_minutes = minutes
    locked.timebox_ends_at = timezone.now() + dt.timedelta(minutes=minutes) if minutes else None
    locked.save(update_fields=["timebox_minutes", "timebox_ends_at"])
    step = rules.step_label(locked)
    description = (
        f"{display_name(by)} set a time box of {minutes} minutes for “{step}”."
        if minutes
        else f"{display_name(by)} removed the time box for “{step}”."
    )
    event = _record(
        locked,
        actor=by,
        kind="timebox_set",
        description=description,
        before=before,
        after={"minutes": minutes},
    )
    return Outcome(locked, event)
