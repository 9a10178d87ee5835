"""Real processes against the test database: the worker command, a signing 'web' process.

For tests that need PostgreSQL (a database other processes can reach). Each
process runs in its own process group, so a kill stops its children too (the
PDF render process among them).
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def environment(settings_dict: dict, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings_dict),
        "VAR_DIR": str(settings.VAR_DIR),  # the same development signing key
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update(extra)
    return env


class Process:
    """A child Python process whose output is collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line)
            self._queue.put(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if marker in line:
                return
            if self.popen.poll() is not None and self._queue.empty():
                break
        raise AssertionError(f"{marker!r} never came. Output:\n{self.output}")

    def kill(self) -> None:
        """SIGKILL the whole process group, as the kernel's OOM killer or a power cut would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        # the render process's group-mates, if any outlived it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)


def python(code: str, env: dict[str, str]) -> Process:
    """Run ``code`` after ``django.setup()`` in a new process."""
    prelude = "import django\ndjango.setup()\n"
    return Process(["-c", prelude + code], env)


def worker(env: dict[str, str], *args: str, patch: str = "") -> Process:
    """The real worker command (``manage.py worker``), after an optional ``patch``."""
    code = (
        patch
        + "\nfrom django.core.management import call_command\n"
        + f"call_command('worker', '--no-startup-delay', '--interval', '0.2', *{list(args)!r})\n"
    )
    return python(code, env)
