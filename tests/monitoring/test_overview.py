import pytest
from django.urls import reverse

from agreements import services as agreement_services
from monitoring import services
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_meeting, make_user
from tests.monitoring.conftest import START


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
