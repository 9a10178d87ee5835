"""``manage.py demo`` builds a believable organisation with an exchange in preparation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from meetings.models import Meeting, Step
from organisation import permissions as org_permissions
from organisation.demo import DEMO_PASSWORD, PEOPLE
from organisation.models import Department, Membership


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return run_demo()


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_demo_builds_finance_and_sales_with_heads_and_members(demo) -> None:
    finance = Department.objects.get(name="Finance")
    sales = Department.objects.get(name="Sales")

    assert finance.head == user("fiona")
    assert sales.head == user("sam")
    assert Membership.objects.filter(
        department=finance, role=Membership.Role.MEMBER, user__username="fergus"
    ).exists()
    assert Membership.objects.filter(
        department=sales, role=Membership.Role.MEMBER, user__username="sean"
    ).exists()


def test_demo_has_a_facilitator_an_arbiter_a_manager_and_an_administrator(demo) -> None:
    assert org_permissions.is_facilitator(user("priya"))
    assert org_permissions.is_arbiter(user("arthur"))
    assert org_permissions.is_manager(user("margaret"))
    admin = user("admin")
    assert admin.is_staff and admin.is_superuser


def test_every_demo_login_works_with_the_printed_password(demo, client) -> None:
    for username, *_ in PEOPLE:
        # The lockout's backend needs the request that carries the credentials.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)


def test_demo_has_an_upcoming_finance_sales_exchange_with_lists_in_progress(demo) -> None:
    upcoming = Meeting.objects.get(step=Step.PREPARATION)
    finance_list = upcoming.need_list_for(upcoming.department_a)
    sales_list = upcoming.need_list_for(upcoming.department_b)

    assert {upcoming.department_a.name, upcoming.department_b.name} == {"Finance", "Sales"}
    assert upcoming.facilitator == user("priya")
    assert finance_list.items.count() >= 2
    assert sales_list.items.exists()
    assert not finance_list.is_ready and not sales_list.is_ready
    assert sales_list.flagged_difficult
    for item in [*finance_list.items.all(), *sales_list.items.all()]:
        assert len(item.service) > 20 and item.benefit_organisation and item.measure_what
        assert item.cost_estimate < item.value_estimate


def test_demo_exchanges_are_recorded_as_people_made_them(demo) -> None:
    upcoming = Meeting.objects.get(step=Step.PREPARATION)
    kinds = list(upcoming.events.values_list("kind", flat=True))

    assert kinds[0] == "scheduled"
    assert "need_added" in kinds


def test_every_demo_person_has_a_home_page(demo, client) -> None:
    for username, *_ in PEOPLE:
        client.force_login(user(username))
        assert client.get(reverse("home")).status_code == 200, username


def test_demo_heads_find_their_list_to_prepare(demo, client) -> None:
    upcoming = Meeting.objects.get(step=Step.PREPARATION)
    finance_list = upcoming.need_list_for(Department.objects.get(name="Finance"))
    client.force_login(user("fiona"))

    html = client.get(reverse("home")).content.decode()

    assert reverse("meetings:need_list", args=[upcoming.pk, finance_list.pk]) in html
    response = client.get(reverse("meetings:need_list", args=[upcoming.pk, finance_list.pk]))
    assert response.status_code == 200
    assert finance_list.items.first().service in response.content.decode()


def test_demo_prints_the_logins(demo) -> None:
    assert "Demo organisation loaded." in demo
    assert f"password for everyone: {DEMO_PASSWORD}" in demo
    for username, *_ in PEOPLE:
        assert f"  {username} " in demo


def test_if_empty_does_nothing_the_second_time(demo) -> None:
    people, meetings = get_user_model().objects.count(), Meeting.objects.count()

    out = run_demo("--if-empty")

    assert "not loaded again" in out
    assert get_user_model().objects.count() == people
    assert Meeting.objects.count() == meetings


def test_if_empty_loads_a_new_database(db) -> None:
    out = run_demo("--if-empty")

    assert "Demo organisation loaded." in out
    assert get_user_model().objects.filter(username="fiona").exists()


def test_logins_prints_the_demo_logins_when_the_demo_is_loaded(demo) -> None:
    out = run_demo("--logins")

    assert f"password for everyone: {DEMO_PASSWORD}" in out
    assert "fiona" in out and "priya" in out and "margaret" in out


def test_logins_prints_nothing_and_creates_nothing_for_a_real_organisation(db) -> None:
    out = run_demo("--logins")

    assert "Demo logins" not in out and "fiona" not in out
    assert not get_user_model().objects.exists()


def test_a_real_organisations_drop_downs_never_offer_demo_people(db) -> None:
    from meetings.forms import ScheduleForm
    from organisation.models import OrgRole
    from tests.factories import give_role, make_user

    real = make_user("rowan", first_name="Rowan")
    give_role(real, OrgRole.Role.FACILITATOR)
    invited = make_user("ivy", is_active=False)
    give_role(invited, OrgRole.Role.FACILITATOR)
    offered = list(ScheduleForm().fields["facilitator"].queryset)
    assert offered == [real]
