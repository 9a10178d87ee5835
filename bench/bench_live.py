"""Live meeting screens under load: a whole realistic meeting on N screens.

On the benchmarks' PostgreSQL database (``bench/db.py``), with two uvicorn
processes serving N screens (``BENCH_LIVE_CLIENTS``, default 300) spread over both
as the six audiences of a meeting:

1. an exchange with 30 requests on each side (``BENCH_LIVE_REQUESTS``) is scheduled
   and both lists are made ready;
2. the screens connect; the meeting is then played through the services from the
   opening to the close (``bench.scenario``): the ground rules, each request
   presented with clarifying questions, answers and a struck remark, summaries
   (some sent back for clarification), every kind of response with counter-offer
   chains and escalations, the close. Each action is timed from its commit to
   every screen holding the message with the updated regions;
3. everyone leaves and the servers' memory is compared with before; a second
   crowd comes and goes, to tell one-off growth from a leak.

Figures: ``live.p50_ms``, ``live.p95_ms``, ``live.max_ms`` (commit to screen, all
actions), ``live.<action>.p95_ms`` for each kind of action (``advance``, ``ask``,
``summarise``, ``counter``, ``accept_counter``, ...), ``live.lost_events``,
``live.pg_listen_connections_per_process`` and memory.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections import defaultdict

from bench import db
from bench.timing import percentile

USERS = ["priya", "fiona", "fergus", "sam", "sean", "margaret"]  # the six audiences


def listening_connections() -> dict[str, int]:
    from django.db import connection

    from meetings.live.brokers import LISTENER_NAME

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE %s "
            "GROUP BY application_name",
            [f"{LISTENER_NAME}%"],
        )
        return dict(cursor.fetchall())


class Screen:
    """One simulated screen: reads the stream and notes when each event id arrives."""

    def __init__(self, port: int, path: str, cookie: str) -> None:
        self.port, self.path, self.cookie = port, path, cookie
        self.client = None
        self.arrived: dict[int, float] = {}
        self.bytes = 0
        self.task: asyncio.Task | None = None

    async def open(self, *, after: int | None = None) -> Screen:
        from bench.live_client import LiveClient

        last_id = str(max(self.arrived)) if self.arrived else ""
        path = self.path if after is None or last_id else f"{self.path}?after={after}"
        self.client = LiveClient("127.0.0.1", self.port, path, cookie=self.cookie, last_id=last_id)
        await self.client.open(timeout=30)
        if self.client.status != 200:
            raise RuntimeError(f"A screen was refused: HTTP {self.client.status}")
        self.task = asyncio.create_task(self.follow(self.client))
        return self

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.client is not None:
            await self.client.close()

    async def reconnect(self) -> None:
        """As a phone that lost its network: gone, then back with Last-Event-ID."""
        await self.close()
        await self.open()

    async def follow(self, client) -> None:
        buffer = b""
        try:
            while True:
                chunk = await client._read_chunk()
                self.bytes += len(chunk)
                buffer += chunk
                while (end := buffer.find(b"\n\n")) >= 0:
                    block, buffer = buffer[:end], buffer[end + 2 :]
                    head = block[:80]
                    start = head.find(b"\nid: ")
                    if start >= 0:
                        stop = head.find(b"\n", start + 5)
                        seq = int(head[start + 5 : stop if stop >= 0 else None])
                        self.arrived.setdefault(seq, time.perf_counter())
        except (EOFError, ConnectionError, asyncio.IncompleteReadError, OSError):
            pass


async def cookies_for(people) -> dict[str, str]:
    from asgiref.sync import sync_to_async
    from django.test import Client

    def cookie_for(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return {name: await sync_to_async(cookie_for)(getattr(people, name)) for name in USERS}


async def warm_up(servers, path: str, cookie: str) -> None:
    """Imports, templates and the listener of each server, before memory is noted."""
    warm = [await Screen(s.port, path, cookie).open() for s in servers]
    await asyncio.sleep(1.0)
    for screen in warm:
        await screen.close()
    await asyncio.sleep(1.0)


async def connect(servers, path: str, cookies: dict[str, str], count: int, after: int):
    screens = []
    for n in range(count):
        server = servers[n % len(servers)]
        user = USERS[(n // len(servers)) % len(USERS)]
        screens.append(await Screen(server.port, path, cookies[user]).open(after=after))
    return screens


class Commits:
    """When each event was committed, from the services' on-commit hook."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}  # event id -> commit time

    def __enter__(self) -> Commits:
        from meetings import services

        services.event_listeners.insert(0, self.note)
        return self

    def __exit__(self, *exc) -> None:
        from meetings import services

        services.event_listeners.remove(self.note)

    def note(self, meeting_id: int, event_id: int) -> None:
        self.at[event_id] = time.perf_counter()


