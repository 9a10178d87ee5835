"""Every page that lists or summarises, against an organisation's whole history.

``manage.py generate_history`` (``exchange/history.py``) makes the history twice on the
benchmark's PostgreSQL database: at 1% (``--scale 0.01``), then in full (10,000
exchanges, 100,000 requests, 225,000 measurements; ``BENCH_SCALE`` changes it).

- ``scale.<page>.queries``: the page's queries in process, each as its person, with
  the session warm (the second load: kept regions of the meeting page count as kept).
- ``scale.query_growth``: the largest ratio, over the pages, of their queries on the
  full history to their queries at 1% (target 1.0: no page's work grows with history).
- ``scale.<page>.p95_ms``: over HTTP from one uvicorn process, one connection at a
  time (``BENCH_SCALE_REQUESTS`` a page, default 30), the 95th percentile of the time
  to the whole answer; ``scale.worst_page_p95_ms`` is the slowest page's (target 50 on a
  quiet machine), printed with the load average beside it.
"""

from __future__ import annotations

import os
import time

from bench import db
from bench.timing import load_average, percentile

# name: (who, path, or a function of the data giving the path)
PAGES: dict[str, tuple[str, str]] = {
    "home_head": ("fiona", "/"),
    "home_member": ("fergus", "/"),
    "home_facilitator": ("priya", "/"),
    "home_arbiter": ("arthur", "/"),
    "home_manager": ("margaret", "/"),
    "exchanges": ("fiona", "/exchanges/"),
    "agreements": ("margaret", "/agreements/"),
    "escalations": ("priya", "/escalations/"),
    "overview": ("margaret", "/monitoring/"),
    "performance": ("margaret", "/monitoring/agreements/{sla}/"),
    "meeting": ("", "/exchanges/{live}/"),  # as the meeting's chair
    "minutes": ("margaret", "/exchanges/{closed}/minutes/"),
    "admin_measurements": ("admin", "/admin/monitoring/measurement/"),
    "admin_explanations": ("admin", "/admin/monitoring/explanation/"),
    "admin_exchanges": ("admin", "/admin/meetings/meeting/"),
    "admin_requests": ("admin", "/admin/meetings/needitem/"),
    "admin_events": ("admin", "/admin/meetings/event/"),
    "admin_escalations": ("admin", "/admin/escalation/escalation/"),
}


def _paths() -> dict[str, tuple[str, str]]:
    from agreements.models import SLA
    from meetings.models import Meeting, Step

    live = Meeting.objects.filter(step=Step.B_RESPONDS).select_related("facilitator")
    live = live.order_by("pk")[0]
    found = {
        "sla": SLA.objects.filter(meeting__department_a__name="Finance").order_by("pk")[0].pk,
        "live": live.pk,
        "closed": Meeting.objects.filter(step=Step.CLOSED).order_by("pk")[0].pk,
    }
    paths = {name: (who, path.format(**found)) for name, (who, path) in PAGES.items()}
    paths["meeting"] = (live.facilitator.username, paths["meeting"][1])  # as its chair
    return paths


def _generate(scale: float) -> dict[str, int]:
    from exchange import history

    started = time.monotonic()
    counts = history.generate(scale=scale, log=lambda line: None)
    print(f"# history at scale {scale}: {counts} in {time.monotonic() - started:.0f} s", flush=True)
    return counts


def _queries(paths: dict[str, tuple[str, str]]) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (who, path) in paths.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=who))
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(queries)
    return counts


def _empty() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def run() -> dict[str, object]:
    db.setup(postgres=True)
    from django.contrib.auth import get_user_model

    from bench import http_load
    from bench.servers import running_servers
    from meetings import views as meeting_views

    scale = float(os.environ.get("BENCH_SCALE", "1"))
    requests = int(os.environ.get("BENCH_SCALE_REQUESTS", "30"))

    _generate(scale / 100)
    small = _queries(_paths())
    _empty()
    meeting_views._page_regions.clear()
    _generate(scale)
    paths = _paths()
    full = _queries(paths)

    people = get_user_model().objects.in_bulk(
        {who for who, _path in paths.values()}, field_name="username"
    )
    cookies = {who: http_load.browser_cookies(user) for who, user in people.items()}

    p95 = {}
    env = {"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "bench.settings"}
    with running_servers(1, database_url=os.environ["DATABASE_URL"], env=env) as servers:
        port = servers[0].port
        for name, (who, path) in paths.items():
            headers = cookies[who]
            http_load.burst(port, path, headers=headers, requests=2, concurrency=1)  # warm
            burst = http_load.burst(port, path, headers=headers, requests=requests, concurrency=1)
            p95[name] = round(percentile(burst.latencies, 95) * 1000, 1)

    worst = max(p95, key=p95.get)
    figures: dict[str, object] = {
        "scale.worst_page_p95_ms": p95[worst],
        "scale.worst_page": worst,
        "scale.load_average": load_average(),
        "scale.query_growth": round(max(full[n] / small[n] for n in full), 2),
    }
    for name in paths:
        figures[f"scale.{name}.p95_ms"] = p95[name]
        figures[f"scale.{name}.queries"] = full[name]
        if full[name] != small[name]:
            figures[f"scale.{name}.queries_at_1pct"] = small[name]
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}", flush=True)
