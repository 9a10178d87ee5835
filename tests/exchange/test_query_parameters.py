"""Query parameters that make no sense are read strictly or ignored: never a server error.

(A NUL byte in the organisation page's search once reached PostgreSQL, which refuses it.)
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from organisation.models import OrgRole
from tests.factories import give_role

BAD = ["abc", "-1", "0", "99999999999999999999999", "1e309", "\x00", "x" * 5000, "١٢"]


@pytest.mark.parametrize("value", BAD)
def test_the_organisation_page_reads_any_page_and_search(org, as_user, value):
    give_role(org.olive, OrgRole.Role.ADMINISTRATOR)
    client = as_user(org.olive)
    assert client.get(reverse("organisation:page"), {"page": value}).status_code == 200
    assert client.get(reverse("organisation:page"), {"q": value}).status_code == 200


@pytest.mark.parametrize("value", BAD)
def test_the_overview_reads_any_sort(org, as_user, value):
    assert (
        as_user(org.margaret).get(reverse("monitoring:overview"), {"sort": value}).status_code
        == 200
    )


@pytest.mark.parametrize("value", BAD)
def test_the_live_stream_reads_any_position(meeting, org, as_user, value):
    response = as_user(org.fiona).get(reverse("meetings:live", args=[meeting.pk]), {"after": value})
    assert response.status_code < 500