async def wait_for_screens(screens, seq: int, timeout: float = 10) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and not all(seq in s.arrived for s in screens):
        await asyncio.sleep(0.005)


async def measure(people, meeting, servers, clients: int) -> dict[str, object]:
    from asgiref.sync import sync_to_async

    from bench import scenario
    from meetings.live import status as live

    cookies = await cookies_for(people)
    path = f"/exchanges/{meeting.pk}/live/"
    await warm_up(servers, path, cookies["priya"])
    rss_before = sum(s.rss_mb() for s in servers)

    last = await sync_to_async(live.last_seq)(meeting.pk)
    started = time.perf_counter()
    screens = await connect(servers, path, cookies, clients, last)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2.0)  # every stream subscribed, presence settled
    listeners = await sync_to_async(listening_connections)()
    rss_connected = sum(s.rss_mb() for s in servers)

    pause = float(os.environ.get("BENCH_LIVE_PAUSE", "0.05"))
    kinds: dict[int, str] = {}  # seq -> kind of action
    seqs: dict[int, float] = {}  # seq -> commit time
    steps = scenario.script(meeting, people)
    with Commits() as commits:
        while True:
            kind_action = await asyncio.to_thread(next, steps, None)
            if kind_action is None:
                break
            kind, action = kind_action
            outcome = await asyncio.to_thread(action)
            if outcome.event is None:
                continue
            seq = outcome.event.seq
            seqs[seq], kinds[seq] = commits.at[outcome.event.pk], kind
            await wait_for_screens(screens, seq)
            await asyncio.sleep(pause)  # people do not click faster than this

    latencies, lost = [], 0
    by_kind: dict[str, list[float]] = defaultdict(list)
    for screen in screens:
        for seq, at in seqs.items():
            if seq in screen.arrived:
                ms = (screen.arrived[seq] - at) * 1000
                latencies.append(ms)
                by_kind[kinds[seq]].append(ms)
            else:
                lost += 1
    received_mb = sum(screen.bytes for screen in screens) / 1e6

    for screen in screens:
        await screen.close()
    await asyncio.sleep(3.0)
    rss_after = sum(s.rss_mb() for s in servers)

    # A second crowd comes and goes: memory that grows again would be a leak.
    again = await connect(servers, path, cookies, clients, last)
    await asyncio.sleep(2.0)
    for screen in again:
        await screen.close()
    await asyncio.sleep(3.0)
    rss_after_again = sum(s.rss_mb() for s in servers)
    per_process = max(listeners.values()) if listeners else 0
    figures: dict[str, object] = {
        "live.clients": clients,
        "live.server_processes": len(servers),
        "live.events": len(seqs),
        "live.p50_ms": round(statistics.median(latencies), 1),
        "live.p95_ms": round(percentile(latencies, 95), 1),
        "live.max_ms": round(max(latencies), 1),
    }
    for kind in sorted(by_kind):
        figures[f"live.{kind}.p95_ms"] = round(percentile(by_kind[kind], 95), 1)
    figures.update(
        {
            "live.lost_events": lost,
            "live.pg_listen_connections_per_process": per_process,
            "live.connect_all_s": round(connect_seconds, 2),
            "live.received_mb": round(received_mb, 1),
            "live.rss_before_mb": round(rss_before, 1),
            "live.rss_connected_mb": round(rss_connected, 1),
            "live.rss_after_mb": round(rss_after, 1),
            "live.rss_growth_mb": round(rss_after - rss_before, 1),
            "live.rss_growth_second_crowd_mb": round(rss_after_again - rss_after, 1),
        }
    )
    return figures


def run() -> dict[str, object]:
    url = db.setup(postgres=True)
    from bench import scenario
    from bench.servers import running_servers
    from organisation.demo import build_people

    requests = int(os.environ.get("BENCH_LIVE_REQUESTS", "30"))
    people = build_people()
    meeting = scenario.build_exchange(people, requests, requests)
    clients = int(os.environ.get("BENCH_LIVE_CLIENTS", "300"))
    # Served as in production (no debug), on the same machine as everything else.
    with running_servers(2, database_url=url, env={"DEBUG": "0"}) as servers:
        return asyncio.run(measure(people, meeting, servers, clients))


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}", flush=True)
