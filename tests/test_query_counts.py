"""Every page that lists or summarises does the same work however long the history.

The history is made by ``exchange.history`` (the scale benchmark's generator) at two
sizes, and every such page (each role's home page, the exchanges, agreements and
escalations lists, the managers' overview, a performance page, a live meeting, its
minutes and the admin's changelists) is loaded as its person at each: the number of
queries must be the same. Every page also runs under the N+1 guard (``tests/settings.py``).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from zeal.errors import NPlusOneError

from bench.bench_scale import _paths, _queries
from exchange import history
from meetings import views as meeting_views
from meetings.models import Meeting
from tests.nplusone import guard_reads


def queries_at(scale: float) -> dict[str, int]:
    """Each page's queries on a history of ``scale``, which is then undone."""
    savepoint = transaction.savepoint_create()
    try:
        history.generate(scale=scale, log=lambda line: None)
        meeting_views._page_regions.clear()
        return _queries(_paths())
    finally:
        transaction.savepoint_rollback(savepoint)
        meeting_views._page_regions.clear()


@pytest.mark.django_db
def test_every_listing_page_runs_the_same_queries_at_two_sizes_of_history():
    # 40 and 80 exchanges: every panel has something in it at both sizes.
    small, large = queries_at(0.004), queries_at(0.008)
    assert set(small) >= {"home_head", "home_manager", "overview", "meeting", "admin_events"}
    assert large == small


@pytest.mark.django_db
def test_a_page_that_loads_a_relation_once_per_row_fails(org, meeting):
    """The guard is on for every page the tests load."""
    assert "tests.nplusone.guard_reads" in settings.MIDDLEWARE
    for place in ("Room 2", "Room 3"):
        Meeting.objects.create(
            department_a=org.sales,
            department_b=org.finance,
            facilitator=org.priya,
            created_by=org.priya,
            scheduled_for=meeting.scheduled_for,
            place=place,
        )

    def careless_view(request):
        return HttpResponse(", ".join(m.department_a.name for m in Meeting.objects.all()))

    with pytest.raises(NPlusOneError):
        guard_reads(careless_view)(RequestFactory().get("/"))
