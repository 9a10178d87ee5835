"""Exactly what a head signs: an agreement version's terms in one fixed, hashable shape."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from agreements.models import SLAVersion
from exchange.people import display_name


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _name(user) -> str:
    return display_name(user, nobody="The system")


def canonical_content(version: SLAVersion) -> dict[str, Any]:
    """Exactly what a head signs: the parties and every term, in a fixed shape."""
    meeting = version.sla.meeting
    services = [
        {
            "provider": s.provider.name,
            "recipient": s.recipient.name,
            "service": s.service,
            "level": s.level,
            "milestones": s.milestones,
            "measure": {
                "what": s.measure_what,
                "target": s.measure_target,
                "unit": s.measure_unit,
                "frequency": s.measure_frequency,
                "measured_by": s.measured_by,
            },
            "start_date": _jsonable(s.start_date),
            "review_date": _jsonable(s.review_date),
            "origin": s.origin,
            "request": s.need_item_id,
        }
        for s in version.services.select_related("provider", "recipient").order_by("position", "id")
    ]
    escalations = [
        {
            "provider": e.provider.name,
            "recipient": e.recipient.name,
            "requested": e.requested,
            "status": e.status,
            "reasoning": e.reasoning,
            "request": e.need_item_id,
        }
        for e in version.escalations.select_related("provider", "recipient").order_by("id")
    ]
    return {
        "agreement": version.sla_id,
        "version": version.number,
        "exchange": {
            "id": meeting.pk,
            "department_a": meeting.department_a.name,
            "department_b": meeting.department_b.name,
            "facilitator": _name(meeting.facilitator),
            "closed_at": meeting.closed_at.isoformat() if meeting.closed_at else None,
        },
        "services": services,
        "escalations": escalations,
        "escalation_route": version.escalation_route,
    }


def canonical_bytes(version: SLAVersion) -> bytes:
    content = canonical_content(version)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(version: SLAVersion) -> str:
    return hashlib.sha256(canonical_bytes(version)).hexdigest()
