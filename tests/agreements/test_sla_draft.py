"""sla_draft_from_meeting: closing an exchange hands its agreed requests to the SLA draft."""

from __future__ import annotations

import datetime as dt

from agreements import services
from agreements.models import EscalationOutcome, SLAService, VersionStatus
from meetings.models import Origin
from tests.agreements.conftest import START


def test_the_draft_is_version_one_with_every_agreed_request(sla, closed_meeting):
    version = services.latest_version(sla)
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert [s.service for s in version.services.all()] == [
        "Signed order forms",
        "Credit notes within ten days",
        "Invoices the same day",
    ]


def test_the_provider_is_the_department_the_request_was_made_to(sla, org):
    version = services.latest_version(sla)
    first, _counter, sales_request = version.services.all()
    assert (first.provider, first.recipient) == (org.sales, org.finance)
    assert (sales_request.provider, sales_request.recipient) == (org.finance, org.sales)


def test_terms_measures_and_origin_come_from_the_request(sla):
    counter = SLAService.objects.get(version__sla=sla, service="Credit notes within ten days")
    assert counter.origin == Origin.COUNTER
    assert counter.measure_what == "Share of orders with complete paperwork"
    assert (counter.measure_kind, counter.measure_threshold) == ("share", 95)
    assert counter.start_date == START
    assert counter.review_date == START + dt.timedelta(days=365)
    assert counter.need_item.service == "Credit notes within a week"


def test_escalated_requests_wait_for_the_arbiter_and_withdrawn_ones_are_left_out(sla):
    version = services.latest_version(sla)
    (outcome,) = version.escalations.all()
    assert outcome.requested == "Monthly forecast"
    assert outcome.status == EscalationOutcome.Status.PENDING
    assert not version.services.filter(service="Free lunches").exists()


def test_the_draft_is_recorded(sla, org):
    (change,) = services.latest_version(sla).changes.all()
    assert change.kind == "drafted"
    assert change.by == org.priya


def test_drafting_twice_returns_the_same_agreement(sla, closed_meeting, org):
    again = services.sla_draft_from_meeting(meeting=closed_meeting, by=org.priya)
    assert again == sla
    assert sla.versions.count() == 1


def test_a_service_is_not_complete_without_who_measures(sla):
    service = services.latest_version(sla).services.first()
    assert service.missing == ["who measures"]


def test_meeting_pages_can_link_to_the_agreement(sla, closed_meeting, meeting):
    from agreements.selectors import sla_url_for

    assert sla_url_for(closed_meeting) == f"/agreements/{sla.pk}/"


def test_before_closing_there_is_nothing_to_link_to(meeting):
    from agreements.selectors import sla_url_for

    assert sla_url_for(meeting) is None


def test_a_request_the_arbiter_settled_before_closing_is_listed_as_an_outcome(meeting, org):
    from tests.agreements.conftest import agree
    from tests.factories import make_item

    agree(
        make_item(meeting.need_list_for(org.sales), "Weekly credit checks"), origin=Origin.ARBITER
    )
    sla = services.sla_draft_from_meeting(meeting=meeting, by=org.priya)
    version = services.latest_version(sla)
    assert version.services.get().origin == Origin.ARBITER
    outcome = version.escalations.get()
    assert (outcome.requested, outcome.status) == ("Weekly credit checks", "service")
