"""Demo: a finished Finance–Sales exchange whose SLA both heads have signed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from agreements import services
from agreements.models import SLA, Signature, SLAVersion
from meetings.measures import Direction, Kind
from meetings.models import Event, ItemStatus, Meeting, NeedItem, NeedList, Origin, Step
from organisation.demo import DEMO_PASSWORD

# (asking department, service, level, what is measured, target, origin, agreed service)
REQUESTS = [
    (
        "finance",
        "Signed order forms with every new order",
        "Within three working days of the order",
        "Share of orders with complete, signed paperwork",
        "95",
        Origin.YES,
        "",
    ),
    (
        "finance",
        "Credit notes raised within a week of a return",
        "Within five working days",
        "Share of credit notes raised on time",
        "90",
        Origin.COUNTER,
        "Credit notes raised within ten working days of a return",
    ),
    (
        "sales",
        "Invoices sent the same day an order ships",
        "Same working day",
        "Share of invoices sent on the day of shipping",
        "98",
        Origin.YES,
        "",
    ),
    (
        "sales",
        "A monthly statement of overdue accounts per key account",
        "By the third working day of the month",
        "Statements delivered on time",
        "100",
        Origin.COUNTER,
        "A monthly statement of overdue accounts for the top 20 key accounts",
    ),
]


def build(people: SimpleNamespace) -> SLA:
    # The exchange was held and signed about seven months ago (monitoring starts when the
    # agreement does), so the monitoring demo has a record to show.
    then = timezone.now() - dt.timedelta(days=200)
    start = (then + dt.timedelta(days=1)).date()
    meeting = Meeting.objects.create(
        title="Finance and Sales: order to cash",
        department_a=people.finance,
        department_b=people.sales,
        facilitator=people.priya,
        scheduled_for=then - dt.timedelta(days=3),
        place="Board room, second floor",
        step=Step.CLOSED,
        closed_at=then - dt.timedelta(days=3, hours=-2),
        created_by=people.priya,
    )
    lists = {
        "finance": NeedList.objects.create(
            meeting=meeting,
            department=people.finance,
            ready_at=then - dt.timedelta(days=5),
            ready_by=people.fiona,
        ),
        "sales": NeedList.objects.create(
            meeting=meeting,
            department=people.sales,
            ready_at=then - dt.timedelta(days=4),
            ready_by=people.sam,
        ),
    }
    seq = 0

    def record(actor, kind: str, description: str, item=None) -> None:
        nonlocal seq
        seq += 1
        Event.objects.create(
            meeting=meeting,
            seq=seq,
            actor=actor,
            step=Step.CLOSED,
            kind=kind,
            item=item,
            description=description,
        )

    record(
        people.priya, "scheduled", "Priya Nair scheduled the exchange between Finance and Sales."
    )
    for position, (side, service, level, what, target, origin, agreed) in enumerate(REQUESTS):
        item = NeedItem.objects.create(
            need_list=lists[side],
            position=position,
            service=service,
            benefit_department="We stop chasing paperwork and close the month sooner.",
            benefit_organisation="Customers are billed correctly and cash comes in sooner.",
            cost_estimate=Decimal("3000"),
            value_estimate=Decimal("15000"),
            service_level=level,
            measure_what=what,
            measure_kind=Kind.SHARE,
            measure_threshold=Decimal(target),
            measure_direction=Direction.AT_LEAST,
            measure_unit="%",
            status=ItemStatus.AGREED,
            agreed_service=agreed or service,
            agreed_level=level,
            agreed_start=start,
            agreed_origin=origin,
            settled_at=then - dt.timedelta(days=3),
        )
        how = "said yes to" if origin == Origin.YES else "accepted a counter-offer on"
        record(None, "agreed", f"The departments {how} “{service}”.", item=item)
    record(
        people.priya,
        "closed",
        "Priya Nair closed the meeting. The agreed services go to the SLA draft.",
    )

    sla = services.sla_draft_from_meeting(meeting=meeting, by=people.priya)
    version = services.latest_version(sla)
    measurers = {
        people.finance.pk: "Fergus Lane (accounts receivable)",
        people.sales.pk: "Sean Doyle (key accounts)",
    }
    for service in version.services.all():
        services.sla_service_update(
            service=service,
            by=people.priya,
            data={"measured_by": measurers[service.recipient_id]},
        )
    for head in (people.fiona, people.sam):
        services.sla_sign(version=version, by=head, password=DEMO_PASSWORD, ip_address="127.0.0.1")
    # Signed back then, as the story goes (the demo writes its history directly).
    signed = then + dt.timedelta(hours=4)
    SLAVersion.objects.filter(pk=version.pk).update(signed_at=signed)
    Signature.objects.filter(version=version).update(signed_at=signed)
    # The worker seals the PDF, as after any second signature.
    return sla
