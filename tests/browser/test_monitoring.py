"""The provider records a missed month and explains it; the recipient sees it on the chart."""

from __future__ import annotations

import pytest

from tests.browser.conftest import audit
from tests.monitoring.conftest import START, make_signed_sla

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed(meeting, org):
    return make_signed_sla(meeting, org)


def test_record_a_miss_explain_it_and_see_it_on_the_chart(new_page, live_server, signed, org):
    from agreements.models import SLAService

    orders = SLAService.objects.get(version__sla=signed, service="Signed order forms")
    url = f"{live_server.url}/monitoring/agreements/{signed.pk}/"
    first = f"#period-{orders.pk}-{START:%Y-%m-%d}"

    sean = new_page(org.sean)
    sean.goto(url)
    assert sean.get_by_role("heading", level=1).inner_text() == "Finance and Sales: performance"
    sean.fill(f"{first} input[name=value_text]", "88%")
    sean.click(f"{first} button:has-text('Record')")
    sean.wait_for_selector("text=Measurement recorded.")
    assert "Missed" in sean.inner_text(first)
    assert sean.locator(f"#measure-{orders.pk} circle.perf-chart__point--missed").count() == 1

    sean.fill(f"{first} textarea[name=what_happened]", "Two sales staff were off sick.")
    sean.fill(f"{first} textarea[name=fix]", "The team lead checks forms daily.")
    sean.fill(f"{first} textarea[name=prevention]", "A second person is trained.")
    sean.fill(f"{first} input[name=fix_by]", "2026-03-01")
    sean.click(f"{first} button:has-text('Send the explanation')")
    sean.wait_for_selector("text=Explanation sent to the recipient.")
    audit(sean)

    fiona = new_page(org.fiona)
    fiona.goto(url)
    chart = fiona.locator(f"#measure-{orders.pk} svg.perf-chart")
    assert chart.locator("circle.perf-chart__point--missed").count() == 1
    assert "88%" in chart.locator("circle.perf-chart__point--missed title").text_content()
    assert "Two sales staff were off sick." in fiona.inner_text(first)
    fiona.check(f"{first} input[name=decision][value=acknowledge]")
    fiona.click(f"{first} button:has-text('Send answer')")
    fiona.wait_for_selector("text=Answer recorded.")
    assert "Acknowledged" in fiona.inner_text(first)
    audit(fiona)
    for page in (sean, fiona):
        assert page.console_errors == []
