"""Changing the organisation: departments, heads, people, roles, invitations, import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory
from django.utils import timezone

from organisation import services
from organisation.models import Department, Invitation, Membership, OrgChange, OrgRole
from organisation.services import NewPerson, OrganisationError
from tests.tasks import run_queued_tasks


def head_of(department):
    return Membership.objects.get(department=department, role=Membership.Role.HEAD).user


def test_only_an_administrator_changes_the_organisation(org):
    with pytest.raises(OrganisationError) as refusal:
        services.department_create(by=org.margaret, name="Legal")
    assert refusal.value.status == 403
    assert not Department.objects.filter(name="Legal").exists()


def test_departments_are_created_and_renamed_and_each_change_is_recorded(admin):
    legal = services.department_create(by=admin, name="  Legal  ")
    services.department_rename(by=admin, department=legal, name="Legal and Compliance")
    legal.refresh_from_db()
    assert legal.name == "Legal and Compliance"
    assert list(OrgChange.objects.values_list("description", flat=True)) == [
        "Ada Min renamed Legal to Legal and Compliance.",
        "Ada Min created Legal.",
    ]


def test_two_departments_cannot_share_a_name(admin, org):
    with pytest.raises(OrganisationError, match="already a department called finance"):
        services.department_create(by=admin, name="finance")


def test_a_head_changes_in_one_step_and_the_old_head_stays_a_member(admin, org):
    services.department_set_head(by=admin, department=org.finance, user=org.fergus)
    assert head_of(org.finance) == org.fergus
    fiona = Membership.objects.get(user=org.fiona)
    assert (fiona.department, fiona.role) == (org.finance, Membership.Role.MEMBER)
    assert "Fergus Lane head of Finance (Fiona Marsh stays as a member)" in (
        OrgChange.objects.first().description
    )


def test_making_someone_from_another_department_head_moves_them(admin, org):
    services.department_set_head(by=admin, department=org.finance, user=org.sean)
    assert head_of(org.finance) == org.sean
    assert list(
        Membership.objects.filter(user=org.sean).values_list("department__name", flat=True)
    ) == ["Finance"]


def test_moving_a_person_puts_them_in_one_department_as_a_member(admin, org):
    services.person_move(by=admin, user=org.fergus, department=org.sales)
    assert list(Membership.objects.filter(user=org.fergus).values_list("department", "role")) == [
        (org.sales.pk, Membership.Role.MEMBER)
    ]


def test_roles_are_set_exactly_with_a_managers_remit(admin, org):
    services.person_set_roles(
        by=admin, user=org.sean, roles=["manager", "arbiter"], remit=[org.finance]
    )
    assert set(OrgRole.objects.filter(user=org.sean).values_list("role", flat=True)) == {
        "manager",
        "arbiter",
    }
    assert list(OrgRole.objects.get(user=org.sean, role="manager").remit.all()) == [org.finance]
    services.person_set_roles(by=admin, user=org.sean, roles=[])
    assert not OrgRole.objects.filter(user=org.sean).exists()


def test_an_administrator_cannot_remove_their_own_role(admin):
    with pytest.raises(OrganisationError, match="your own administrator role"):
        services.person_set_roles(by=admin, user=admin, roles=["manager"])


def test_deactivating_keeps_everything_and_stops_sign_in(admin, org, meeting):
    services.person_deactivate(by=admin, user=org.fiona)
    org.fiona.refresh_from_db()
    assert not org.fiona.is_active
    assert Membership.objects.filter(user=org.fiona, department=org.finance).exists()
    assert meeting.department_a.memberships.filter(user=org.fiona).exists()
    # The sign-in guard needs the request that signs in.
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="fiona", password=org.password) is None


def test_nobody_deactivates_themselves(admin):
    with pytest.raises(OrganisationError, match="yourself"):
        services.person_deactivate(by=admin, user=admin)


def invite(admin, **extra):
    person = NewPerson(
        email=extra.pop("email", "nia@example.org"),
        first_name=extra.pop("first_name", "Nia"),
        last_name=extra.pop("last_name", "Ross"),
        **extra,
    )
    return services.person_invite(by=admin, person=person)


def token_from(mail) -> str:
    return mail.body.split("/organisation/invitation/")[1].split("/")[0]


def test_an_invitation_creates_an_inactive_person_and_emails_a_one_time_link(
    admin, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin, department=org.sales)
    run_queued_tasks()  # the worker sends it
    nia = invitation.user
    assert not nia.is_active and not nia.has_usable_password()
    assert Membership.objects.get(user=nia).department == org.sales
    assert [m.to for m in mailoutbox] == [["nia@example.org"]]
    token = token_from(mailoutbox[0])
    assert Invitation.objects.get().token_sha256 == Invitation.digest(token)
    assert token not in Invitation.objects.get().token_sha256

    user = services.invitation_accept(token=token, password="a-long-new-password")
    assert user.is_active and user.check_password("a-long-new-password")
    with pytest.raises(OrganisationError, match="expired, been used"):
        services.invitation_accept(token=token, password="another-password-1")


def test_an_expired_invitation_does_not_work(admin, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin)
    run_queued_tasks()
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.invitation_for_token(token_from(mailoutbox[0])) is None


def test_resending_replaces_the_link_and_revoking_ends_it(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nia = invite(admin).user
        services.invitation_resend(by=admin, user=nia)
    run_queued_tasks()
    first, second = token_from(mailoutbox[0]), token_from(mailoutbox[1])
    assert services.invitation_for_token(first) is None
    assert services.invitation_for_token(second) is not None
    services.invitation_revoke(by=admin, user=nia)
    assert services.invitation_for_token(second) is None


@pytest.mark.parametrize(
    "email, first_name, message",
    [
        ("not-an-email", "Nia", "valid email"),
        ("fiona@example.org", "Nia", "already belongs"),
        ("nia@example.org", "  ", "first name"),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(admin, org, email, first_name, message):
    people = get_user_model().objects.count()
    with pytest.raises(OrganisationError, match=message):
        invite(admin, email=email, first_name=first_name)
    assert get_user_model().objects.count() == people


def test_an_import_applies_everyone_or_nobody(admin, org):
    good = NewPerson(email="a@example.org", first_name="A", last_name="", department=org.sales)
    clash = NewPerson(email="fiona@example.org", first_name="F", last_name="")
    people = get_user_model().objects.count()
    with pytest.raises(OrganisationError):
        services.people_import(by=admin, people=[good, clash])
    assert get_user_model().objects.count() == people

    invitations = services.people_import(by=admin, people=[good])
    assert [i.user.email for i in invitations] == ["a@example.org"]


def test_an_import_creates_new_departments_once(admin):
    hr = Department(name="HR")
    rows = [
        NewPerson(email="h@example.org", first_name="H", last_name="", department=hr, head=True),
        NewPerson(
            email="m@example.org", first_name="M", last_name="", department=Department(name="HR")
        ),
    ]
    services.people_import(by=admin, people=rows)
    hr = Department.objects.get(name="HR")
    assert head_of(hr).email == "h@example.org"
    assert hr.memberships.count() == 2


def test_the_first_administrator_is_created_once(db):
    services.first_administrator_create(
        username="root",
        email="r@example.org",
        first_name="R",
        last_name="",
        password="x-very-long-1",
    )
    with pytest.raises(OrganisationError):
        services.first_administrator_create(
            username="two",
            email="t@example.org",
            first_name="T",
            last_name="",
            password="x-very-long-2",
        )
