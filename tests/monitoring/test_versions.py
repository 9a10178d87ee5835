"""The record of a measure carries on when the agreement gets a new signed version."""

import datetime as dt

import pytest

from agreements import services as agreement_services
from agreements.models import VersionStatus
from monitoring import selectors, services
from monitoring.services import MonitoringError
from tests.monitoring.conftest import START, TODAY


def sign_amendment(sla, org):
    version = agreement_services.sla_amend(sla=sla, by=org.fiona, reason="Arbiter's outcome")
    # The measure only ever written as text is confirmed before the new version is signed.
    for service in version.services.filter(measure_kind=""):
        agreement_services.sla_measure_confirm(
            service=service, by=org.fiona, data={"measure_kind": "deadline"}
        )
    for head in (org.fiona, org.sam):
        agreement_services.sla_sign(
            version=version, by=head, password=org.password, ip_address=None
        )
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED
    return version


def test_measurements_carry_over_to_the_next_version(orders, org):
    missed = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="80%", today=TODAY
    )
    version = sign_amendment(orders.version.sla, org)
    new_orders = version.services.get(service=orders.service)
    record = next(
        r for r in selectors.performance(orders.version.sla, TODAY) if r.service == new_orders
    )
    assert record.rows[0].measurement == missed
    assert not any(
        s.pk == new_orders.pk and p.start == START
        for s, p in selectors.attention_for(org.sam, TODAY).overdue
    )
    assert selectors.attention_for(org.sam, TODAY).to_explain == [missed]
    with pytest.raises(MonitoringError, match="already recorded"):
        services.measurement_record(
            service=new_orders, period_start=START, by=org.sam, value_text="99%", today=TODAY
        )
    # The miss from the old version can still be explained and corrected.
    services.explanation_write(
        measurement=missed,
        by=org.sam,
        what_happened="x",
        fix="y",
        prevention="z",
        fix_by=dt.date(2026, 3, 1),
    )
    services.measurement_correct(measurement=missed, by=org.sam, value_text="81%", reason="Recount")
    # Only the version in force takes new measurements.
    with pytest.raises(MonitoringError, match="signed"):
        services.measurement_record(
            service=orders,
            period_start=dt.date(2026, 2, 5),
            by=org.sam,
            value_text="99%",
            today=TODAY,
        )
