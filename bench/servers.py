"""Start real app server processes (uvicorn) for the live benchmark and tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A ``DATABASE_URL`` for a Django PostgreSQL settings entry."""
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def _wait_until_up(server: Server, timeout: float = 120) -> None:
    """Until the server answers; generous, as a busy shared machine starts it slowly."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The server on port {server.port} exited.")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{server.port}/accounts/login/", timeout=15
            ):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"The server on port {server.port} did not start.")


@contextlib.contextmanager
def running_servers(
    count: int, *, database_url: str, log=None, env: dict[str, str] | None = None
) -> Iterator[list[Server]]:
    """``count`` uvicorn processes serving the app against ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **(env or {})}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    servers = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "exchange.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                    "--timeout-graceful-shutdown",
                    "2",
                ],
                cwd=ROOT,
                env=env,
                stdout=log or subprocess.DEVNULL,
                stderr=log or subprocess.DEVNULL,
            )
            servers.append(Server(port, process))
        for server in servers:
            _wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(5)
