"""An escalated request at each stage: opened, arbiter proposed, chosen, with the arbiter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from escalation import services
from escalation.models import Escalation
from meetings import services as meeting_services
from meetings.models import ItemStatus, Move, Step
from tests.factories import make_item


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Hashing the test people's passwords properly is slow; these tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def item(meeting, org):
    """Finance's request, at an impasse while Sales responds (step 7)."""
    need_list = meeting.need_list_for(org.finance)
    item = make_item(need_list, "Signed order forms", presented_at=timezone.now())
    Move.objects.create(
        item=item,
        kind=Move.Kind.NO,
        author=org.sam,
        reason="resources",
        text="No one to chase the forms.",
    )
    Move.objects.create(
        item=item, kind=Move.Kind.NO_OFFER, author=org.sam, text="Nothing to offer this quarter."
    )
    item.status = ItemStatus.IMPASSE
    item.save()
    meeting.step = Step.B_RESPONDS
    meeting.current_item = item
    meeting.save()
    return item


@pytest.fixture
def escalation(item, meeting, org, django_capture_on_commit_callbacks) -> Escalation:
    """Escalated by the facilitator in the meeting: awaiting the arbiter's proposal."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.item_escalate(
            meeting=meeting, by=org.priya, item_id=item.pk, note="No way forward."
        )
    return Escalation.objects.get(item=item)


@pytest.fixture
def proposed(escalation, org) -> Escalation:
    services.escalation_propose_arbiter(escalation=escalation, by=org.priya, arbiter=org.arthur)
    escalation.refresh_from_db()
    return escalation


@pytest.fixture
def chosen(proposed, org) -> Escalation:
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.sam, accept=True)
    proposed.refresh_from_db()
    return proposed


@pytest.fixture
def with_arbiter(chosen, org) -> Escalation:
    services.escalation_consent(escalation=chosen, by=org.fiona)
    services.escalation_consent(escalation=chosen, by=org.sam)
    chosen.refresh_from_db()
    return chosen


@pytest.fixture
def start() -> dt.date:
    return dt.date.today() + dt.timedelta(days=30)
