"""The meeting's rules, in one place.

This module is the state machine of an exchange (DOMAIN.md steps 1 to 9) and of
the negotiation of each request. It answers three questions and nothing else:

* who chairs (``chair_role``: a facilitator who accepted, else the calling head);
* which step follows which, and what must hold before the chair may move on;
* who may take which action in which step (``check`` raises ``RuleError``);
* where a request's negotiation may go from where it stands.

Services call ``check`` inside the transaction that locks the meeting row; views
and templates ask ``allowed`` to decide what to offer. Neither repeats a rule.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from meetings.models import ItemStatus, Meeting, Move, NeedItem, Step
from meetings.words import possessive

STEP_ORDER: list[str] = [
    Step.PREPARATION,
    Step.OPENING,
    Step.A_PRESENTS,
    Step.B_SUMMARISES,
    Step.B_PRESENTS,
    Step.A_SUMMARISES,
    Step.B_RESPONDS,
    Step.A_RESPONDS,
    Step.CLOSING,
    Step.CLOSED,
]

GROUND_RULES: list[str] = [
    "Stay calm and collected.",
    "Deal in facts and assumptions, not opinions.",
    "Be open-minded and patient.",
    "Put business needs before personal or departmental agendas.",
    "Follow the structure of the exchange.",
]


class RuleError(Exception):
    """An action refused by the rules. ``status`` is 409 (wrong step) or 403 (wrong person)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Role(enum.StrEnum):
    FACILITATOR = "facilitator"
    HEAD_A = "head_a"
    HEAD_B = "head_b"
    MEMBER_A = "member_a"
    MEMBER_B = "member_b"
    OBSERVER = "observer"


class Side(enum.StrEnum):
    A = "a"
    B = "b"


def other(side: Side) -> Side:
    return Side.B if side == Side.A else Side.A


def side_of_role(role: Role | None) -> Side | None:
    if role in (Role.HEAD_A, Role.MEMBER_A):
        return Side.A
    if role in (Role.HEAD_B, Role.MEMBER_B):
        return Side.B
    return None


def chair_role(meeting: Meeting) -> Role:
    """Who chairs ``meeting``: the facilitator once there is one who accepted, otherwise
    the head of A (the department that called it). The one place this is decided."""
    return Role.FACILITATOR if meeting.has_facilitator else Role.HEAD_A


def is_chair(role: Role | None, meeting: Meeting) -> bool:
    """Whether ``role`` chairs ``meeting`` (moves it on, picks the request, strikes remarks)."""
    return role is not None and role == chair_role(meeting)


def chair_title(meeting: Meeting) -> str:
    """The chair in words: "the facilitator" or "the head of Finance"."""
    if chair_role(meeting) == Role.FACILITATOR:
        return "the facilitator"
    return f"the head of {meeting.department_a.name}"


def needs_facilitator(meeting: Meeting) -> bool:
    """Flagged as likely to be difficult by either side: it opens only with a facilitator."""
    return any(nl.flagged_difficult for nl in meeting.need_lists.all())


def role_title(meeting: Meeting, role: Role) -> str:
    """How a role is named beside a person's name: "head of Sales", "facilitator"."""
    if role == Role.FACILITATOR:
        return "facilitator"
    side = side_of_role(role)
    department = department_of(meeting, side).name
    if role in (Role.HEAD_A, Role.HEAD_B):
        return f"head of {department}"
    if role in (Role.MEMBER_A, Role.MEMBER_B):
        return department
    return "observer"


def head_role(side: Side) -> Role:
    return Role.HEAD_A if side == Side.A else Role.HEAD_B


def side_of_item(meeting: Meeting, item: NeedItem) -> Side:
    return Side.A if item.need_list.department_id == meeting.department_a_id else Side.B


def department_of(meeting: Meeting, side: Side):
    return meeting.department_a if side == Side.A else meeting.department_b


# --- steps -----------------------------------------------------------------

