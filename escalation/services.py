"""Writes for escalations."""

from __future__ import annotations


def escalation_open(*, item, by, note: str = ""):
    """Open an escalation for a request at an impasse (the arbiter side comes with escalations)."""
    return None
