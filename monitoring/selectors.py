"""Reads about performance: periods with their measurements, compliance, what is owed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.models import SLA, SLAService, SLAVersion, VersionStatus
from lib import paging
from meetings.measures import Measure
from monitoring.models import (
    AgreementHealth,
    Explanation,
    KeptDay,
    Measurement,
    MeasurementChange,
    Owed,
)
from monitoring.periods import Period, due_periods, measured_from
from organisation import permissions as org
from organisation.models import Membership

WINDOWS = (3, 6, 12)


@dataclass
class PeriodRow:
    period: Period
    measurement: Measurement | None
    overdue: bool

    @property
    def needs_explanation(self) -> bool:
        """Missed, and the provider owes an (or a further) explanation."""
        m = self.measurement
        if m is None or m.met:
            return False
        latest = m.latest_explanation
        return latest is None or latest.status == Explanation.Status.MORE_ASKED

    @property
    def awaiting_answer(self) -> bool:
        m = self.measurement
        latest = m.latest_explanation if m is not None else None
        return latest is not None and latest.status == Explanation.Status.AWAITING


@dataclass
class Compliance:
    window: int
    met: int
    recorded: int
    due: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.recorded) if self.recorded else None


@dataclass
class MeasureRecord:
    service: SLAService
    measure: Measure
    rows: list[PeriodRow]
    compliance: list[Compliance] = field(default_factory=list)
    # The first day measured: the start date, or the signing when that came later.
    measured_from: dt.date | None = None

    @property
    def overdue(self) -> list[PeriodRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def unexplained(self) -> list[PeriodRow]:
        return [r for r in self.rows if r.needs_explanation]

    @property
    def open_issues(self) -> int:
        return len(self.overdue) + len(self.unexplained)

    @property
    def review_period(self) -> Compliance:
        """Compliance over the service's review period: from its start to its review date."""
        start, review = self.service.start_date, self.service.review_date
        rows = [
            r
            for r in self.rows
            if (start is None or r.period.start >= start)
            and (review is None or r.period.start < review)
        ]
        return compliance(rows, len(rows)) if rows else Compliance(0, 0, 0, 0)

    @property
    def trend(self) -> str:
        """The last three periods against the three before: improving, worsening or steady."""
        recent, earlier = compliance(self.rows, 3), compliance(self.rows[:-3], 3)
        if recent.percent is None or earlier.percent is None:
            return ""
        if recent.percent > earlier.percent:
            return "improving"
        return "worsening" if recent.percent < earlier.percent else "steady"


STANDING_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "breached": "Breached",
    "no_figures": "No figures yet",
}


@dataclass
class Standing:
    """The agreement's standing by the rules its heads agreed (stored on the version)."""

    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.status]


def standing(version: SLAVersion | None, records: list[MeasureRecord]) -> Standing:
    """Breached if a measure was met in fewer of its last N periods than the breach
    threshold, at risk below the risk threshold, else on track."""
    if version is None:
        return Standing("no_figures")
    worst, reasons, any_figures = "on_track", [], False
    order = ["on_track", "at_risk", "breached"]
    for record in records:
        c = compliance(record.rows, version.status_window)
        if c.percent is None:
            continue
        any_figures = True
        share = 100 * c.met / c.recorded
        if share < version.breached_below:
            status = "breached"
        elif share < version.at_risk_below:
            status = "at_risk"
        else:
            continue
        reasons.append(
            f"{record.service.measure_what}: met in {c.met} of its last {c.recorded} "
            f"period{'s' if c.recorded != 1 else ''}"
        )
        if order.index(status) > order.index(worst):
            worst = status
    if not any_figures:
        return Standing("no_figures")
    return Standing(worst, reasons)


def compliance(rows: list[PeriodRow], window: int) -> Compliance:
    last = rows[-window:]
    recorded = [r.measurement for r in last if r.measurement is not None]
    return Compliance(
        window=window, met=sum(m.met for m in recorded), recorded=len(recorded), due=len(last)
    )


