"""Live meeting screens in real browsers: everyone follows without reloading.

The event stream needs an ASGI server (pytest-django's live server is WSGI), so
these tests run uvicorn in a thread of the test process: it shares the test
database, SQLite or PostgreSQL.
"""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from meetings.live import hub as live_hub
from meetings.models import Step
from tests.meetings.helpers import drive_to, prepare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(action) -> None:
    """Do ``action``, again if SQLite's shared in-memory test database was busy.

    (Only the test database: its connections share one cache, where a reader
    makes a writer fail at once instead of waiting.)
    """
    for attempt in range(10):
        try:
            action()
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 9:
                raise
            time.sleep(0.2)


def current_step(page):
    return page.locator("#region-stage .steps li.is-current")


def test_everyone_follows_the_meeting_without_reloading(open_meeting, meeting, org):
    from playwright.sync_api import expect

    prepare(meeting, org)
    priya = open_meeting(org.priya, meeting)
    fiona = open_meeting(org.fiona, meeting)
    sam = open_meeting(org.sam, meeting)

    # The facilitator sees who is connected.
    presence = priya.locator("#region-presence")
    expect(presence).to_contain_text("Fiona Marsh")
    expect(presence).to_contain_text("Samira Okafor")

    # The facilitator advances; the participants' pages change without a reload.
    priya.get_by_role("button", name="Move on to").click()
    expect(current_step(sam)).to_contain_text("Opening")
    expect(current_step(fiona)).to_contain_text("Opening")

    settled(lambda: drive_to(meeting, org, Step.A_PRESENTS))  # acknowledge, move on
    expect(current_step(sam)).to_contain_text("presents")

    # A clarifying question by Sales' head appears on Finance's head's screen.
    question = "Which order forms count as complete?"
    sam.locator("#region-requests textarea[name=text]").first.fill(question)
    sam.get_by_role("button", name="Ask", exact=True).first.click()
    expect(fiona.locator("#region-requests")).to_contain_text(question)
    expect(priya.locator("#region-requests")).to_contain_text(question)

    for page in (priya, fiona, sam):
        assert page.evaluate("window.notReloaded") is True
        assert page.console_errors == []


def test_a_draft_survives_an_update_to_the_region_being_typed_in(open_meeting, meeting, org):
    from playwright.sync_api import expect

    prepare(meeting, org)
    drive_to(meeting, org, Step.A_PRESENTS)
    priya = open_meeting(org.priya, meeting)
    sam = open_meeting(org.sam, meeting)

    field = sam.locator("#region-requests textarea[name=text]").first
    field.click()
    field.type("Half a question")
    priya.get_by_role("button", name="Next request").click()
    expect(priya.locator("#region-requests .request--current")).to_contain_text(
        "Monthly sales forecast"
    )

    # Sam is typing: the region is not swapped under them, just marked as updated.
    expect(sam.locator("#region-requests .live-note")).to_be_visible()
    expect(sam.locator("#region-requests .request--current")).to_contain_text("Signed order forms")
    assert field.input_value() == "Half a question"

    # Leaving the field brings the update in, and the draft stays.
    sam.locator("h1").click()
    expect(sam.locator("#region-requests .request--current")).to_contain_text(
        "Monthly sales forecast"
    )
    expect(sam.locator("#region-requests .live-note")).to_have_count(0)
    assert sam.locator("#region-requests textarea[name=text]").first.input_value() == (
        "Half a question"
    )
    assert sam.evaluate("window.notReloaded") is True


def end_every_stream() -> None:
    """The server drops every live stream (as a restart or a network blip would)."""
    hub = live_hub.current_hub()
    for room in list(hub.rooms.values()):
        for subscriber in list(room.subscribers):
            hub.loop.call_soon_threadsafe(subscriber.queue.put_nowait, live_hub.CLOSE)


def test_a_dropped_screen_says_so_and_catches_up_when_back(open_meeting, meeting, org):
    from playwright.sync_api import expect

    prepare(meeting, org)
    sam = open_meeting(org.sam, meeting)
    status = sam.locator("#live-status")
    expect(status).to_be_hidden()

    sam.route("**/live/**", lambda route: route.abort())
    end_every_stream()
    expect(status).to_be_visible()
    expect(status).to_have_text("Reconnecting…")

    settled(lambda: drive_to(meeting, org, Step.OPENING))  # happens while Sam is away
    sam.unroute("**/live/**")
    expect(current_step(sam)).to_contain_text("Opening", timeout=30_000)
    expect(status).to_be_hidden()
    assert sam.evaluate("window.notReloaded") is True
