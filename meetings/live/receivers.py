"""What the live screens do when the organisation below announces something."""

from __future__ import annotations

from meetings.live import hub


def close_streams_of_deactivated(sender, *, user_id: int, **kwargs) -> None:
    """``organisation.signals.person_deactivated``: their open screens close at once."""
    hub.user_deactivated(user_id)
