"""The meeting and home pages lead to the escalations people may follow."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from meetings import services
from meetings.models import Move, Step
from tests.meetings.helpers import drive_to, items_of


def escalate_first(meeting, org):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    services.response_counter(
        meeting=meeting,
        by=org.sam,
        item_id=item.pk,
        service="Weekly batch",
        level="Fridays",
        start_date=dt.date(2027, 1, 4),
    )
    services.response_reply(
        meeting=meeting, by=org.fiona, item_id=item.pk, kind=Move.Kind.REJECT_COUNTER, text="No."
    )
    services.item_escalate(meeting=meeting, by=org.priya, item_id=item.pk)
    item.refresh_from_db()
    return item


def test_an_escalated_request_links_to_its_escalation(meeting, org, as_user):
    item = escalate_first(meeting, org)
    page = as_user(org.fiona).get(reverse("meetings:detail", args=[meeting.pk])).readable
    assert reverse("escalation:detail", args=[item.escalation.pk]) in page
    assert "follow the escalation" in page


def test_the_facilitator_sees_the_escalation_to_act_on_at_home(meeting, org, as_user):
    escalate_first(meeting, org)
    home = as_user(org.priya).get(reverse("home")).readable
    assert "Escalations" in home and "Signed order forms" in home
    assert "For you:" in home
    assert "Signed order forms" not in as_user(org.olive).get(reverse("home")).readable
