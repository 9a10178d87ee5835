"""The meeting in the room: on the projector, on phones, by keyboard, checked by axe.

Three people at once on the live server: the chair on a 1920x1080 projector with
large type, both heads on 390x844 phones. Screenshots of each state go to the
temporary directory (ROOM_SCREENSHOTS to choose another), never into the project.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from meetings.models import Step
from tests.browser.conftest import audit
from tests.meetings.helpers import drive_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("ROOM_SCREENSHOTS") or tempfile.gettempdir()) / "room-screens"
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080, "large_type": True}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_first_screen(page, locator) -> None:
    """``locator`` is wholly inside the first screen of the page (scrolled to the top)."""
    page.evaluate("window.scrollTo(0, 0)")
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (
        f"{locator} spans y={box['y']:.0f}-{box['y'] + box['height']:.0f}, "
        f"the screen is {viewport['height']}px high"
    )
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


def focused(page) -> str:
    """What has the keyboard focus: "BODY", or the element's tag, id and text."""
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e === document.body ? 'BODY' : `${e.tagName}#${e.id} ${e.textContent.trim().slice(0, 60)}`; })()"
    )


def focus_settles(page, prefix: str) -> None:
    """Wait (up to 5 s) until the focus is on an element described as starting with prefix.

    htmx restores the focus after the swap has settled, a moment after the new text shows.
    """
    try:
        page.wait_for_function(
            "(prefix) => { const e = document.activeElement;"
            " const d = e === document.body ? 'BODY' : `${e.tagName}#${e.id} ${e.textContent.trim().slice(0, 60)}`;"
            " return d.startsWith(prefix); }",
            arg=prefix,
            timeout=5000,
        )
    except Exception:
        raise AssertionError(f"focus is on {focused(page)!r}, not on {prefix!r}…") from None


def banners(*pages) -> list[bool]:
    return [page.locator("#your-move").count() == 1 for page in pages]


def test_the_room_on_the_projector_and_on_phones(open_meeting, meeting, org):
    from playwright.sync_api import expect

    drive_to(meeting, org, Step.B_RESPONDS)  # Sales answers Finance's requests
    priya = open_meeting(org.priya, meeting, **PROJECTOR)
    sam = open_meeting(org.sam, meeting, **PHONE)
    fiona = open_meeting(org.fiona, meeting, **PHONE)

    # The projector: step, whose move, the request and the chair's next action on one screen.
    assert "projector" in priya.locator("html").get_attribute("class")
    expect(priya.locator("[data-toggle-projector]")).to_have_attribute("aria-pressed", "true")
    for part in (
        priya.locator(".stage__step"),
        priya.locator(".waiting"),
        priya.locator(".request--current .request__title"),
        priya.locator(".request--current .request__facts dl"),
        priya.get_by_role("button", name="Next request"),
    ):
        in_first_screen(priya, part)
    expect(priya.locator(".waiting")).to_contain_text("Waiting for Samira Okafor (head of Sales)")
    audit(priya)
    shot(priya, "projector-chair-waiting")

    # Sam's phone: the banner says what to do, the request and Sam's moves are on screen.
    expect(sam.locator("#your-move")).to_contain_text("Answer “Signed order forms”")
    shot(sam, "phone-sales-head-your-move")
    assert sam.title().startswith("Your move · ")
    assert "favicon-move" in sam.locator("link[rel=icon]").get_attribute("href")
    in_first_screen(sam, sam.locator("#your-move"))
    in_first_screen(sam, sam.locator(".request--current .request__title"))
    for move in ("Yes", "Make a counter-offer", "No, with reasons"):
        in_first_screen(sam, sam.locator(".request--current summary", has_text=move))
    audit(sam)

    # Fiona's phone: whom the meeting waits for, by name; no banner, a plain title.
    expect(fiona.locator(".waiting")).to_contain_text("Samira Okafor (head of Sales)")
    in_first_screen(fiona, fiona.locator(".request--current .request__title"))
    assert not fiona.title().startswith("Your move")
    audit(fiona)
    shot(fiona, "phone-finance-head-waiting")
    assert banners(priya, sam, fiona) == [False, True, False]

    # Fiona reads the step's help; Sam makes a counter-offer from the phone.
    fiona.locator("#step-help-toggle").focus()
    sam.locator(".request--current summary", has_text="Make a counter-offer").click()
    request = sam.locator(".request--current")
    request.get_by_label("Service we can offer instead").fill("Signed order forms within a week")
    request.get_by_label("At this level").fill("95% within five working days")
    request.get_by_label("Starting on").fill("2027-02-01")
    request.locator("input[id^='c-m-'][name=measured_by]").fill("Fergus Lane")  # who measures
    audit(sam)
    request.get_by_role("button", name="Make a counter-offer").click()
    expect(sam.locator(".waiting")).to_contain_text("Fiona Marsh (head of Finance)")

    # After the htmx swap Sam's focus is on the request just worked on, not lost.
    focus_settles(sam, "DIV#moves-")
    # After the live update Fiona's focus is where it was, and the move is hers now.
    expect(fiona.locator("#your-move")).to_contain_text("Accept or reject Sales' counter-offer")
    shot(fiona, "phone-finance-head-your-move")
    focus_settles(fiona, "SUMMARY#step-help-toggle")
    expect(fiona).to_have_title(re.compile(r"^Your move · "))
    assert "favicon-move" in fiona.locator("link[rel=icon]").get_attribute("href")
    expect(sam).not_to_have_title(re.compile(r"^Your move"))
    in_first_screen(
        fiona, fiona.locator(".request--current summary", has_text="Accept the counter-offer")
    )
    assert banners(priya, sam, fiona) == [False, False, True]
    audit(fiona)
    audit(sam)
    shot(sam, "phone-sales-head-after-counter-offer")

    # Fiona accepts; the move goes to the chair, whose screen says so with the control.
    fiona.locator(".request--current summary", has_text="Accept the counter-offer").click()
    fiona.locator(".request--current").get_by_role(
        "button", name="Accept the counter-offer"
    ).click()
    expect(priya.locator("#your-move")).to_contain_text("Move to the next request.")
    assert banners(priya, sam, fiona) == [True, False, False]
    in_first_screen(priya, priya.locator("#your-move"))
    audit(priya)
    shot(priya, "projector-chair-your-move")


