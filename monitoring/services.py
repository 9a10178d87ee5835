"""Every write to the performance record goes through here.

Only services of a signed agreement version are measured. Each write keeps
its history; emails go out on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agreements.models import SLA, SLAService, VersionStatus
from meetings.measures import MeasureError
from monitoring import periods, permissions, selectors
from monitoring.models import (
    AgreementHealth,
    ApiToken,
    Explanation,
    KeptDay,
    Measurement,
    MeasurementChange,
    Owed,
)
from notifications.services import notice_key, notice_send
from organisation.models import Department, Membership
from organisation.people import display_name

logger = logging.getLogger(__name__)


class MonitoringError(Exception):
    """An action refused: ``status`` is 409 (not now), 403 (not you) or 400 (bad input)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def performance_url(service: SLAService) -> str:
    path = reverse("monitoring:performance", kwargs={"pk": service.version.sla_id})
    return f"{settings.SITE_URL.rstrip('/')}{path}#measure-{service.pk}"


def _people(department_id: int, *, heads_only: bool = False) -> list[AbstractBaseUser]:
    memberships = Membership.objects.filter(department_id=department_id).select_related("user")
    if heads_only:
        memberships = memberships.filter(role=Membership.Role.HEAD)
    return [m.user for m in memberships]


def _notify(key: str, subject: str, body: str, people: list[AbstractBaseUser]) -> None:
    """Queue the notice in the outbox with this change; the worker sends it."""
    notice_send(to=people, subject=subject, body=body, key=key, kind="monitoring")


def _service(service: SLAService, *, recorded: bool = False) -> SLAService:
    """The service, if its version is signed (or, for what was recorded, since superseded)."""
    service = SLAService.objects.select_related("version", "provider", "recipient").get(
        pk=service.pk
    )
    allowed = {VersionStatus.SIGNED} | ({VersionStatus.SUPERSEDED} if recorded else set())
    if service.version.status not in allowed:
        raise MonitoringError(
            "Only services of the signed, current version of an agreement are measured."
        )
    return service


def _check_period(service: SLAService, period_start: dt.date, today: dt.date) -> periods.Period:
    due = selectors.measured_periods(service, today)
    period = next((p for p in due if p.start == period_start), None)
    if period is None:
        raise MonitoringError(
            "That is not a period of this measure that has ended yet: a period can be "
            "measured once it is over.",
            status=400,
        )
    return period


def _judge(
    service: SLAService, value_text: str, met: bool | None
) -> tuple[Decimal | None, bool, str]:
    """The figure, met or missed, and the figure in words.

    Met or missed is worked out from the measure (``meetings.measures``). Only a
    measure not yet confirmed by the heads (its target was text that could not be
    read) takes the recorder's word for it.
    """
    raw = str(value_text).strip()
    if not raw:
        raise MonitoringError("Write the actual value.", status=400)
    measure = service.measure
    if measure.is_structured:
        try:
            value = measure.read_value(raw)
        except MeasureError as error:
            raise MonitoringError(str(error), status=400) from None
        return value, measure.is_met(value), measure.value_words(value)
    if met is None:
        raise MonitoringError(
            f"The target “{service.measure_target}” is not confirmed as a measure yet: "
            "say whether it was met.",
            status=400,
        )
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is not None and (not value.is_finite() or abs(value) >= Decimal("1e10")):
        value = None
    return value, met, raw


def _snapshot(measurement: Measurement) -> dict[str, Any]:
    return {
        "value": measurement.value_text,
        "met": measurement.met,
        "note": measurement.note,
    }


def _with_source(snapshot: dict[str, Any], measurement: Measurement) -> dict[str, Any]:
    return {**snapshot, "source": measurement.source}


def _ask_for_explanation(measurement: Measurement, change: MeasurementChange) -> None:
    service = measurement.service
    _notify(
        notice_key("monitoring-missed", change.pk),
        f"Missed: {service.measure_what} ({service.provider} for {service.recipient})",
        (
            f"The measure “{service.measure_what}” missed its target "
            f"({service.measure.target_words()}) for the period starting "
            f"{measurement.period_start:%d %B %Y}: the actual value was {measurement.value_text}.\n\n"
            "Please record what happened, what is being done to fix it and how a repeat will be "
            f"prevented: {performance_url(service)}\n"
        ),
        _people(service.provider_id),
    )