# For the middle steps: which side is presenting / summarising / responding,
# and whose requests are on the table.
PRESENTING = {Step.A_PRESENTS: Side.A, Step.B_PRESENTS: Side.B}
SUMMARISING = {Step.B_SUMMARISES: Side.B, Step.A_SUMMARISES: Side.A}
RESPONDING = {Step.B_RESPONDS: Side.B, Step.A_RESPONDS: Side.A}


READINESS_STEPS = (*PRESENTING, *SUMMARISING)
TIMEBOX_MAX_MINUTES = 180


def readiness_label(step: str, side: Side) -> str:
    """What a head's "I'm done" means in this step, from where that head sits."""
    if step in PRESENTING:
        return "Done presenting" if PRESENTING[step] == side else "No more questions"
    if step in SUMMARISING:
        return "Done summarising" if SUMMARISING[step] == side else "Summaries heard"
    return "Done"


def readiness(meeting: Meeting) -> list[dict]:
    """Both sides' signals in the current step (empty in steps without them).

    Reads ``meeting.readiness`` (prefetched by ``meeting_with_everything``).
    """
    if meeting.step not in READINESS_STEPS:
        return []
    signalled = {r.department_id: r for r in meeting.readiness.all() if r.step == meeting.step}
    return [
        {
            "side": side,
            "department": department_of(meeting, side),
            "label": readiness_label(meeting.step, side),
            "signal": signalled.get(department_of(meeting, side).pk),
        }
        for side in (Side.A, Side.B)
    ]


def requests_side(step: str) -> Side | None:
    """Whose requests are discussed in this step."""
    if step in PRESENTING:
        return PRESENTING[step]
    if step in SUMMARISING:
        return other(SUMMARISING[step])
    if step in RESPONDING:
        return other(RESPONDING[step])
    return None


def next_step(step: str) -> str | None:
    index = STEP_ORDER.index(step)
    return STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None


def previous_step(step: str) -> str | None:
    index = STEP_ORDER.index(step)
    return STEP_ORDER[index - 1] if index > 0 else None


def step_label(meeting: Meeting, step: str | None = None) -> str:
    """The step's name with the real department names: "Finance presents"."""
    step = step or meeting.step
    a, b = meeting.department_a.name, meeting.department_b.name
    return {
        Step.PREPARATION: "Preparation",
        Step.OPENING: "Opening: ground rules",
        Step.A_PRESENTS: f"{a} presents",
        Step.B_SUMMARISES: f"{b} summarises {possessive(a)} requests",
        Step.B_PRESENTS: f"{b} presents",
        Step.A_SUMMARISES: f"{a} summarises {possessive(b)} requests",
        Step.B_RESPONDS: f"{b} responds to {possessive(a)} requests",
        Step.A_RESPONDS: f"{a} responds to {possessive(b)} requests",
        Step.CLOSING: "Closing: outcomes reviewed",
        Step.CLOSED: "Closed",
    }[step]


def step_number(step: str) -> int | None:
    """1 to 9 for the steps of the method; ``None`` once the meeting is closed."""
    if step == Step.CLOSED:
        return None
    return STEP_ORDER.index(step) + 1


STEP_COUNT = len(STEP_ORDER) - 1  # "Closed" is where the meeting ends, not a step


def step_position(step: str) -> str:
    """ "Step 3 of 9", or "Closed"."""
    number = step_number(step)
    return "Closed" if number is None else f"Step {number} of {STEP_COUNT}"


