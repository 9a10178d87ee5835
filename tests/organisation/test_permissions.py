"""Who plays which part in an exchange, and who may see or edit a need list."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from meetings import permissions as meeting_permissions
from meetings.models import Step
from meetings.rules import Role
from organisation import permissions as org_permissions
from organisation.models import Membership, OrgRole
from tests.factories import give_role, make_meeting, make_user


def fresh(user):
    """The same person without the per-object caches the helpers keep."""
    return get_user_model().objects.get(pk=user.pk)


def at_step(meeting, step: str):
    meeting.step = step
    meeting.save()
    return meeting


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("fiona", Role.HEAD_A),
        ("fergus", Role.MEMBER_A),
        ("sam", Role.HEAD_B),
        ("sean", Role.MEMBER_B),
        ("priya", Role.FACILITATOR),
        ("margaret", Role.OBSERVER),
        ("arthur", None),
        ("olive", None),
    ],
)
def test_meeting_role_of_everyone_in_the_organisation(org, meeting, username, role) -> None:
    assert meeting_permissions.meeting_role(getattr(org, username), meeting) == role


def test_anonymous_has_no_role(meeting) -> None:
    assert meeting_permissions.meeting_role(AnonymousUser(), meeting) is None
    assert not meeting_permissions.can_view_meeting(AnonymousUser(), meeting)


def test_roles_follow_the_sides_when_the_other_department_calls(org) -> None:
    reversed_meeting = make_meeting(
        department_a=org.sales, department_b=org.finance, facilitator=org.priya
    )

    assert meeting_permissions.meeting_role(org.sam, reversed_meeting) == Role.HEAD_A
    assert meeting_permissions.meeting_role(org.fergus, reversed_meeting) == Role.MEMBER_B


def test_a_facilitator_who_is_not_this_meetings_facilitator_has_no_role(org, meeting) -> None:
    other = make_user("fay")
    give_role(other, OrgRole.Role.FACILITATOR)

    assert meeting_permissions.meeting_role(other, meeting) is None


def test_manager_with_remit_over_one_department_observes(org, meeting) -> None:
    manager = make_user("mo")
    give_role(manager, OrgRole.Role.MANAGER, remit=[org.sales])

    assert meeting_permissions.meeting_role(manager, meeting) == Role.OBSERVER
    assert org_permissions.manages_any(manager, [org.finance, org.sales])
    assert org_permissions.manager_remit_ids(manager) == {org.sales.pk}


def test_manager_with_remit_elsewhere_has_no_role(org, meeting) -> None:
    manager = make_user("mo")
    give_role(manager, OrgRole.Role.MANAGER, remit=[org.operations])

    assert meeting_permissions.meeting_role(manager, meeting) is None
    assert not org_permissions.manages_any(manager, [org.finance, org.sales])


def test_manager_without_remit_oversees_the_whole_organisation(org) -> None:
    assert org_permissions.manager_remit_ids(org.margaret) is None
    assert org_permissions.manages_any(org.margaret, [org.operations])


def test_people_who_are_not_managers_manage_nothing(org) -> None:
    assert org_permissions.manager_remit_ids(org.fiona) == set()
    assert not org_permissions.manages_any(org.fiona, [org.finance])


def test_organisation_roles(org) -> None:
    assert org_permissions.is_facilitator(org.priya)
    assert not org_permissions.is_facilitator(org.fiona)
    assert org_permissions.is_arbiter(org.arthur)
    assert org_permissions.is_manager(org.margaret)
    assert meeting_permissions.can_schedule_exchange(org.priya)
    assert meeting_permissions.can_schedule_exchange(org.margaret)
    assert not meeting_permissions.can_schedule_exchange(org.arthur)
    assert not meeting_permissions.can_schedule_exchange(org.fiona)
    assert not meeting_permissions.can_schedule_exchange(AnonymousUser())


def test_a_person_can_hold_several_roles(org) -> None:
    give_role(org.olive, OrgRole.Role.ARBITER)
    olive = fresh(org.olive)

    assert org_permissions.is_arbiter(olive)
    assert org_permissions.is_head_of(olive, org.operations)
    assert not org_permissions.is_facilitator(olive)


def test_heads_and_members(org) -> None:
    assert org_permissions.is_head_of(org.fiona, org.finance)
    assert not org_permissions.is_head_of(org.fergus, org.finance)
    assert org_permissions.is_member_of(org.fergus, org.finance)
    assert not org_permissions.is_member_of(org.fergus, org.sales)
    assert not org_permissions.is_head_of(org.fiona, org.sales)
    assert not org_permissions.is_member_of(AnonymousUser(), org.finance)


# --- seeing a need list --------------------------------------------------------------


def test_before_presentation_a_list_is_seen_by_its_department_and_the_facilitator(
    org, meeting
) -> None:
    finance_list = meeting.need_list_for(org.finance)
    seen_by = {
        name
        for name in ["fiona", "fergus", "sam", "sean", "priya", "margaret", "arthur", "olive"]
        if meeting_permissions.can_view_need_list(getattr(org, name), finance_list)
    }

    assert seen_by == {"fiona", "fergus", "priya"}


def test_a_list_stays_private_through_the_opening(org, meeting) -> None:
    at_step(meeting, Step.OPENING)
    finance_list = meeting.need_list_for(org.finance)

    assert not meeting_permissions.can_view_need_list(org.sam, finance_list)
    assert not meeting_permissions.can_view_need_list(org.margaret, finance_list)


def test_as_a_presents_the_other_side_sees_as_list_but_not_yet_bs_own_is_shown(
    org, meeting
) -> None:
    at_step(meeting, Step.A_PRESENTS)
    finance_list = meeting.need_list_for(org.finance)
    sales_list = meeting.need_list_for(org.sales)

    assert meeting_permissions.can_view_need_list(fresh(org.sam), finance_list)
    assert meeting_permissions.can_view_need_list(fresh(org.sean), finance_list)
    assert meeting_permissions.can_view_need_list(fresh(org.margaret), finance_list)
    assert not meeting_permissions.can_view_need_list(fresh(org.fiona), sales_list)
    assert not meeting_permissions.can_view_need_list(fresh(org.olive), finance_list)


def test_once_b_presents_both_lists_are_open_to_both_sides(org, meeting) -> None:
    at_step(meeting, Step.B_PRESENTS)

    assert meeting_permissions.can_view_need_list(org.fiona, meeting.need_list_for(org.sales))
    assert meeting_permissions.can_view_need_list(org.sam, meeting.need_list_for(org.finance))
    assert not meeting_permissions.can_view_need_list(org.olive, meeting.need_list_for(org.sales))


# --- editing a need list --------------------------------------------------------------


def test_only_the_head_edits_by_default(org, meeting) -> None:
    finance_list = meeting.need_list_for(org.finance)
    editors = {
        name
        for name in ["fiona", "fergus", "sam", "sean", "priya", "margaret", "arthur", "olive"]
        if meeting_permissions.can_edit_need_list(getattr(org, name), finance_list)
    }

    assert editors == {"fiona"}


def test_members_edit_when_the_head_allows_but_not_the_other_side(org, meeting) -> None:
    finance_list = meeting.need_list_for(org.finance)
    finance_list.members_may_edit = True
    finance_list.save()

    assert meeting_permissions.can_edit_need_list(org.fergus, finance_list)
    assert not meeting_permissions.can_edit_need_list(org.sean, finance_list)
    assert not meeting_permissions.can_edit_need_list(org.sam, finance_list)
    assert not meeting_permissions.can_edit_need_list(org.priya, finance_list)


def test_the_b_head_edits_only_their_own_list(org, meeting) -> None:
    assert meeting_permissions.can_edit_need_list(org.sam, meeting.need_list_for(org.sales))
    assert not meeting_permissions.can_edit_need_list(org.sam, meeting.need_list_for(org.finance))
    assert not meeting_permissions.can_edit_need_list(org.fiona, meeting.need_list_for(org.sales))


def test_anonymous_can_neither_see_nor_edit(org, meeting) -> None:
    finance_list = meeting.need_list_for(org.finance)

    assert not meeting_permissions.can_view_need_list(AnonymousUser(), finance_list)
    assert not meeting_permissions.can_edit_need_list(AnonymousUser(), finance_list)


def test_read_once_a_request_and_forgotten_through_the_lazy_wrapper(org, meeting):
    # request.user is a lazy wrapper: the caches live on the person inside it, and a
    # service that re-reads someone's part inside its lock must really read it afresh.
    person = fresh(org.fergus)
    lazy = SimpleLazyObject(lambda: person)
    assert meeting_permissions.meeting_role(lazy, meeting) == Role.MEMBER_A
    Membership.objects.filter(user=org.fergus, department=org.finance).delete()  # leaves
    assert meeting_permissions.meeting_role(lazy, meeting) == Role.MEMBER_A  # read once
    meeting_permissions.forget_meeting_role(lazy, meeting)
    assert meeting_permissions.meeting_role(lazy, meeting) is None


def test_a_managers_remit_is_read_once_through_the_lazy_wrapper(org, django_assert_num_queries):
    person = fresh(org.margaret)
    lazy = SimpleLazyObject(lambda: person)
    first = org_permissions.manager_remit_ids(lazy)
    with django_assert_num_queries(0):
        assert org_permissions.manager_remit_ids(lazy) == first