def lineage_key(service: SLAService) -> tuple:
    """What makes a service "the same measure" across versions of one agreement.

    A new version copies (or, after a review, restates) the services; their
    measurements stay with the version they were recorded under, and the
    record of a measure carries on across versions.
    """
    return (
        service.version.sla_id,
        service.provider_id,
        service.recipient_id,
        service.measure_what.strip().lower(),
        service.measure_frequency,
    )


def measurements_by_lineage(sla_ids: Iterable[int]) -> dict[tuple, list[Measurement]]:
    """Every measurement of these agreements, grouped by ``lineage_key``, newest version first."""
    grouped: dict[tuple, list[Measurement]] = {}
    sla_ids = list(sla_ids)
    # The few services, read once (not again with each of their measurements).
    services = {
        service.pk: service
        for service in SLAService.objects.filter(version__sla_id__in=sla_ids)
        .select_related("version")
        .defer("version__pdf")
        .order_by()
    }
    measurements = (
        Measurement.objects.filter(service_id__in=list(services))
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "explanations",
                # In the order written (the model's own order joins up to the agreement).
                queryset=Explanation.objects.select_related("written_by", "responded_by").order_by(
                    "written_at", "pk"
                ),
            ),
            # Only the corrections are shown (every measurement's first record is a change).
            Prefetch(
                "changes",
                queryset=MeasurementChange.objects.filter(kind="corrected").select_related("by"),
                to_attr="corrections",
            ),
        )
        .order_by("-service__version__number", "period_start")
    )
    for measurement in measurements if services else []:
        measurement.service = services[measurement.service_id]
        grouped.setdefault(lineage_key(measurement.service), []).append(measurement)
    return grouped


def in_force_since(sla_ids: Iterable[int]) -> dict[int, dt.date]:
    """The day each agreement came into force: when its first version was signed."""
    rows = (
        SLAVersion.objects.filter(sla_id__in=list(sla_ids), signed_at__isnull=False)
        .values("sla_id")
        .annotate(first=Min("signed_at"))
    )
    return {row["sla_id"]: timezone.localtime(row["first"]).date() for row in rows}


def measuring_start(
    service: SLAService, in_force: dict[int, dt.date] | None = None
) -> dt.date | None:
    """The first day of the service's first period: its start date, but never before the
    agreement was signed (``in_force`` from ``in_force_since``, else one query)."""
    sla_id = service.version.sla_id
    if in_force is None:
        in_force = in_force_since([sla_id])
    return measured_from(service.start_date, in_force.get(sla_id))


def measured_periods(
    service: SLAService, today: dt.date, in_force: dict[int, dt.date] | None = None
) -> list[Period]:
    """Every period of the service that has ended by ``today``, from when monitoring began."""
    return due_periods(service.measure_frequency, measuring_start(service, in_force), today)


def measure_record(
    service: SLAService,
    today: dt.date,
    measurements: Iterable[Measurement] | None = None,
    in_force: dict[int, dt.date] | None = None,
) -> MeasureRecord:
    """One service's due periods with their measurements (its own, or its lineage's)."""
    if measurements is None:
        measurements = service.measurements.all()
    starts = measuring_start(service, in_force)
    by_start: dict[dt.date, Measurement] = {}
    for m in measurements:
        by_start.setdefault(m.period_start, m)
    rows = [
        PeriodRow(
            period=p,
            measurement=by_start.get(p.start),
            overdue=p.start not in by_start and p.is_overdue(today),
        )
        for p in due_periods(service.measure_frequency, starts, today)
    ]
    return MeasureRecord(
        service=service,
        measure=service.measure,
        rows=rows,
        compliance=[compliance(rows, n) for n in WINDOWS],
        measured_from=starts,
    )


def records_for(services: list[SLAService], today: dt.date) -> list[MeasureRecord]:
    sla_ids = {s.version.sla_id for s in services}
    lineage = measurements_by_lineage(sla_ids)
    in_force = in_force_since(sla_ids) if services else {}
    return [measure_record(s, today, lineage.get(lineage_key(s), []), in_force) for s in services]


# A measure's table shows its latest periods; older ones only when asked for.
PERIODS_SHOWN = 12


