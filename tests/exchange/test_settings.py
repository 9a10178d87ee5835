"""Settings come from the environment: databases from URLs, a development key under VAR_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from exchange.settings import database_from_url

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter, its settings seeing ``env`` on a clean base."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "PRODUCTION", "DEBUG", "ALLOWED_HOSTS", "VAR_DIR"}
    }
    base["DJANGO_SETTINGS_MODULE"] = "exchange.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sqlite_url_with_an_absolute_path() -> None:
    config = database_from_url("sqlite:////srv/exchange/db.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/exchange/db.sqlite3"


def test_sqlite_url_with_a_relative_path() -> None:
    assert database_from_url("sqlite:///var/db.sqlite3")["NAME"] == "var/db.sqlite3"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_sqlite_url_without_a_path_is_in_memory(url) -> None:
    assert database_from_url(url)["NAME"] == ":memory:"


def test_postgres_url_gives_every_part() -> None:
    config = database_from_url(
        "postgres://exchange:p%40ss%2Fword@db.example.org:6543/exchange_prod?sslmode=require"
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "exchange_prod"
    assert config["USER"] == "exchange"
    assert config["PASSWORD"] == "p@ss/word"
    assert config["HOST"] == "db.example.org"
    assert config["PORT"] == 6543
    assert config["OPTIONS"]["sslmode"] == "require"


def test_postgres_connections_come_from_a_pool(monkeypatch) -> None:
    # Under ASGI each request runs in a thread of its own: only a pool reuses connections.
    monkeypatch.setenv("DATABASE_POOL_MAX", "4")
    config = database_from_url("postgres://postgres@127.0.0.1/exchange")

    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}
    assert config["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


def test_the_pool_can_be_turned_off(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_POOL", "0")
    monkeypatch.setenv("CONN_MAX_AGE", "60")
    config = database_from_url("postgres://postgres@127.0.0.1/exchange")

    assert "pool" not in config.get("OPTIONS", {})
    assert config["CONN_MAX_AGE"] == 60


def test_sqlite_has_no_pool() -> None:
    assert "pool" not in database_from_url("sqlite:///db.sqlite3").get("OPTIONS", {})


@pytest.mark.parametrize("scheme", ["postgresql", "pgsql"])
def test_postgres_url_aliases(scheme) -> None:
    config = database_from_url(f"{scheme}://postgres@127.0.0.1/exchange")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["NAME"]) == ("postgres", "", "exchange")


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/exchange")


def test_development_key_is_generated_under_var_dir_and_kept(tmp_path) -> None:
    first = run_settings(PRINT_KEY, VAR_DIR=str(tmp_path))
    second = run_settings(PRINT_KEY, VAR_DIR=str(tmp_path))

    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0, "the key file is readable by others"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip() == key
    assert second.stdout.strip() == key


def test_a_key_from_the_environment_wins_and_nothing_is_written(tmp_path) -> None:
    result = run_settings(PRINT_KEY, VAR_DIR=str(tmp_path), SECRET_KEY="k" * 60)

    assert result.stdout.strip() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_production_without_a_secret_key_refuses_to_start(tmp_path) -> None:
    result = run_settings(PRINT_KEY, VAR_DIR=str(tmp_path), PRODUCTION="1")

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_turns_debug_off_and_secures_cookies(tmp_path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.ALLOWED_HOSTS)"
    )
    result = run_settings(
        code,
        VAR_DIR=str(tmp_path),
        PRODUCTION="1",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="example.org",
    )

    assert result.stdout.strip() == "False True True ['example.org']", result.stderr


def test_mail_is_printed_in_development_and_sent_in_production(tmp_path) -> None:
    code = "from django.conf import settings as s; print(s.MAILERS['default']['BACKEND'])"
    development = run_settings(code, VAR_DIR=str(tmp_path))
    production = run_settings(
        code, VAR_DIR=str(tmp_path), PRODUCTION="1", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.org"
    )

    assert development.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    assert production.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_production_without_collected_static_files_refuses_to_start(tmp_path) -> None:
    """Once every page was a server error until collectstatic had run: now the web
    server does not start, and says what to run."""
    env = {
        "VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PRODUCTION": "1",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "x.org",
    }
    result = run_settings("import exchange.asgi", **env)
    assert result.returncode != 0
    assert "Run `python manage.py collectstatic --noinput`" in result.stderr
    collected = run_settings(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)",
        **env,
    )
    assert collected.returncode == 0, collected.stderr
    started = run_settings("import exchange.asgi, exchange.wsgi; print('ready')", **env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "ready"
