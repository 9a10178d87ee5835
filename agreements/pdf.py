"""Agreements and minutes in print: HTML from a print template, PDF by WeasyPrint."""

from __future__ import annotations

import concurrent.futures
import functools
import multiprocessing
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from agreements import render_child, selectors, services
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
    """The unsealed PDF of a version, rendered in the recycled render process."""
    return render_in_child(sla_html(version))


# --- the render process ------------------------------------------------------------

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
# The render process's resident memory after its latest render (kB), for the benchmark.
last_child_rss_kb = 0


class RenderFailed(Exception):
    """The render process died or could not be started; a later attempt gets a fresh one."""


def _render_pool() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # A fork server forks each render process from a small, clean parent that has
            # imported WeasyPrint once, not from this (Django, database) process.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["agreements.render_child"])
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                max_tasks_per_child=settings.PDF_RENDERS_PER_PROCESS,
            )
        return _pool


def render_pool_shutdown() -> None:
    """Stop the render process (the next render starts a new one)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def render_in_child(html: str) -> bytes:
    """The PDF of ``html``, made in a child process replaced every N renders."""
    global last_child_rss_kb
    try:
        data, last_child_rss_kb = _render_pool().submit(render_child.render, html).result()
    except BrokenProcessPool as error:  # killed (out of memory, by hand): start afresh next time
        render_pool_shutdown()
        raise RenderFailed("The PDF render process stopped unexpectedly.") from error
    return data


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
