"""A minimal Server-Sent Events client on raw asyncio streams (no extra dependency).

Used by ``bench_live`` to play hundreds of meeting screens, and by the tests that
talk to real server processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field


@dataclass
class Message:
    event: str = "message"
    id: str | None = None
    data: str = ""
    comment: bool = False

    @property
    def json(self) -> dict:
        return json.loads(self.data)


@dataclass
class SseParser:
    buffer: str = ""
    messages: list[Message] = field(default_factory=list)

    def feed(self, chunk: bytes) -> list[Message]:
        self.buffer += chunk.decode()
        found = []
        while "\n\n" in self.buffer:
            block, self.buffer = self.buffer.split("\n\n", 1)
            message, data = Message(), []
            for line in block.split("\n"):
                if line.startswith(":"):
                    message.comment = True
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    message.event = value
                elif name == "id":
                    message.id = value
                elif name == "data":
                    data.append(value)
                elif name == "retry":
                    message.event = "retry"
            message.data = "\n".join(data)
            found.append(message)
        self.messages.extend(found)
        return found


class LiveClient:
    """One open event stream over HTTP/1.1 (chunked), as a browser's EventSource holds it."""

    def __init__(self, host: str, port: int, path: str, *, cookie: str = "", last_id: str = ""):
        self.host, self.port, self.path = host, port, path
        self.cookie, self.last_id = cookie, last_id
        self.status = 0
        self.headers: dict[str, str] = {}
        self.parser = SseParser()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: list[Message] = []
        self._chunked = False

    async def open(self, timeout: float = 10) -> LiveClient:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), timeout
        )
        lines = [
            f"GET {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: text/event-stream",
        ]
        if self.cookie:
            lines.append(f"Cookie: sessionid={self.cookie}")
        if self.last_id:
            lines.append(f"Last-Event-ID: {self.last_id}")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self._writer.drain()
        status = await asyncio.wait_for(self._reader.readline(), timeout)
        self.status = int(status.split()[1])
        while True:
            line = (await asyncio.wait_for(self._reader.readline(), timeout)).decode().strip()
            if not line:
                break
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self._chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        return self

    async def _read_chunk(self) -> bytes:
        assert self._reader is not None
        if not self._chunked:
            data = await self._reader.read(65536)
            if not data:
                raise EOFError("The stream ended.")
            return data
        size_line = await self._reader.readline()
        if not size_line:
            raise EOFError("The stream ended.")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            raise EOFError("The stream ended.")
        data = await self._reader.readexactly(size + 2)
        return data[:-2]

    async def next(self, timeout: float | None = None, *, comments: bool = False) -> Message:
        while True:
            while self._pending:
                message = self._pending.pop(0)
                if message.event == "retry" or (message.comment and not comments):
                    continue
                if message.id:
                    self.last_id = message.id
                return message
            chunk = await asyncio.wait_for(self._read_chunk(), timeout)
            self._pending.extend(self.parser.feed(chunk))

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
            self._writer = None