def step_help(meeting: Meeting, step: str | None = None) -> str:
    """What happens in this step, in a sentence or two for someone new to the method."""
    step = step or meeting.step
    a, b = meeting.department_a.name, meeting.department_b.name
    presenting = {
        Step.A_PRESENTS: (a, b),
        Step.B_PRESENTS: (b, a),
    }
    summarising = {Step.B_SUMMARISES: (b, a), Step.A_SUMMARISES: (a, b)}
    responding = {Step.B_RESPONDS: (b, a), Step.A_RESPONDS: (a, b)}
    if step == Step.PREPARATION:
        return (
            "Each head lists what their department needs from the other: the service, its "
            "benefit, a rough cost and value, and how it would be measured. The lists stay "
            "private until they are presented."
        )
    if step == Step.OPENING:
        return (
            "The chair reads the ground rules aloud and both heads acknowledge them before "
            "anything is discussed."
        )
    if step in presenting:
        presenter, listener = presenting[step]
        return (
            f"{presenter} explains each of its requests in turn. {listener} may ask clarifying "
            "questions about the request being discussed, but not argue whether it is valid: "
            "that comes later."
        )
    if step in summarising:
        summariser, presenter = summarising[step]
        return (
            f"{summariser} restates each of {possessive(presenter)} requests in its own words, "
            f"and {presenter} confirms the summary or asks for it to be revised. This shows the "
            "request was understood."
        )
    if step in responding:
        responder, requester = responding[step]
        return (
            f"{responder} answers each of {possessive(requester)} requests: yes, a counter-offer "
            f"or a no with reasons. {requester} may accept, challenge or withdraw. A request "
            "that reaches an impasse can go to an arbiter."
        )
    if step == Step.CLOSING:
        return (
            "The chair reads out every outcome. Closing the meeting hands the agreed services "
            "to the draft service level agreement that both heads sign."
        )
    return "The meeting is over. Its minutes and the draft agreement stay available."


def method_steps() -> list[dict[str, str]]:
    """The nine steps in general terms (A calls the meeting, B is invited), for the glossary."""

    class _Named:
        def __init__(self, name: str) -> None:
            self.name = name

    class _Example:
        department_a = _Named("A")
        department_b = _Named("B")

    example = _Example()
    return [
        {
            "position": step_position(s),
            "label": step_label(example, s),
            "help": step_help(example, s),
        }
        for s in STEP_ORDER
    ]


def needs_are_frozen(meeting: Meeting) -> bool:
    return meeting.step != Step.PREPARATION


def lists_are_presented(meeting: Meeting, side: Side) -> bool:
    """A need list becomes visible to the other side once its presentation starts."""
    start = Step.A_PRESENTS if side == Side.A else Step.B_PRESENTS
    return STEP_ORDER.index(meeting.step) >= STEP_ORDER.index(start)


def item_is_presented(meeting: Meeting, item: NeedItem) -> bool:
    """Whether ``item`` has been put before the meeting.

    Either the presenting step reached it (``presented_at``), or its side's
    presentation is over: that step cannot end before every request was presented.
    """
    if item.presented_at is not None:
        return True
    start = Step.A_PRESENTS if side_of_item(meeting, item) == Side.A else Step.B_PRESENTS
    return STEP_ORDER.index(meeting.step) > STEP_ORDER.index(start)


def _items(meeting: Meeting, side: Side) -> list[NeedItem]:
    department = department_of(meeting, side)
    return [
        item
        for need_list in meeting.need_lists.all()
        if need_list.department_id == department.pk
        for item in need_list.items.all()
    ]


