"""What the meeting page shows of the live screens.

- ``presence(meeting_id)``: who has the meeting open right now, in any server
  process (a list of ``Present(user, audience, label)``), for the facilitator.
- ``last_seq(meeting_id)``: the latest event number, for ``data-live-seq``.
"""

from __future__ import annotations

from meetings.live import rendering
from meetings.live.hub import current_hub


def presence(meeting_id: int, meeting=None) -> list:
    """``meeting``, if the page has it loaded, saves reading it again."""
    hub = current_hub()
    return rendering.people(meeting_id, hub.presence(meeting_id) if hub else {}, meeting=meeting)


def last_seq(meeting_id: int) -> int:
    return rendering.last_seq(meeting_id)
