"""Monitoring's pages under the project's guards: one h1, strict CSP, no inline styles."""

from django.urls import reverse

from monitoring import services
from tests.monitoring.conftest import START
from tests.test_project import parse


def test_pages_have_one_h1_and_no_inline_styles(orders, org, as_user):
    missed = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="80%"
    )
    assert missed.met is False
    sla = orders.version.sla
    pages = [
        (org.sam, reverse("monitoring:performance", args=[sla.pk])),
        (org.fiona, reverse("monitoring:performance", args=[sla.pk])),
        (org.margaret, reverse("monitoring:overview")),
        (org.priya, reverse("monitoring:review", args=[sla.pk])),
        (org.fiona, reverse("monitoring:review", args=[sla.pk])),
        (org.sean, reverse("monitoring:calendar")),
    ]
    for user, url in pages:
        response = as_user(user).get(url)
        assert response.status_code == 200, url
        page = parse(response.content.decode())
        assert page.h1_count == 1, url
        assert page.style_attributes == [] and page.style_elements == 0, url
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
