"""A realistic exchange for the benchmarks, played through the real services.

``build_exchange(people, requests_a, requests_b)`` schedules an exchange between
Finance (A) and Sales (B) and fills both need lists, marked ready. ``script``
then plays the whole meeting as people would, one action at a time: the ground
rules, each request presented (with clarifying questions, answers and a struck
remark), summarised (some sent back for clarification) and answered with every
kind of response, including counter-offer chains and escalations, and closes it.

``script`` is a generator of ``(kind, action)`` pairs; the caller runs each
``action()`` (and may time it) before asking for the next, so each action looks
up what it needs when it runs. ``play(meeting, people, until=step)`` runs the
script untimed up to a step, e.g. to build a meeting's history for a page bench.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from meetings import rules, services
from meetings.models import Meeting, Move, NeedItem, Remark, Step

START = dt.date(2027, 1, 4)

# Each request's negotiation, by position: every kind of response and the replies
# to it, two counter-offer chains and two escalations. (mover, kind, fields)
R, Q = "responder", "requester"
PATTERNS: list[list[tuple[str, str]]] = [
    [(R, Move.Kind.YES)],
    [(R, Move.Kind.COUNTER), (Q, Move.Kind.ACCEPT_COUNTER)],
    [(R, Move.Kind.NO), (Q, Move.Kind.ACCEPT_NO)],
    [
        (R, Move.Kind.COUNTER),
        (Q, Move.Kind.REJECT_COUNTER),
        (R, Move.Kind.COUNTER),
        (Q, Move.Kind.REJECT_COUNTER),
        (R, Move.Kind.COUNTER),
        (Q, Move.Kind.ACCEPT_COUNTER),
    ],
    [
        (R, Move.Kind.NO),
        (Q, Move.Kind.CHALLENGE),
        (R, Move.Kind.MAINTAIN),
        (Q, Move.Kind.ASK_OFFER),
        (R, Move.Kind.COUNTER),
        (Q, Move.Kind.ACCEPT_COUNTER),
    ],
    [(R, Move.Kind.NO), (Q, Move.Kind.CHALLENGE), (R, Move.Kind.YES)],
    [(R, Move.Kind.COUNTER), (Q, Move.Kind.REJECT_COUNTER), (Q, Move.Kind.WITHDRAW)],
    [
        (R, Move.Kind.NO),
        (Q, Move.Kind.CHALLENGE),
        (R, Move.Kind.MAINTAIN),
        (Q, Move.Kind.ASK_OFFER),
        (R, Move.Kind.NO_OFFER),
        (R, Move.Kind.ESCALATE),
    ],
    [
        (R, Move.Kind.NO),
        (Q, Move.Kind.CHALLENGE),
        (R, Move.Kind.MAINTAIN),
        (Q, Move.Kind.ACCEPT_NO),
    ],
    [(R, Move.Kind.COUNTER), (Q, Move.Kind.REJECT_COUNTER), (Q, Move.Kind.ESCALATE)],
]

Action = Callable[[], services.Outcome]


def need_data(n: int, department: str) -> dict:
    return {
        "service": f"{department} request {n + 1}: signed order forms within two days",
        "benefit_department": "We can close the month two days sooner.",
        "benefit_organisation": "Cash is collected sooner across the business.",
        "cost_estimate": 2000,
        "value_estimate": 10000,
        "service_level": "Within three working days",
        "measure_what": "Share of orders with complete paperwork",
        "measure_kind": "share",
        "measure_threshold": 95,
        "measure_frequency": "monthly",
    }


def build_exchange(people, requests_a: int, requests_b: int, *, place: str = "Board room"):
    """An exchange between Finance (A, head fiona) and Sales (B, head sam), lists ready."""
    from django.utils import timezone

    meeting = services.meeting_schedule(
        by=people.priya,
        department_a=people.finance,
        department_b=people.sales,
        facilitator=people.priya,
        scheduled_for=timezone.now() + dt.timedelta(hours=1),
        place=place,
    )
    for department, head, count in (
        (people.finance, people.fiona, requests_a),
        (people.sales, people.sam, requests_b),
    ):
        need_list = meeting.need_lists.get(department=department)
        for n in range(count):
            services.need_item_add(need_list=need_list, by=head, data=need_data(n, department.name))
        services.need_list_set_ready(need_list=need_list, by=head, ready=True)
    return meeting


def _items(meeting: Meeting, side: rules.Side) -> list[int]:
    department_id = meeting.department_a_id if side == rules.Side.A else meeting.department_b_id
    return list(
        NeedItem.objects.filter(need_list__meeting=meeting, need_list__department_id=department_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def _move(meeting: Meeting, by, item_id: int, kind: str) -> services.Outcome:
    if kind == Move.Kind.YES:
        return services.response_yes(meeting=meeting, by=by, item_id=item_id, start_date=START)
    if kind == Move.Kind.COUNTER:
        return services.response_counter(
            meeting=meeting,
            by=by,
            item_id=item_id,
            service="Order forms checked weekly instead",
            level="Within five working days",
            start_date=START,
        )
    if kind == Move.Kind.NO:
        return services.response_no(
            meeting=meeting,
            by=by,
            item_id=item_id,
            reason=Move.Reason.RESOURCES,
            explanation="The team is two people short until March.",
        )
    if kind == Move.Kind.ESCALATE:
        return services.item_escalate(
            meeting=meeting, by=by, item_id=item_id, note="We cannot agree."
        )
    text = "" if kind in {Move.Kind.ACCEPT_COUNTER, Move.Kind.ACCEPT_NO} else "For the record."
    if kind in {Move.Kind.ASK_OFFER, Move.Kind.WITHDRAW}:
        text = ""
    return services.response_reply(meeting=meeting, by=by, item_id=item_id, kind=kind, text=text)


def script(meeting: Meeting, people, *, until: str = Step.CLOSED) -> Iterator[tuple[str, Action]]:
    """The whole meeting, action by action, from preparation to ``until``."""
    chair = people.priya
    heads = {rules.Side.A: people.fiona, rules.Side.B: people.sam}

    def step() -> str:
        return Meeting.objects.values_list("step", flat=True).get(pk=meeting.pk)

    def advance() -> services.Outcome:
        return services.meeting_advance(meeting=meeting, by=chair)

    while (current := step()) != until:
        if current == Step.CLOSING:
            yield "close", lambda: services.meeting_close(meeting=meeting, by=chair)
            continue
        if current == Step.OPENING:
            for head in heads.values():
                yield (
                    "acknowledge",
                    lambda head=head: services.meeting_acknowledge_rules(meeting=meeting, by=head),
                )
        elif current in rules.PRESENTING:
            presenter = rules.PRESENTING[current]
            asker, answerer = heads[rules.other(presenter)], heads[presenter]
            for n, item_id in enumerate(_items(meeting, presenter)):
                if n:
                    yield (
                        "next",
                        lambda: services.meeting_next_request(meeting=meeting, by=chair, offset=1),
                    )
                if n == 1:  # a look back, and on again
                    yield (
                        "previous",
                        lambda: services.meeting_next_request(meeting=meeting, by=chair, offset=-1),
                    )
                    yield (
                        "current",
                        lambda item_id=item_id: services.meeting_set_current(
                            meeting=meeting, by=chair, item_id=item_id
                        ),
                    )
                if n % 3 == 0:
                    yield (
                        "ask",
                        lambda item_id=item_id, n=n, asker=asker: services.remark_ask(
                            meeting=meeting,
                            by=asker,
                            item_id=item_id,
                            text=f"Which orders count as complete for request {n + 1}?",
                        ),
                    )
                    yield (
                        "answer",
                        lambda answerer=answerer: services.remark_answer(
                            meeting=meeting,
                            by=answerer,
                            remark_id=Remark.objects.filter(meeting=meeting).latest("id").pk,
                            answer="Those with a signature and a purchase order number.",
                        ),
                    )
                if n == 4:
                    yield (
                        "ask",
                        lambda item_id=item_id, asker=asker: services.remark_ask(
                            meeting=meeting, by=asker, item_id=item_id, text="Is this even needed?"
                        ),
                    )
                    yield (
                        "strike",
                        lambda: services.remark_strike(
                            meeting=meeting,
                            by=chair,
                            remark_id=Remark.objects.filter(meeting=meeting).latest("id").pk,
                        ),
                    )
        elif current in rules.SUMMARISING:
            summariser = rules.SUMMARISING[current]
            writer, checker = heads[summariser], heads[rules.other(summariser)]
            for n, item_id in enumerate(_items(meeting, rules.other(summariser))):
                yield (
                    "summarise",
                    lambda item_id=item_id, writer=writer: services.summary_write(
                        meeting=meeting,
                        by=writer,
                        item_id=item_id,
                        text="You need complete order forms within two days of each sale.",
                    ),
                )
                if n % 5 == 2:
                    yield (
                        "clarify_summary",
                        lambda item_id=item_id, checker=checker: services.summary_clarify(
                            meeting=meeting, by=checker, item_id=item_id, note="Two working days."
                        ),
                    )
                    yield (
                        "summarise",
                        lambda item_id=item_id, writer=writer: services.summary_write(
                            meeting=meeting,
                            by=writer,
                            item_id=item_id,
                            text="You need complete order forms within two working days.",
                        ),
                    )
                yield (
                    "confirm_summary",
                    lambda item_id=item_id, checker=checker: services.summary_confirm(
                        meeting=meeting, by=checker, item_id=item_id
                    ),
                )
        elif current in rules.RESPONDING:
            responder = rules.RESPONDING[current]
            movers = {R: heads[responder], Q: heads[rules.other(responder)]}
            for n, item_id in enumerate(_items(meeting, rules.other(responder))):
                if n:
                    yield (
                        "next",
                        lambda: services.meeting_next_request(meeting=meeting, by=chair, offset=1),
                    )
                for who, kind in PATTERNS[n % len(PATTERNS)]:
                    yield (
                        str(kind),
                        lambda who=who, kind=kind, item_id=item_id, movers=movers: _move(
                            meeting, movers[who], item_id, kind
                        ),
                    )
        yield "advance", advance


def play(meeting: Meeting, people, *, until: str = Step.CLOSED, within: bool = False) -> int:
    """Run the script untimed up to the step ``until``; the number of actions taken.

    With ``within``, also do that step's work, stopping just before moving on.
    """
    count = 0
    for kind, action in script(meeting, people):
        at = Meeting.objects.values_list("step", flat=True).get(pk=meeting.pk)
        if at == until and (not within or kind in {"advance", "close"}):
            break
        action()
        count += 1
    return count