def exit_blockers(
    meeting: Meeting, may_read: Callable[[NeedItem], bool] | None = None
) -> list[str]:
    """What still has to happen before the chair may leave the current step.

    ``may_read`` says whether the reader may see what a request says (see
    ``meetings.permissions.may_read_item``); a request they may not read is
    named only as "a request". Without it, every request is named.
    """
    step = meeting.step
    a, b = meeting.department_a.name, meeting.department_b.name
    names = {Side.A: a, Side.B: b}
    missing: list[str] = []

    def named(item: NeedItem, start: bool = True) -> str:
        if may_read is None or may_read(item):
            return f"“{item.service}”"
        return f"{'One' if start else 'one'} of {names[side_of_item(meeting, item)]}'s requests"

    if step == Step.PREPARATION:
        if meeting.is_proposed:
            waiting = department_of(meeting, Side(meeting.time_awaits)).name
            missing.append(
                f"The time is not agreed yet: {waiting} has still to accept it or propose another."
            )
        if needs_facilitator(meeting) and not meeting.has_facilitator:
            who = (
                "a facilitator must be invited and accept"
                if meeting.facilitator_id is None
                else "the invited facilitator must accept"
            )
            missing.append(
                f"The meeting was flagged as likely to be difficult: {who} before it can open."
            )
        for need_list in meeting.need_lists.all():
            if not need_list.is_ready:
                missing.append(f"{need_list.department.name} has not marked its need list ready.")
            for item in need_list.items.all():
                if item.needs_confirmation:
                    missing.append(
                        f"{need_list.department.name}: {named(item, start=False)} costs nearly as much as "
                        "it brings and is not yet confirmed as a need."
                    )
    elif step == Step.OPENING:
        acknowledged = {ack.department_id for ack in meeting.acknowledgements.all()}
        for department in meeting.departments:
            if department.pk not in acknowledged:
                missing.append(
                    f"{possessive(department.name)} head has not acknowledged the ground rules."
                )
    elif step in PRESENTING:
        side = PRESENTING[step]
        for item in _items(meeting, side):
            if item.presented_at is None:
                missing.append(f"{named(item)} has not been presented yet.")
        open_questions = [r for r in meeting.remarks.all() if r.step == step and r.is_open]
        if open_questions:
            missing.append(
                f"{len(open_questions)} clarifying question(s) for {names[side]} still unanswered."
            )
    elif step in SUMMARISING:
        side = other(SUMMARISING[step])
        for item in _items(meeting, side):
            summaries = list(item.summaries.all())
            if not summaries:
                missing.append(f"{named(item)} has not been summarised yet.")
            elif summaries[-1].verdict != "confirmed":
                missing.append(f"The summary of {named(item, start=False)} is not confirmed yet.")
    elif step in RESPONDING:
        side = other(RESPONDING[step])
        for item in _items(meeting, side):
            if not item.is_settled:
                missing.append(
                    f"{named(item)} is not yet agreed, withdrawn or escalated "
                    f"({item.get_status_display().lower()})."
                )
    return missing


# --- actions ---------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    steps: frozenset[str]


def _steps(*steps: str) -> frozenset[str]:
    return frozenset(steps)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("edit_needs", "Edit the need list", _steps(Step.PREPARATION)),
        Action("mark_ready", "Mark the need list ready", _steps(Step.PREPARATION)),
        Action("unmark_ready", "Take back ‘ready’", _steps(Step.PREPARATION)),
        Action("flag_difficult", "Flag the meeting as difficult", _steps(Step.PREPARATION)),
        Action("answer_time", "Answer the proposed time", _steps(Step.PREPARATION)),
        Action("invite_facilitator", "Invite a facilitator", _steps(Step.PREPARATION)),
        Action("answer_invitation", "Answer the invitation to chair", _steps(Step.PREPARATION)),
        Action("acknowledge_rules", "Acknowledge the ground rules", _steps(Step.OPENING)),
        Action(
            "set_current",
            "Move to a request",
            _steps(*PRESENTING, *SUMMARISING, *RESPONDING),
        ),
        Action("ask_question", "Ask a clarifying question", _steps(*PRESENTING)),
        Action("answer_question", "Answer a question", _steps(*PRESENTING)),
        Action("strike_remark", "Strike a remark as out of order", _steps(*PRESENTING)),
        Action("write_summary", "Summarise a request", _steps(*SUMMARISING)),
        Action("confirm_summary", "Confirm a summary", _steps(*SUMMARISING)),
        Action("clarify_summary", "Ask for the summary to be revised", _steps(*SUMMARISING)),
        Action("negotiate", "Negotiate a request", _steps(*RESPONDING)),
        Action("escalate", "Escalate a request", _steps(*RESPONDING)),
        Action(
            "signal_ready",
            "Say you are done with this step",
            _steps(*READINESS_STEPS),
        ),
        Action("set_timebox", "Set a time box for the step", _steps(*STEP_ORDER[1:-1])),
        Action("advance", "Move to the next step", _steps(*STEP_ORDER[:-2])),
        Action("undo_advance", "Undo the last advance", _steps(*STEP_ORDER[1:-1])),
        Action("close", "Close the meeting", _steps(Step.CLOSING)),
    ]
}


def _refuse_step(meeting: Meeting, action: Action) -> RuleError:
    return RuleError(
        f"{action.label} is not possible now: the meeting is at “{step_label(meeting)}”.",
        status=409,
    )


