"""A head calls an exchange with no facilitator and chairs it, in the browser, to the signed SLA.

Fiona (head of Finance) calls; Samira (head of Sales) accepts the time; both
prepare one request; Fiona chairs every step from preparation to the close;
both sign the agreement, whose sign button shows once nothing is missing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import SLA, VersionStatus
from meetings.models import Meeting, Step
from tests.browser.conftest import audit
from tests.browser.test_need_list_browser import add_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_calls_chairs_and_both_sign_without_a_facilitator(org, new_page, live_server):
    from playwright.sync_api import expect

    fiona, sam = new_page(org.fiona), new_page(org.sam)
    for page in (fiona, sam):
        page.on("dialog", lambda dialog: dialog.accept())

    # Fiona calls the exchange with Sales.
    fiona.goto(live_server.url + reverse("meetings:list"))
    fiona.get_by_role("link", name="Call an exchange").click()
    when = timezone.localtime(timezone.now() + dt.timedelta(days=7)).replace(hour=10, minute=0)
    fiona.get_by_label("With the department (B)").select_option(label="Sales")
    fiona.get_by_label("Proposed date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    fiona.get_by_label("Place or link").fill("Board room")
    audit(fiona)
    fiona.get_by_role("button", name="Call the exchange").click()
    expect(fiona.locator("#proposal")).to_contain_text("It waits for Sales to accept the time")
    meeting = Meeting.objects.get()
    url = live_server.url + reverse("meetings:detail", args=[meeting.pk])
    assert meeting.facilitator is None and meeting.is_proposed

    # Samira accepts the time.
    sam.goto(url)
    sam.get_by_role("button", name="Accept this time and place").click()
    expect(sam.get_by_text("Time and place accepted")).to_be_visible()

    # Both prepare one request and mark their lists ready.
    for page, department, need in (
        (fiona, org.finance, "Signed order forms with every contract"),
        (sam, org.sales, "Credit decisions within a day"),
    ):
        need_list = meeting.need_list_for(department)
        page.goto(live_server.url + reverse("meetings:need_list", args=[meeting.pk, need_list.pk]))
        add_need(page, need, "2000", "20000")
        page.get_by_role("button", name="Mark the list ready").click()
        expect(page.locator("#workspace")).to_contain_text("Marked ready.")

    def fresh(page):
        page.goto(url)
        return page

    def advance(to: str) -> None:
        fresh(fiona).get_by_role("button", name="Move on to").click()
        fiona.locator(".stage__step", has_text=to).wait_for()

    # Fiona chairs: Samira sees whose move it is, and no chair's controls.
    expect(fresh(sam).locator(".waiting")).to_contain_text(
        "Fiona Marsh (head of Finance, chairing)"
    )
    assert sam.locator("#chair-controls").count() == 0
    expect(fresh(fiona).locator("#chair-controls")).to_be_visible()
    audit(fiona)

    advance("Opening: ground rules")
    for head in (fiona, sam):
        fresh(head).get_by_role("button", name="We acknowledge the ground rules").click()
        head.get_by_text("Ground rules acknowledged.").wait_for()

    advance("Finance presents")
    advance("Sales summarises Finance's requests")
    fresh(sam).get_by_label("Restate this request in your own words").fill(
        "You need signed order forms with each contract."
    )
    sam.get_by_role("button", name="Submit the summary").click()
    sam.get_by_text("Summary written.").wait_for()
    fresh(fiona).get_by_role("button", name="That is right: confirm").click()
    fiona.get_by_text("Summary confirmed.").wait_for()

    advance("Sales presents")
    advance("Finance summarises Sales' requests")
    fresh(fiona).get_by_label("Restate this request in your own words").fill(
        "You need credit decisions within a day."
    )
    fiona.get_by_role("button", name="Submit the summary").click()
    fiona.get_by_text("Summary written.").wait_for()
    fresh(sam).get_by_role("button", name="That is right: confirm").click()
    sam.get_by_text("Summary confirmed.").wait_for()

    for step, responder, measurer, service in (
        ("Sales responds to Finance's requests", sam, "Sean Doyle", "Signed order forms"),
        ("Finance responds to Sales' requests", fiona, "Fergus Lane", "Credit decisions"),
    ):
        advance(step)
        fresh(responder).locator("summary", has_text="Yes").first.click()
        responder.get_by_label("Starts on").fill("2027-01-04")
        form = responder.locator("form", has=responder.get_by_label("Starts on"))
        form.get_by_label("Who measures").fill(measurer)
        responder.get_by_role("button", name="Yes", exact=True).click()
        responder.get_by_text(f"Agreed: {service}").wait_for()

    advance("Closing: outcomes reviewed")
    fiona.get_by_role("button", name="Close the meeting").click()
    fiona.locator(".stage__step", has_text="Closed").wait_for()
    meeting.refresh_from_db()
    assert meeting.step == Step.CLOSED and meeting.facilitator is None

    # The agreement needs nothing more: the sign button shows, and both heads sign.
    sla = SLA.objects.get(meeting=meeting)
    sla_url = live_server.url + reverse("agreements:detail", args=[sla.pk])
    for page in (fiona, sam):
        page.goto(sla_url)
        assert page.locator("#sign-waits").count() == 0
        assert "needs who measures" not in page.inner_text("main")
        page.fill("#id_password", org.password)
        page.get_by_role("button", name="Sign the agreement").click()
        page.wait_for_selector("text=You signed.")
    sam.wait_for_selector("text=Both heads have now signed")
    audit(sam)
    version = sla.versions.get()
    assert version.status == VersionStatus.SIGNED
    assert {s.signer for s in version.signatures.all()} == {org.fiona, org.sam}
    for page in (fiona, sam):
        assert page.console_errors == [], page.console_errors
