"""sla_service_update: completing the rough details before signing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from agreements import services
from agreements.models import VersionStatus
from agreements.services import AgreementError
from tests.agreements.conftest import START, sign_both


def first_service(sla):
    return services.latest_version(sla).services.first()


def test_a_head_completes_target_review_date_and_who_measures(sla, org):
    service = services.sla_service_update(
        service=first_service(sla),
        by=org.fiona,
        data={
            "measure_kind": "share",
            "measure_threshold": Decimal("97"),
            "measured_by": "Fergus Lane",
            "review_date": dt.date(2027, 7, 1),
        },
    )
    service.refresh_from_db()
    assert (service.measure_kind, service.measure_threshold, service.measure_unit) == (
        "share",
        97,
        "%",
    )
    assert service.review_date == dt.date(2027, 7, 1)
    assert service.missing == []


def test_every_change_is_recorded_with_before_and_after(sla, org):
    services.sla_service_update(
        service=first_service(sla), by=org.priya, data={"measured_by": "Sean Doyle"}
    )
    change = services.latest_version(sla).changes.last()
    assert change.kind == "service_edited"
    assert change.by == org.priya
    assert change.before == {"measured_by": ""}
    assert change.after == {"measured_by": "Sean Doyle"}
    assert "who measures" in change.description


def test_no_change_records_nothing(sla, org):
    service = first_service(sla)
    services.sla_service_update(
        service=service, by=org.sam, data={"measure_threshold": Decimal("95")}
    )
    assert services.latest_version(sla).changes.count() == 1


@pytest.mark.parametrize("who", ["fergus", "sean", "margaret", "arthur", "olive"])
def test_only_heads_and_the_facilitator_may_edit(sla, org, who):
    with pytest.raises(AgreementError) as refused:
        services.sla_service_update(
            service=first_service(sla), by=getattr(org, who), data={"measured_by": "Me"}
        )
    assert refused.value.status == 403
    assert first_service(sla).measured_by == ""


def test_a_review_date_before_the_start_is_refused(sla, org):
    with pytest.raises(ValidationError):
        services.sla_service_update(
            service=first_service(sla),
            by=org.fiona,
            data={"review_date": START - dt.timedelta(days=1)},
        )


def test_a_change_after_a_signature_clears_it_and_tells_the_signer(
    ready_sla, org, django_capture_on_commit_callbacks, run_tasks
):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_service_update(
            service=first_service(ready_sla), by=org.sam, data={"measure_threshold": Decimal("90")}
        )
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert not version.signatures.exists()
    assert version.changes.filter(kind="signature_cleared").count() == 1
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["fiona@example.org"]
    assert "cleared" in message.subject
    assert f"/agreements/{ready_sla.pk}/v1/" in message.body


def test_a_signed_version_can_no_longer_change(signed_sla, org):
    with pytest.raises(AgreementError) as refused:
        services.sla_service_update(
            service=first_service(signed_sla),
            by=org.fiona,
            data={"measure_threshold": Decimal("1")},
        )
    assert refused.value.status == 409


def test_signing_both_fixture_signs(ready_sla, org):
    version = sign_both(ready_sla, org)
    assert version.status == VersionStatus.SIGNED