def check(
    meeting: Meeting, role: Role | None, action_name: str, item: NeedItem | None = None
) -> None:
    """Raise ``RuleError`` unless ``role`` may take ``action_name`` now."""
    action = ACTIONS[action_name]
    step = meeting.step
    if step not in action.steps:
        raise _refuse_step(meeting, action)
    if role is None or role == Role.OBSERVER:
        raise RuleError("You are following this meeting; you cannot act in it.", status=403)
    names = {Side.A: meeting.department_a.name, Side.B: meeting.department_b.name}
    role_side = side_of_role(role)
    is_head = role in (Role.HEAD_A, Role.HEAD_B)

    if action_name in {
        "advance",
        "undo_advance",
        "close",
        "set_current",
        "strike_remark",
        "set_timebox",
    }:
        if not is_chair(role, meeting):
            raise RuleError(f"Only the chair ({chair_title(meeting)}) can do that.", status=403)
        if item is not None and requests_side(step) != side_of_item(meeting, item):
            raise RuleError("That request is not on the table in this step.", status=409)
        return

    if action_name == "answer_time":
        if not meeting.is_proposed:
            raise RuleError("The time is already agreed.", status=409)
        waiting = Side(meeting.time_awaits)
        if role != head_role(waiting):
            raise RuleError(
                f"The proposed time waits for {possessive(names[waiting])} head.", status=403
            )
        return

    if action_name == "invite_facilitator":
        if not is_head:
            raise RuleError("Only a department head can invite a facilitator.", status=403)
        if meeting.facilitator_id is not None:
            raise RuleError("A facilitator is already invited to this meeting.", status=409)
        return

    if action_name == "answer_invitation":
        if role != Role.FACILITATOR:
            raise RuleError("Only the invited facilitator answers the invitation.", status=403)
        if not meeting.facilitator_invited:
            raise RuleError("The invitation has already been answered.", status=409)
        return

    if action_name == "edit_needs":
        if role_side is None:
            raise RuleError("Only the two departments prepare need lists.", status=403)
        return

    if action_name in {"mark_ready", "unmark_ready", "flag_difficult"}:
        if not is_head:
            raise RuleError("Only a department head can do that.", status=403)
        return

    if action_name == "signal_ready":
        if not is_head:
            raise RuleError("Only the two heads signal that they are done.", status=403)
        return

    if action_name == "acknowledge_rules":
        if not is_head:
            raise RuleError("Only the two heads acknowledge the ground rules.", status=403)
        return

    table_side = requests_side(step)
    if item is not None and side_of_item(meeting, item) != table_side:
        raise RuleError("That request is not on the table in this step.", status=409)

    if step in PRESENTING:
        presenter = PRESENTING[step]
        if action_name == "ask_question" and role != head_role(other(presenter)):
            raise RuleError(
                f"While {names[presenter]} presents, only {possessive(names[other(presenter)])} head "
                "may ask clarifying questions.",
                status=403,
            )
        if action_name == "answer_question" and role != head_role(presenter):
            raise RuleError(
                f"Only {possessive(names[presenter])} head answers these questions.", status=403
            )
        if (
            action_name == "ask_question"
            and item is not None
            and meeting.current_item_id != item.pk
        ):
            raise RuleError(
                "Questions are about the request being discussed now. Ask about this one "
                "when the chair moves to it.",
                status=409,
            )
        return

    if step in SUMMARISING:
        summariser = SUMMARISING[step]
        if action_name == "write_summary" and role != head_role(summariser):
            raise RuleError(
                f"Only {possessive(names[summariser])} head writes the summaries.", status=403
            )
        if action_name in {"confirm_summary", "clarify_summary"} and role != head_role(
            other(summariser)
        ):
            raise RuleError(
                f"Only {possessive(names[other(summariser)])} head confirms the summaries.",
                status=403,
            )
        return

    if step in RESPONDING:
        if action_name == "escalate":
            if not (is_head or is_chair(role, meeting)):
                raise RuleError("Only the chair or a head can escalate.", status=403)
            if item is not None and item.status not in ESCALATABLE:
                raise RuleError(
                    "A request can be escalated only at an impasse: a rejected counter-offer, "
                    "or a maintained no with nothing offered instead.",
                    status=409,
                )
            return
        if role_side is None or not is_head:
            raise RuleError("Only the heads negotiate.", status=403)
        return

    raise _refuse_step(meeting, action)  # pragma: no cover - every step is handled above


