"""The arbiter's outcome goes into the SLA draft made when the meeting closed."""

from __future__ import annotations

import pytest

from agreements import services as agreement_services
from agreements.models import SLA, EscalationOutcome, SLAService
from escalation import services
from escalation.models import Outcome, State
from escalation.services import EscalationRefused
from meetings import services as meeting_services
from meetings.models import Origin


@pytest.fixture
def closed(with_arbiter, meeting, org, start):
    """The meeting went on and closed after the escalation: the SLA draft exists."""
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    meeting_services.meeting_close(meeting=meeting, by=org.priya)
    return with_arbiter


def _record(escalation, org, start, **overrides):
    kwargs = {
        "escalation": escalation,
        "by": org.arthur,
        "kind": Outcome.Kind.FACILITATED,
        "reasoning": "They agreed a weekly batch.",
        "service": "Forms, weekly",
        "level": "Every Friday",
        "start_date": start,
    }
    kwargs.update(overrides)
    return services.escalation_record_outcome(**kwargs)


def test_the_terms_become_a_service_in_the_draft(closed, meeting, org, start):
    sla = SLA.objects.get(meeting=meeting)
    _record(closed, org, start)
    service = SLAService.objects.get(version__sla=sla, need_item=closed.item)
    assert (service.service, service.level, service.start_date) == (
        "Forms, weekly",
        "Every Friday",
        start,
    )
    assert service.origin == Origin.ARBITER
    outcome = EscalationOutcome.objects.get(version__sla=sla, need_item=closed.item)
    assert outcome.status == EscalationOutcome.Status.SERVICE


def test_no_service_owed_is_recorded_in_the_draft(closed, meeting, org, start):
    _record(
        closed,
        org,
        start,
        kind=Outcome.Kind.DECIDED,
        facilitation_tried=True,
        no_service_owed=True,
        service="",
        level="",
        start_date=None,
    )
    sla = SLA.objects.get(meeting=meeting)
    assert not SLAService.objects.filter(version__sla=sla, need_item=closed.item).exists()
    outcome = EscalationOutcome.objects.get(version__sla=sla, need_item=closed.item)
    assert outcome.status == EscalationOutcome.Status.NONE_OWED


def test_a_refusal_from_the_agreement_undoes_the_outcome(closed, org, start, monkeypatch):
    def refuse(**kwargs):
        raise agreement_services.AgreementError("The agreement is being signed.", status=409)

    monkeypatch.setattr(agreement_services, "sla_apply_escalation_outcome", refuse)
    with pytest.raises(EscalationRefused) as refused:
        _record(closed, org, start)
    assert refused.value.status == 409
    assert refused.value.message == "The agreement is being signed."
    closed.refresh_from_db()
    assert closed.state == State.WITH_ARBITER
    assert not Outcome.objects.exists()


def test_no_service_owed_before_closing_still_reaches_the_draft(with_arbiter, meeting, org, start):
    """The arbiter can finish while the meeting is still going: closing must not forget it."""
    _record(
        with_arbiter,
        org,
        start,
        no_service_owed=True,
        service="",
        level="",
        start_date=None,
        reasoning="The forms are already covered by the sales contract.",
    )
    assert not SLA.objects.filter(meeting=meeting).exists()
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    meeting_services.meeting_advance(meeting=meeting, by=org.priya)
    meeting_services.meeting_close(meeting=meeting, by=org.priya)
    outcome = EscalationOutcome.objects.get(
        version__sla__meeting=meeting, need_item=with_arbiter.item
    )
    assert outcome.status == EscalationOutcome.Status.NONE_OWED
    assert outcome.reasoning == "The forms are already covered by the sales contract."
    assert not SLAService.objects.filter(need_item=with_arbiter.item).exists()
