"""The meeting opens; a head's home page shows "Join now", and it leads into the live meeting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import audit
from tests.meetings.helpers import prepare

pytestmark = pytest.mark.django_db(transaction=True)


def test_join_now_takes_a_head_from_home_into_the_live_meeting(org, meeting, new_page, live_server):
    prepare(meeting, org, a_needs=["Signed order forms"], b_needs=["Credit decisions in a day"])
    priya, sam = new_page(org.priya), new_page(org.sam)
    sam.goto(live_server.url + reverse("home"))
    assert sam.get_by_role("link", name="Join now").count() == 0  # not open yet

    priya.on("dialog", lambda dialog: dialog.accept())
    priya.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    priya.get_by_role("button", name="Move on to").click()
    priya.locator(".stage__step", has_text="Opening: ground rules").wait_for()

    sam.goto(live_server.url + reverse("home"))
    sam.get_by_role("heading", name="Live now").wait_for()
    audit(sam)
    sam.get_by_role("link", name="Join now").click()
    sam.wait_for_url(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    sam.locator(".stage__step", has_text="Opening: ground rules").wait_for()
    sam.get_by_role("button", name="We acknowledge the ground rules").click()
    sam.get_by_text("Ground rules acknowledged.").wait_for()