def allowed(
    meeting: Meeting, role: Role | None, action_name: str, item: NeedItem | None = None
) -> bool:
    try:
        check(meeting, role, action_name, item)
    except RuleError:
        return False
    return True


# --- the negotiation of one request (steps 7 and 8) -------------------------

RESPONDER, REQUESTER = "responder", "requester"

# (status, move) -> (who makes the move, the status it leads to)
NEGOTIATION: dict[tuple[str, str], tuple[str, str]] = {
    (ItemStatus.AWAITING_RESPONSE, Move.Kind.YES): (RESPONDER, ItemStatus.AGREED),
    (ItemStatus.AWAITING_RESPONSE, Move.Kind.COUNTER): (RESPONDER, ItemStatus.COUNTER_OFFERED),
    (ItemStatus.AWAITING_RESPONSE, Move.Kind.NO): (RESPONDER, ItemStatus.DECLINED),
    (ItemStatus.COUNTER_OFFERED, Move.Kind.ACCEPT_COUNTER): (REQUESTER, ItemStatus.AGREED),
    (ItemStatus.COUNTER_OFFERED, Move.Kind.REJECT_COUNTER): (
        REQUESTER,
        ItemStatus.COUNTER_REJECTED,
    ),
    (ItemStatus.COUNTER_REJECTED, Move.Kind.COUNTER): (RESPONDER, ItemStatus.COUNTER_OFFERED),
    (ItemStatus.COUNTER_REJECTED, Move.Kind.YES): (RESPONDER, ItemStatus.AGREED),
    (ItemStatus.COUNTER_REJECTED, Move.Kind.WITHDRAW): (REQUESTER, ItemStatus.WITHDRAWN),
    (ItemStatus.DECLINED, Move.Kind.ACCEPT_NO): (REQUESTER, ItemStatus.WITHDRAWN),
    (ItemStatus.DECLINED, Move.Kind.CHALLENGE): (REQUESTER, ItemStatus.CHALLENGED),
    (ItemStatus.CHALLENGED, Move.Kind.YES): (RESPONDER, ItemStatus.AGREED),
    (ItemStatus.CHALLENGED, Move.Kind.COUNTER): (RESPONDER, ItemStatus.COUNTER_OFFERED),
    (ItemStatus.CHALLENGED, Move.Kind.MAINTAIN): (RESPONDER, ItemStatus.MAINTAINED),
    (ItemStatus.MAINTAINED, Move.Kind.ASK_OFFER): (REQUESTER, ItemStatus.OFFER_REQUESTED),
    (ItemStatus.MAINTAINED, Move.Kind.ACCEPT_NO): (REQUESTER, ItemStatus.WITHDRAWN),
    (ItemStatus.OFFER_REQUESTED, Move.Kind.COUNTER): (RESPONDER, ItemStatus.COUNTER_OFFERED),
    (ItemStatus.OFFER_REQUESTED, Move.Kind.NO_OFFER): (RESPONDER, ItemStatus.IMPASSE),
    (ItemStatus.IMPASSE, Move.Kind.WITHDRAW): (REQUESTER, ItemStatus.WITHDRAWN),
}

ESCALATABLE = frozenset({ItemStatus.COUNTER_REJECTED, ItemStatus.IMPASSE})


def negotiation_party(meeting: Meeting, item: NeedItem, role: Role | None) -> str | None:
    """Whether ``role`` is the responder or the requester for ``item`` (heads only)."""
    requester = side_of_item(meeting, item)
    if role == head_role(requester):
        return REQUESTER
    if role == head_role(other(requester)):
        return RESPONDER
    return None


