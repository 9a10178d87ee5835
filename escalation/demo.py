"""Demo escalations: one with the arbiter now, one resolved by facilitation.

A closed exchange between Finance (A) and Sales (B) in which two of Finance's
requests reached an impasse and were escalated. Everything goes through the
services, so the record reads like a real one.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from escalation import services
from escalation.models import Escalation, Outcome
from meetings import services as meeting_services
from meetings.demo import FINANCE_NEEDS, SALES_NEEDS, run_to_responding
from meetings.models import Meeting, Move


def build(people: SimpleNamespace) -> None:
    meeting = _closed_exchange(people)
    forecast, credit = _escalated(meeting, people)
    _resolve_by_facilitation(forecast, people)
    _with_the_arbiter(credit, people)


def _closed_exchange(people: SimpleNamespace) -> Meeting:
    meeting = meeting_services.meeting_schedule(
        by=people.priya,
        department_a=people.finance,
        department_b=people.sales,
        facilitator=people.priya,
        scheduled_for=timezone.now() - dt.timedelta(days=12),
        place="Meeting room 1",
        title="Finance and Sales: forecasts and credit",
    )
    run_to_responding(
        meeting,
        facilitator=people.priya,
        head_a=people.fiona,
        head_b=people.sam,
        needs_a=FINANCE_NEEDS[1:],
        needs_b=SALES_NEEDS[1:],
    )
    return meeting


def _escalated(meeting: Meeting, people: SimpleNamespace) -> tuple[Escalation, Escalation]:
    fiona, sam, priya = people.fiona, people.sam, people.priya
    forecast, credit = list(meeting.need_lists.get(department=people.finance).items.all())
    soon = timezone.localdate() + dt.timedelta(days=30)

    # The forecast: a counter-offer Finance cannot live with.
    meeting_services.meeting_set_current(meeting=meeting, by=priya, item_id=forecast.pk)
    meeting_services.response_counter(
        meeting=meeting,
        by=sam,
        item_id=forecast.pk,
        service="A quarterly sales forecast by the 10th working day",
        level="Totals only, not by product line",
        start_date=soon,
    )
    meeting_services.response_reply(
        meeting=meeting,
        by=fiona,
        item_id=forecast.pk,
        kind=Move.Kind.REJECT_COUNTER,
        text="Quarterly totals are too coarse for a monthly cash-flow forecast.",
    )
    meeting_services.item_escalate(
        meeting=meeting, by=priya, item_id=forecast.pk, note="Both sides see merit; no middle yet."
    )

    # Credit checks: a no, challenged, maintained, and nothing offered instead.
    meeting_services.meeting_set_current(meeting=meeting, by=priya, item_id=credit.pk)
    meeting_services.response_no(
        meeting=meeting,
        by=sam,
        item_id=credit.pk,
        reason=Move.Reason.RESOURCES,
        explanation="Account managers have no time to file credit requests before quoting.",
    )
    for kind, by, text in [
        (Move.Kind.CHALLENGE, fiona, "A request takes five minutes; a bad debt takes months."),
        (Move.Kind.MAINTAIN, sam, "Quotes go out the same day; any delay loses the deal."),
        (Move.Kind.ASK_OFFER, fiona, ""),
        (Move.Kind.NO_OFFER, sam, "Not this year, with two vacancies on the team."),
    ]:
        meeting_services.response_reply(
            meeting=meeting, by=by, item_id=credit.pk, kind=kind, text=text
        )
    meeting_services.item_escalate(meeting=meeting, by=fiona, item_id=credit.pk)

    # Finance answers Sales' request, and the meeting closes.
    meeting_services.meeting_advance(meeting=meeting, by=priya)
    for item in meeting.need_lists.get(department=people.sales).items.all():
        meeting_services.meeting_set_current(meeting=meeting, by=priya, item_id=item.pk)
        meeting_services.response_yes(meeting=meeting, by=fiona, item_id=item.pk, start_date=soon)
    meeting_services.meeting_advance(meeting=meeting, by=priya)
    meeting_services.meeting_close(meeting=meeting, by=priya)
    return Escalation.objects.get(item=forecast), Escalation.objects.get(item=credit)


def _choose(escalation: Escalation, people: SimpleNamespace, arbiter) -> None:
    services.escalation_propose_arbiter(
        escalation=escalation,
        by=people.priya,
        arbiter=arbiter,
        note="Senior, and from neither side.",
    )
    for head in (people.fiona, people.sam):
        services.escalation_respond_to_arbiter(escalation=escalation, by=head, accept=True)
    for head in (people.fiona, people.sam):
        services.escalation_consent(escalation=escalation, by=head)


def _resolve_by_facilitation(escalation: Escalation, people: SimpleNamespace) -> None:
    _choose(escalation, people, people.margaret)
    services.escalation_add_note(
        escalation=escalation,
        by=people.margaret,
        text="Finance needs the monthly shape, not the product detail. Sales fears the effort.",
    )
    services.escalation_record_session(
        escalation=escalation,
        by=people.margaret,
        held_on=timezone.localdate() - dt.timedelta(days=5),
        attendees=[people.fiona, people.sam, people.margaret],
        notes="Walked through the cash-flow model together; Sales can export the pipeline "
        "report monthly with no extra work.",
    )
    services.escalation_record_outcome(
        escalation=escalation,
        by=people.margaret,
        kind=Outcome.Kind.FACILITATED,
        service="A monthly pipeline export by the 7th working day",
        level="Weighted pipeline by month for the next quarter, from the CRM report",
        start_date=timezone.localdate() + dt.timedelta(days=14),
        reasoning="Both heads agreed the existing CRM report gives Finance what it needs "
        "without new work for Sales.",
    )


def _with_the_arbiter(escalation: Escalation, people: SimpleNamespace) -> None:
    _choose(escalation, people, people.arthur)
    services.escalation_add_note(
        escalation=escalation,
        by=people.arthur,
        text="Ask Finance for last year's bad-debt figures before the first session.",
    )
