"""How a committed event reaches the hubs of every server process.

- ``LocalBroker`` (SQLite, one process): the commit hook hands the event straight
  to this process's hub.
- ``PostgresBroker`` (any number of processes): the commit hook sends
  ``NOTIFY exchange_live, '<meeting id>:<event id>'``; each process holds ONE
  listening connection (opened when its first live screen connects) and pokes
  its own rooms. The same connection carries presence reports between processes
  on a second channel. After a lost connection every room re-reads the record
  from where it was, so nothing is lost, only late.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from typing import Any, Protocol

from django.db import connection, connections

from meetings.live import rendering

logger = logging.getLogger(__name__)

EVENTS_CHANNEL = "exchange_live"
PRESENCE_CHANNEL = "exchange_live_presence"
RENDER_CHANNEL = "exchange_live_render"
RENDER_WAIT = 3.0  # seconds to wait for another process's rendering before doing it here
HEARTBEAT = 20.0  # seconds between presence reports
POLL = 0.25  # seconds the listener waits before sending what it has to send
APPLICATION_NAME = "exchange-live"  # PostgreSQL sessions: "<this> listener <pid>", "... worker"
LISTENER_NAME = f"{APPLICATION_NAME} listener"
WORKER_NAME = f"{APPLICATION_NAME} worker"

# Short codes keep presence reports well under PostgreSQL's 8000-byte payload limit.
AUDIENCE_CODES = {
    "facilitator": "f",
    "head_a": "ha",
    "member_a": "ma",
    "head_b": "hb",
    "member_b": "mb",
    "observer": "o",
}
AUDIENCES = {code: audience for audience, code in AUDIENCE_CODES.items()}


class HubSide(Protocol):
    """What a broker needs of this process's hub (``meetings.live.hub.Hub``)."""

    process_id: str

    async def run(self, function: Any, *args: Any) -> Any: ...
    def catch_up_all(self) -> None: ...
    def event_committed(self, meeting_id: int) -> None: ...
    def local_meetings(self) -> set[int]: ...
    def local_snapshot(self, meeting_id: int) -> dict[int, str]: ...
    def expire_remote(self) -> None: ...
    def remote_gone(self, process_id: str) -> None: ...
    def drop_user(self, user_id: int) -> None: ...
    def remote_report(self, process_id: str, meeting_id: int, people: dict[int, str]) -> None: ...


def is_postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


def broker_for_database():
    return PostgresBroker if is_postgresql() else LocalBroker


def notify_event(meeting_id: int, event_id: int) -> None:
    """Tell every process's listener (PostgreSQL) that ``event_id`` was committed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [EVENTS_CHANNEL, f"{meeting_id}:{event_id}"])
    except Exception:  # the change is committed; screens catch up on their next event
        logger.exception("Could not notify live screens of event %s", event_id)


def notify_user_dropped(user_id: int) -> None:
    """Tell every process (PostgreSQL) to close ``user_id``'s streams."""
    try:
        with connection.cursor() as cursor:
            message = json.dumps({"p": "", "drop": user_id}, separators=(",", ":"))
            cursor.execute("SELECT pg_notify(%s, %s)", [PRESENCE_CHANNEL, message])
    except Exception:  # their reconnection is refused anyway; the stream ends at the next check
        logger.exception("Could not tell live screens that user %s was deactivated", user_id)


class LocalBroker:
    def __init__(self, hub: HubSide) -> None:
        self.hub = hub

    def ensure_started(self) -> None:
        pass

    async def try_render(
        self, meeting_id: int, seq: int, audiences: list[str], share: int
    ) -> tuple[dict[str, dict[str, str]], list[str]]:
        return await self.hub.run(rendering.render_many, meeting_id, audiences), []

    async def regions(self, meeting_id: int, seq: int, audience: str) -> dict[str, str]:
        return await self.hub.run(rendering.render_regions, meeting_id, audience)

    def publish_presence(self, meeting_id: int) -> None:
        pass  # one process: the hub already knows

    async def stop(self) -> None:
        pass


def encode_presence(process_id: str, meeting_id: int, people: dict[int, str]) -> str:
    users = ",".join(f"{user}:{AUDIENCE_CODES.get(a, 'o')}" for user, a in sorted(people.items()))
    return json.dumps({"p": process_id, "m": meeting_id, "u": users}, separators=(",", ":"))


def decode_people(users: str) -> dict[int, str]:
    people = {}
    for part in filter(None, users.split(",")):
        user, _, code = part.partition(":")
        people[int(user)] = AUDIENCES.get(code, "observer")
    return people


