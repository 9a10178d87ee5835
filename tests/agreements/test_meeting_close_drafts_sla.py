"""Closing a meeting through the meetings service drafts the SLA in the same transaction."""

from __future__ import annotations

from agreements.models import SLA
from meetings import services as meeting_services
from meetings.models import Step
from tests.agreements.conftest import close_with_agreements


def test_meeting_close_hands_the_agreed_items_to_the_draft(meeting, org):
    close_with_agreements(meeting, org)
    meeting.step, meeting.closed_at = Step.CLOSING, None
    meeting.save()
    meeting_services.meeting_close(meeting=meeting, by=org.priya)
    sla = SLA.objects.get(meeting=meeting)
    version = sla.versions.get()
    assert version.services.count() == 3
    assert version.escalations.count() == 1
    assert version.changes.get().by == org.priya
