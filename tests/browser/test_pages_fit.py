"""Every page, as every role that sees it, on a 390x844 phone: no sideways scrolling and
no serious or critical axe finding. A few on the 1920x1080 projector with large type."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation import services as escalation_services
from escalation.models import Escalation
from meetings import services as meeting_services
from meetings.models import ItemStatus, Move, Step
from tests.agreements.conftest import make_ready_sla
from tests.browser.conftest import audit
from tests.factories import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def escalated(org) -> Escalation:
    """A second exchange whose request went to Arthur, accepted by both heads."""
    meeting = make_meeting(department_a=org.finance, department_b=org.sales, facilitator=org.priya)
    item = make_item(
        meeting.need_list_for(org.finance), "Signed order forms", presented_at=timezone.now()
    )
    Move.objects.create(
        item=item, kind=Move.Kind.NO, author=org.sam, reason="resources", text="Nobody free."
    )
    Move.objects.create(item=item, kind=Move.Kind.NO_OFFER, author=org.sam, text="Nothing yet.")
    item.status = ItemStatus.IMPASSE
    item.save()
    meeting.step, meeting.current_item = Step.B_RESPONDS, item
    meeting.save()
    meeting_services.item_escalate(meeting=meeting, by=org.priya, item_id=item.pk, note="Stuck.")
    escalation = Escalation.objects.get(item=item)
    escalation_services.escalation_propose_arbiter(
        escalation=escalation, by=org.priya, arbiter=org.arthur
    )
    for head in (org.fiona, org.sam):
        escalation_services.escalation_respond_to_arbiter(
            escalation=escalation, by=head, accept=True
        )
    escalation_services.escalation_consent(escalation=escalation, by=org.fiona)
    escalation.refresh_from_db()
    return escalation


def test_every_page_fits_a_phone_and_passes_axe_as_every_role(new_page, live_server, org, meeting):
    sla = make_ready_sla(meeting, org)  # the meeting is closed, its SLA ready to sign
    escalation = escalated(org)
    need_list = meeting.need_list_for(org.finance)
    common = [
        reverse("home"),
        reverse("meetings:list"),
        reverse("meetings:glossary"),
        reverse("agreements:list"),
        reverse("monitoring:overview"),
        reverse("escalation:list"),
    ]
    tour = {
        org.fiona: [
            *common,
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:minutes", args=[meeting.pk]),
            reverse("meetings:need_list", args=[meeting.pk, need_list.pk]),
            reverse("agreements:detail", args=[sla.pk]),
            reverse("escalation:detail", args=[escalation.pk]),
            reverse("escalation:heads", args=[escalation.pk]),
            reverse("password_change"),
        ],
        org.sam: [
            reverse("home"),
            reverse("agreements:detail", args=[sla.pk]),
            reverse("escalation:heads", args=[escalation.pk]),
        ],
        org.priya: [
            *common,
            reverse("meetings:schedule"),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:detail", args=[escalation.item.need_list.meeting_id]),
            reverse("escalation:detail", args=[escalation.pk]),
        ],
        org.arthur: [
            reverse("home"),
            reverse("escalation:list"),
            reverse("escalation:detail", args=[escalation.pk]),
            reverse("meetings:detail", args=[escalation.item.need_list.meeting_id]),
        ],
        org.margaret: [*common, reverse("agreements:detail", args=[sla.pk])],
        org.sean: [reverse("home"), reverse("meetings:detail", args=[meeting.pk])],
    }
    for user, paths in tour.items():
        page = new_page(user, width=390, height=844)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (user.username, path, response.status)
            audit(page)
        if user == org.fiona:  # the closed meeting's outcomes keep their terms on a phone
            page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
            terms = page.locator("table.outcomes td[data-label=Terms]").first
            box = terms.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert terms.inner_text().strip() not in ("", "—")

    page = new_page(org.margaret, width=1920, height=1080)
    page.evaluate("localStorage.setItem('projector', '1')")
    for path in (reverse("home"), reverse("agreements:detail", args=[sla.pk])):
        page.goto(live_server.url + path)
        assert "projector" in page.locator("html").get_attribute("class")
        audit(page)


def test_the_audit_itself_catches_faint_text_and_sideways_scrolling(new_page):
    """The checks above can fail: faint text and a too-wide element are caught."""
    page = new_page(None, width=390, height=844)
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#73838f;background:#f6f4ef">Waiting for Sales.</p></main></body></html>'
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        audit(page)
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<p style="width:500px">Wide</p></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception, match="sideways"):
        audit(page)
