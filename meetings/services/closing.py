"""Step 9: closing the meeting. Whatever is built from its outcomes (the SLA draft)
subscribes to ``meetings.signals.meeting_closed``."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from meetings import signals
from meetings.models import Meeting, Step
from meetings.services.base import Outcome, _act, _record
from organisation.people import display_name


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: AbstractBaseUser) -> Outcome:
    locked, _, _ = _act(meeting.pk, by, "close")
    locked.step = Step.CLOSED
    locked.closed_at = timezone.now()
    locked.current_item = None
    locked.save(update_fields=["step", "closed_at", "current_item"])
    event = _record(
        locked,
        actor=by,
        kind="closed",
        description=f"{display_name(by)} closed the meeting. The agreed services go to the SLA draft.",
        before={"step": Step.CLOSING},
        after={"step": Step.CLOSED},
    )
    signals.meeting_closed.send(sender=Meeting, meeting=locked, by=by)
    return Outcome(locked, event)
