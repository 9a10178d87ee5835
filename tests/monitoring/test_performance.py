import datetime as dt

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Measurement
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_user
from tests.monitoring.conftest import START


def url(sla):
    return reverse("monitoring:performance", kwargs={"pk": sla.pk})


@pytest.mark.parametrize("who", ["fiona", "fergus", "sam", "sean", "priya", "margaret"])
def test_both_departments_facilitator_and_manager_see_it(signed, org, as_user, who):
    response = as_user(getattr(org, who)).get(url(signed))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_others_are_refused(signed, org, as_user):
    assert as_user(org.olive).get(url(signed)).status_code == 403
    outsider = make_user("ollie")
    give_role(outsider, OrgRole.Role.MANAGER, remit=[make_department("Legal")])
    assert as_user(outsider).get(url(signed)).status_code == 403


def test_page_shows_chart_compliance_and_explanation(orders, org, as_user):
    today = dt.date.today()
    for start in (dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5)):
        if start + dt.timedelta(days=31) <= today:
            services.measurement_record(
                service=orders,
                period_start=start,
                by=org.sam,
                value_text="90%" if start.month == 2 else "97%",
            )
    missed = Measurement.objects.get(met=False)
    services.explanation_write(
        measurement=missed,
        by=org.sam,
        what_happened="Two sales staff were off sick.",
        fix="Daily checks",
        prevention="Cross-training",
        fix_by=dt.date(2026, 4, 1),
    )
    page = as_user(org.fiona).get(url(orders.version.sla)).content.decode()
    assert "<svg" in page and "perf-chart__point--missed" in page
    assert "Target: at least 95%" in page
    assert "Last 12: 67% (2 of 3 met)" in page
    assert "Two sales staff were off sick." in page
    assert "Send answer" in page  # fiona heads the recipient
    assert "Overdue" in page  # later months are not recorded


def test_record_form_only_for_the_provider(orders, org, as_user):
    assert 'name="period_start"' in as_user(org.sean).get(url(orders.version.sla)).content.decode()
    page = as_user(org.fiona).get(url(orders.version.sla)).content.decode()
    assert f"/services/{orders.pk}/record/" not in page


def record_url(service):
    return reverse(
        "monitoring:record", kwargs={"pk": service.version.sla_id, "service_pk": service.pk}
    )


def test_recording_through_the_page(orders, org, as_user):
    response = as_user(org.sean).post(
        record_url(orders), {"period_start": START.isoformat(), "value_text": "91%"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get(service=orders).met is False


def test_refusals_render_a_message_and_change_nothing(orders, credit_notes, org, as_user):
    response = as_user(org.fiona).post(
        record_url(orders), {"period_start": START.isoformat(), "value_text": "91%"}
    )
    assert response.status_code == 403
    assert "Only Sales" in response.content.decode()
    response = as_user(org.sam).post(
        record_url(credit_notes), {"period_start": START.isoformat(), "value_text": "most"}
    )
    assert response.status_code == 400
    assert "say whether it was met" in response.content.decode()
    response = as_user(org.sam).post(record_url(orders), {"period_start": "nonsense"})
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_explain_and_respond_through_the_page(orders, org, as_user):
    missed = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="80%"
    )
    kwargs = {"pk": orders.version.sla_id, "measurement_pk": missed.pk}
    data = {
        "what_happened": "Lost forms",
        "fix": "Scanning",
        "prevention": "Checklist",
        "fix_by": "2026-03-01",
    }
    assert (
        as_user(org.fiona).post(reverse("monitoring:explain", kwargs=kwargs), data).status_code
        == 403
    )
    assert (
        as_user(org.sean).post(reverse("monitoring:explain", kwargs=kwargs), data).status_code
        == 302
    )
    explanation = missed.explanations.get()
    respond = reverse(
        "monitoring:respond", kwargs={"pk": orders.version.sla_id, "explanation_pk": explanation.pk}
    )
    assert as_user(org.sam).post(respond, {"decision": "acknowledge"}).status_code == 403
    assert as_user(org.fiona).post(respond, {"decision": "more"}).status_code == 400
    assert as_user(org.fiona).post(respond, {"decision": "acknowledge"}).status_code == 302
    explanation.refresh_from_db()
    assert explanation.status == "acknowledged"


def test_correct_through_the_page(orders, org, as_user):
    m = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="96%"
    )
    correct = reverse(
        "monitoring:correct", kwargs={"pk": orders.version.sla_id, "measurement_pk": m.pk}
    )
    response = as_user(org.sean).post(correct, {"value_text": "94%", "reason": "Recount"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.value_text == "94%" and not m.met


def test_report_pdf(orders, org, as_user):
    services.measurement_record(service=orders, period_start=START, by=org.sam, value_text="96%")
    response = as_user(org.margaret).get(
        reverse("monitoring:report", kwargs={"pk": orders.version.sla_id}) + "?quarter=2026-Q1"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        as_user(org.olive)
        .get(reverse("monitoring:report", kwargs={"pk": orders.version.sla_id}))
        .status_code
        == 403
    )


def test_report_covers_the_periods_started_in_the_quarter(orders, org):
    from monitoring import report

    for start in (dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5)):
        services.measurement_record(
            service=orders, period_start=start, by=org.sam, value_text="96%"
        )
    quarter = report.Quarter.parse("2026Q1")
    assert quarter.last_day == dt.date(2026, 3, 31)
    context = report.report_context(orders.version.sla, quarter)
    measure = next(m for m in context["measures"] if m["record"].service == orders)
    assert [r.period.start for r in measure["rows"]] == [
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 5),
        dt.date(2026, 3, 5),
    ]
    assert measure["record"].compliance[0].percent == 100
    assert report.Quarter.last_complete(dt.date(2026, 2, 1)) == report.Quarter(2025, 4)
    assert report.Quarter.parse("rubbish") is None


