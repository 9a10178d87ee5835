"""Demo exchanges: one in preparation, one live in the responding step.

Everything goes through the services, exactly as people would do it in the
browser, so the demo's record reads like a real meeting's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from meetings import services
from meetings.measures import Kind, TimeUnit
from meetings.models import Meeting

FINANCE_NEEDS = [
    {
        "service": "Signed customer order forms with every new contract",
        "benefit_department": "We can invoice on the day the contract is signed instead of "
        "chasing paperwork for a week.",
        "benefit_organisation": "Cash comes in about five days sooner; fewer disputed invoices.",
        "cost_estimate": Decimal("3000"),
        "value_estimate": Decimal("40000"),
        "service_level": "Complete order form in the shared folder within 2 working days of signature",
        "measure_what": "New contracts with a complete order form",
        "measure_kind": Kind.SHARE,
        "measure_threshold": Decimal("95"),
        "measure_limit": Decimal("2"),
        "measure_time_unit": TimeUnit.WORKING_DAYS,
        "measure_frequency": "monthly",
    },
    {
        "service": "A monthly sales forecast by the 5th working day",
        "benefit_department": "Our cash-flow forecast stops being guesswork.",
        "benefit_organisation": "Better decisions on hiring and stock; fewer overdraft days.",
        "cost_estimate": Decimal("6000"),
        "value_estimate": Decimal("25000"),
        "service_level": "Forecast by product line for the next three months",
        "measure_what": "Forecast delivered by the 5th working day",
        "measure_kind": Kind.DEADLINE,
        "measure_frequency": "monthly",
    },
    {
        "service": "Credit checks requested before quoting new customers over £50k",
        "benefit_department": "Fewer bad debts to write off at year end.",
        "benefit_organisation": "Sales effort goes to customers who can pay.",
        "cost_estimate": Decimal("2500"),
        "value_estimate": Decimal("30000"),
        "service_level": "Request submitted before the quote is sent",
        "measure_what": "Quotes over £50k with a prior credit check",
        "measure_kind": Kind.SHARE,
        "measure_threshold": Decimal("100"),
        "measure_frequency": "quarterly",
    },
]

SALES_NEEDS = [
    {
        "service": "Customer credit decisions within one working day",
        "benefit_department": "We stop losing deals while we wait for credit approval.",
        "benefit_organisation": "Faster sales cycle; more revenue in the quarter it is won.",
        "cost_estimate": Decimal("8000"),
        "value_estimate": Decimal("60000"),
        "service_level": "Decision within 1 working day of a complete request",
        "measure_what": "Credit decisions",
        "measure_kind": Kind.SHARE,
        "measure_threshold": Decimal("90"),
        "measure_limit": Decimal("1"),
        "measure_time_unit": TimeUnit.WORKING_DAYS,
        "measure_frequency": "monthly",
    },
    {
        "service": "Commission statements by the 10th of each month",
        "benefit_department": "Sales people trust their pay and stop querying it.",
        "benefit_organisation": "Less time spent on disputes in both departments.",
        "cost_estimate": Decimal("4000"),
        "value_estimate": Decimal("12000"),
        "service_level": "Statement per person, itemised by deal",
        "measure_what": "Statements issued by the 10th",
        "measure_kind": Kind.DEADLINE,
        "measure_frequency": "monthly",
    },
]


def build(people: SimpleNamespace) -> None:
    build_upcoming(people)
    build_live(people)


def build_upcoming(people: SimpleNamespace) -> Meeting:
    meeting = services.meeting_schedule(
        by=people.priya,
        department_a=people.finance,
        department_b=people.sales,
        facilitator=people.priya,
        scheduled_for=_at(days=9, hour=10),
        place="Board room, 2nd floor (or Teams link in the invitation)",
        title="Finance and Sales: order to cash",
    )
    finance_list = meeting.need_lists.get(department=people.finance)
    sales_list = meeting.need_lists.get(department=people.sales)
    for data in FINANCE_NEEDS:
        services.need_item_add(need_list=finance_list, by=people.fiona, data=data)
    services.need_list_update_settings(
        need_list=finance_list,
        by=people.fiona,
        members_may_edit=True,
        flagged_difficult=False,
    )
    services.need_item_add(need_list=sales_list, by=people.sam, data=SALES_NEEDS[0])
    services.need_list_update_settings(
        need_list=sales_list,
        by=people.sam,
        members_may_edit=False,
        flagged_difficult=True,
        difficulty_note="Last year's commission disputes are still sore; please keep us to facts.",
    )
    return meeting


def build_live(people: SimpleNamespace) -> Meeting:
    """Sales called this one; it is live, with Finance answering Sales' requests."""
    meeting = services.meeting_schedule(
        by=people.margaret,
        department_a=people.sales,
        department_b=people.finance,
        facilitator=people.priya,
        scheduled_for=_at(days=0, hour=9),
        place="Meeting room 3",
        title="Sales and Finance: credit and commission",
    )
    run_to_responding(
        meeting,
        facilitator=people.priya,
        head_a=people.sam,
        head_b=people.fiona,
        needs_a=SALES_NEEDS,
        needs_b=FINANCE_NEEDS[:2],
    )
    first, second = list(meeting.need_lists.get(department=people.sales).items.all())
    services.response_yes(
        meeting=meeting,
        by=people.fiona,
        item_id=first.pk,
        start_date=timezone.localdate() + dt.timedelta(days=30),
        milestones="Credit desk rota agreed by month end; new request form live in two weeks.",
    )
    services.response_counter(
        meeting=meeting,
        by=people.fiona,
        item_id=second.pk,
        service="Commission statements by the 12th of each month",
        level="Statement per person, itemised by deal, with a query contact",
        start_date=timezone.localdate() + dt.timedelta(days=45),
    )
    services.meeting_set_current(meeting=meeting, by=people.priya, item_id=second.pk)
    return meeting