def rows_to_show(record: MeasureRecord) -> list[PeriodRow]:
    """The latest ``PERIODS_SHOWN`` periods and any older one still needing someone (overdue,
    a miss to explain, an explanation to answer), oldest first."""
    latest = record.rows[-PERIODS_SHOWN:]
    older = [
        row
        for row in record.rows[:-PERIODS_SHOWN]
        if row.overdue or row.needs_explanation or row.awaiting_answer
    ]
    return older + latest


def signed_version(sla: SLA) -> SLAVersion | None:
    """The version in force: the one signed and not superseded."""
    return sla.versions.defer("pdf").filter(status=VersionStatus.SIGNED).first()


def measured_services(version: SLAVersion) -> QuerySet[SLAService]:
    return (
        SLAService.objects.filter(version=version)
        .select_related("provider", "recipient", "version")
        .order_by("position", "id")
    )


def performance(
    sla: SLA, today: dt.date | None = None, version: SLAVersion | None = None
) -> list[MeasureRecord]:
    """The records of the version in force (``version``, when the caller has read it)."""
    version = version or signed_version(sla)
    if version is None:
        return []
    today = today or timezone.localdate()
    return records_for(list(measured_services(version)), today)


# --- what people owe -------------------------------------------------------------------


@dataclass
class Attention:
    """What one person owes: measurements overdue, misses to explain, explanations to answer."""

    overdue: list[tuple[SLAService, Period]] = field(default_factory=list)
    to_explain: list[Measurement] = field(default_factory=list)
    to_answer: list[Explanation] = field(default_factory=list)
    more: bool = False

    def __bool__(self) -> bool:
        return bool(self.overdue or self.to_explain or self.to_answer)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.to_explain) + len(self.to_answer)


def _signed_services() -> QuerySet[SLAService]:
    return (
        SLAService.objects.filter(version__status=VersionStatus.SIGNED)
        .select_related("provider", "recipient", "version__sla")
        .order_by("version__sla_id", "position", "id")
    )


def _not_kept(member_of: set[int], today: dt.date, limit: int) -> list[int]:
    """The first ``limit`` + 1 agreements of these departments in force whose figures were
    not kept today for the version in force (the ones a page must work out afresh)."""
    kept = AgreementHealth.objects.filter(
        sla_id=OuterRef("sla_id"), computed_on=today, version_id=OuterRef("pk")
    )
    return list(
        SLAVersion.objects.filter(status=VersionStatus.SIGNED)
        .filter(
            Q(sla__meeting__department_a__in=member_of)
            | Q(sla__meeting__department_b__in=member_of)
        )
        .filter(~Exists(kept))
        .order_by("sla_id")
        .values_list("sla_id", flat=True)[: limit + 1]
    )


def _first_owed(
    attention: Attention, member_of: set[int], today: dt.date, limit: int, *, kept: bool
) -> None:
    """The first ``limit`` (and one more, to know of ``more``) overdue periods and misses to
    explain of the departments ``member_of`` provides for, in the order of the agreements.

    Agreements whose kept figures are today's, for the version in force, are read from
    ``Owed`` (one short query a kind). Once every agreement has been kept today
    (``kept``: a ``KeptDay``), that is all; before (just after midnight, or where the
    worker has not run), the agreements not kept yet have their records worked out, and
    the two are merged by agreement."""
    found: list[tuple[int, str, object]] = []
    for row in _owed_rows(Owed.Kind.OVERDUE, member_of, today, limit):
        period = Period(row.period_start, row.period_end)
        found.append((row.sla_id, Owed.Kind.OVERDUE, (row.service, period)))
    for row in _owed_rows(Owed.Kind.EXPLAIN, member_of, today, limit):
        row.measurement.service = row.service  # the same service: read once
        found.append((row.sla_id, Owed.Kind.EXPLAIN, row.measurement))
    stale = [] if kept else _not_kept(member_of, today, limit)
    if stale:
        services = _signed_services().filter(
            provider_id__in=member_of, version__sla_id__in=stale[:limit]
        )
        for record in records_for(list(services), today):
            sla_id = record.service.version.sla_id
            found += [
                (sla_id, Owed.Kind.OVERDUE, (record.service, r.period)) for r in record.overdue
            ]
            found += [(sla_id, Owed.Kind.EXPLAIN, r.measurement) for r in record.unexplained]
        attention.more = len(stale) > limit
    found.sort(key=lambda entry: entry[0])  # stable: each agreement's own order is kept
    attention.overdue = [item for _sla, kind, item in found if kind == Owed.Kind.OVERDUE]
    attention.to_explain = [item for _sla, kind, item in found if kind == Owed.Kind.EXPLAIN]


