"""GET /organisation/ and POST /organisation/act/: the administrators' page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organisation.models import Department, Membership, OrgChange
from tests.tasks import run_queued_tasks

PAGE = reverse("organisation:page")
ACT = reverse("organisation:act")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_only_administrators_see_the_page(org, admin, as_user, client):
    assert as_user(org.margaret).get(PAGE).status_code == 403
    assert client.get(PAGE).status_code == 302
    page = as_user(admin).get(PAGE)
    assert page.status_code == 200
    text = page.readable
    assert "<h1>Organisation</h1>" in text
    for name in ["Finance", "Sales", "Operations", "Fiona Marsh", "Priya Nair", "Arthur Kemp"]:
        assert name in text
    assert "oversees the whole organisation" in text


def test_the_navigation_shows_the_organisation_to_administrators_only(org, admin, as_user):
    assert 'href="/organisation/"' in as_user(admin).get(reverse("home")).readable
    assert 'href="/organisation/"' not in as_user(org.fiona).get(reverse("home")).readable


def test_the_htmx_request_gets_only_the_workspace(org, admin, as_user):
    fragment = as_user(admin).get(PAGE, **HTMX).readable
    assert fragment.startswith('\n<div id="org-workspace"') or fragment.lstrip().startswith(
        '<div id="org-workspace"'
    )
    assert "<h1>" not in fragment


def test_changing_a_head_in_place(org, admin, as_user):
    response = as_user(admin).post(
        ACT,
        {"action": "set_head", "department": org.sales.pk, "person": org.sean.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Sean Doyle now heads Sales." in response.readable
    assert Membership.objects.get(department=org.sales, role="head").user == org.sean
    assert Membership.objects.get(user=org.sam).role == "member"


def test_creating_a_department_without_htmx_redirects_with_a_message(org, admin, as_user):
    client = as_user(admin)
    response = client.post(ACT, {"action": "department_create", "name": "Legal"})
    assert response.status_code == 302
    page = client.get(PAGE).readable
    assert "Legal created." in page
    assert Department.objects.filter(name="Legal").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "department_create", "name": ""}, "Give the department a name"),
        ({"action": "department_create", "name": "x" * 500}, "Give the department a name"),
        ({"action": "set_head", "department": "999999", "person": "1"}, "not in the organisation"),
        ({"action": "move", "person": "abc"}, "not in the organisation"),
        ({"action": "explode"}, "not something this page can do"),
        ({"action": "roles", "person": "sean", "roles": ["emperor"]}, "Choose roles from the list"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(org, admin, as_user, data, message):
    changes = OrgChange.objects.count()
    if data.get("person") == "sean":
        data = {**data, "person": org.sean.pk}
    response = as_user(admin).post(ACT, data, **HTMX)
    assert response.status_code in (400, 409)
    assert message in response.readable
    assert OrgChange.objects.count() == changes


def test_an_invitation_with_a_bad_email_shows_the_field_error(org, admin, as_user):
    response = as_user(admin).post(
        ACT, {"action": "invite", "email": "fiona@example.org", "first_name": "F"}, **HTMX
    )
    assert response.status_code == 400
    assert "already belongs to someone here" in response.readable


def test_inviting_shows_the_person_as_invited(
    org, admin, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ACT,
            {
                "action": "invite",
                "email": "nia@example.org",
                "first_name": "Nia",
                "last_name": "Ross",
                "department": org.sales.pk,
                "roles": ["facilitator"],
            },
            **HTMX,
        )
    assert "Invitation sent to nia@example.org." in response.readable
    assert "Invited" in response.readable
    run_queued_tasks()  # the worker sends it
    assert len(mailoutbox) == 1


def test_the_people_list_is_paginated_and_searchable(org, admin, as_user):
    from tests.factories import make_user

    for n in range(60):
        make_user(f"extra{n:02d}", first_name="Extra", last_name=f"{n:02d}")
    first = as_user(admin).get(PAGE).readable
    assert "Page 1 of 2" in first
    found = as_user(admin).get(PAGE, {"q": "Olive"}).readable
    assert "Olive Grant" in found and "Extra" not in found


def test_the_page_costs_the_same_queries_whatever_the_number_of_people(
    org, admin, as_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user

    client = as_user(admin)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(30):
        make_user(f"more{n}", first_name="More")
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)
