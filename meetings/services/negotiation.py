"""Steps 7 and 8: each request answered yes, with a counter-offer or a justified no;
escalation at an impasse, and an arbiter's outcome on an escalated request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from meetings import rules, signals
from meetings.models import ItemStatus, Meeting, Move, NeedItem, Origin
from meetings.rules import RuleError
from meetings.services.base import Outcome, _act, _date, _item_in, _lock, _record, _role
from organisation.people import display_name

# --- negotiation (steps 7 and 8) ------------------------------------------------------


def _negotiate(
    meeting: Meeting,
    by: AbstractBaseUser,
    item_id: int,
    kind: str,
    *,
    describe: Callable[[str, str], str],
    measure: dict[str, Any] | None = None,
    **fields: Any,
) -> Outcome:
    """Make one negotiation move. ``describe(who, service)`` words it for the record."""
    locked = _lock(meeting.pk)
    role = _role(by, locked)
    item = _item_in(locked, item_id)
    target = rules.negotiation_next(locked, item, role, kind)
    move = Move(item=item, kind=kind, author=by, **fields)
    if kind in {Move.Kind.YES, Move.Kind.COUNTER}:
        _carry_measure(move, item, measure)
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
        after={"status": item.status, "move": move.pk}
        | ({"measure": move.measure.sentence()} if move.carries_measure else {}),
    )
    return Outcome(locked, event)


def _carry_measure(move: Move, item: NeedItem, measure: dict[str, Any] | None) -> None:
    """A yes or counter-offer carries a measure: the one given, or else the request's."""
    values = item.measure_values()
    if measure:
        values.update({k: v for k, v in measure.items() if k in values})
        if measure.get("measure_kind"):
            values["measure_target"] = ""
    for name, value in values.items():
        setattr(move, name, value)
    move.tidy_measure()
    if move.measure_kind:
        problems = move.measure.problems()
        if problems:
            raise RuleError(" ".join(problems.values()), status=400)


def _agreed_terms(item: NeedItem, move: Move) -> dict[str, Any]:
    """What the request now says was agreed, including the measure the move carried."""
    if move.kind == Move.Kind.YES:
        terms = {
            "agreed_service": item.service,
            "agreed_level": item.service_level,
            "agreed_start": move.start_date,
            "agreed_milestones": move.milestones,
            "agreed_origin": Origin.YES,
        }
    else:
        move = item.moves.filter(kind=Move.Kind.COUNTER).order_by("-created_at", "-id").first()
        terms = {
            "agreed_service": move.service,
            "agreed_level": move.level,
            "agreed_start": move.start_date,
            "agreed_milestones": move.milestones,
            "agreed_origin": Origin.COUNTER,
        }
    if move.measure_kind or move.measure_target:
        terms.update(move.measure_values())
    return terms


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
    measure: dict[str, Any] | None = None,
) -> Outcome:
    """Yes to a request: it starts on ``start_date``, measured as ``measure`` says (by
    default as the request proposed)."""
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
        measure=measure,
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
    measure: dict[str, Any] | None = None,
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
        measure=measure,
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
    locked, _, item = _act(meeting.pk, by, "escalate", item_id)
    Move.objects.create(item=item, kind=Move.Kind.ESCALATE, author=by, text=note.strip())
    before = {"status": item.status}
    item.status = ItemStatus.ESCALATED
    item.settled_at = timezone.now()
    item.save(update_fields=["status", "settled_at"])
    signals.request_escalated.send(sender=NeedItem, item=item, by=by, note=note.strip())
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