def negotiation_next(meeting: Meeting, item: NeedItem, role: Role | None, kind: str) -> str:
    """The status a move leads to; raises ``RuleError`` if it is not this person's move."""
    check(meeting, role, "negotiate", item)
    transition = NEGOTIATION.get((item.status, kind))
    if transition is None:
        raise RuleError(
            f"“{Move.Kind(kind).label}” is not possible while the request is "
            f"“{item.get_status_display().lower()}”.",
            status=409,
        )
    who, target = transition
    if negotiation_party(meeting, item, role) != who:
        names = {Side.A: meeting.department_a.name, Side.B: meeting.department_b.name}
        requester = side_of_item(meeting, item)
        whose = names[requester] if who == REQUESTER else names[other(requester)]
        raise RuleError(f"It is {possessive(whose)} turn on this request.", status=403)
    return target


def negotiation_waiting_on(meeting: Meeting, item: NeedItem) -> Side | None:
    """Which side has the next move on ``item``, or ``None`` when nobody has one."""
    whos = {who for (status, _kind), (who, _t) in NEGOTIATION.items() if status == item.status}
    requester = side_of_item(meeting, item)
    if RESPONDER in whos:
        return other(requester)
    if REQUESTER in whos:
        return requester
    return None


def moves_for(meeting: Meeting, item: NeedItem, role: Role | None) -> list[str]:
    """The negotiation moves ``role`` may make on ``item`` now."""
    if not allowed(meeting, role, "negotiate", item):
        return []
    party = negotiation_party(meeting, item, role)
    return [
        kind
        for (status, kind), (who, _target) in NEGOTIATION.items()
        if status == item.status and who == party
    ]


def whose_turn(meeting: Meeting) -> str:
    """A sentence for the console: who is expected to act now."""
    step = meeting.step
    a, b = meeting.department_a.name, meeting.department_b.name
    names = {Side.A: a, Side.B: b}
    if step == Step.PREPARATION:
        return "Both heads prepare their need lists."
    if step == Step.OPENING:
        return "Both heads acknowledge the ground rules."
    if step in PRESENTING:
        side = PRESENTING[step]
        return f"{names[side]} explains each request; {names[other(side)]} may ask clarifying questions."
    if step in SUMMARISING:
        side = SUMMARISING[step]
        return f"{names[side]} restates each request; {names[other(side)]} confirms or clarifies."
    if step in RESPONDING:
        side = RESPONDING[step]
        return f"{names[side]} answers each of {possessive(names[other(side)])} requests: yes, a counter-offer or a justified no."
    if step == Step.CLOSING:
        return f"The chair ({chair_title(meeting)}) reviews the outcomes and closes the meeting."
    return "The meeting is closed."


