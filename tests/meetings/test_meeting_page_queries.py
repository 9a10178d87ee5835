"""The meeting page does the same work at any size, and its kept regions stay true.

The meetings are played through the real services (``bench.scenario``): every
request presented, questioned, summarised and answered with each kind of response,
counter-offer chains and escalations included.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import scenario
from escalation import services as escalation_services
from meetings import rules, selectors, services, views
from meetings.models import Meeting, NeedItem, Step

AUDIENCES = ["priya", "fiona", "fergus", "sam", "sean", "margaret"]


def played(org, requests: int) -> Meeting:
    meeting = scenario.build_exchange(org, requests - requests // 2, requests // 2)
    scenario.play(meeting, org, until=Step.B_RESPONDS, within=True)
    return meeting


def page_queries(as_user, person, meeting) -> tuple[int, str]:
    client = as_user(person)
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)
    views._page_regions.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.readable


@pytest.mark.django_db
def test_the_meeting_page_runs_the_same_queries_at_5_and_at_50_requests(org, as_user):
    small, large = played(org, 5), played(org, 50)
    for name in AUDIENCES:
        person = getattr(org, name)
        small_count, _ = page_queries(as_user, person, small)
        large_count, html = page_queries(as_user, person, large)
        assert small_count == large_count, name
        assert "Finance request 25: signed order forms" in html
    # Every move's author is named on the page, without a query each.
    assert "Samira Okafor" in html and "Fiona Marsh" in html


@pytest.mark.django_db
def test_the_kept_page_changes_with_the_meeting(org, as_user):
    meeting = played(org, 4)
    client = as_user(org.priya)
    url = reverse("meetings:detail", args=[meeting.pk])
    first = client.get(url).readable
    services.meeting_advance(meeting=meeting, by=org.priya)  # on to "A responds"
    meeting.refresh_from_db()
    after = client.get(url).readable
    heading = f'class="stage__step">{rules.step_label(meeting)}</h2>'
    assert heading in after and heading not in first


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_move_while_the_page_is_read_is_never_kept_stale(org, as_user, monkeypatch, moment):
    """The page reads what its regions depend on and the meeting apart: a move committed
    just before or just after the version is read shows on the next load at the latest."""
    meeting = played(org, 4)
    client = as_user(org.priya)
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)
    read_version = selectors.page_version

    def someone_moves(meeting_id):
        monkeypatch.setattr(selectors, "page_version", read_version)
        if moment == "after":
            version = read_version(meeting_id)
        services.meeting_advance(meeting=meeting, by=org.priya)  # on to "A responds"
        return version if moment == "after" else read_version(meeting_id)

    monkeypatch.setattr(selectors, "page_version", someone_moves)
    client.get(url)
    later = client.get(url).readable
    meeting.refresh_from_db()
    assert meeting.step == Step.A_RESPONDS
    assert f'class="stage__step">{rules.step_label(meeting)}</h2>' in later


@pytest.mark.django_db
def test_each_audience_gets_its_own_regions_and_its_own_csrf_token(org, as_user):
    meeting = played(org, 4)
    url = reverse("meetings:detail", args=[meeting.pk])
    chair = as_user(org.priya).get(url).readable
    member = as_user(org.fergus).get(url).readable
    assert "Next request" in chair and "Next request" not in member
    assert "Your head speaks for your department" in member
    assert views.CSRF_PLACEHOLDER not in chair
    assert 'name="csrfmiddlewaretoken"' in chair


@pytest.mark.django_db
def test_the_htmx_fragment_comes_from_the_same_kept_regions(org, as_user):
    meeting = played(org, 4)
    url = reverse("meetings:detail", args=[meeting.pk])
    client = as_user(org.sam)
    page = client.get(url).readable
    response = client.get(url, headers={"HX-Request": "true"})
    fragment = response.readable
    assert response.status_code == 200
    assert fragment.strip().startswith('<div id="meeting-live"') and "<html" not in fragment
    assert 'id="region-requests"' in fragment and 'id="region-requests"' in page
    assert "Sales responds to Finance's requests" in fragment
    assert views.CSRF_PLACEHOLDER not in fragment


@pytest.mark.django_db
def test_an_escalation_moving_on_refreshes_the_kept_page(org, as_user):
    meeting = played(org, 18)  # Finance's request 8 is escalated
    escalated = NeedItem.objects.filter(need_list__meeting=meeting, status="escalated").first()
    assert escalated is not None
    url = reverse("meetings:detail", args=[meeting.pk])
    client = as_user(org.priya)
    before = client.get(url).readable
    state = escalated.escalation.get_state_display().lower()
    assert state in before
    escalation_services.escalation_propose_arbiter(
        escalation=escalated.escalation, by=org.priya, arbiter=org.arthur
    )
    escalated.escalation.refresh_from_db()
    assert escalated.escalation.get_state_display().lower() in client.get(url).readable