@transaction.atomic
def measurement_record(
    *,
    service: SLAService,
    period_start: dt.date,
    by: AbstractBaseUser,
    value_text: str,
    met: bool | None = None,
    note: str = "",
    today: dt.date | None = None,
    source: str = Measurement.Source.TYPED,
) -> Measurement:
    """Record the actual value of a measure for one period that has ended.

    The same for a figure typed on the page, imported from a file or pushed by
    another system (``source``): a miss asks the provider for an explanation.
    """
    service = _service(service)
    if not permissions.can_record(by, service):
        raise MonitoringError(
            f"Only {service.provider.name}, who provides this service, records its measures.",
            status=403,
        )
    period = _check_period(service, period_start, today or timezone.localdate())
    lineage = selectors.measurements_by_lineage([service.version.sla_id])
    if any(m.period_start == period.start for m in lineage.get(selectors.lineage_key(service), [])):
        raise MonitoringError("This period is already recorded: correct it instead.")
    value, is_met, words = _judge(service, value_text, met)
    measurement = Measurement(
        service=service,
        period_start=period.start,
        period_end=period.end,
        value=value,
        value_text=words,
        met=is_met,
        note=note.strip(),
        source=source,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    measurement.full_clean()
    measurement.save()
    change = MeasurementChange.objects.create(
        measurement=measurement,
        by=by,
        kind="recorded",
        after=_with_source(_snapshot(measurement), measurement),
    )
    if not is_met:
        _ask_for_explanation(measurement, change)
    _health_changed(service)
    return measurement


@transaction.atomic
def measurement_correct(
    *,
    measurement: Measurement,
    by: AbstractBaseUser,
    value_text: str,
    reason: str,
    met: bool | None = None,
    note: str | None = None,
    source: str = Measurement.Source.TYPED,
) -> Measurement:
    """Correct a recorded value; the history keeps who, when, before and after."""
    measurement = Measurement.objects.select_for_update().get(pk=measurement.pk)
    service = _service(measurement.service, recorded=True)
    if not permissions.can_record(by, service):
        raise MonitoringError(
            f"Only {service.provider.name}, who provides this service, corrects its measures.",
            status=403,
        )
    if not reason.strip():
        raise MonitoringError("Say why the value is corrected.", status=400)
    before = _snapshot(measurement)
    was_met = measurement.met
    measurement.value, measurement.met, measurement.value_text = _judge(service, value_text, met)
    measurement.source = source
    if note is not None:
        measurement.note = note.strip()
    after = _snapshot(measurement)
    if before == after:
        return measurement
    measurement.corrected_at = timezone.now()
    measurement.full_clean()
    measurement.save()
    change = MeasurementChange.objects.create(
        measurement=measurement,
        by=by,
        kind="corrected",
        before=before,
        after=_with_source(after, measurement),
        reason=reason.strip(),
    )
    if was_met and not measurement.met:
        _ask_for_explanation(measurement, change)
    _health_changed(service)
    return measurement


@transaction.atomic
def explanation_write(
    *,
    measurement: Measurement,
    by: AbstractBaseUser,
    what_happened: str,
    fix: str,
    prevention: str,
    fix_by: dt.date | None,
) -> Explanation:
    """The provider explains a missed period (again, when the recipient asked for more)."""
    measurement = Measurement.objects.select_for_update().get(pk=measurement.pk)
    service = _service(measurement.service, recorded=True)
    if not permissions.can_explain(by, service):
        raise MonitoringError(
            f"Only {service.provider.name}, who provides this service, explains a miss.",
            status=403,
        )
    if measurement.met:
        raise MonitoringError("This period met its target: there is nothing to explain.")
    latest = measurement.explanations.order_by("-written_at", "-id").first()
    if latest is not None and latest.status == Explanation.Status.AWAITING:
        raise MonitoringError("The explanation is waiting for the recipient's answer.")
    if latest is not None and latest.status == Explanation.Status.ACKNOWLEDGED:
        raise MonitoringError("The explanation has been acknowledged already.")
    texts = {"what happened": what_happened, "the fix": fix, "the prevention": prevention}
    missing = [label for label, text in texts.items() if not text.strip()]
    if missing or fix_by is None:
        missing += [] if fix_by is not None else ["the date it will be fixed by"]
        raise MonitoringError(f"Write {', '.join(missing)}.", status=400)
    explanation = Explanation(
        measurement=measurement,
        what_happened=what_happened.strip(),
        fix=fix.strip(),
        prevention=prevention.strip(),
        fix_by=fix_by,
        written_by=by,
        written_at=timezone.now(),
    )
    explanation.full_clean()
    explanation.save()
    _notify(
        notice_key("monitoring-explained", explanation.pk),
        f"Explained: {service.measure_what} ({service.provider} for {service.recipient})",
        (
            f"{display_name(by)} explained why “{service.measure_what}” missed its target for the "
            f"period starting {measurement.period_start:%d %B %Y}.\n\n"
            f"Please read it and acknowledge it or ask for more: {performance_url(service)}\n"
        ),
        _people(service.recipient_id, heads_only=True),
    )
    _health_changed(service)
    return explanation


@transaction.atomic
def explanation_respond(
    *, explanation: Explanation, by: AbstractBaseUser, acknowledge: bool, note: str = ""
) -> Explanation:
    """The recipient's head acknowledges the explanation, or asks for more (with a note)."""
    explanation = (
        Explanation.objects.select_for_update(of=("self",))
        .select_related("measurement")
        .get(pk=explanation.pk)
    )
    service = _service(explanation.measurement.service, recorded=True)
    if not permissions.can_respond(by, service):
        raise MonitoringError(
            f"Only the head of {service.recipient.name}, who receives this service, answers an "
            "explanation.",
            status=403,
        )
    if explanation.status != Explanation.Status.AWAITING:
        raise MonitoringError("This explanation has been answered already.")
    if not acknowledge and not note.strip():
        raise MonitoringError("Say what more you need to know.", status=400)
    explanation.status = (
        Explanation.Status.ACKNOWLEDGED if acknowledge else Explanation.Status.MORE_ASKED
    )
    explanation.responded_by = by
    explanation.responded_at = timezone.now()
    explanation.response_note = note.strip()
    explanation.full_clean()
    explanation.save()
    if not acknowledge:
        _notify(
            notice_key("monitoring-more-asked", explanation.pk),
            f"More asked: {service.measure_what} ({service.provider} for {service.recipient})",
            (
                f"{display_name(by)} asked for more about the missed period starting "
                f"{explanation.measurement.period_start:%d %B %Y}:\n\n{explanation.response_note}"
                f"\n\nPlease add to the explanation: {performance_url(service)}\n"
            ),
            _people(service.provider_id),
        )
    _health_changed(service)
    return explanation


# --- the agreements' kept figures (the managers' overview) -------------------------------

HEALTH_BATCH = 200


def _health_changed(service: SLAService) -> None:
    sla_id = service.version.sla_id
    transaction.on_commit(lambda: health_refresh(sla_ids=[sla_id]))


@transaction.atomic
def health_forget(*, sla_id: int) -> None:
    """Mark an agreement's kept figures as not kept (when keeping them failed): its row is
    dated never, what it owed is dropped, and today no longer counts as kept, so pages
    work this agreement out afresh until the next ``health_refresh``."""
    AgreementHealth.objects.filter(sla_id=sla_id).update(computed_on=dt.date.min)
    Owed.objects.filter(sla_id=sla_id).delete()
    KeptDay.objects.filter(day__gte=timezone.localdate()).delete()


def health_name(sla: SLA) -> str:
    """What the overview sorts an agreement by within equal figures: its departments' names."""
    meeting = sla.meeting
    return f"{meeting.department_a.name} and {meeting.department_b.name}".lower()[:255]


def _owed(summaries: Iterable[selectors.SLASummary], today: dt.date) -> list[Owed]:
    """What each department owes on these agreements, in the records' order."""
    owed = []
    for summary in summaries:
        for record in summary.records:
            service = record.service
            common = {
                "sla_id": summary.sla.pk,
                "version_id": service.version_id,
                "service": service,
                "computed_on": today,
            }
            for row in record.rows:
                if row.overdue:
                    kind, department, measurement = Owed.Kind.OVERDUE, service.provider_id, None
                elif row.needs_explanation:
                    kind, department, measurement = (
                        Owed.Kind.EXPLAIN,
                        service.provider_id,
                        row.measurement,
                    )
                elif row.awaiting_answer:
                    kind, department, measurement = (
                        Owed.Kind.ANSWER,
                        service.recipient_id,  # the recipient's head answers
                        row.measurement,
                    )
                else:
                    continue
                owed.append(
                    Owed(
                        kind=kind,
                        department_id=department,
                        measurement=measurement,
                        explanation=(
                            measurement.latest_explanation if kind == Owed.Kind.ANSWER else None
                        ),
                        period_start=row.period.start,
                        period_end=row.period.end,
                        **common,
                    )
                )
    return owed


def health_refresh(*, sla_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Work out and keep the overview's figures of these agreements (all when ``None``),
    and what their providers owe (``Owed``), a batch at a time; returns how many were
    kept."""
    today = today or timezone.localdate()
    ids = list(SLA.objects.values_list("pk", flat=True) if sla_ids is None else sla_ids)
    kept = 0
    for start in range(0, len(ids), HEALTH_BATCH):
        slas = list(
            SLA.objects.filter(pk__in=ids[start : start + HEALTH_BATCH]).select_related(
                "meeting__department_a", "meeting__department_b"
            )
        )
        names = {sla.pk: health_name(sla) for sla in slas}
        summaries = selectors.summaries_for(slas, today)
        rows = [
            AgreementHealth(
                sla_id=pk,
                version=summary.version,
                met=summary.compliance.met,
                recorded=summary.compliance.recorded,
                due=summary.compliance.due,
                percent=summary.compliance.percent,
                open_issues=summary.open_issues,
                awaiting_answers=summary.awaiting_answers,
                standing=summary.standing.status,
                reasons=summary.standing.reasons,
                computed_on=today,
                name=names[pk],
            )
            for pk, summary in summaries.items()
        ]
        with transaction.atomic():  # the figures and what is owed change together
            Owed.objects.filter(sla_id__in=[sla.pk for sla in slas]).delete()
            Owed.objects.bulk_create(_owed(summaries.values(), today))
            AgreementHealth.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["sla"],
                update_fields=[
                    f.name for f in AgreementHealth._meta.concrete_fields if f.name != "sla"
                ],
            )
        kept += len(rows)
    if sla_ids is None:
        KeptDay.objects.get_or_create(day=today)
    return kept


# --- figures from files and other systems ------------------------------------------------


def _existing(service: SLAService, period_start: dt.date) -> Measurement | None:
    lineage = selectors.measurements_by_lineage([service.version.sla_id])
    return next(
        (
            m
            for m in lineage.get(selectors.lineage_key(service), [])
            if m.period_start == period_start
        ),
        None,
    )


@transaction.atomic
def measurement_put(
    *,
    service: SLAService,
    period_start: dt.date,
    by: AbstractBaseUser,
    value_text: str,
    source: str,
    note: str = "",
    reason: str,
    met: bool | None = None,
    today: dt.date | None = None,
) -> tuple[Measurement, str]:
    """Record a period's figure, or correct it if it is recorded already (an import or a
    push of the same period again). Returns the measurement and "recorded", "corrected"
    or "unchanged"."""
    service = _service(service)
    existing = _existing(service, period_start)
    if existing is None:
        measurement = measurement_record(
            service=service,
            period_start=period_start,
            by=by,
            value_text=value_text,
            met=met,
            note=note,
            today=today,
            source=source,
        )
        return measurement, "recorded"
    before = _snapshot(existing)
    measurement = measurement_correct(
        measurement=existing,
        by=by,
        value_text=value_text,
        reason=reason,
        met=met,
        note=note if note else None,
        source=source,
    )
    return measurement, "unchanged" if _snapshot(measurement) == before else "corrected"


@transaction.atomic
def api_token_create(
    *, department: Department, by: AbstractBaseUser, name: str
) -> tuple[ApiToken, str]:
    """A new key for ``department``: returns it with the token, which is never shown again."""
    if not permissions.can_manage_tokens(by, department):
        raise MonitoringError(
            f"Only the head of {department.name} makes its keys for other systems.", status=403
        )
    name = name.strip()
    if not name:
        raise MonitoringError("Name the system that will use the key.", status=400)
    token = f"{ApiToken.PREFIX}{secrets.token_urlsafe(32)}"
    api_token = ApiToken(
        department=department,
        name=name,
        token_sha256=ApiToken.digest(token),
        hint=token[: len(ApiToken.PREFIX) + 4],
        created_by=by,
    )
    api_token.full_clean()
    api_token.save()
    return api_token, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: AbstractBaseUser) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("department").get(pk=token.pk)
    if not permissions.can_manage_tokens(by, token.department):
        raise MonitoringError(
            f"Only the head of {token.department.name} revokes its keys.", status=403
        )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
