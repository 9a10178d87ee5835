"""A stand-in for the meeting page's region renderer, counting its calls."""

from __future__ import annotations

import threading
from collections import Counter

from django.db.models import Max

from meetings import permissions as meeting_permissions
from meetings.models import Event, Meeting


class FakePage:
    def __init__(self, *, count_batches: bool = False) -> None:
        self.count_batches = count_batches
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def render_regions(self, meeting_id: int, audience: str) -> dict[str, str]:
        with self._lock:
            self.calls[audience] += 1
        meeting = Meeting.objects.get(pk=meeting_id)
        last = Event.objects.filter(meeting=meeting).aggregate(m=Max("seq"))["m"] or 0
        return {
            "stage": f'<section id="region-stage">{audience} sees event {last}</section>',
            "rules": '<section id="region-rules">Calm and collected.</section>',
        }

    def render_regions_many(self, meeting_id: int, audiences: list[str]) -> dict:
        if self.count_batches:
            with self._lock:
                self.calls["many"] += 1
        return {audience: self.render_regions(meeting_id, audience) for audience in audiences}

    def audience_for(self, user, meeting) -> str:
        return str(meeting_permissions.meeting_role(user, meeting))


def install_fake_page(monkeypatch, *, batches: bool = False) -> FakePage:
    from meetings import views

    page = FakePage(count_batches=batches)
    monkeypatch.setattr(views, "render_regions", page.render_regions)
    monkeypatch.setattr(views, "render_regions_many", page.render_regions_many)
    monkeypatch.setattr(views, "audience_for", page.audience_for)
    return page


def add_events(meeting: Meeting, count: int) -> int:
    """Append ``count`` events straight to the record; returns the last number."""
    last = Event.objects.filter(meeting=meeting).aggregate(m=Max("seq"))["m"] or 0
    for seq in range(last + 1, last + count + 1):
        Event.objects.create(
            meeting=meeting, seq=seq, step=meeting.step, kind="note", description=f"Event {seq}"
        )
    return last + count
