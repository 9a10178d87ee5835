"""An exchange that has closed with agreed requests both ways, and its SLA draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import SLAService
from meetings.models import ItemStatus, Origin, Step
from tests.factories import make_item
from tests.tasks import run_queued_tasks

START = dt.date(2027, 1, 4)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Signing checks passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def agree(item, *, origin=Origin.YES, service="", level="", start=START):
    item.status = ItemStatus.AGREED
    item.agreed_service = service or item.service
    item.agreed_level = level or item.service_level
    item.agreed_start = start
    item.agreed_origin = origin
    item.settled_at = timezone.now()
    item.save()
    return item


@pytest.fixture
def closed_meeting(meeting, org):
    return close_with_agreements(meeting, org)


def close_with_agreements(meeting, org):
    """Finance (A) asked Sales for two things, Sales asked Finance for one; one escalated."""
    finance_list = meeting.need_list_for(org.finance)
    sales_list = meeting.need_list_for(org.sales)
    agree(make_item(finance_list, "Signed order forms"))
    agree(
        make_item(finance_list, "Credit notes within a week"),
        origin=Origin.COUNTER,
        service="Credit notes within ten days",
    )
    escalated = make_item(finance_list, "Monthly forecast")
    escalated.status = ItemStatus.ESCALATED
    escalated.save()
    withdrawn = make_item(sales_list, "Free lunches")
    withdrawn.status = ItemStatus.WITHDRAWN
    withdrawn.save()
    agree(make_item(sales_list, "Invoices the same day", measure_threshold=Decimal("98")))
    meeting.step = Step.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save()
    return meeting


@pytest.fixture
def sla(closed_meeting, org):
    return services.sla_draft_from_meeting(meeting=closed_meeting, by=org.priya)


def complete(version, by):
    """Fill in who measures on every service, as the heads would before signing."""
    for service in SLAService.objects.filter(version=version):
        services.sla_service_update(service=service, by=by, data={"measured_by": "Fergus Lane"})


@pytest.fixture
def ready_sla(sla, org):
    """The draft with every rough detail completed, ready to sign."""
    complete(services.latest_version(sla), org.priya)
    return sla


def make_ready_sla(meeting, org):
    """For tests outside this folder: close ``meeting`` and complete its SLA draft."""
    sla = services.sla_draft_from_meeting(meeting=close_with_agreements(meeting, org), by=org.priya)
    complete(services.latest_version(sla), org.priya)
    return sla


def sign_both(sla, org, capture=None):
    version = services.latest_version(sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address="10.0.0.1")
    if capture is None:
        services.sla_sign(version=version, by=org.sam, password=org.password, ip_address="10.0.0.2")
    else:
        with capture(execute=True):
            services.sla_sign(
                version=version, by=org.sam, password=org.password, ip_address="10.0.0.2"
            )
        run_queued_tasks()  # the worker seals the PDF
    version.refresh_from_db()
    return version


@pytest.fixture
def signed_sla(ready_sla, org, django_capture_on_commit_callbacks):
    """Both heads have signed; the worker has sealed and stored the PDF."""
    sign_both(ready_sla, org, django_capture_on_commit_callbacks)
    return ready_sla
