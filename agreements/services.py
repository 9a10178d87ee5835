"""Writes for service level agreements."""

from __future__ import annotations


def sla_draft_from_meeting(*, meeting, by):
    """Start the SLA draft from a closed meeting's agreed items (built with agreements)."""
    return None
