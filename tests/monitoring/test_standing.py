"""An agreement's standing (on track, at risk, breached) by the rules its heads agreed."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from agreements.models import SLAVersion
from monitoring import charts, selectors, services
from monitoring.periods import due_periods
from tests.monitoring.conftest import TODAY


def record(service, by, values):
    periods = due_periods(service.measure_frequency, service.start_date, TODAY)
    for period, value in zip(periods, values, strict=False):
        services.measurement_record(
            service=service, period_start=period.start, by=by, value_text=value, today=TODAY
        )


def standing_of(sla):
    version = selectors.signed_version(sla)
    return selectors.standing(version, selectors.performance(sla, TODAY))


def test_no_figures_then_on_track(signed, orders, org):
    assert standing_of(signed).status == "no_figures"
    record(orders, org.sam, ["50", "50", "50", "97", "96", "99"])
    assert standing_of(signed).label == "On track"  # only the last three periods count


def test_the_last_periods_decide_at_risk_and_breached(signed, orders, org):
    record(orders, org.sam, ["50", "50", "97", "96", "97", "80"])  # last 3: 2 of 3 met
    result = standing_of(signed)
    assert result.status == "breached"  # 67% is below the default 70%
    assert result.reasons == [
        "Share of orders with complete paperwork: met in 2 of its last 3 periods"
    ]
    SLAVersion.objects.filter(sla=signed).update(breached_below=50, at_risk_below=90)
    assert standing_of(signed).status == "at_risk"
    SLAVersion.objects.filter(sla=signed).update(
        status_window=4, breached_below=50, at_risk_below=75
    )
    assert standing_of(signed).status == "on_track"  # 3 of the last 4


def test_trend_and_review_period_on_the_page(signed, orders, org, as_user):
    record(orders, org.sam, ["50", "50", "97", "96", "97", "98"])
    record_ = next(r for r in selectors.performance(signed, TODAY) if r.service == orders)
    assert record_.trend == "improving"
    assert record_.review_period.met == 4 and record_.review_period.recorded == 6
    chart = render_to_string(
        "monitoring/_chart.svg.html", {"chart": charts.chart_for(record_), "record": record_}
    )
    assert "Trend: improving" in chart
    page = as_user(org.fiona).get(reverse("monitoring:performance", args=[signed.pk])).readable
    assert "Standing: <strong>" in page
    assert "Review period" in page
