"""sla_apply_escalation_outcome: an arbiter's outcome flows into the draft, or an amendment."""

from __future__ import annotations

import datetime as dt

from agreements import services
from agreements.models import EscalationOutcome, VersionStatus
from meetings.models import NeedItem, Origin
from tests.agreements.conftest import sign_both

START = dt.date(2027, 3, 1)


def escalated_item():
    return NeedItem.objects.get(service="Monthly forecast")


def apply(org, *, none=False):
    return services.sla_apply_escalation_outcome(
        item=escalated_item(),
        service="" if none else "Quarterly forecast",
        level="" if none else "By the fifth working day",
        start_date=None if none else START,
        no_service_owed=none,
        reasoning="Monthly costs more than it brings; quarterly is enough.",
        by=org.arthur,
    )


def test_before_signing_the_outcome_is_added_to_the_draft(sla, org):
    version = apply(org)
    assert version.number == 1
    service = version.services.get(need_item=escalated_item())
    assert (service.service, service.origin) == ("Quarterly forecast", Origin.ARBITER)
    assert service.start_date == START
    assert service.review_date == START + dt.timedelta(days=365)
    outcome = version.escalations.get()
    assert outcome.status == EscalationOutcome.Status.SERVICE
    assert outcome.reasoning.startswith("Monthly costs")


def test_no_service_owed_is_recorded_without_a_service(sla, org):
    version = apply(org, none=True)
    assert not version.services.filter(need_item=escalated_item()).exists()
    assert version.escalations.get().status == EscalationOutcome.Status.NONE_OWED


def test_a_second_outcome_updates_rather_than_duplicates(sla, org):
    apply(org)
    version = apply(org, none=True)
    assert version.escalations.count() == 1
    assert not version.services.filter(need_item=escalated_item()).exists()


def test_after_signing_it_starts_an_amendment_that_needs_new_signatures(
    ready_sla, org, django_capture_on_commit_callbacks
):
    signed = sign_both(ready_sla, org, django_capture_on_commit_callbacks)
    amendment = apply(org)
    assert amendment.number == 2
    assert amendment.status == VersionStatus.DRAFT
    assert amendment.services.count() == signed.services.count() + 1
    signed.refresh_from_db()
    assert signed.status == VersionStatus.SIGNED  # still in force until the amendment is signed
    assert amendment.changes.filter(kind="amendment").exists()


def test_signing_the_amendment_supersedes_the_old_version(
    ready_sla, org, django_capture_on_commit_callbacks
):
    first = sign_both(ready_sla, org, django_capture_on_commit_callbacks)
    apply(org)
    services.sla_service_update(
        service=services.latest_version(ready_sla).services.get(need_item=escalated_item()),
        by=org.priya,
        data={"measured_by": "Fergus Lane"},
    )
    second = sign_both(ready_sla, org, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert second.status == VersionStatus.SIGNED
    assert second.has_pdf
    assert first.status == VersionStatus.SUPERSEDED
    assert first.has_pdf  # the old one stays readable
    assert first.pdf_sha256 != second.pdf_sha256


def test_without_an_agreement_yet_nothing_happens(meeting, org):
    from tests.factories import make_item

    item = make_item(meeting.need_list_for(org.finance))
    assert (
        services.sla_apply_escalation_outcome(
            item=item,
            service="x",
            level="",
            start_date=None,
            no_service_owed=False,
            reasoning="",
            by=org.arthur,
        )
        is None
    )
