"""Reads for escalations."""


def is_arbiter_in_meeting(*, user, meeting) -> bool:
    """Whether ``user`` arbitrates an escalation from ``meeting`` (built with escalations)."""
    return False