def _owed_rows(kind: str, departments: set[int], today: dt.date, limit: int) -> list[Owed]:
    """The first ``limit`` + 1 things of ``kind`` these departments owe, as kept today."""
    related = {
        Owed.Kind.OVERDUE: ["service__recipient", "service__version"],
        Owed.Kind.EXPLAIN: ["service__version", "measurement"],
        Owed.Kind.ANSWER: ["service__version", "measurement", "explanation__written_by"],
    }[kind]
    # Rows are replaced whenever the version in force changes (a signing refreshes its
    # agreement), so today's rows are the version in force's: no need to join versions.
    return list(
        Owed.objects.filter(kind=kind, department_id__in=departments, computed_on=today)
        .select_related(*related)
        .defer("service__version__pdf")
        .order_by("sla_id", "id")[: limit + 1]
    )


def _answers_owed(heads: set[int], today: dt.date, limit: int | None, *, kept: bool) -> list:
    """Explanations waiting for an answer from the departments ``heads`` (their heads owe
    it): with ``limit`` and every agreement kept today, the first few as kept."""
    if limit and kept:
        rows = _owed_rows(Owed.Kind.ANSWER, heads, today, limit)
        for row in rows:
            row.measurement.service = row.service  # the same service: read once
            row.explanation.measurement = row.measurement
        return [row.explanation for row in rows]
    to_answer = Explanation.objects.filter(
        status=Explanation.Status.AWAITING,
        measurement__service__recipient_id__in=heads,
        measurement__service__version__status__in=[
            VersionStatus.SIGNED,
            VersionStatus.SUPERSEDED,
        ],
    ).select_related(
        "measurement__service__provider",
        "measurement__service__version",
        "written_by",
    )
    if limit:
        to_answer = to_answer.order_by("written_at", "pk")[: limit + 1]
    return list(to_answer)


def attention_for(
    user: AbstractBaseUser, today: dt.date | None = None, limit: int | None = None
) -> Attention:
    """For the home page and the reminders: what ``user`` owes now.

    Members of a provider department owe its overdue measurements and the
    explanations of its misses; the head of a recipient department owes the
    answers to explanations waiting for them. With ``limit`` (the home page), only the
    first few of each (see ``_first_owed``), and ``more`` says whether there may be others.
    """
    attention = Attention()
    if not user.is_authenticated:
        return attention
    today = today or timezone.localdate()
    memberships = list(org.memberships_of(user).values())
    member_of = {m.department_id for m in memberships}
    heads = {m.department_id for m in memberships if m.role == Membership.Role.HEAD}
    if not member_of:
        return attention
    kept = bool(limit) and KeptDay.objects.filter(day=today).exists()
    if limit:
        _first_owed(attention, member_of, today, limit, kept=kept)
    else:
        services = _signed_services().filter(provider_id__in=member_of)
        for record in records_for(list(services), today):
            service = record.service
            attention.overdue += [(service, r.period) for r in record.overdue]
            attention.to_explain += [r.measurement for r in record.unexplained]
    if heads:
        attention.to_answer = _answers_owed(heads, today, limit, kept=kept)
    if limit:
        attention.more = attention.more or any(
            len(items) > limit
            for items in (attention.overdue, attention.to_explain, attention.to_answer)
        )
        attention.overdue = attention.overdue[:limit]
        attention.to_explain = attention.to_explain[:limit]
        attention.to_answer = attention.to_answer[:limit]
    return attention


def people_owing(today: dt.date | None = None) -> Iterable[tuple[AbstractBaseUser, Attention]]:
    """Everyone who owes something now (for the reminder emails)."""
    users = get_user_model().objects.filter(memberships__isnull=False, is_active=True).distinct()
    for user in users.order_by("pk"):
        attention = attention_for(user, today)
        if attention:
            yield user, attention


# --- the managers' overview ------------------------------------------------------------


