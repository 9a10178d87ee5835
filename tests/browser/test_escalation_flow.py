"""From escalating a request in the meeting to the arbiter's outcome in the SLA draft.

The facilitator escalates in the live meeting, proposes the arbiter; both heads
accept and agree to be bound; the arbiter keeps a note, records a session and
the facilitated outcome, which the meeting and the SLA draft then show.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from agreements.models import SLA, SLAService
from escalation.models import Escalation, State
from meetings import services as meeting_services
from meetings.demo import run_to_responding
from meetings.models import ItemStatus, Move, Origin
from tests.browser.conftest import audit
from tests.factories import item_data

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def impasse(transactional_db, org, meeting):
    """Finance's request at an impasse while Sales responds (step 7)."""
    run_to_responding(
        meeting,
        facilitator=org.priya,
        head_a=org.fiona,
        head_b=org.sam,
        needs_a=[item_data(service="Signed order forms")],
        needs_b=[item_data(service="Credit decisions in a day")],
    )
    item = meeting.need_lists.get(department=org.finance).items.get()
    meeting_services.response_no(
        meeting=meeting, by=org.sam, item_id=item.pk, reason="resources", explanation="No staff."
    )
    for kind, by, text in [
        (Move.Kind.CHALLENGE, org.fiona, "It takes minutes."),
        (Move.Kind.MAINTAIN, org.sam, "Still no staff."),
        (Move.Kind.ASK_OFFER, org.fiona, ""),
        (Move.Kind.NO_OFFER, org.sam, "Nothing this year."),
    ]:
        meeting_services.response_reply(
            meeting=meeting, by=by, item_id=item.pk, kind=kind, text=text
        )
    return item


def _finish_meeting(meeting, org, start) -> None:
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    request = meeting.need_lists.get(department=org.sales).items.get()
    meeting_services.response_yes(
        meeting=meeting, by=org.fiona, item_id=request.pk, start_date=start
    )
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    meeting_services.meeting_close(meeting=meeting, by=org.priya)


def test_escalation_from_the_meeting_to_the_outcome(new_page, live_server, org, meeting, impasse):
    base = live_server.url
    start = dt.date.today() + dt.timedelta(days=30)

    # The facilitator escalates the request in the live meeting.
    priya = new_page(org.priya)
    priya.goto(f"{base}/exchanges/{meeting.pk}/")
    priya.get_by_text("Escalate to an arbiter").click()
    priya.fill(f"#esc-{impasse.pk}", "No way forward in the room.")
    priya.get_by_role("button", name="Escalate").click()
    expect(priya.locator("body")).to_contain_text("Escalated")
    audit(priya)
    escalation = Escalation.objects.get(item=impasse)

    # The meeting goes on to its end: Finance answers Sales' request, and it closes.
    _finish_meeting(meeting, org, start)

    # ... then proposes the arbiter from the escalations list.
    priya.goto(f"{base}/escalations/")
    expect(priya.locator("body")).to_contain_text("Propose an arbiter")
    audit(priya)
    priya.get_by_role("link", name="Signed order forms").click()
    priya.get_by_role("link", name="Propose an arbiter").click()
    audit(priya)
    priya.select_option("#id_arbiter", label="Arthur Kemp")
    priya.get_by_role("button", name="Propose this arbiter").click()
    expect(priya.locator(".messages")).to_contain_text("The arbiter is proposed")
    audit(priya)

    # The arbiter cannot see it until both heads accept.
    arthur = new_page(org.arthur)
    response = arthur.goto(f"{base}/escalations/{escalation.pk}/")
    assert response.status == 403
    arthur.console_errors.clear()  # the refused page load is logged as an error

    # Both heads accept the arbiter, then agree to be bound.
    for head in (org.fiona, org.sam):
        page = new_page(head)
        page.goto(f"{base}/escalations/{escalation.pk}/agreement/")
        page.get_by_label("I accept this arbiter").check()
        audit(page)
        page.get_by_role("button", name="Send your answer").click()
        expect(page.locator(".messages")).to_contain_text("You accepted the arbiter")
    for head in (org.fiona, org.sam):
        page = new_page(head)
        page.goto(f"{base}/escalations/{escalation.pk}/agreement/")
        page.get_by_label(re.compile("agrees to be bound")).check()
        page.get_by_role("button", name="Record our agreement").click()
        expect(page.locator(".messages")).to_contain_text("agreement to be bound is recorded")
        audit(page)
    escalation.refresh_from_db()
    assert escalation.state == State.WITH_ARBITER

    # The arbiter reads the thread, keeps a note, records a session and the outcome.
    arthur.goto(f"{base}/escalations/{escalation.pk}/")
    expect(arthur.locator(".escalation-thread")).to_contain_text("Nothing this year.")
    audit(arthur)
    arthur.fill("#id_note-text", "Both sides want fewer disputed invoices.")
    arthur.get_by_role("button", name="Add the note").click()
    expect(arthur.locator("#escalation-notes")).to_contain_text("fewer disputed invoices")
    arthur.fill("#id_session-held_on", dt.date.today().isoformat())
    arthur.get_by_label("Fiona Marsh").check()
    arthur.get_by_label("Samira Okafor").check()
    arthur.fill("#id_session-notes", "Agreed a weekly batch of forms.")
    arthur.get_by_role("button", name="Record the session").click()
    expect(arthur.locator("#escalation-sessions")).to_contain_text("Agreed a weekly batch")
    arthur.get_by_label("Facilitated: the two sides").check()
    arthur.fill("#id_outcome-service", "Signed order forms, batched weekly")
    arthur.fill("#id_outcome-level", "Every Friday")
    arthur.fill("#id_outcome-start_date", start.isoformat())
    arthur.fill("#id_outcome-reasoning", "Both heads agreed a weekly batch.")
    arthur.get_by_role("button", name="Record the outcome").click()
    expect(arthur.locator(".messages")).to_contain_text("The outcome is recorded")
    expect(arthur.locator("#escalation-outcome")).to_contain_text(
        "Signed order forms, batched weekly (Every Friday)"
    )
    audit(arthur)

    # The request is agreed on the arbiter's terms, and the meeting shows it.
    impasse.refresh_from_db()
    assert impasse.status == ItemStatus.AGREED
    assert impasse.agreed_origin == Origin.ARBITER
    fiona = new_page(org.fiona)
    fiona.goto(f"{base}/exchanges/{meeting.pk}/")
    expect(fiona.locator("body")).to_contain_text("Signed order forms, batched weekly")
    audit(fiona)

    # ... and the SLA draft, made when the meeting closed, now carries the arbiter's terms.
    sla = SLA.objects.get(meeting=meeting)
    fiona.goto(f"{base}/agreements/{sla.pk}/")
    expect(fiona.locator("main")).to_contain_text("Signed order forms, batched weekly")
    expect(fiona.locator("main")).to_contain_text("Both heads agreed a weekly batch.")
    audit(fiona)
    service = SLAService.objects.get(version__sla=sla, need_item=impasse)
    assert (service.service, service.level, service.start_date) == (
        "Signed order forms, batched weekly",
        "Every Friday",
        start,
    )
    assert service.origin == Origin.ARBITER
    for page in (priya, arthur, fiona):
        assert page.console_errors == []