def run_to_responding(meeting, *, facilitator, head_a, head_b, needs_a, needs_b) -> None:
    """Drive an exchange from preparation to "B responds", as the people would."""
    list_a = meeting.need_lists.get(department=meeting.department_a)
    list_b = meeting.need_lists.get(department=meeting.department_b)
    for data in needs_a:
        services.need_item_add(need_list=list_a, by=head_a, data=data)
    for data in needs_b:
        services.need_item_add(need_list=list_b, by=head_b, data=data)
    services.need_list_set_ready(need_list=list_a, by=head_a, ready=True)
    services.need_list_set_ready(need_list=list_b, by=head_b, ready=True)
    services.meeting_advance(meeting=meeting, by=facilitator)  # opening
    services.meeting_acknowledge_rules(meeting=meeting, by=head_a)
    services.meeting_acknowledge_rules(meeting=meeting, by=head_b)
    for presenter, listener, need_list in ((head_a, head_b, list_a), (head_b, head_a, list_b)):
        services.meeting_advance(meeting=meeting, by=facilitator)  # presents
        items = list(need_list.items.all())
        for index, item in enumerate(items):
            if index:
                services.meeting_set_current(meeting=meeting, by=facilitator, item_id=item.pk)
            if index == 0:
                outcome = services.remark_ask(
                    meeting=meeting,
                    by=listener,
                    item_id=item.pk,
                    text="Does this apply to existing customers as well as new ones?",
                )
                remark = meeting.remarks.order_by("-id").first()
                services.remark_answer(
                    meeting=outcome.meeting,
                    by=presenter,
                    remark_id=remark.pk,
                    answer="New customers only, for now.",
                )
        services.meeting_advance(meeting=meeting, by=facilitator)  # summarises
        for item in items:
            services.summary_write(
                meeting=meeting,
                by=listener,
                item_id=item.pk,
                text=f"You need: {item.service.lower()}, at this level: "
                f"{item.service_level.lower()}.",
            )
            services.summary_confirm(meeting=meeting, by=presenter, item_id=item.pk)
    services.meeting_advance(meeting=meeting, by=facilitator)  # B responds


def _at(*, days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


__all__ = ["build", "run_to_responding"]