def test_htmx_recording_answers_with_the_measure_section(orders, org, as_user):
    headers = {"HX-Request": "true"}
    response = as_user(org.sean).post(
        record_url(orders),
        {"period_start": START.isoformat(), "value_text": "91%"},
        headers=headers,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith(
        f'<section class="card stack perf-measure" id="measure-{orders.pk}"'
    )
    assert "Measurement recorded." in body and "perf-chart__point--missed" in body
    assert "Explain this miss" in body


def test_htmx_refusal_shows_in_the_section_and_changes_nothing(orders, org, as_user):
    response = as_user(org.fiona).post(
        record_url(orders),
        {"period_start": START.isoformat(), "value_text": "91%"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "<html" not in body and "Only Sales" in body
    response = as_user(org.sean).post(
        record_url(orders), {"period_start": START.isoformat()}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "Actual value: This field is required." in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_draft_agreement_has_nothing_to_measure_yet(meeting, org, as_user):
    from agreements import services as agreement_services

    draft = agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.priya)
    page = as_user(org.fiona).get(url(draft)).content.decode()
    assert "Performance is recorded once both heads have signed" in page


def test_a_long_record_shows_its_latest_periods_and_all_on_request(orders, org, as_user):
    from agreements.models import SLAService
    from monitoring.selectors import PERIODS_SHOWN, measured_periods

    SLAService.objects.filter(pk=orders.pk).update(measure_frequency="weekly")
    orders.refresh_from_db()
    periods = measured_periods(orders, dt.date.today())
    assert len(periods) > PERIODS_SHOWN + 5
    earliest, older = periods[0], periods[:-PERIODS_SHOWN]
    for period in older[1:]:  # every older period met, but the first: never recorded
        services.measurement_record(
            service=orders, period_start=period.start, by=org.sam, value_text="99%"
        )

    page = as_user(org.fiona).get(url(orders.version.sla)).content.decode()
    row = f'id="period-{orders.pk}-'
    shown = page.count(row)
    # The latest periods, and the first, which is still overdue; not the older ones met.
    assert f'{row}{earliest.start:%Y-%m-%d}"' in page
    assert f'{row}{older[1].start:%Y-%m-%d}"' not in page
    assert f"Show all {len(periods)} periods" in page
    assert shown < len(periods)

    everything = as_user(org.fiona).get(url(orders.version.sla) + "?periods=all")
    html = everything.content.decode()
    assert all(f'{row}{p.start:%Y-%m-%d}"' in html for p in periods)
    assert "Show only the latest periods" in html
