"""Live meeting screens: every open meeting page follows the meeting as it happens.

For the meeting page:

- ``presence(meeting_id)``: who has the meeting open right now, in any server
  process (a list of ``Present(user, audience, label)``), for the facilitator.
- ``last_seq(meeting_id)``: the latest event number, for ``data-live-seq``.
- ``{% load live %}{% live_presence meeting %}``: the presence region, kept up to
  date on the facilitator's screen.
"""

from __future__ import annotations


def presence(meeting_id: int, meeting=None) -> list:
    from meetings.live import rendering
    from meetings.live.hub import current_hub

    hub = current_hub()
    return rendering.people(meeting_id, hub.presence(meeting_id) if hub else {}, meeting=meeting)


def last_seq(meeting_id: int) -> int:
    from meetings.live import rendering

    return rendering.last_seq(meeting_id)
