"""The in-process fan-out: one ``Room`` per meeting with open live screens here.

A broker (``meetings.live.brokers``) tells the hub "meeting 12 has a new
event". The room then reads the record since the last event it delivered and
renders the page regions once for each audience that is watching, and hands
the result to every subscriber's queue. The cost of one change is therefore
one read plus one render per audience in this process, whatever the number of
screens.

Everything here runs on the server's event loop, except the database work,
which runs in a small thread pool of its own (``Hub.run``): at most ``WORKERS``
database connections per process, whatever the number of screens; an open
stream holds none.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connections

from meetings.live import brokers, rendering

logger = logging.getLogger(__name__)

WORKERS = 3  # threads for database work (each keeps one connection)
QUEUE_LIMIT = 64  # a screen this far behind is cut off and catches up on reconnect
PRESENCE_TTL = 60.0  # seconds before another process's silent presence report expires


@dataclass(frozen=True)
class Viewer:
    """Who is behind one live stream."""

    user_id: int
    audience: str
    chairs: bool = False  # the meeting's chair also sees who is connected


@dataclass(eq=False)
class Subscriber:
    meeting_id: int
    viewer: Viewer
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    last_seq: int = 0
    sent: dict[str, str] = field(default_factory=dict)  # region name -> HTML this screen has


@dataclass(eq=False)
class Delivery:
    """One event for one audience: the regions as they are after it, encoded once."""

    kind: str  # "change" or "presence"
    seq: int | None
    regions: dict[str, str]
    _encoded: dict[frozenset[str], bytes] = field(default_factory=dict)

    def encode_for(self, subscriber: Subscriber, *, with_regions: bool = True) -> bytes | None:
        """The SSE message for this screen: only the regions that differ from what it has.

        ``None`` when there is nothing to say (a presence update it already shows).
        """
        if with_regions:
            changed = frozenset(
                name for name, html in self.regions.items() if subscriber.sent.get(name) != html
            )
        else:
            changed = frozenset()
        if self.seq is None and not changed:
            return None
        message = self._encoded.get(changed)
        if message is None:
            payload: dict[str, Any] = {"regions": {name: self.regions[name] for name in changed}}
            if self.seq is not None:
                payload["seq"] = self.seq
            message = sse(self.kind, json.dumps(payload, separators=(",", ":")), event_id=self.seq)
            self._encoded[changed] = message
        for name in changed:
            subscriber.sent[name] = self.regions[name]
        return message


CLOSE = object()  # put on a queue to end that stream (the browser then reconnects)


def sse(kind: str, data: str, *, event_id: int | None = None) -> bytes:
    lines = [f"event: {kind}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return ("\n".join(lines) + "\n\n").encode()


class Room:
    """The live screens of one meeting in this process."""

    def __init__(self, hub: Hub, meeting_id: int) -> None:
        self.hub = hub
        self.meeting_id = meeting_id
        self.subscribers: set[Subscriber] = set()
        self.seq: int | None = None  # the last event fanned out here
        self.wake = asyncio.Event()
        self.presence_dirty = False
        self.task: asyncio.Task | None = None
        # audience -> (seq, future of the Delivery rendered at or after that seq)
        self._renders: dict[str, tuple[int, asyncio.Future]] = {}

    # --- the worker: one per room, so deliveries keep their order --------------------

    def poke(self) -> None:
        self.wake.set()

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(
                self._work(), name=f"live-room-{self.meeting_id}"
            )

    async def _work(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            try:
                if self.seq is not None:
                    await self._deliver_events()
                if self.presence_dirty:
                    self.presence_dirty = False
                    await self._deliver_presence()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live update for meeting %s failed", self.meeting_id)
                await asyncio.sleep(0.5)

    async def _deliver_events(self) -> None:
        seqs = await self.hub.run(rendering.seqs_after, self.meeting_id, self.seq)
        if not seqs:
            return
        last = self.seq = seqs[-1]
        for seq in seqs[:-1]:  # several at once: only the last carries the regions
            quiet = Delivery("change", seq, {})
            for subscriber in list(self.subscribers):
                self.offer(subscriber, quiet)
        done: set[str] = set()
        elsewhere: dict[str, asyncio.Task] = {}
        try:
            # Render what no other process is rendering, a fair share at a time so that
            # processes share the work; every audience gets its update as soon as it is
            # ready, whichever process rendered it.
            todo = [
                audience
                for audience in self._audiences_by_size()
                if (cached := self._renders.get(audience)) is None or cached[0] < last
            ]
            share = math.ceil(len(todo) / self.hub.processes_watching(self.meeting_id))
            while todo:
                rendered, claimed_elsewhere = await self.hub.broker.try_render(
                    self.meeting_id, last, todo, share
                )
                for audience, regions in rendered.items():
                    delivery = self._remember(audience, Delivery("change", last, regions))
                    self._deliver(audience, delivery)
                    done.add(audience)
                for audience in claimed_elsewhere:
                    task = asyncio.create_task(self.delivery_for(audience, last))
                    task.add_done_callback(functools.partial(self._deliver_when_done, audience))
                    elsewhere[audience] = task
                todo = [a for a in todo if a not in rendered and a not in elsewhere]
            if elsewhere:
                await asyncio.gather(*elsewhere.values())
                done.update(elsewhere)
        finally:
            for task in elsewhere.values():
                task.cancel()
        # Someone of another audience joined meanwhile, or the cache had it.
        while missing := sorted(self._audiences_by_size().keys() - done):
            deliveries = await asyncio.gather(*(self.delivery_for(a, last) for a in missing))
            for audience, delivery in zip(missing, deliveries, strict=True):
                self._deliver(audience, delivery)
                done.add(audience)

    def _deliver_when_done(self, audience: str, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is None:
            self._deliver(audience, task.result())

    def _audiences_by_size(self) -> dict[str, int]:
        counts = Counter(s.viewer.audience for s in self.subscribers)
        return dict(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))

    def _remember(self, audience: str, delivery: Delivery) -> Delivery:
        future = asyncio.get_running_loop().create_future()
        future.set_result(delivery)
        self._renders[audience] = (delivery.seq or 0, future)
        return delivery

    def _deliver(self, audience: str, delivery: Delivery) -> None:
        for subscriber in list(self.subscribers):
            if subscriber.viewer.audience == audience:
                self.offer(subscriber, delivery)

    async def _deliver_presence(self) -> None:
        watching = [s for s in self.subscribers if s.viewer.chairs]
        if not watching:
            return
        html = await self.hub.run(self.hub.render_presence, self.meeting_id)
        delivery = Delivery("presence", None, {"presence": html})
        for subscriber in watching:
            self.offer(subscriber, delivery)

    def offer(self, subscriber: Subscriber, delivery: Delivery) -> None:
        if subscriber.queue.qsize() >= QUEUE_LIMIT:
            while not subscriber.queue.empty():
                subscriber.queue.get_nowait()
            subscriber.queue.put_nowait(CLOSE)
            return
        subscriber.queue.put_nowait(delivery)

    # --- regions for screens that (re)connect ---------------------------------------

    async def delivery_for(self, audience: str, seq: int) -> Delivery:
        """The regions for ``audience`` as of event ``seq`` or later, rendered at most once."""
        cached = self._renders.get(audience)
        if cached is not None and cached[0] >= seq:
            return await asyncio.shield(cached[1])
        future = asyncio.get_running_loop().create_future()
        self._renders[audience] = (seq, future)
        try:
            regions = await self.hub.broker.regions(self.meeting_id, seq, audience)
            delivery = Delivery("change", seq, regions)
            future.set_result(delivery)
        except BaseException as error:
            if self._renders.get(audience, (None, None))[1] is future:
                del self._renders[audience]
            if isinstance(error, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(error)
                future.exception()  # marked as retrieved: whoever awaits it sees it too
            raise
        return delivery


class Hub:
    """The live machinery of one process, bound to the server's event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, broker_factory: Callable) -> None:
        self.loop = loop
        self.process_id = uuid.uuid4().hex[:12]
        self.rooms: dict[int, Room] = {}
        self._executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="live")
        self._lock = threading.Lock()
        # meeting -> user id -> (audience, streams) for screens in this process
        self._local: dict[int, dict[int, tuple[str, int]]] = {}
        # process -> meeting -> (seen at, {user id: audience}) reported by other processes
        self._remote: dict[str, dict[int, tuple[float, dict[int, str]]]] = {}
        self.broker = broker_factory(self)

    # --- database work, off the event loop ---------------------------------------------

    async def run(self, function: Callable, *args: Any) -> Any:
        job = sync_to_async(_healthy(function), thread_sensitive=False, executor=self._executor)
        return await job(*args)

    def render_presence(self, meeting_id: int) -> str:
        return rendering.render_presence(meeting_id, self.presence(meeting_id))

    # --- subscribers ---------------------------------------------------------------------

    def subscribe(self, meeting_id: int, viewer: Viewer) -> Subscriber:
        room = self.rooms.get(meeting_id)
        if room is None:
            room = self.rooms[meeting_id] = Room(self, meeting_id)
            room.start()
        subscriber = Subscriber(meeting_id, viewer)
        room.subscribers.add(subscriber)
        self.broker.ensure_started()
        with self._lock:
            people = self._local.setdefault(meeting_id, {})
            audience, streams = people.get(viewer.user_id, (viewer.audience, 0))
            people[viewer.user_id] = (audience, streams + 1)
            joined = streams == 0
        if joined:
            self.presence_changed(meeting_id, publish=True)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        meeting_id, viewer = subscriber.meeting_id, subscriber.viewer
        room = self.rooms.get(meeting_id)
        if room is not None:
            room.subscribers.discard(subscriber)
            if not room.subscribers:
                del self.rooms[meeting_id]
                if room.task is not None:
                    room.task.cancel()
        with self._lock:
            people = self._local.get(meeting_id, {})
            audience, streams = people.get(viewer.user_id, (viewer.audience, 1))
            if streams <= 1:
                people.pop(viewer.user_id, None)
                left = True
            else:
                people[viewer.user_id] = (audience, streams - 1)
                left = False
            if not people:
                self._local.pop(meeting_id, None)
        if left:
            self.presence_changed(meeting_id, publish=True)

    def event_committed(self, meeting_id: int) -> None:
        """A new event in ``meeting_id`` (called on the loop)."""
        room = self.rooms.get(meeting_id)
        if room is not None:
            room.poke()

    def event_committed_threadsafe(self, meeting_id: int) -> None:
        if self.loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self.loop.call_soon_threadsafe(self.event_committed, meeting_id)

    def drop_user(self, user_id: int) -> None:
        """Close every stream of ``user_id`` here (deactivated): the browser's
        reconnection is then refused."""
        for room in list(self.rooms.values()):
            for subscriber in list(room.subscribers):
                if subscriber.viewer.user_id == user_id:
                    while not subscriber.queue.empty():
                        subscriber.queue.get_nowait()
                    subscriber.queue.put_nowait(CLOSE)

    def drop_user_threadsafe(self, user_id: int) -> None:
        if self.loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self.loop.call_soon_threadsafe(self.drop_user, user_id)

    def catch_up_all(self) -> None:
        """After a gap in notifications (listener reconnect): every room re-reads the record."""
        for room in self.rooms.values():
            room.poke()

    # --- presence ------------------------------------------------------------------------

    def presence(self, meeting_id: int) -> dict[int, str]:
        """User id -> audience of everyone with this meeting open, in any process. Thread-safe."""
        now = time.monotonic()
        with self._lock:
            result: dict[int, str] = {}
            for meetings in self._remote.values():
                seen, people = meetings.get(meeting_id, (0.0, {}))
                if now - seen <= PRESENCE_TTL:
                    result.update(people)
            result.update(
                {user: audience for user, (audience, _n) in self._local.get(meeting_id, {}).items()}
            )
        return result

    def processes_watching(self, meeting_id: int) -> int:
        """This process and the others that reported screens on this meeting."""
        now = time.monotonic()
        with self._lock:
            others = sum(
                1
                for meetings in self._remote.values()
                if meeting_id in meetings and now - meetings[meeting_id][0] <= PRESENCE_TTL
            )
        return 1 + others

    def local_snapshot(self, meeting_id: int) -> dict[int, str]:
        with self._lock:
            return {u: a for u, (a, _n) in self._local.get(meeting_id, {}).items()}

    def local_meetings(self) -> list[int]:
        with self._lock:
            return list(self._local)

    def remote_report(self, process_id: str, meeting_id: int, people: dict[int, str]) -> None:
        with self._lock:
            meetings = self._remote.setdefault(process_id, {})
            before = meetings.get(meeting_id, (0.0, {}))[1]
            if people:
                meetings[meeting_id] = (time.monotonic(), people)
            else:
                meetings.pop(meeting_id, None)
        if before != people:
            self.presence_changed(meeting_id, publish=False)

    def remote_gone(self, process_id: str) -> None:
        with self._lock:
            meetings = self._remote.pop(process_id, {})
        for meeting_id in meetings:
            self.presence_changed(meeting_id, publish=False)

    def expire_remote(self) -> None:
        now = time.monotonic()
        expired = []
        with self._lock:
            for meetings in self._remote.values():
                for meeting_id, (seen, _people) in list(meetings.items()):
                    if now - seen > PRESENCE_TTL:
                        del meetings[meeting_id]
                        expired.append(meeting_id)
        for meeting_id in expired:
            self.presence_changed(meeting_id, publish=False)

    def presence_changed(self, meeting_id: int, *, publish: bool) -> None:
        if publish:
            self.broker.publish_presence(meeting_id)
        room = self.rooms.get(meeting_id)
        if room is not None:
            room.presence_dirty = True
            room.poke()

    # --- shutting down (tests) --------------------------------------------------------

    async def close(self) -> None:
        for room in list(self.rooms.values()):
            if room.task is not None:
                room.task.cancel()
        self.rooms.clear()
        await self.broker.stop()
        await asyncio.get_running_loop().run_in_executor(None, self._close_connections)

    def _close_connections(self) -> None:
        """Close the database connection each worker thread keeps, then the workers."""
        barrier = threading.Barrier(WORKERS, timeout=5)

        def close() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()  # one job per thread
            _unname_connection()
            connections.close_all()

        jobs = [self._executor.submit(close) for _ in range(WORKERS)]
        for job in jobs:
            job.result()
        self._executor.shutdown(wait=True)