def test_the_chair_by_keyboard_and_everyone_following(open_meeting, meeting, org):
    from playwright.sync_api import expect

    drive_to(meeting, org, Step.A_PRESENTS)
    priya = open_meeting(org.priya, meeting, **PROJECTOR)
    sam = open_meeting(org.sam, meeting, **PHONE)
    current = "#region-requests .request--current .request__title"
    expect(sam.locator(current)).to_contain_text("Signed order forms")

    # A single key does nothing, on a link or anywhere: shortcuts need Alt+Shift.
    priya.get_by_role("link", name="Minutes", exact=True).focus()
    priya.keyboard.press("n")
    priya.wait_for_timeout(300)
    expect(priya.locator(current)).to_contain_text("Signed order forms")

    # "?" lists the shortcuts; Escape closes the list.
    priya.locator("h1").click()
    priya.keyboard.press("Shift+Slash")
    dialog = priya.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-toggle-shortcuts]")).to_have_attribute("aria-pressed", "true")
    audit(priya)
    shot(priya, "projector-shortcuts")
    priya.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Sam stops following the chair to read the other request further down.
    sam.get_by_role("button", name="Follow the chair").click()
    expect(sam.get_by_role("button", name="Follow the chair")).to_have_attribute(
        "aria-pressed", "false"
    )

    # Alt+Shift+N: the next request, on the chair's screen and, live, on Sam's.
    priya.get_by_role("button", name="Next request").focus()
    priya.keyboard.press("Alt+Shift+N")
    expect(priya.locator(current)).to_contain_text("Monthly sales forecast")
    expect(sam.locator(current)).to_contain_text("Monthly sales forecast")
    focus_settles(priya, "BUTTON# Next request")
    audit(sam)
    shot(sam, "phone-sales-head-presenting")

    # Following again: the next move of the chair brings the current request into view.
    sam.get_by_role("button", name="Follow the chair").click()
    sam.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    priya.keyboard.press("Alt+Shift+P")
    expect(sam.locator(current)).to_contain_text("Signed order forms")
    sam.wait_for_function(
        "document.querySelector('.request--current').getBoundingClientRect().top < innerHeight"
    )

    # Only the request being discussed takes questions.
    expect(sam.locator(".request--current textarea[name=text]")).to_have_count(1)
    expect(sam.locator(".request:not(.request--current) textarea[name=text]")).to_have_count(0)
