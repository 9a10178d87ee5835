"""The demo gains one escalation with the arbiter and one resolved by facilitation."""

from __future__ import annotations

import pytest

from escalation import demo
from escalation.models import Outcome, State
from meetings import demo as meetings_demo
from meetings.models import ItemStatus, Origin
from organisation.demo import build_people


@pytest.mark.django_db
def test_the_demo_escalations(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = build_people()
    meetings_demo.build(people)
    demo.build(people)
    from escalation.models import Escalation

    resolved = Escalation.objects.get(state=State.RESOLVED)
    assert resolved.outcome.kind == Outcome.Kind.FACILITATED
    assert resolved.sessions.count() == 1
    assert resolved.item.status == ItemStatus.AGREED
    assert resolved.item.agreed_origin == Origin.ARBITER
    open_one = Escalation.objects.get(state=State.WITH_ARBITER)
    assert open_one.arbiter == people.arthur
    assert open_one.consents.count() == 2
    assert resolved.meeting.closed_at is not None
