"""A signed agreement whose services started in January 2026, so periods are due.

Sales provides "Signed order forms" to Finance (target 95%, monthly); Finance
provides "Invoices the same day" to Sales (98%) and Sales "Credit notes" to
Finance (target "every note signed", not a number).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import SLAService, SLAVersion
from meetings.models import ItemStatus, Origin, Step
from tests.factories import make_item

START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 7, 20)
SIGNED_AT = dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _agree(item, start=START):
    item.status = ItemStatus.AGREED
    item.agreed_service = item.service
    item.agreed_level = item.service_level
    item.agreed_start = start
    item.agreed_origin = Origin.YES
    item.settled_at = timezone.now()
    item.save()


def make_signed_sla(meeting, org):
    finance_list = meeting.need_list_for(org.finance)
    sales_list = meeting.need_list_for(org.sales)
    _agree(make_item(finance_list, "Signed order forms"))
    _agree(
        make_item(
            finance_list,
            "Credit notes",
            measure_what="Credit notes signed off",
            measure_kind="deadline",
            measure_threshold=None,
        )
    )
    _agree(make_item(sales_list, "Invoices the same day", measure_threshold=Decimal("98")))
    meeting.step = Step.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save()
    sla = agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.priya)
    version = agreement_services.latest_version(sla)
    for service in SLAService.objects.filter(version=version):
        agreement_services.sla_service_update(
            service=service, by=org.priya, data={"measured_by": "The provider's head"}
        )
    for head in (org.fiona, org.sam):
        agreement_services.sla_sign(
            version=version, by=head, password=org.password, ip_address=None
        )
    # Signed when the services started, so monitoring runs from START.
    version.signatures.update(signed_at=SIGNED_AT)
    SLAVersion.objects.filter(pk=version.pk).update(signed_at=SIGNED_AT)
    # An agreement signed before measures were data: this target was only ever text, and
    # the migration could not read it, so the heads have still to confirm it.
    SLAService.objects.filter(version=version, service="Credit notes").update(
        measure_kind="", measure_direction="", measure_target="every note signed"
    )
    return sla


@pytest.fixture
def signed(meeting, org):
    return make_signed_sla(meeting, org)


def service_named(sla, name):
    return SLAService.objects.get(version=agreement_services.latest_version(sla), service=name)


@pytest.fixture
def orders(signed):
    """Sales provides it to Finance; monthly, target 95%."""
    return service_named(signed, "Signed order forms")


@pytest.fixture
def credit_notes(signed):
    return service_named(signed, "Credit notes")
