import pytest
from django.urls import reverse

from agreements import services as agreement_services
from lib import paging
from monitoring import selectors, services
from monitoring.models import AgreementHealth
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_meeting, make_user
from tests.monitoring.conftest import START, TODAY


def test_others_see_the_agreements_they_take_part_in(org, as_user, signed):
    assert (
        "Finance and Sales"
        in as_user(org.fiona).get(reverse("monitoring:overview")).content.decode()
    )
    page = as_user(org.olive).get(reverse("monitoring:overview")).content.decode()
    assert "Finance and Sales" not in page and "No agreements for you yet" in page


def test_lists_every_agreement_in_remit_with_compliance(org, as_user, orders):
    services.measurement_record(service=orders, period_start=START, by=org.sam, value_text="80%")
    page = as_user(org.margaret).get(reverse("monitoring:overview")).content.decode()
    assert page.count("<h1") == 1
    assert "Finance and Sales" in page
    assert "0%" in page  # one measurement, missed


def test_remit_limits_and_sorting(org, as_user, signed):
    legal = make_department("Legal", head=make_user("lena"))
    other = make_meeting(department_a=org.operations, department_b=legal, facilitator=org.priya)
    draft_between(other, org)
    narrow = make_user("nora")
    give_role(narrow, OrgRole.Role.MANAGER, remit=[org.finance])
    page = as_user(narrow).get(reverse("monitoring:overview")).content.decode()
    assert "Finance and Sales" in page
    assert "Operations and Legal" not in page


@pytest.mark.parametrize("sort", ["issues", "compliance", "-compliance", "name", "rubbish"])
def test_every_sort_renders(org, as_user, signed, sort):
    response = as_user(org.margaret).get(reverse("monitoring:overview"), {"sort": sort})
    assert response.status_code == 200


def test_sorted_by_name(org, as_user, signed):
    legal = make_department("Legal", head=make_user("lena"))
    ops_meeting = make_meeting(
        department_a=org.operations, department_b=legal, facilitator=org.priya
    )
    draft_between(ops_meeting, org)
    page = (
        as_user(org.margaret).get(reverse("monitoring:overview"), {"sort": "name"}).content.decode()
    )
    assert page.index("Finance and Sales") < page.index("Operations and Legal")
    page = (
        as_user(org.margaret)
        .get(reverse("monitoring:overview"), {"sort": "issues"})
        .content.decode()
    )
    assert "Operations and Legal" in page


def draft_between(meeting, org):
    """A second agreement (a draft), outside Finance and Sales."""
    return agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.priya)


def test_kept_figures_are_the_figures_worked_out_from_the_measurements(org, orders):
    services.measurement_record(service=orders, period_start=START, by=org.sam, value_text="80%")
    sla = orders.version.sla
    assert services.health_refresh(sla_ids=[sla.pk], today=TODAY) == 1
    kept = AgreementHealth.objects.get(sla=sla)
    live = selectors.summaries_for([sla], TODAY)[sla.pk]
    assert (kept.met, kept.recorded, kept.open_issues, kept.standing) == (
        live.compliance.met,
        live.compliance.recorded,
        live.open_issues,
        live.standing.status,
    )
    assert kept.recorded == 1 and kept.met == 0 and kept.version_id == orders.version_id


def test_kept_figures_of_today_are_shown_as_kept(org, as_user, orders):
    sla = orders.version.sla
    services.health_refresh(sla_ids=[sla.pk])
    AgreementHealth.objects.filter(sla=sla).update(open_issues=41)
    page = as_user(org.margaret).get(reverse("monitoring:overview")).content.decode()
    assert ">41<" in page


def test_figures_kept_another_day_are_worked_out_afresh(org, as_user, orders):
    sla = orders.version.sla
    services.health_refresh(sla_ids=[sla.pk], today=START)
    AgreementHealth.objects.filter(sla=sla).update(open_issues=41)
    page = as_user(org.margaret).get(reverse("monitoring:overview")).content.decode()
    assert ">41<" not in page and "Finance and Sales" in page


def test_the_overview_is_paged(org, as_user, signed, monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 1)
    legal = make_department("Legal", head=make_user("lena"))
    draft_between(
        make_meeting(department_a=org.operations, department_b=legal, facilitator=org.priya), org
    )
    client = as_user(org.margaret)
    first = client.get(reverse("monitoring:overview"), {"sort": "name"}).content.decode()
    second = client.get(reverse("monitoring:overview"), {"sort": "name", "page": 2})
    assert "Finance and Sales" in first and "Operations and Legal" not in first
    assert "Page 1 of 2" in first and 'href="?sort=name&amp;page=2"' in first
    assert "Operations and Legal" in second.content.decode()


def test_a_drafted_agreement_is_listed_at_once(org, as_user, signed):
    # Its row of kept figures is made with it (dated never), so the overview, which reads
    # its pages along that table's indexes, lists it before any figure is kept.
    health = AgreementHealth.objects.get(sla=signed)
    assert health.name == "finance and sales"
    legal = make_department("Legal", head=make_user("lena"))
    other = make_meeting(department_a=org.operations, department_b=legal, facilitator=org.priya)
    drafted = draft_between(other, org)
    kept = AgreementHealth.objects.get(sla=drafted)
    assert kept.name == "operations and legal"
    assert kept.computed_on < TODAY
    page = as_user(org.margaret).get(reverse("monitoring:overview") + "?sort=name").content
    assert page.decode().index("Finance and Sales") < page.decode().index("Operations and Legal")