class PostgresBroker:
    def __init__(self, hub: HubSide) -> None:
        self.hub = hub
        self.task: asyncio.Task | None = None
        self.listening = asyncio.Event()
        self._outgoing: set[int] = set()  # meetings whose presence report is due
        self._control: list[str] = []  # other messages to send
        self._renderings: dict[tuple[int, int, str], asyncio.Future] = {}  # awaited elsewhere

    def ensure_started(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(
                self._listen(), name="live-postgres-listener"
            )

    def publish_presence(self, meeting_id: int) -> None:
        self._outgoing.add(meeting_id)

    # --- rendering once for all processes -------------------------------------------------

    async def try_render(
        self, meeting_id: int, seq: int, audiences: list[str], share: int
    ) -> tuple[dict[str, dict[str, str]], list[str]]:
        """Render (and share) up to ``share`` of these that no other process has claimed.

        Returns what was rendered here, and the audiences another process claimed.
        """
        claimed, elsewhere = await self.hub.run(
            rendering.claim_some, meeting_id, seq, audiences, share
        )
        if not claimed:
            return {}, elsewhere
        rendered = await self.hub.run(
            rendering.render_and_store, meeting_id, seq, claimed, RENDER_CHANNEL
        )
        return rendered, elsewhere

    async def regions(self, meeting_id: int, seq: int, audience: str) -> dict[str, str]:
        """These regions, rendered here or by whichever process claimed them."""
        key = (meeting_id, seq, audience)
        waiter = self._renderings.get(key)
        if waiter is None:
            waiter = self._renderings[key] = asyncio.get_running_loop().create_future()
        try:
            mine, _elsewhere = await self.try_render(meeting_id, seq, [audience], 1)
            if mine:
                return mine[audience]
            for _attempt in range(2):
                found = await self.hub.run(rendering.stored, *key)
                if found is not None:
                    return found
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiter), RENDER_WAIT)
            # The process that claimed it went quiet: render here rather than wait.
            return await self.hub.run(rendering.render_regions, meeting_id, audience)
        finally:
            if self._renderings.get(key) is waiter:
                del self._renderings[key]

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
            self.task = None

    @staticmethod
    def connection_params() -> dict:
        params = dict(connections["default"].get_connection_params())
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        params["application_name"] = f"{LISTENER_NAME} {os.getpid()}"
        return params

    async def _listen(self) -> None:
        # psycopg is there only on PostgreSQL set-ups: loaded when this broker listens.
        import psycopg

        delay = 0.5
        while True:
            conn = None
            try:
                conn = await psycopg.AsyncConnection.connect(
                    **self.connection_params(), autocommit=True
                )
                await conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                await conn.execute(f"LISTEN {PRESENCE_CHANNEL}")
                await conn.execute(f"LISTEN {RENDER_CHANNEL}")
                self.listening.set()
                delay = 0.5
                # Whatever was committed while not listening is in the record.
                self.hub.catch_up_all()
                self._control.append(json.dumps({"p": self.hub.process_id, "q": 1}))
                self._outgoing.update(self.hub.local_meetings())
                beat = time.monotonic() + HEARTBEAT
                while True:
                    async for note in conn.notifies(timeout=POLL):
                        self._dispatch(note.channel, note.payload)
                    if time.monotonic() >= beat:
                        beat = time.monotonic() + HEARTBEAT
                        self._outgoing.update(self.hub.local_meetings())
                        self.hub.expire_remote()
                    await self._flush(conn)
            except asyncio.CancelledError:
                if conn is not None and not conn.closed:
                    try:
                        bye = json.dumps({"p": self.hub.process_id, "bye": 1})
                        await conn.execute("SELECT pg_notify(%s, %s)", (PRESENCE_CHANNEL, bye))
                    except Exception:
                        pass
                raise
            except Exception:
                logger.warning("Live listener lost its connection; retrying", exc_info=True)
            finally:
                self.listening.clear()
                if conn is not None:
                    await conn.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _flush(self, conn) -> None:
        messages, self._control = self._control, []
        while self._outgoing:
            meeting_id = self._outgoing.pop()
            people = self.hub.local_snapshot(meeting_id)
            messages.append(encode_presence(self.hub.process_id, meeting_id, people))
        for message in messages:
            if len(message.encode()) >= 8000:
                logger.warning("Presence report too long to send; skipped")
                continue
            await conn.execute("SELECT pg_notify(%s, %s)", (PRESENCE_CHANNEL, message))

    def _dispatch(self, channel: str, payload: str) -> None:
        try:
            if channel == EVENTS_CHANNEL:
                meeting_id, _, _event_id = payload.partition(":")
                self.hub.event_committed(int(meeting_id))
                return
            if channel == RENDER_CHANNEL:
                meeting_id, seq, audience = payload.split(":", 2)
                waiter = self._renderings.get((int(meeting_id), int(seq), audience))
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
                return
            message = json.loads(payload)
            if "drop" in message:
                self.hub.drop_user(int(message["drop"]))
                return
            sender = message["p"]
            if sender == self.hub.process_id:
                return
            if message.get("q"):
                self._outgoing.update(self.hub.local_meetings())
            elif message.get("bye"):
                self.hub.remote_gone(sender)
            else:
                self.hub.remote_report(sender, int(message["m"]), decode_people(message["u"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("Ignored a malformed live notification: %r", payload)
