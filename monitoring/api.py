"""The measurements API: a department's other systems send the figures they hold.

A service desk or finance system authenticates with a department's token (made
and revoked by its head on the "Keys for other systems" page; only its SHA-256 is
stored) and may send figures only for services that department provides. Each
figure goes through the same service as one typed on the page, so met or missed
is worked out from the measure and a miss asks for an explanation. A request with
an ``Idempotency-Key`` header is answered once: a retry gets the first answer and
records nothing again. Requests are rate-limited per token. No sessions and no
cookies: CSRF does not apply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema, Status
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from agreements.models import SLAService, VersionStatus
from meetings.measures import MeasureError
from monitoring import selectors, services
from monitoring.models import ApiRequest, ApiToken, Measurement
from monitoring.services import MonitoringError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.select_related("department", "created_by")
            .filter(token_sha256=ApiToken.digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is not None:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


api = NinjaAPI(
    title="Expectations Exchange measurements API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=[AuthRateThrottle(getattr(settings, "API_RATE", "120/m"))],
    docs_url=None,
)


class Case(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime


class MeasurementIn(Schema):
    service: int = Field(..., description="The service's id, from GET /services.")
    period_start: dt.date = Field(..., description="The first day of the period measured.")
    value: Decimal | bool | str | None = Field(
        None,
        description="The figure: a number (a percentage as 96.5), or true/false for a deadline.",
    )
    cases: list[Case] | None = Field(
        None,
        description="Instead of a value, for a percentage within a time limit or a length of "
        "time: each case's start and end; the figure is worked out in working hours.",
        max_length=100_000,
    )
    note: str = Field("", max_length=2000)


class MeasurementOut(Schema):
    id: int
    service: int
    period_start: dt.date
    period_end: dt.date
    value: str
    met: bool
    result: str = Field(..., description="recorded, corrected or unchanged")
    explanation_asked: bool


class ServiceOut(Schema):
    id: int
    agreement: int
    service: str
    recipient: str
    measure: str
    kind: str
    frequency: str
    start_date: dt.date | None
    periods_due: list[dt.date]


class Error(Schema):
    detail: list[dict]


def _error(field: str, message: str) -> dict:
    return {"detail": [{"loc": ["body", field], "msg": message}]}


def _body_sha256(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


@api.get("/services", response=list[ServiceOut], summary="The services this token may measure")
def list_services(request: HttpRequest):
    token: ApiToken = request.auth
    today = timezone.localdate()
    found = (
        SLAService.objects.filter(provider=token.department, version__status=VersionStatus.SIGNED)
        .select_related("recipient", "version", "measure_calendar")
        .order_by("version__sla_id", "position", "id")[:500]
    )
    found = list(found)
    in_force = selectors.in_force_since({s.version.sla_id for s in found})
    return [
        {
            "id": s.pk,
            "agreement": s.version.sla_id,
            "service": s.service,
            "recipient": s.recipient.name,
            "measure": s.measure.sentence(),
            "kind": s.measure_kind,
            "frequency": s.measure_frequency,
            "start_date": s.start_date,
            "periods_due": [p.start for p in selectors.measured_periods(s, today, in_force)][-12:],
        }
        for s in found
    ]


@api.post(
    "/measurements",
    response={200: MeasurementOut, 201: MeasurementOut, 400: Error, 404: Error, 409: Error},
    summary="Send one period's figure for a service (again: a correction)",
)
def push_measurement(request: HttpRequest, payload: MeasurementIn):
    token: ApiToken = request.auth
    key = request.headers.get("Idempotency-Key", "").strip()[:200]
    if key:
        answered = ApiRequest.objects.filter(token=token, key=key).first()
        if answered is not None:
            if answered.body_sha256 != _body_sha256(request):
                return Status(
                    409, _error("Idempotency-Key", "This key was used for a different request.")
                )
            return Status(answered.status, answered.response)
    status, body = _push(token, payload)
    if key:
        try:
            with transaction.atomic():
                ApiRequest.objects.create(
                    token=token,
                    key=key,
                    body_sha256=_body_sha256(request),
                    status=status,
                    response=json.loads(json.dumps(body, default=str)),
                )
        except IntegrityError:  # the same key raced in: answer as the first did
            answered = ApiRequest.objects.get(token=token, key=key)
            return Status(answered.status, answered.response)
    return Status(status, body)


def _push(token: ApiToken, payload: MeasurementIn) -> tuple[int, dict]:
    service = (
        SLAService.objects.select_related("version", "provider", "recipient", "measure_calendar")
        .filter(pk=payload.service, provider=token.department)
        .first()
    )
    if service is None:
        return 404, _error(
            "service", f"No service {payload.service} that {token.department.name} provides."
        )
    if (payload.value is None) == (payload.cases is None):
        return 400, _error("value", "Send either a value or cases, not both or neither.")
    measure = service.measure
    if payload.cases is not None:
        try:
            raw = str(measure.value_from_cases([(c.started_at, c.ended_at) for c in payload.cases]))
        except MeasureError as error:
            return 400, _error("cases", str(error))
    else:
        raw = payload.value
        raw = ("yes" if raw else "no") if isinstance(raw, bool) else str(raw)
    try:
        measurement, result = services.measurement_put(
            service=service,
            period_start=payload.period_start,
            by=token.created_by,
            value_text=raw,
            note=payload.note,
            source=Measurement.Source.PUSHED,
            reason=f"Sent again by {token.name}",
        )
    except MonitoringError as refusal:
        field = "period_start" if "period" in refusal.message else "value"
        if refusal.status == 403:
            field = "service"
        return (409 if refusal.status == 409 else 400), _error(field, refusal.message)
    body = {
        "id": measurement.pk,
        "service": service.pk,
        "period_start": measurement.period_start,
        "period_end": measurement.period_end,
        "value": measurement.value_text,
        "met": measurement.met,
        "result": result,
        "explanation_asked": not measurement.met and result != "unchanged",
    }
    return (201 if result == "recorded" else 200), body
