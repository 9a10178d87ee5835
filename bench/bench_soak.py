"""Soak: 300 live screens for 10 minutes while the meeting changes every few seconds.

On the benchmarks' PostgreSQL database (``bench/db.py``), two uvicorn processes
serve ``BENCH_SOAK_CLIENTS`` screens (default 300) of an exchange with 10 requests
a side, in "A presents", for ``BENCH_SOAK_SECONDS`` (default 600; shorten it while
developing). Every ``BENCH_SOAK_INTERVAL`` seconds (default 3) the meeting changes
as it does in a presentation: the next request, a clarifying question, its answer,
and round again. Every interval a few screens (1%) drop and come back with
Last-Event-ID, as phones on a flaky network do; what they missed is replayed.

Figures:

- ``soak.lost_events``: events some screen never received (target 0);
- ``soak.rss_growth_pct``: the two servers' resident memory at the end over the
  same after the first fifth of the soak (everyone connected, caches warm), in
  per cent (target under 10);
- ``soak.p95_ms``: commit to screen, 95th percentile over every screen and event;
- and the events, reconnections and memory for context.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator

from bench import db
from bench.bench_live import Commits, connect, cookies_for, warm_up
from bench.timing import percentile


def changes(meeting, people) -> Iterator[Callable]:
    """The meeting changing as in a presentation, for as long as it is asked to."""
    from meetings import services
    from meetings.models import Meeting, NeedItem, Remark
    from meetings.rules import RuleError

    chair, asker, answerer = people.priya, people.sam, people.fiona
    n = 0
    while True:
        n += 1

        def ask(n=n):
            current = Meeting.objects.values_list("current_item_id", flat=True).get(pk=meeting.pk)
            return services.remark_ask(
                meeting=meeting, by=asker, item_id=current, text=f"Question {n}: which orders?"
            )

        def answer():
            remark = Remark.objects.filter(meeting=meeting).latest("id")
            return services.remark_answer(
                meeting=meeting, by=answerer, remark_id=remark.pk, answer="Signed ones."
            )

        def move_on():
            try:
                return services.meeting_next_request(meeting=meeting, by=chair, offset=1)
            except RuleError:  # the last request: back to the first
                first = (
                    NeedItem.objects.filter(
                        need_list__meeting=meeting,
                        need_list__department_id=meeting.department_a_id,
                    )
                    .order_by("position", "id")
                    .first()
                )
                return services.meeting_set_current(meeting=meeting, by=chair, item_id=first.pk)

        yield from (ask, answer, move_on)


async def soak(people, meeting, servers, clients: int, seconds: float) -> dict[str, object]:
    from asgiref.sync import sync_to_async

    from meetings.live import status as live

    cookies = await cookies_for(people)
    path = f"/exchanges/{meeting.pk}/live/"
    await warm_up(servers, path, cookies["priya"])
    last = await sync_to_async(live.last_seq)(meeting.pk)
    screens = await connect(servers, path, cookies, clients, last)
    await asyncio.sleep(2.0)
    interval = float(os.environ.get("BENCH_SOAK_INTERVAL", "3"))
    churn = max(1, clients // 100)
    chance = random.Random(18)
    seqs: dict[int, float] = {}
    samples: list[tuple[float, float]] = []  # (seconds into the soak, both servers' RSS)
    reconnects = 0
    start = time.perf_counter()
    actions = changes(meeting, people)
    with Commits() as commits:
        while (elapsed := time.perf_counter() - start) < seconds:
            tick = time.perf_counter()
            outcome = await asyncio.to_thread(next(actions))
            if outcome.event is not None:
                seqs[outcome.event.seq] = commits.at[outcome.event.pk]
            for screen in chance.sample(screens, churn):
                await screen.reconnect()
                reconnects += 1
            samples.append((elapsed, sum(s.rss_mb() for s in servers)))
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))
        final = max(seqs)
        deadline = time.perf_counter() + 15
        while time.perf_counter() < deadline and not all(final in s.arrived for s in screens):
            await asyncio.sleep(0.05)
    rss_end = sum(s.rss_mb() for s in servers)

    latencies, lost = [], 0
    for screen in screens:
        for seq, at in seqs.items():
            if seq in screen.arrived:
                latencies.append((screen.arrived[seq] - at) * 1000)
            else:
                lost += 1
    for screen in screens:
        await screen.close()
    warm = [rss for at, rss in samples if at >= seconds / 5] or [samples[-1][1]]
    baseline = warm[0]
    return {
        "soak.clients": clients,
        "soak.server_processes": len(servers),
        "soak.seconds": round(time.perf_counter() - start),
        "soak.events": len(seqs),
        "soak.reconnects": reconnects,
        "soak.lost_events": lost,
        "soak.p50_ms": round(statistics.median(latencies), 1),
        "soak.p95_ms": round(percentile(latencies, 95), 1),
        "soak.max_ms": round(max(latencies), 1),
        "soak.rss_baseline_mb": round(baseline, 1),
        "soak.rss_end_mb": round(rss_end, 1),
        "soak.rss_growth_pct": round((rss_end - baseline) / baseline * 100, 1),
    }


def run() -> dict[str, object]:
    url = db.setup(postgres=True)
    from bench import scenario
    from bench.servers import running_servers
    from meetings.models import Step
    from organisation.demo import build_people

    people = build_people()
    meeting = scenario.build_exchange(people, 10, 10)
    scenario.play(meeting, people, until=Step.A_PRESENTS)
    clients = int(os.environ.get("BENCH_SOAK_CLIENTS", "300"))
    seconds = float(os.environ.get("BENCH_SOAK_SECONDS", "600"))
    with running_servers(2, database_url=url, env={"DEBUG": "0"}) as servers:
        return asyncio.run(soak(people, meeting, servers, clients, seconds))


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}", flush=True)
