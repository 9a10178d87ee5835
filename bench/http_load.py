"""Requests per second from a server under concurrency: N kept-alive HTTP/1.1
connections on raw asyncio streams (no extra dependency), each sending its next
GET as soon as the last answer is read."""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field


@dataclass
class Burst:
    requests: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, each request
    bytes: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("The server closed the connection.")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, b"".join(parts)
    return status, await reader.readexactly(length or 0)


async def _burst(
    port: int, path: str, headers: dict[str, str], requests: int, concurrency: int, expect: int
) -> Burst:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    message = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}\r\n".encode()
    connections = [
        await asyncio.open_connection("127.0.0.1", port) for _ in range(min(concurrency, requests))
    ]
    left = requests
    latencies: list[float] = []
    received = 0

    async def worker(reader, writer) -> None:
        nonlocal left, received
        while left > 0:
            left -= 1
            start = time.perf_counter()
            writer.write(message)
            status, body = await _read_response(reader)
            latencies.append(time.perf_counter() - start)
            if status != expect:
                raise RuntimeError(f"GET {path} answered {status}, not {expect}.")
            received += len(body)

    gc.collect()
    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker(r, w) for r, w in connections))
        seconds = time.perf_counter() - start
    finally:
        for _reader, writer in connections:
            writer.close()
    return Burst(requests, seconds, latencies, received)


def burst(
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    requests: int = 100,
    concurrency: int = 8,
    expect: int = 200,
) -> Burst:
    """``requests`` GETs of ``path`` over ``concurrency`` connections, timed as a whole."""
    return asyncio.run(_burst(port, path, headers or {}, requests, concurrency, expect))


def browser_cookies(user, path: str = "/") -> dict[str, str]:
    """The headers of a returning browser signed in as ``user``: its session cookie and
    the CSRF cookie the first page gave it (``path``). Without the CSRF cookie, every
    page with a form would mint a new one on each request, as it does only once for a
    real browser."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(path)
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    cookie = "; ".join(
        f"{name}={client.cookies[name].value}" for name in names if name in client.cookies
    )
    return {"Cookie": cookie}
