"""Writes for service level agreements."""

from __future__ import annotations


def sla_draft_from_meeting(*, meeting, by):
    """Start the SLA draft from a closed meeting's agreed items (built with agreements)."""
    return None


def sla_apply_escalation_outcome(
    *, item, service, level, start_date, no_service_owed, reasoning, by
):
    """Carry an arbiter's outcome into the SLA (draft item, or amendment after signing).

    Placeholder with the agreed signature until the agreements app implements it.
    """
    return None
