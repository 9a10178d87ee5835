"""Kept and live regions of the meeting page go out without the templates' indentation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bench import scenario
from meetings import views
from meetings.models import Step
from meetings.templatetags.meeting_tags import compact


def test_blank_space_between_tags_becomes_one_line_break():
    html = "<ul>\n      \n  <li>One</li>\n\n\t<li>Two</li>\n</ul>"
    assert compact(html) == "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>"


def test_what_people_wrote_is_left_as_it_is():
    html = (
        "<p>Line one\n\n    line two</p>\n   <textarea>  keep\n\n  this  </textarea>"
        "<span>a</span> <span>b</span>"
    )
    # Only blank space between two tags, holding a line break, is touched.
    assert compact(html) == (
        "<p>Line one\n\n    line two</p>\n<textarea>  keep\n\n  this  </textarea>"
        "<span>a</span> <span>b</span>"
    )


@pytest.mark.django_db
def test_the_meeting_page_reads_the_same_and_is_smaller(org, as_user):
    meeting = scenario.build_exchange(org, 3, 3)
    scenario.play(meeting, org, until=Step.B_RESPONDS, within=True)
    response = as_user(org.priya).get(reverse("meetings:detail", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "\n    \n" not in html[html.index('id="meeting-live"') :]
    assert "Finance request 2: signed order forms" in response.readable
    # The live updates' regions go out the same way.
    for region in views.render_regions(meeting.pk, "facilitator").values():
        assert compact(region) == region
        assert "\n    \n" not in region
