"""An organisation's whole history, made up at scale: ``manage.py generate_history``.

For the scale benchmark (``bench/bench_scale.py``) and for trying the pages against years
of data. At ``scale=1`` it makes 10,000 exchanges among 20 departments, 100,000 requests
(five a side), 225,000 measurements and the events, escalations, agreements,
signatures and explanations that go with them, deterministically (the same ``seed``
makes the same rows), with ``bulk_create`` in batches. The demo's people (``fiona``,
``sam``, ``priya``, ``margaret``, ``admin``…) are among them, so their pages can be
loaded; Finance takes part in about a third of the exchanges.

Of the exchanges, 90 in 100 are closed with a signed agreement of five services
measured monthly for five periods (one in twenty services has a sixth period due and
not recorded: overdue); 5 are in preparation, 3 are live (B responds) and 2 closing.
One closed exchange in twenty had a request escalated. About one measurement in ten
missed its target; half of the misses are explained.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from agreements.models import SLA, Signature, SLAService, SLAVersion, VersionStatus
from escalation.models import Escalation, State
from meetings.models import Event, ItemStatus, Meeting, NeedItem, NeedList, Origin, Step
from monitoring import services as monitoring_services
from monitoring.models import Explanation, Measurement
from monitoring.periods import due_periods
from organisation.demo import DEMO_PASSWORD, build_people
from organisation.models import Department, Membership, OrgRole

EXCHANGES = 10_000
REQUESTS_A_SIDE = 5
SERVICES_PER_AGREEMENT = 5
PERIODS_MEASURED = 5
BATCH = 5_000
DEPARTMENTS = [
    "Legal",
    "Procurement",
    "Human Resources",
    "IT Service Desk",
    "Facilities",
    "Marketing",
    "Customer Service",
    "Logistics",
    "Payroll",
    "Internal Audit",
    "Research",
    "Quality",
    "Security",
    "Training",
    "Communications",
    "Estates",
    "Data",
]
# In every 100 exchanges, which are not closed (spread out, so a small history has each).
NOT_CLOSED = {
    **dict.fromkeys([1, 21, 41, 61, 81], Step.PREPARATION),
    **dict.fromkeys([3, 43, 83], Step.B_RESPONDS),
    **dict.fromkeys([7, 57], Step.CLOSING),
}


def _step_of(i: int) -> str:
    return NOT_CLOSED.get(i % 100, Step.CLOSED)


def _bulk(model, rows: list, log: Callable[[str], None]) -> list:
    made = model.objects.bulk_create(rows, batch_size=BATCH)
    log(f"{model.__name__}: {len(made)}")
    return made


@transaction.atomic
def generate(
    *, scale: float = 1.0, seed: int = 12, today: dt.date | None = None, log=print
) -> dict[str, int]:
    """Make the history on an empty database; returns how many rows of each kind."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    exchanges = max(20, round(EXCHANGES * scale))

    people = build_people()
    password = make_password(DEMO_PASSWORD)
    User = get_user_model()
    departments = [people.finance, people.sales, people.operations]
    departments += _bulk(Department, [Department(name=name) for name in DEPARTMENTS], log)
    staff = User.objects.bulk_create(
        [
            User(
                username=f"{role}{n}",
                password=password,
                first_name=role.title(),
                last_name=f"of {department.name}",
                email=f"{role}{n}@example.org",
            )
            for n, department in enumerate(departments[3:])
            for role in ("head", "member")
        ]
    )
    memberships = [
        Membership(
            user=user,
            department=departments[3 + n // 2],
            role=Membership.Role.HEAD if n % 2 == 0 else Membership.Role.MEMBER,
        )
        for n, user in enumerate(staff)
    ]
    _bulk(Membership, memberships, log)
    heads = {people.finance.pk: people.fiona, people.sales.pk: people.sam}
    heads[people.operations.pk] = people.arthur
    heads.update({m.department_id: m.user for m in memberships if m.role == Membership.Role.HEAD})
    extra = [
        User(username=f"facilitator{n}", password=password, first_name="Facilitator")
        for n in range(3)
    ]
    facilitators = [people.priya, *User.objects.bulk_create(extra)]
    OrgRole.objects.bulk_create(
        [OrgRole(user=u, role=OrgRole.Role.FACILITATOR) for u in facilitators[1:]]
    )

    # Exchanges: Finance (Fiona) in about a third of them.
    meetings = []
    for i in range(exchanges):
        if i % 3 == 0:
            a, b = people.finance, rng.choice(departments[1:])
        else:
            a, b = rng.sample(departments, 2)
        step = _step_of(i)
        days = -(10 + i % 60) if step == Step.PREPARATION else (200 + i % 500)
        when = now - dt.timedelta(days=days)
        meetings.append(
            Meeting(
                department_a=a,
                department_b=b,
                facilitator=facilitators[i % len(facilitators)],
                created_by=facilitators[i % len(facilitators)],
                scheduled_for=when if step != Step.B_RESPONDS else now,
                place=f"Room {i % 40 + 1}",
                step=step,
                closed_at=when + dt.timedelta(hours=3) if step == Step.CLOSED else None,
            )
        )
    meetings = _bulk(Meeting, meetings, log)
    lists = _bulk(
        NeedList,
        [
            NeedList(
                meeting=m,
                department_id=department_id,
                ready_at=None if m.step == Step.PREPARATION else m.scheduled_for,
                ready_by=heads[department_id] if m.step != Step.PREPARATION else None,
            )
            for m in meetings
            for department_id in (m.department_a_id, m.department_b_id)
        ],
        log,
    )
    name_of = {d.pk: d.name for d in departments}
    # The n-th exchange made (from 1), not its id: ids depend on what the database held
    # before, and the history must come out the same every time.
    number_of = {m.pk: n for n, m in enumerate(meetings, start=1)}
    items = []
    for need_list in lists:
        meeting = need_list.meeting
        for k in range(REQUESTS_A_SIDE):
            side_a = need_list.department_id == meeting.department_a_id
            agreed = meeting.step == Step.CLOSED and k < (3 if side_a else 2)
            if meeting.step == Step.CLOSED:
                status = ItemStatus.AGREED if agreed else ItemStatus.WITHDRAWN
                if k == 4 and side_a and number_of[meeting.pk] % 20 == 0:
                    status = ItemStatus.ESCALATED
            else:
                status = ItemStatus.AWAITING_RESPONSE
            service = f"Service {k + 1} for {name_of[need_list.department_id]}"
            items.append(
                NeedItem(
                    need_list=need_list,
                    position=k,
                    service=service,
                    benefit_department="Work is done sooner.",
                    benefit_organisation="Customers are served sooner.",
                    cost_estimate=Decimal(1000 + 100 * k),
                    value_estimate=Decimal(9000 + 500 * k),
                    service_level="Within two working days",
                    measure_what=f"Share of cases done in time ({k + 1})",
                    measure_kind="share",
                    measure_threshold=Decimal("95"),
                    measure_frequency="monthly",
                    presented_at=None
                    if meeting.step == Step.PREPARATION
                    else meeting.scheduled_for,
                    status=status,
                    agreed_service=service if agreed else "",
                    agreed_level="Within two working days" if agreed else "",
                    agreed_start=today if agreed else None,
                    agreed_origin=Origin.YES if agreed else "",
                    settled_at=meeting.scheduled_for if meeting.step == Step.CLOSED else None,
                )
            )
    items = _bulk(NeedItem, items, log)

    # The record: scheduled, each step moved on, closed (with the chair as the actor).
    order = [s for s in Step.values]
    events = []
    for m in meetings:
        seq = 1
        events.append(
            Event(
                meeting=m,
                seq=seq,
                actor=m.facilitator,
                step=Step.PREPARATION,
                kind="scheduled",
                description="The exchange was scheduled.",
                after={"scheduled_for": m.scheduled_for.isoformat(), "place": m.place},
            )
        )
        for before, after in itertools.pairwise(order[: order.index(m.step) + 1]):
            seq += 1
            kind = "closed" if after == Step.CLOSED else "advanced"
            events.append(
                Event(
                    meeting=m,
                    seq=seq,
                    actor=m.facilitator,
                    step=before,
                    kind=kind,
                    description="The chair moved the meeting on.",
                    before={"step": before},
                    after={"step": after},
                )
            )
    _bulk(Event, events, log)

    escalated = [i for i in items if i.status == ItemStatus.ESCALATED]
    _bulk(
        Escalation,
        [
            Escalation(
                item=item,
                meeting=item.need_list.meeting,
                state=State.WITH_ARBITER if n % 2 else State.AWAITING_PROPOSAL,
                arbiter=people.arthur if n % 2 else None,
                opened_by=item.need_list.meeting.facilitator,
            )
            for n, item in enumerate(escalated)
        ],
        log,
    )

    # Agreements: one signed version per closed exchange, its agreed requests as services.
    closed = [m for m in meetings if m.step == Step.CLOSED]
    slas = _bulk(SLA, [SLA(meeting=m, created_by=m.facilitator) for m in closed], log)
    versions = _bulk(
        SLAVersion,
        [
            SLAVersion(
                sla=sla,
                number=1,
                status=VersionStatus.SIGNED,
                reason="Agreed in the exchange.",
                signed_at=sla.meeting.closed_at,
                pdf_sha256=f"{sla.meeting_id:064x}",
                pdf_produced_at=sla.meeting.closed_at,
            )
            for sla in slas
        ],
        log,
    )
    _bulk(
        Signature,
        [
            Signature(
                version=v,
                department_id=department_id,
                signer=heads[department_id],
                signer_name=heads[department_id].get_full_name() or heads[department_id].username,
                signed_at=v.signed_at,
                content_sha256="0" * 64,
            )
            for v in versions
            for department_id in (v.sla.meeting.department_a_id, v.sla.meeting.department_b_id)
        ],
        log,
    )
    version_of = {v.sla.meeting_id: v for v in versions}
    services = []
    for item in items:
        if item.status != ItemStatus.AGREED:
            continue
        meeting = item.need_list.meeting
        requester = item.need_list.department_id
        provider = (
            meeting.department_b_id
            if requester == meeting.department_a_id
            else (meeting.department_a_id)
        )
        months = PERIODS_MEASURED + (1 if rng.random() < 0.05 else 0)
        start = _months_before(today, months) - dt.timedelta(days=10)
        services.append(
            SLAService(
                version=version_of[meeting.pk],
                position=item.position
                if requester == meeting.department_a_id
                else 5 + item.position,
                need_item=item,
                provider_id=provider,
                recipient_id=requester,
                service=item.service,
                level=item.service_level,
                start_date=start,
                review_date=_months_before(today, -12),
                origin=Origin.YES,
                measure_what=item.measure_what,
                measure_kind="share",
                measure_threshold=Decimal("95"),
                measure_frequency="monthly",
            )
        )
    services = _bulk(SLAService, services, log)

    measurements = []
    for service in services:
        recorder = heads[service.provider_id]
        for period in due_periods("monthly", service.start_date, today)[:PERIODS_MEASURED]:
            met = rng.random() >= 0.1
            figure = Decimal(rng.randint(95, 100) if met else rng.randint(70, 94))
            measurements.append(
                Measurement(
                    service=service,
                    period_start=period.start,
                    period_end=period.end,
                    value=figure,
                    value_text=f"{figure}%",
                    met=met,
                    recorded_by=recorder,
                    recorded_at=timezone.make_aware(dt.datetime.combine(period.end, dt.time(9))),
                )
            )
    measurements = _bulk(Measurement, measurements, log)
    _bulk(
        Explanation,
        [
            Explanation(
                measurement=m,
                what_happened="Two people were off sick.",
                fix="Cover arranged.",
                prevention="A second person is trained.",
                fix_by=m.period_end + dt.timedelta(days=30),
                written_by=m.recorded_by,
                written_at=m.recorded_at + dt.timedelta(days=2),
                status=Explanation.Status.ACKNOWLEDGED if n % 3 else Explanation.Status.AWAITING,
            )
            for n, m in enumerate(x for x in measurements if not x.met)
            if n % 2 == 0
        ],
        log,
    )
    kept = monitoring_services.health_refresh(today=today)  # as the worker does daily
    log(f"AgreementHealth: {kept}")
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum would gather them after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "exchanges": len(meetings),
        "requests": len(items),
        "events": len(events),
        "agreements": len(slas),
        "services": len(services),
        "measurements": len(measurements),
        "escalations": len(escalated),
    }


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, 28))
