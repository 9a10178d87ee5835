"""What ``escalation`` does when the meeting below it announces something.

Connected in ``EscalationConfig.ready``; the catalogue is ``docs/architecture.md``.
"""

from __future__ import annotations

from escalation import selectors, services


def open_escalation(sender, *, item, by, note: str = "", **kwargs) -> None:
    """``meetings.signals.request_escalated``: the request goes to an arbiter."""
    services.escalation_open(item=item, by=by, note=note)


def arbiter_follows_meeting(user, meeting) -> bool:
    """``meetings.permissions.OBSERVER_CHECKS``: a chosen arbiter may follow the meeting."""
    return selectors.is_arbiter_in_meeting(user=user, meeting=meeting)