def _healthy(function: Callable) -> Callable:
    """Run ``function`` on this worker's database connection, replacing it if it broke.

    Each worker thread keeps one connection (opening one per job would cost more
    than most jobs); ``Hub.close`` closes them.
    """

    def job(*args: Any) -> Any:
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and conn.errors_occurred:
                if conn.is_usable():
                    conn.errors_occurred = False
                else:
                    conn.close()
        _name_connection()
        return function(*args)

    return job


def _name_connection() -> None:
    """Label this worker's PostgreSQL session, so that it can be told apart."""
    conn = connections["default"]
    if conn.vendor != "postgresql":
        return
    conn.ensure_connection()
    if getattr(conn, "_live_named", None) is not conn.connection:
        with conn.cursor() as cursor:
            name = f"{brokers.WORKER_NAME} {os.getpid()}"
            cursor.execute("SELECT set_config('application_name', %s, false)", [name])
        conn._live_named = conn.connection


def _unname_connection() -> None:
    """Take this worker's label off its session before the session goes back.

    With a connection pool, closing hands the session back to the pool, and a
    request would otherwise carry on under the live worker's name.
    """
    conn = connections["default"]
    if conn.vendor != "postgresql" or conn.connection is None:
        return
    if getattr(conn, "_live_named", None) is conn.connection:
        try:
            with conn.cursor() as cursor:
                cursor.execute("RESET application_name")
        except DatabaseError:  # a broken session is dropped, not handed back
            logger.debug("Could not reset a live worker's session name", exc_info=True)
    conn._live_named = None


