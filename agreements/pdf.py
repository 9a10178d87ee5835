"""Agreements and minutes in print: HTML from a print template, PDF by WeasyPrint."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from agreements import selectors, services
from agreements.models import MONITORING_CLAUSE, SLAVersion
from meetings import permissions as meeting_permissions
from meetings.models import Event
from meetings.rules import Role


@functools.cache
def print_css() -> str:
    """The print stylesheet, inlined into every printed page (one file, static/css/print.css)."""
    path = finders.find("css/print.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def sla_context(version: SLAVersion) -> dict[str, Any]:
    version = selectors.version_for_print(version.pk)
    sla = version.sla
    meeting = sla.meeting
    a, b = meeting.department_a, meeting.department_b
    service_list = list(version.services.all())
    return {
        "css": print_css(),
        "version": version,
        "sla": sla,
        "meeting": meeting,
        "department_a": a,
        "department_b": b,
        "head_a": a.head,
        "head_b": b.head,
        "directions": [
            {
                "provider": b,
                "recipient": a,
                "services": [s for s in service_list if s.provider_id == b.pk],
            },
            {
                "provider": a,
                "recipient": b,
                "services": [s for s in service_list if s.provider_id == a.pk],
            },
        ],
        "services": service_list,
        "escalations": list(version.escalations.all()),
        "signatures": list(version.signatures.all()),
        "changes": list(version.changes.all()),
        "content_sha256": services.content_sha256(version),
        "monitoring_clause": MONITORING_CLAUSE,
        "printed_at": timezone.now(),
    }


def sla_html(version: SLAVersion) -> str:
    return render_to_string("agreements/print/sla.html", sla_context(version))


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint is loaded by the process that renders, not by every web process
    # at start-up: a library load, not a way round an import cycle.
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def sla_pdf(version: SLAVersion) -> bytes:
    """The unsealed PDF of a version."""
    return html_to_pdf(sla_html(version))


def minutes_html(meeting, role: Role | None) -> str:
    """The minutes as whoever plays ``role`` in ``meeting`` may read them."""
    events = (
        Event.objects.filter(meeting=meeting)
        .select_related("actor", "item__need_list")
        .order_by("seq")
    )
    return render_to_string(
        "agreements/print/minutes.html",
        {
            "css": print_css(),
            "meeting": meeting,
            "events": meeting_permissions.record_for(events, role, meeting),
            "printed_at": timezone.now(),
        },
    )