@dataclass
class SLASummary:
    sla: SLA
    version: SLAVersion | None
    compliance: Compliance
    open_issues: int
    awaiting_answers: int
    standing: Standing = field(default_factory=lambda: Standing("no_figures"))
    # The records the figures come from (only when worked out, not when read as kept).
    records: list[MeasureRecord] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return f"{self.sla.meeting.department_a.name} and {self.sla.meeting.department_b.name}"


def summaries_for(slas: list[SLA], today: dt.date) -> dict[int, SLASummary]:
    """The figures of each of ``slas`` worked out from their measurements, in a fixed
    number of queries however many agreements are asked about."""
    ids = [sla.pk for sla in slas]
    versions = {
        v.sla_id: v
        for v in SLAVersion.objects.defer("pdf").filter(sla_id__in=ids, status=VersionStatus.SIGNED)
    }
    services = list(
        SLAService.objects.filter(version__in=list(versions.values()))
        .select_related("provider", "recipient", "version")
        .order_by("version__sla_id", "position", "id")
    )
    by_sla: dict[int, list[MeasureRecord]] = {}
    for record in records_for(services, today) if services else []:
        by_sla.setdefault(record.service.version.sla_id, []).append(record)
    summaries = {}
    for sla in slas:
        version = versions.get(sla.pk)
        records = by_sla.get(sla.pk, [])
        totals = [compliance(r.rows, 12) for r in records]
        summaries[sla.pk] = SLASummary(
            sla=sla,
            version=version,
            compliance=Compliance(
                window=12,
                met=sum(c.met for c in totals),
                recorded=sum(c.recorded for c in totals),
                due=sum(c.due for c in totals),
            ),
            open_issues=sum(r.open_issues for r in records),
            awaiting_answers=sum(1 for r in records for row in r.rows if row.awaiting_answer),
            standing=standing(version, records),
            records=records,
        )
    return summaries


def _from_health(sla: SLA, version: SLAVersion | None) -> SLASummary:
    health = sla.health
    return SLASummary(
        sla=sla,
        version=version,
        compliance=Compliance(12, health.met, health.recorded, health.due),
        open_issues=health.open_issues,
        awaiting_answers=health.awaiting_answers,
        standing=Standing(health.standing, list(health.reasons)),
    )


def _health_is_fresh(sla: SLA, version: SLAVersion | None, today: dt.date) -> bool:
    health = getattr(sla, "health", None)
    return (
        health is not None
        and health.computed_on == today
        and health.version_id == (version.pk if version else None)
    )


# Each along one of AgreementHealth's indexes, ties broken by name, then agreement.
ORDERINGS = {
    "name": [F("health__name")],
    "compliance": [F("health__percent").asc(nulls_last=True), F("health__name")],
    "-compliance": [F("health__percent").desc(nulls_last=True), F("health__name")],
    "issues": [F("health__open_issues").desc(), F("health__name")],
}
SORTS = {"name", "compliance", "issues"}


def overview_page(
    user: AbstractBaseUser, sort: str, page: str | None, today: dt.date | None = None
) -> tuple[Page, list[SLASummary]]:
    """One page of the agreements ``user`` may see (a manager: their remit), sorted in the
    database by the kept figures (``AgreementHealth``), with compliance over the last 12
    periods and open issues (overdue measurements and unexplained misses). Figures kept
    today for the version in force are shown as kept; the others are worked out afresh."""
    today = today or timezone.localdate()
    order = ORDERINGS.get(sort, ORDERINGS["issues"])
    slas = (
        agreement_selectors.slas_for_user(user)
        .filter(health__isnull=False)  # every agreement has its row (an inner join)
        .select_related("health")
        .order_by(*order, "pk")
    )
    current = Paginator(slas, paging.PER_PAGE).get_page(page)
    in_force = {
        sla.pk: next((v for v in sla.versions.all() if v.status == VersionStatus.SIGNED), None)
        for sla in current
    }
    stale = [sla for sla in current if not _health_is_fresh(sla, in_force[sla.pk], today)]
    worked_out = summaries_for(stale, today) if stale else {}
    summaries = [
        worked_out[sla.pk] if sla.pk in worked_out else _from_health(sla, in_force[sla.pk])
        for sla in current
    ]
    return current, summaries
