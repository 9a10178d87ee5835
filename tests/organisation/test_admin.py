"""The Django admin looks after departments, people and roles; the meeting record is left alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Event
from organisation.models import Department, Membership, OrgRole
from tests.factories import make_user


@pytest.fixture
def admin_client_for(org, as_user):
    admin = make_user("ada", is_staff=True, is_superuser=True)
    return as_user(admin)


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:organisation_department_changelist",
        "admin:organisation_department_add",
        "admin:organisation_membership_changelist",
        "admin:organisation_membership_add",
        "admin:organisation_orgrole_changelist",
        "admin:organisation_orgrole_add",
        "admin:meetings_meeting_changelist",
        "admin:meetings_needitem_changelist",
        "admin:meetings_event_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_admin_pages_open_for_an_administrator(admin_client_for, meeting, name) -> None:
    assert admin_client_for.get(reverse(name)).status_code == 200


def test_a_department_page_lists_its_people(admin_client_for, org) -> None:
    response = admin_client_for.get(
        reverse("admin:organisation_department_change", args=[org.finance.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Memberships" in html or "Membership" in html
    assert f'value="{org.fiona.pk}"' in html


def test_administrator_makes_a_department_with_a_head(admin_client_for, org) -> None:
    response = admin_client_for.post(
        reverse("admin:organisation_department_add"),
        {
            "name": "Legal",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": org.olive.pk,
            "memberships-0-role": "head",
        },
    )

    assert response.status_code == 302
    legal = Department.objects.get(name="Legal")
    assert legal.head == org.olive


def test_a_second_head_is_refused_with_a_message(admin_client_for, org) -> None:
    response = admin_client_for.post(
        reverse("admin:organisation_membership_add"),
        {"user": org.olive.pk, "department": org.finance.pk, "role": "head"},
    )

    assert response.status_code == 200
    assert "one_head_per_department" in response.content.decode()
    assert org.finance.head == org.fiona
    assert not Membership.objects.filter(user=org.olive, department=org.finance).exists()


def test_administrator_gives_a_manager_a_remit(admin_client_for, org) -> None:
    manager = make_user("mo")

    response = admin_client_for.post(
        reverse("admin:organisation_orgrole_add"),
        {"user": manager.pk, "role": "manager", "remit": [org.sales.pk]},
    )

    assert response.status_code == 302
    role = OrgRole.objects.get(user=manager)
    assert list(role.remit.all()) == [org.sales]


def test_the_meeting_record_cannot_be_written_in_the_admin(admin_client_for, org) -> None:
    meeting = services.meeting_schedule(
        by=org.priya,
        department_a=org.finance,
        department_b=org.sales,
        facilitator=org.priya,
        scheduled_for=timezone.now(),
        place="Board room",
    )
    event = Event.objects.get(meeting=meeting)

    assert admin_client_for.get(reverse("admin:meetings_event_add")).status_code == 403
    response = admin_client_for.post(
        reverse("admin:meetings_event_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_people_who_are_not_staff_are_sent_to_the_admin_login(as_user, org) -> None:
    response = as_user(org.priya).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
