"""The benchmarks' database: a throwaway one beside the one ``DATABASE_URL`` names.

As the test runner makes ``test_<name>``, a benchmark makes ``<name>_bench`` on the
same server (dropped and recreated, so it never touches the data you work with),
migrates it and sets Django up on it. With ``DATABASE_URL`` on PostgreSQL every
benchmark runs on PostgreSQL. Without it, benchmarks that can run on SQLite use a
file in a temporary folder; those that need PostgreSQL (several server processes
hearing each other through LISTEN/NOTIFY) use ``DEFAULT_POSTGRES``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/exchange"


def is_postgres(url: str) -> bool:
    return urlparse(url).scheme in {"postgres", "postgresql", "pgsql"}


def bench_url(*, postgres: bool = False) -> str:
    """The URL of the benchmark's own database (not yet created)."""
    url = os.environ.get("DATABASE_URL", "")
    if postgres and not is_postgres(url):
        url = DEFAULT_POSTGRES
    if url and is_postgres(url):
        parsed = urlparse(url)
        name = parsed.path.lstrip("/") or "exchange"
        if not name.endswith("_bench"):
            name = f"{name}_bench"
        return parsed._replace(path=f"/{name}").geturl()
    folder = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def recreate(url: str) -> None:
    """An empty database at ``url`` (PostgreSQL: dropped and created; SQLite: a new file)."""
    parsed = urlparse(url)
    if not is_postgres(url):
        Path(parsed.path).unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(*, postgres: bool = False, settings: str = "bench.settings") -> str:
    """Create, migrate and set Django up on the benchmark's database; its URL.

    Call it once, first thing, in the process that runs a benchmark (``python -m
    bench`` gives each benchmark module a process of its own).
    """
    from django.conf import settings as django_settings

    if django_settings.configured:
        return os.environ["DATABASE_URL"]
    url = bench_url(postgres=postgres)
    recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not is_postgres(url):
        os.environ.setdefault("VAR_DIR", str(Path(urlparse(url).path).parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url
