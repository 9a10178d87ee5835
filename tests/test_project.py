"""Guards that keep the project honest: migrations, deploy checks, every page, the CSP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisation.models import OrgRole
from tests.factories import give_role

BASE_DIR = Path(__file__).resolve().parent.parent

# Argument-less URLs that are not pages a facilitator reads: the admin has its
# own templates, signing out only answers POST, and a calendar download is .ics.
# Actions and redirects, not pages.
NOT_PAGES = {"logout", "calendar_download", "act", "sso_start", "sso_callback"}
# Pages for someone other than the facilitator.
HEADS_PAGES = {"meetings:call"}
ADMINISTRATORS_PAGES = {"organisation:page", "organisation:import"}
# The admin has its own templates; the measurements API answers JSON to a department's
# key, not pages to a person (tests/monitoring/test_api.py).
SKIP_NAMESPACES = {"admin", "api"}
# Left out of the production environment: DJANGO_ALLOW_ASYNC_UNSAFE is for the browser tests.
NOT_IN_PRODUCTION = {
    "DEBUG",
    "DATABASE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


class PageParser(HTMLParser):
    """Collects what the guards look at: headings, scripts, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.h1_count = 0
        self.has_html = False
        self.scripts: list[dict[str, str | None]] = []
        self.style_elements = 0
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "h1":
            self.h1_count += 1
        elif tag == "html":
            self.has_html = True
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "style":
            self.style_elements += 1
        if "style" in attributes:
            self.style_attributes.append(tag)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def argumentless_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIP_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if not pattern.pattern.converters:
                    walk(pattern.url_patterns, inner)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.pattern.converters
                and pattern.name not in NOT_PAGES
            ):
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_no_migrations_are_pending(db) -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")


def test_deploy_check_passes_with_production_settings(tmp_path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_PRODUCTION}
    env.update(
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_page_list_covers_the_main_pages() -> None:
    names = argumentless_url_names()
    for expected in ["home", "login", "password_change", "meetings:list", "meetings:schedule"]:
        assert expected in names


@pytest.mark.parametrize("name", argumentless_url_names())
def test_every_page_renders_for_a_facilitator_with_one_h1(name, org, meeting, as_user) -> None:
    if name in ADMINISTRATORS_PAGES:
        give_role(org.priya, OrgRole.Role.ADMINISTRATOR)
    # Calling an exchange is a head's page (a facilitator schedules one instead).
    reader = org.fiona if name in HEADS_PAGES else org.priya
    response = as_user(reader).get(reverse(name))

    assert response.status_code == 200, f"{name} answered {response.status_code}"
    assert parse(response.content.decode()).h1_count == 1


def pages_to_inspect(org, meeting) -> list[tuple[object, str]]:
    finance_list = meeting.need_list_for(org.finance)
    return [
        (None, reverse("login")),
        (org.priya, reverse("home")),
        (org.priya, reverse("meetings:list")),
        (org.priya, reverse("meetings:schedule")),
        (org.priya, reverse("meetings:detail", args=[meeting.pk])),
        (org.priya, reverse("meetings:minutes", args=[meeting.pk])),
        (org.fiona, reverse("meetings:need_list", args=[meeting.pk, finance_list.pk])),
        (org.fiona, reverse("password_change")),
        (org.sam, reverse("meetings:need_list", args=[meeting.pk, finance_list.pk])),  # 403 page
    ]


def test_pages_send_a_strict_content_security_policy(org, meeting, client) -> None:
    for user, url in pages_to_inspect(org, meeting):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        directives = {
            part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
        }

        assert "script-src" in directives, f"{url}: no script-src in {policy!r}"
        assert "'unsafe-inline'" not in directives["script-src"], url
        assert "'unsafe-eval'" not in directives["script-src"], url
        assert "'unsafe-inline'" not in directives.get("style-src", []), url


def test_pages_have_no_inline_script_without_the_nonce_and_no_inline_styles(
    org, meeting, client
) -> None:
    for user, url in pages_to_inspect(org, meeting):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        page = parse(response.content.decode())

        assert page.has_html, url
        assert page.scripts, f"{url}: expected htmx and app.js"
        for script in page.scripts:
            if script.get("src"):
                continue
            nonce = script.get("nonce")
            assert nonce, f"{url}: inline <script> without a nonce"
            assert f"'nonce-{nonce}'" in policy, f"{url}: script nonce not in the policy"
        assert page.style_elements == 0, f"{url}: <style> element (style-src is 'self' only)"
        assert page.style_attributes == [], f"{url}: inline style on {page.style_attributes}"