_hub: Hub | None = None
_hub_lock = threading.Lock()


def get_hub() -> Hub:
    """The hub of this process, created on first use on the running event loop."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop or loop.is_closed():
        with _hub_lock:
            _hub = Hub(loop, brokers.broker_for_database())
    return _hub


def current_hub() -> Hub | None:
    """The hub, if this process serves live screens (any thread)."""
    hub = _hub
    if hub is None or hub.loop.is_closed():
        return None
    return hub


async def reset_hub() -> None:
    """Close the hub (tests, between event loops)."""
    global _hub
    hub, _hub = _hub, None
    if hub is not None:
        await hub.close()


def event_committed(meeting_id: int, event_id: int) -> None:
    """``meetings.services.event_listeners`` hook: runs on commit, in the writer's thread."""
    if brokers.is_postgresql():
        brokers.notify_event(meeting_id, event_id)
        return
    hub = current_hub()
    if hub is not None:
        hub.event_committed_threadsafe(meeting_id)


def user_deactivated(user_id: int) -> None:
    """Close ``user_id``'s live screens in every process (runs on commit)."""
    if brokers.is_postgresql():
        brokers.notify_user_dropped(user_id)
        return
    hub = current_hub()
    if hub is not None:
        hub.drop_user_threadsafe(user_id)
