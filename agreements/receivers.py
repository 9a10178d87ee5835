"""What ``agreements`` does when the apps below it announce something.

Connected in ``AgreementsConfig.ready``; the catalogue is ``docs/architecture.md``.
"""

from __future__ import annotations

from agreements import services, tasks


def draft_from_closed_meeting(sender, *, meeting, by, **kwargs) -> None:
    """``meetings.signals.meeting_closed``: start the SLA draft from the outcomes."""
    services.sla_draft_from_meeting(meeting=meeting, by=by)


def apply_escalation_outcome(
    sender, *, item, service, level, start_date, no_service_owed, reasoning, by, **kwargs
) -> None:
    """``escalation.signals.outcome_recorded``: the arbiter's outcome reaches the SLA."""
    services.sla_apply_escalation_outcome(
        item=item,
        service=service,
        level=level,
        start_date=start_date,
        no_service_owed=no_service_owed,
        reasoning=reasoning,
        by=by,
    )


def seal_signed_version(sender, *, version_id: int, **kwargs) -> None:
    """``agreements.signals.version_signed``: produce the sealed PDF in the background."""
    tasks.seal_version.enqueue(version_id=version_id)
