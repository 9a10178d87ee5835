"""Live meeting screens under load: two server processes on PostgreSQL, N screens.

``run()`` starts a child process (so that Django is configured for the
benchmark's own database, whatever else ``python -m bench`` has done), which:

1. recreates and migrates its own PostgreSQL database (``BENCH_LIVE_DATABASE_URL``,
   default ``postgres://postgres@127.0.0.1:5432/exchange_bench_live``);
2. builds the demo organisation and an exchange ready to open;
3. starts two uvicorn processes and connects N screens (``BENCH_LIVE_CLIENTS``,
   default 300) spread over both, as the six audiences of a meeting;
4. performs a series of facilitator (and heads') actions through the services,
   one at a time, and times each from its commit to every screen holding the
   message with the updated regions;
5. disconnects everyone and compares the servers' memory with before; then a
   second crowd connects and leaves, to tell one-off growth from a leak.

Figures: live.p50_ms, live.p95_ms, live.max_ms (commit to screen), live.lost_events,
live.pg_listen_connections_per_process (from pg_stat_activity), live.rss_growth_mb
(both servers, idle before vs after everyone left), and a few more for context.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/exchange_bench_live"
USERS = ["priya", "fiona", "fergus", "sam", "sean", "margaret"]  # the six audiences


def run() -> dict[str, object]:
    url = os.environ.get("BENCH_LIVE_DATABASE_URL", DEFAULT_URL)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "exchange.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_live", "--child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
    return {"live.error": f"the benchmark failed (exit {result.returncode})"}


# --- the child process ----------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build_exchange():
    """The demo people and an exchange between Finance (A) and Sales (B), lists ready."""
    from django.utils import timezone

    from meetings import services
    from organisation.demo import build_people

    people = build_people()
    meeting = services.meeting_schedule(
        by=people.priya,
        department_a=people.finance,
        department_b=people.sales,
        facilitator=people.priya,
        scheduled_for=timezone.now(),
        place="Board room",
    )
    needs = {
        people.finance: (people.fiona, ["Signed order forms", "Monthly sales forecast"]),
        people.sales: (people.sam, ["Credit decisions within a day", "Clear invoice queries"]),
    }
    for department, (head, services_needed) in needs.items():
        need_list = meeting.need_lists.get(department=department)
        for service in services_needed:
            services.need_item_add(
                need_list=need_list,
                by=head,
                data={
                    "service": service,
                    "benefit_department": "We can close the month two days sooner.",
                    "benefit_organisation": "Cash is collected sooner across the business.",
                    "cost_estimate": 2000,
                    "value_estimate": 10000,
                    "service_level": "Within three working days",
                    "measure_what": "Share of orders with complete paperwork",
                    "measure_kind": "share",
                    "measure_threshold": 95,
                    "measure_frequency": "monthly",
                },
            )
        services.need_list_set_ready(need_list=need_list, by=head, ready=True)
    return people, meeting


def actions(people, meeting) -> list:
    """The facilitator runs the opening and the first presentation; heads take part.

    Each action looks up what it needs when it runs, as a person at the screen would.
    """
    from meetings import services
    from meetings.models import Meeting, Remark

    def current_item() -> int:
        return Meeting.objects.get(pk=meeting.pk).current_item_id

    def last_remark() -> int:
        return Remark.objects.filter(meeting=meeting).latest("id").pk

    steps = [
        lambda: services.meeting_advance(meeting=meeting, by=people.priya),
        lambda: services.meeting_acknowledge_rules(meeting=meeting, by=people.fiona),
        lambda: services.meeting_acknowledge_rules(meeting=meeting, by=people.sam),
        lambda: services.meeting_advance(meeting=meeting, by=people.priya),
    ]
    for n in range(4):
        steps += [
            lambda n=n: services.remark_ask(
                meeting=meeting, by=people.sam, item_id=current_item(), text=f"Question {n}?"
            ),
            lambda: services.remark_answer(
                meeting=meeting, by=people.fiona, remark_id=last_remark(), answer="Signed ones."
            ),
            lambda: services.meeting_next_request(meeting=meeting, by=people.priya, offset=1),
            lambda: services.meeting_next_request(meeting=meeting, by=people.priya, offset=-1),
        ]
    return steps


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

    def __init__(self, client) -> None:
        self.client = client
        self.arrived: dict[int, float] = {}
        self.bytes = 0
        self.task: asyncio.Task | None = None

    async def follow(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = await self.client._read_chunk()
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


async def measure(people, meeting, servers, clients: int) -> dict[str, object]:
    from asgiref.sync import sync_to_async
    from django.test import Client

    from bench.live_client import LiveClient
    from meetings import services
    from meetings.live import status as live

    def cookie_for(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    cookies = {name: await sync_to_async(cookie_for)(getattr(people, name)) for name in USERS}
    path = f"/exchanges/{meeting.pk}/live/"

    # Warm both servers up (imports, templates, the listener), then note their memory.
    warm = [
        await LiveClient("127.0.0.1", s.port, path, cookie=cookies["priya"]).open() for s in servers
    ]
    await asyncio.sleep(1.0)
    for client in warm:
        await client.close()
    await asyncio.sleep(1.0)
    rss_before = sum(s.rss_mb() for s in servers)

    last = await sync_to_async(live.last_seq)(meeting.pk)
    screens = []
    started = time.perf_counter()
    for n in range(clients):
        server = servers[n % len(servers)]
        user = USERS[(n // len(servers)) % len(USERS)]
        client = LiveClient("127.0.0.1", server.port, f"{path}?after={last}", cookie=cookies[user])
        await client.open(timeout=30)
        if client.status != 200:
            raise RuntimeError(f"A screen was refused: HTTP {client.status}")
        screen = Screen(client)
        screen.task = asyncio.create_task(screen.follow())
        screens.append(screen)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2.0)  # every stream subscribed, presence settled
    listeners = await sync_to_async(listening_connections)()
    rss_connected = sum(s.rss_mb() for s in servers)

    committed: dict[int, float] = {}  # event id -> commit time

    def note_commit(meeting_id: int, event_id: int) -> None:
        committed[event_id] = time.perf_counter()

    services.event_listeners.insert(0, note_commit)
    seqs: dict[int, float] = {}  # seq -> commit time
    for action in actions(people, meeting):
        outcome = await asyncio.to_thread(action)
        event = outcome.event
        seqs[event.seq] = committed[event.pk]
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and not all(
            event.seq in screen.arrived for screen in screens
        ):
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.25)  # a facilitator does not click faster than this
    services.event_listeners.remove(note_commit)

    latencies, lost = [], 0
    for screen in screens:
        for seq, at in seqs.items():
            if seq in screen.arrived:
                latencies.append((screen.arrived[seq] - at) * 1000)
            else:
                lost += 1
    received_mb = sum(screen.bytes for screen in screens) / 1e6

    for screen in screens:
        await screen.client.close()
        screen.task.cancel()
    await asyncio.sleep(3.0)
    rss_after = sum(s.rss_mb() for s in servers)

    # A second crowd comes and goes: memory that grows again would be a leak.
    again = []
    for n in range(clients):
        server = servers[n % len(servers)]
        user = USERS[(n // len(servers)) % len(USERS)]
        client = LiveClient("127.0.0.1", server.port, path, cookie=cookies[user])
        again.append(await client.open(timeout=30))
    await asyncio.sleep(2.0)
    for client in again:
        await client.close()
    await asyncio.sleep(3.0)
    rss_after_again = sum(s.rss_mb() for s in servers)
    per_process = max(listeners.values()) if listeners else 0
    latencies.sort()
    return {
        "live.clients": clients,
        "live.server_processes": len(servers),
        "live.events": len(seqs),
        "live.p50_ms": round(statistics.median(latencies), 1),
        "live.p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "live.max_ms": round(latencies[-1], 1),
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


def child() -> None:
    import django

    url = os.environ["DATABASE_URL"]
    recreate_database(url)
    django.setup()
    from django.core.management import call_command

    from bench.servers import running_servers

    call_command("migrate", verbosity=0)
    people, meeting = build_exchange()
    clients = int(os.environ.get("BENCH_LIVE_CLIENTS", "300"))
    # Served as in production (no debug), on the same machine as everything else.
    with running_servers(2, database_url=url, env={"DEBUG": "0"}) as servers:
        figures = asyncio.run(measure(people, meeting, servers, clients))
    print(json.dumps(figures))


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        for key, value in run().items():
            print(f"{key}: {value}")
