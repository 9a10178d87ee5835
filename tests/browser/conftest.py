"""Playwright in a real Chromium, against pytest-django's live server.

Without a browser these tests skip with the reason, unless REQUIRE_BROWSER=1,
when they fail instead (CI sets it).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bench.servers import free_port
from meetings.live import hub as live_hub

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    path = _chromium_path()
    required = os.environ.get("REQUIRE_BROWSER") == "1"
    if path is None:
        if required:
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium was found (set CHROMIUM).")
        pytest.skip("No Chromium found (install chromium or set CHROMIUM) - browser tests skipped.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        if required:
            raise
        pytest.skip("Playwright is not installed.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# A refusal the page shows (a 400 from a form, a 403 or 409 from the rules) is logged by
# Chromium as a failed resource load; that is the product working, not a console error.
EXPECTED_REFUSAL = re.compile(
    r"^Failed to load resource: the server responded with a status of 4(00|03|04|09|22) "
)


def watch_console(page) -> None:
    """Collect the page's console errors (CSP refusals, script errors) on ``page.console_errors``."""
    page.console_errors = []

    def collect(message) -> None:
        if message.type == "error" and not EXPECTED_REFUSAL.match(message.text):
            page.console_errors.append(message.text)

    page.on("console", collect)
    page.on("pageerror", lambda error: page.console_errors.append(f"Uncaught: {error}"))


def console_errors_of(contexts) -> list[str]:
    return [
        f"{page.url}: {error}"
        for context in contexts
        for page in context.pages
        for error in getattr(page, "console_errors", [])
    ]


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def audit(page, *, overflow: bool = True) -> None:
    """axe-core on the page as it stands: no serious or critical violation (WCAG 2.2 AA).

    Also: the page does not scroll sideways. Call it on every state a test reaches.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: " + "; ".join(bad)
    if overflow:
        assert_no_sideways_scroll(page)


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    if width > viewport:
        culprits = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= limit + 0.5)
                .slice(0, 5)
                .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}px`)""",
            viewport,
        )
        pytest.fail(f"{page.url} scrolls {width - viewport}px sideways at {viewport}px: {culprits}")


@pytest.fixture
def new_page(browser, live_server, request):
    """``new_page(user)``: a fresh browser context, logged in as ``user``.

    The test fails if any page shows a console error (a CSP refusal, a script error).
    """
    contexts = []

    def make(user=None, *, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        watch_console(page)
        if user is not None:
            login(page, live_server.url, user.username)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    errors = console_errors_of(contexts)
    for index, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for n, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}-{n}.png"))
        context.close()
    if errors and not failed:
        pytest.fail("Console errors in the browser: " + "; ".join(errors))


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def asgi_server(transactional_db):
    config = uvicorn.Config(
        "exchange.asgi:application",
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("The ASGI test server did not start.")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    hub = live_hub.current_hub()
    if hub is not None:  # close its database connections before the test database goes
        asyncio.run_coroutine_threadsafe(live_hub.reset_hub(), hub.loop).result(10)
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def open_meeting(browser, asgi_server):
    """``open_meeting(user, meeting)``: a fresh browser context on the meeting page."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)  # a busy machine: updates arrive, if not at once
    contexts = []

    def make(user, meeting, *, width: int = 1280, height: int = 900, large_type: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        if large_type:  # as if the person had pressed "Large type" before
            context.add_init_script("window.localStorage.setItem('projector', '1')")
        contexts.append(context)
        page = context.new_page()
        watch_console(page)
        page.on("dialog", lambda dialog: dialog.accept())
        login(page, asgi_server, user.username)
        page.goto(f"{asgi_server}/exchanges/{meeting.pk}/")
        page.wait_for_selector("[data-live-url][data-live-state=open]")
        page.evaluate("window.notReloaded = true")
        return page

    yield make
    errors = console_errors_of(contexts)
    for context in contexts:
        context.close()
    expect.set_options(timeout=5_000)
    if errors:
        pytest.fail("Console errors in the browser: " + "; ".join(errors))


def login(page, base_url: str, username: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
