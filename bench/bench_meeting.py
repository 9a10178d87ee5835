"""The live meeting page: its queries at two sizes, and its speed beside a bare view.

Two exchanges are played through the real services to the end of "B responds"
(every request presented, questioned, summarised and answered, with counter-offer
chains and escalations): one with 5 requests, one with 200 (``BENCH_MEETING_SMALL``,
``BENCH_MEETING_LARGE``), split between the two sides.

- ``meeting.queries_5`` and ``meeting.queries_200``: the most queries the page runs
  for any of the six audiences (chair, each head, each department's member, a
  manager), in process, with nothing rendered beforehand (the page's regions are
  kept per audience until the meeting changes; this is the page's whole work).
  They must be equal: the page's work does not grow with the meeting.
- ``meeting.page_vs_bare``: the 200-request meeting page's requests per second
  over HTTP from one uvicorn process, divided by a bare view's (``bench/urls.py``:
  login, one query, a small template, the same middleware and session), at 8
  concurrent connections, interleaved A B A B with the median of the pairs (target
  at least 0.5). ``meeting.page_rps`` and ``meeting.bare_rps`` are the medians. Both
  are asked for as a returning browser asks: with its session and CSRF cookies.
"""

from __future__ import annotations

import os
import statistics

from bench import db
from bench.timing import interleaved

CONCURRENCY = 8
USERS = ["priya", "fiona", "fergus", "sam", "sean", "margaret"]  # the six audiences


def _sizes() -> tuple[int, int]:
    return (
        int(os.environ.get("BENCH_MEETING_SMALL", "5")),
        int(os.environ.get("BENCH_MEETING_LARGE", "200")),
    )


def build(people, requests: int):
    from bench import scenario
    from meetings.models import Step

    meeting = scenario.build_exchange(
        people, requests - requests // 2, requests // 2, place=f"Room {requests}"
    )
    scenario.play(meeting, people, until=Step.B_RESPONDS, within=True)
    return meeting


def page_queries(meeting, people) -> dict[str, int]:
    """Queries of the meeting page for each audience (full page, in process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from meetings import views

    counts = {}
    for name in USERS:
        client = Client()
        client.force_login(getattr(people, name))
        client.get(f"/exchanges/{meeting.pk}/")  # the session is warm, as a returning screen's
        views._page_regions.clear()  # nothing rendered yet: the page's whole work
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/exchanges/{meeting.pk}/")
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def run() -> dict[str, object]:
    db.setup()

    from bench import http_load
    from bench.servers import running_servers
    from organisation.demo import build_people

    small, large = _sizes()
    people = build_people()
    meetings = {n: build(people, n) for n in (small, large)}
    queries = {n: page_queries(meetings[n], people) for n in (small, large)}

    big = meetings[large]
    headers = http_load.browser_cookies(people.priya, f"/exchanges/{big.pk}/")
    page_path, bare_path = f"/exchanges/{big.pk}/", f"/bench/bare/{big.pk}/"
    pairs = int(os.environ.get("BENCH_PAIRS", "5"))
    per_burst = int(os.environ.get("BENCH_MEETING_REQUESTS", "80"))
    env = {"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "bench.settings"}
    with running_servers(1, database_url=os.environ["DATABASE_URL"], env=env) as servers:
        port = servers[0].port

        def rate(path: str):
            def measure() -> float:
                return http_load.burst(
                    port, path, headers=headers, requests=per_burst, concurrency=CONCURRENCY
                ).rps

            return measure

        ratio = interleaved(rate(page_path), rate(bare_path), pairs=pairs)
    figures: dict[str, object] = {
        f"meeting.queries_{small}": max(queries[small].values()),
        f"meeting.queries_{large}": max(queries[large].values()),
    }
    figures.update(ratio.figures("meeting.page_vs_bare"))
    figures["meeting.page_rps"] = round(statistics.median(ratio.a), 1)
    figures["meeting.bare_rps"] = round(statistics.median(ratio.b), 1)
    figures["meeting.concurrency"] = CONCURRENCY
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}", flush=True)