# --- whose move it is ----------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """Whose move it is, and what that move is, said to the person who must make it.

    ``roles`` is who must act now (empty when nobody must: the meeting is closed);
    ``task`` is addressed to them ("Answer Finance's counter-offer on “Signed order
    forms”."); ``item_id`` is the request it is about, if any. Everyone else is told
    whom the meeting is waiting for; the names come from the permission layer.
    """

    roles: tuple[Role, ...]
    task: str
    item_id: int | None = None


def _chair_turn(meeting: Meeting, missing: list[str], item_ids: list[int]) -> Turn:
    chair = (chair_role(meeting),)
    following = next_step(meeting.step)
    if not missing and following is not None and meeting.step != Step.CLOSING:
        return Turn(chair, f"Move on to “{step_label(meeting, following)}”.")
    if meeting.step == Step.CLOSING:
        return Turn(chair, "Read out the outcomes, then close the meeting.")
    current = meeting.current_item_id
    if item_ids and current in item_ids and item_ids.index(current) + 1 < len(item_ids):
        return Turn(chair, "Move to the next request.")
    return Turn(chair, "Go back to a request that still needs work.")


def waiting_for(meeting: Meeting) -> Turn:
    """Whose move it is now: the one place the product decides it.

    Reads what ``meeting_with_everything`` loads (need lists, items, summaries,
    moves, remarks, acknowledgements); no queries of its own beyond those.
    """
    step = meeting.step
    names = {Side.A: meeting.department_a.name, Side.B: meeting.department_b.name}
    missing = exit_blockers(meeting)
    if step == Step.CLOSED:
        return Turn((), "The meeting is closed.")
    if step == Step.PREPARATION:
        if meeting.is_proposed:
            return Turn(
                (head_role(Side(meeting.time_awaits)),),
                "Accept the proposed time and place, or propose another.",
            )
        unready = tuple(
            head_role(Side.A if nl.department_id == meeting.department_a_id else Side.B)
            for nl in meeting.need_lists.all()
            if not nl.is_ready
        )
        if unready:
            return Turn(tuple(sorted(unready)), "Finish your need list and mark it ready.")
        if needs_facilitator(meeting) and not meeting.has_facilitator:
            if meeting.facilitator_invited:
                return Turn(
                    (Role.FACILITATOR,),
                    "Accept or decline the invitation to chair this exchange.",
                )
            return Turn(
                (Role.HEAD_A, Role.HEAD_B),
                "Invite a facilitator: the meeting was flagged as likely to be difficult.",
            )
        return _chair_turn(meeting, missing, [])
    if step == Step.OPENING:
        acknowledged = {ack.department_id for ack in meeting.acknowledgements.all()}
        waiting = tuple(
            head_role(side)
            for side in (Side.A, Side.B)
            if department_of(meeting, side).pk not in acknowledged
        )
        if waiting:
            return Turn(waiting, "Acknowledge the ground rules.")
        return _chair_turn(meeting, missing, [])

    table = requests_side(step)
    items = _items(meeting, table) if table is not None else []
    item_ids = [item.pk for item in items]
    current = next((item for item in items if item.pk == meeting.current_item_id), None)

    if step in PRESENTING and current is not None:
        presenter = PRESENTING[step]
        open_questions = [
            r
            for r in meeting.remarks.all()
            if r.step == step and r.is_open and r.item_id == current.pk
        ]
        if open_questions:
            return Turn(
                (head_role(presenter),),
                f"Answer {possessive(names[other(presenter)])} question on “{current.service}”.",
                current.pk,
            )
    if step in SUMMARISING and current is not None:
        summariser = SUMMARISING[step]
        summaries = list(current.summaries.all())
        if not summaries or summaries[-1].verdict == "clarify":
            verb = "Revise your summary of" if summaries else "Summarise"
            return Turn((head_role(summariser),), f"{verb} “{current.service}”.", current.pk)
        if summaries[-1].verdict == "pending":
            return Turn(
                (head_role(other(summariser)),),
                f"Confirm {possessive(names[summariser])} summary of “{current.service}”, "
                "or ask for a revision.",
                current.pk,
            )
    if step in RESPONDING and current is not None and not current.is_settled:
        side = negotiation_waiting_on(meeting, current)
        if side is not None:
            return Turn((head_role(side),), _negotiation_task(meeting, current, side), current.pk)
    return _chair_turn(meeting, missing, item_ids)


def _negotiation_task(meeting: Meeting, item: NeedItem, side: Side) -> str:
    other_name = department_of(meeting, other(side)).name
    service = f"“{item.service}”"
    return {
        ItemStatus.AWAITING_RESPONSE: f"Answer {service}: yes, a counter-offer or a no with reasons.",
        ItemStatus.COUNTER_OFFERED: f"Accept or reject {possessive(other_name)} counter-offer on {service}.",
        ItemStatus.COUNTER_REJECTED: f"Make a new counter-offer or say yes to {service}, or escalate it.",
        ItemStatus.DECLINED: f"Accept {possessive(other_name)} no on {service}, or challenge its reasons.",
        ItemStatus.CHALLENGED: f"Answer the challenge on {service}: yes, a counter-offer, or keep the no.",
        ItemStatus.MAINTAINED: f"Accept the no on {service}, or ask {other_name} what it can offer.",
        ItemStatus.OFFER_REQUESTED: f"Say what you can offer for {service}, or that nothing can be offered.",
        ItemStatus.IMPASSE: f"Withdraw {service} or escalate it to an arbiter.",
    }.get(item.status, f"Make the next move on {service}.")
