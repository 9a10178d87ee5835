"""Monitoring starts when the agreement does: a start date before the signing owes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from agreements.models import SLAVersion
from monitoring import periods, selectors, services
from monitoring.services import MonitoringError
from tests.monitoring.conftest import START, TODAY

SIGNED_ON = dt.date(2026, 4, 10)


@pytest.fixture
def signed_late(signed, orders):
    """The services' start date is 5 January; the heads signed on 10 April."""
    at = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)
    SLAVersion.objects.filter(sla=signed).update(signed_at=at)
    return orders


def test_the_first_period_starts_on_the_signing_day_not_the_earlier_start_date(signed_late):
    due = selectors.measured_periods(signed_late, TODAY)
    assert due[0].start == SIGNED_ON
    assert [p.start for p in due] == [
        dt.date(2026, 4, 10),
        dt.date(2026, 5, 10),
        dt.date(2026, 6, 10),
    ]


def test_the_months_before_signing_are_not_overdue(signed_late, org):
    overdue = [
        p.start
        for s, p in selectors.attention_for(org.sean, TODAY).overdue
        if s.pk == signed_late.pk
    ]
    assert overdue
    assert all(start >= SIGNED_ON for start in overdue)


def test_a_period_before_signing_cannot_be_recorded(signed_late, org):
    with pytest.raises(MonitoringError, match="not a period of this measure"):
        services.measurement_record(
            service=signed_late, period_start=START, by=org.sam, value_text="99%", today=TODAY
        )


def test_the_performance_page_shows_no_period_before_signing(signed_late, signed, org, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    client = Client()
    client.force_login(org.fiona)
    page = client.get(f"/monitoring/agreements/{signed.pk}/").content.decode()
    assert "10 Apr 2026" in page
    assert "5 Jan 2026 to" not in page
    assert "start date, 5 January 2026, came before it" in page


def test_a_start_date_after_signing_is_kept():
    assert periods.measured_from(dt.date(2026, 5, 1), dt.date(2026, 4, 10)) == dt.date(2026, 5, 1)
    assert periods.measured_from(dt.date(2026, 1, 5), dt.date(2026, 4, 10)) == dt.date(2026, 4, 10)
    assert periods.measured_from(None, dt.date(2026, 4, 10)) is None
    assert periods.measured_from(dt.date(2026, 1, 5), None) is None
