"""The meeting minutes as PDF, for whoever can see the meeting."""

from __future__ import annotations

from django.urls import reverse

from agreements import pdf
from meetings.models import Event
from meetings.rules import Role


def minutes_url(meeting):
    return reverse("agreements:minutes_pdf", args=[meeting.pk])


def record(meeting, seq, actor, description):
    Event.objects.create(
        meeting=meeting,
        seq=seq,
        actor=actor,
        step=meeting.step,
        kind="note",
        description=description,
    )


def test_the_minutes_list_every_event_in_order(closed_meeting, org):
    record(closed_meeting, 1, org.priya, "Priya opened the meeting.")
    record(closed_meeting, 2, None, "The arbiter's outcome was recorded.")
    html = pdf.minutes_html(closed_meeting, Role.OBSERVER)
    assert html.index("Priya opened the meeting.") < html.index("outcome was recorded")
    assert "Minutes: Finance and Sales" in html


def test_those_who_can_see_the_meeting_download_a_pdf(closed_meeting, org, as_user):
    record(closed_meeting, 1, org.priya, "Priya opened the meeting.")
    for who in (org.fiona, org.sean, org.priya, org.margaret):
        response = as_user(who).get(minutes_url(closed_meeting))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")


def test_others_cannot(closed_meeting, org, as_user):
    assert as_user(org.olive).get(minutes_url(closed_meeting)).status_code == 403
    assert as_user(org.arthur).get(minutes_url(closed_meeting)).status_code == 403


def test_an_unknown_meeting_is_not_found(org, as_user):
    assert (
        as_user(org.margaret).get(reverse("agreements:minutes_pdf", args=[999])).status_code == 404
    )
