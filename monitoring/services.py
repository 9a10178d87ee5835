"""Every write to the performance record goes through here.

Only services of a signed agreement version are measured. Each write keeps
its history; emails go out on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agreements.models import SLAService, VersionStatus
from monitoring import periods, permissions, selectors
from monitoring.models import Explanation, Measurement, MeasurementChange
from monitoring.targets import parse_number, parse_target
from notifications.services import notice_key, notice_send
from organisation.models import Membership
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
    due = periods.due_periods(service.measure_frequency, service.start_date, today)
    period = next((p for p in due if p.start == period_start), None)
    if period is None:
        raise MonitoringError(
            "That is not a period of this measure that has ended yet: a period can be "
            "measured once it is over.",
            status=400,
        )
    return period


def _judge(service: SLAService, value_text: str, met: bool | None) -> tuple[Decimal | None, bool]:
    """The value read from the text, and met or missed (computed when the target has a number)."""
    value_text = value_text.strip()
    if not value_text:
        raise MonitoringError("Write the actual value.", status=400)
    value = parse_number(value_text)
    target = parse_target(service.measure_target)
    if target is not None:
        if value is None:
            raise MonitoringError(
                f"The target is “{service.measure_target}”: write the actual value as a number.",
                status=400,
            )
        return value, target.is_met(value)
    if met is None:
        raise MonitoringError(
            f"The target “{service.measure_target}” has no number to compare with: "
            "say whether it was met.",
            status=400,
        )
    return value, met


def _snapshot(measurement: Measurement) -> dict[str, Any]:
    return {
        "value": measurement.value_text,
        "met": measurement.met,
        "note": measurement.note,
    }


def _ask_for_explanation(measurement: Measurement, change: MeasurementChange) -> None:
    service = measurement.service
    _notify(
        notice_key("monitoring-missed", change.pk),
        f"Missed: {service.measure_what} ({service.provider} for {service.recipient})",
        (
            f"The measure “{service.measure_what}” missed its target "
            f"({service.measure_target}) for the period starting "
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
) -> Measurement:
    """Record the actual value of a measure for one period that has ended."""
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
    value, is_met = _judge(service, value_text, met)
    measurement = Measurement(
        service=service,
        period_start=period.start,
        period_end=period.end,
        value=value,
        value_text=value_text.strip(),
        met=is_met,
        note=note.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    measurement.full_clean()
    measurement.save()
    change = MeasurementChange.objects.create(
        measurement=measurement, by=by, kind="recorded", after=_snapshot(measurement)
    )
    if not is_met:
        _ask_for_explanation(measurement, change)
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
    measurement.value, measurement.met = _judge(service, value_text, met)
    measurement.value_text = value_text.strip()
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
        after=after,
        reason=reason.strip(),
    )
    if was_met and not measurement.met:
        _ask_for_explanation(measurement, change)
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
    return explanation
