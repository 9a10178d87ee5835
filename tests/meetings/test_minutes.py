from __future__ import annotations

from django.urls import reverse

from meetings.models import Step
from tests.meetings.helpers import drive_to


def test_minutes_list_every_action_in_order(meeting, org, as_user):
    drive_to(meeting, org, Step.B_SUMMARISES)
    response = as_user(org.priya).get(reverse("meetings:minutes", args=[meeting.pk]))
    html = response.readable
    assert response.status_code == 200
    assert html.count("<h1") == 1
    descriptions = list(meeting.events.order_by("seq").values_list("description", flat=True))
    positions = [html.index(d.replace("’", "’").split(":")[0]) for d in descriptions[:5]]
    assert positions == sorted(positions)
    assert "Finance presents" in html and "Preparation" in html
    assert "Priya Nair moved the meeting on to “Opening: ground rules”." in html


def test_minutes_are_private_to_the_exchange(meeting, org, as_user):
    response = as_user(org.olive).get(reverse("meetings:minutes", args=[meeting.pk]))
    assert response.status_code == 403
