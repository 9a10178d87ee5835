"""A tiny client for Server-Sent Events, for tests and the benchmark's checks.

``AsgiStream`` drives the ASGI application in-process (so a test can disconnect
whenever it likes); ``SseParser`` (from ``bench.live_client``) reads the messages.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application
from django.db import connections
from django.test import Client

from bench.live_client import Message, SseParser


def run_async(coroutine):
    """Run a test's async part on a fresh event loop in its own thread.

    Its own thread, because the main thread may already run a loop (Playwright's
    sync API keeps one there while the browser tests' browser is open).
    """
    outcome = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def in_thread(function, *args):
    """Run sync database code from a test's event loop, closing the connection after."""

    def job():
        try:
            return function(*args)
        finally:
            connections.close_all()

    return await sync_to_async(job, thread_sensitive=False)()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class AsgiStream:
    """One GET on the ASGI app, read as an event stream, disconnected on ``close()``."""

    def __init__(self, path: str, *, user=None, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(path)
        self.path, self.query = parts.path, parts.query
        self.headers = dict(headers or {})
        self.user = user
        self.status: int | None = None
        self.response_headers: dict[str, str] = {}
        self.parser = SseParser()
        self._sent: asyncio.Queue = asyncio.Queue()
        self._disconnect = asyncio.Event()
        self._request_read = False
        self._pending: list[Message] = []
        self.task: asyncio.Task | None = None
        self.body = b""

    async def _receive(self) -> dict:
        if not self._request_read:
            self._request_read = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._disconnect.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict) -> None:
        await self._sent.put(message)

    async def open(self) -> AsgiStream:
        if self.user is not None:
            cookie = await in_thread(session_cookie, self.user)
            self.headers["Cookie"] = f"sessionid={cookie}"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": self.query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.task = asyncio.create_task(get_asgi_application()(scope, self._receive, self._send))
        start = await asyncio.wait_for(self._sent.get(), 10)
        self.status = start["status"]
        self.response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return self

    async def next(self, timeout: float = 10, *, comments: bool = False) -> Message:
        while True:
            if self._pending:
                message = self._pending.pop(0)
                if message.event == "retry" or (message.comment and not comments):
                    continue
                return message
            sent = await asyncio.wait_for(self._sent.get(), timeout)
            if sent["type"] != "http.response.body":
                continue
            self.body += sent.get("body", b"")
            self._pending.extend(self.parser.feed(sent.get("body", b"")))
            if not sent.get("more_body", False) and not self._pending:
                raise EOFError("The stream ended.")

    async def messages_until_quiet(self, quiet: float = 0.5) -> list[Message]:
        found = []
        while True:
            try:
                found.append(await self.next(quiet))
            except TimeoutError:
                return found

    async def read_all(self, timeout: float = 10) -> bytes:
        """For responses that end by themselves (refusals, reloads)."""
        while True:
            sent = await asyncio.wait_for(self._sent.get(), timeout)
            if sent["type"] == "http.response.body":
                self.body += sent.get("body", b"")
                self.parser.feed(sent.get("body", b""))
                if not sent.get("more_body", False):
                    return self.body

    async def close(self) -> None:
        self._disconnect.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 10)
