"""The exchanges list: a page at a time, newest first."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lib import paging
from tests.factories import make_meeting


def test_the_list_is_read_a_page_at_a_time(org, as_user, meeting, monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 1)
    later = make_meeting(
        department_a=org.sales,
        department_b=org.operations,
        facilitator=org.priya,
        scheduled_for=timezone.now() + dt.timedelta(days=60),
    )
    client = as_user(org.priya)
    first = client.get(reverse("meetings:list")).content.decode()
    assert str(later) in first and reverse("meetings:detail", args=[meeting.pk]) not in first
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first and 'hx-get="?page=2"' in first
    second = client.get(reverse("meetings:list"), {"page": 2}).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in second
    assert 'href="?page=1"' in second


def test_a_page_past_the_end_shows_the_last(org, as_user, meeting):
    response = as_user(org.priya).get(reverse("meetings:list"), {"page": "99"})
    assert response.status_code == 200
    assert reverse("meetings:detail", args=[meeting.pk]) in response.content.decode()
