"""Facilitator and both heads run a small exchange, each in their own browser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.meetings.helpers import prepare

pytestmark = pytest.mark.django_db(transaction=True)


def test_three_people_run_an_exchange_from_opening_to_closing(org, meeting, new_page, live_server):
    prepare(meeting, org, a_needs=["Signed order forms"], b_needs=["Credit decisions in a day"])
    url = live_server.url + reverse("meetings:detail", args=[meeting.pk])
    priya, fiona, sam = new_page(org.priya), new_page(org.fiona), new_page(org.sam)
    for page in (priya, fiona, sam):
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(url)

    def advance(to: str) -> None:
        priya.reload()
        priya.get_by_role("button", name="Move on to").click()
        priya.locator(".stage__step", has_text=to).wait_for()

    def fresh(page):
        page.reload()
        return page

    advance("Opening: ground rules")
    for head in (fiona, sam):
        fresh(head).get_by_role("button", name="We acknowledge the ground rules").click()
        head.get_by_text("Ground rules acknowledged.").wait_for()

    advance("Finance presents")
    fresh(sam).get_by_label("Ask a clarifying question").fill("For new customers only?")
    sam.get_by_role("button", name="Ask", exact=True).click()
    sam.locator("#region-requests").get_by_text("For new customers only?").wait_for()
    fresh(fiona).get_by_placeholder("Your answer").fill("Yes, new customers.")
    fiona.get_by_role("button", name="Answer", exact=True).click()
    fiona.locator("#region-requests").get_by_text("Yes, new customers.").wait_for()

    advance("Sales summarises Finance's requests")
    fresh(sam).get_by_label("Restate this request in your own words").fill(
        "You need signed order forms with each contract."
    )
    sam.get_by_role("button", name="Submit the summary").click()
    sam.get_by_text("Summary written.").wait_for()
    fresh(fiona).get_by_role("button", name="That is right: confirm").click()
    fiona.get_by_text("Summary confirmed.").wait_for()

    advance("Sales presents")
    advance("Finance summarises Sales's requests")
    fresh(fiona).get_by_label("Restate this request in your own words").fill(
        "You need credit decisions within a day."
    )
    fiona.get_by_role("button", name="Submit the summary").click()
    fiona.get_by_text("Summary written.").wait_for()
    fresh(sam).get_by_role("button", name="That is right: confirm").click()
    sam.get_by_text("Summary confirmed.").wait_for()

    advance("Sales responds to Finance's requests")
    fresh(sam).locator("summary", has_text="Yes").first.click()
    sam.get_by_label("Starts on").fill("2027-01-04")
    yes_form = sam.locator("form", has=sam.get_by_label("Starts on"))
    yes_form.get_by_label("Who measures").fill("Sean Doyle")
    sam.get_by_role("button", name="Yes", exact=True).click()
    sam.get_by_text("Agreed: Signed order forms").wait_for()

    advance("Finance responds to Sales's requests")
    fresh(fiona).locator("summary", has_text="Make a counter-offer").click()
    fiona.get_by_label("Service we can offer instead").fill("Credit decisions within two days")
    fiona.get_by_label("At this level").fill("Two working days")
    fiona.get_by_label("Starting on").fill("2027-02-01")
    counter_form = fiona.locator("form", has=fiona.get_by_label("Starting on"))
    counter_form.get_by_label("Who measures").fill("Fergus Lane")
    fiona.get_by_role("button", name="Make a counter-offer").click()
    fiona.get_by_text("Waiting for Sales").wait_for()
    fresh(sam).locator("summary", has_text="Accept the counter-offer").click()
    sam.get_by_role("button", name="Accept the counter-offer").click()
    sam.get_by_text("Agreed: Credit decisions within two days").wait_for()

    advance("Closing: outcomes reviewed")
    priya.get_by_role("button", name="Close the meeting").click()
    priya.locator(".stage__step", has_text="Closed").wait_for()
    outcomes = priya.locator("table").inner_text()
    assert "Signed order forms" in outcomes and "Credit decisions in a day" in outcomes
    assert outcomes.count("Agreed") == 2
    for page in (priya, fiona, sam):
        assert page.console_errors == [], page.console_errors
