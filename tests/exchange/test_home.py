"""The home page shows each person what needs their attention, and nothing that is not theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Step
from organisation.models import OrgRole
from tests.factories import give_role, make_user


def home_html(as_user, user) -> str:
    response = as_user(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def need_list_url(meeting, department) -> str:
    return reverse("meetings:need_list", args=[meeting.pk, meeting.need_list_for(department).pk])


@pytest.fixture
def titled(meeting):
    meeting.title = "Order to cash"
    meeting.save()
    return meeting


def test_head_sees_their_own_need_list_to_prepare(as_user, org, titled) -> None:
    html = home_html(as_user, org.fiona)

    assert "Need lists to prepare" in html
    assert need_list_url(titled, org.finance) in html
    assert "Finance's needs for Order to cash" in html
    assert "To prepare" in html
    assert need_list_url(titled, org.sales) not in html


def test_head_sees_the_list_as_ready_once_marked(as_user, org, titled) -> None:
    need_list = titled.need_list_for(org.finance)
    need_list.ready_at = timezone.now()
    need_list.save()

    html = home_html(as_user, org.fiona)

    assert need_list_url(titled, org.finance) in html
    assert '<span class="badge badge--good">Ready</span>' in html


def test_head_sees_the_exchange_coming_up_but_not_the_facilitators_overview(
    as_user, org, titled
) -> None:
    html = home_html(as_user, org.sam)

    assert "Order to cash" in html
    assert reverse("meetings:detail", args=[titled.pk]) in html
    assert "Exchanges you facilitate" not in html
    assert need_list_url(titled, org.finance) not in html
    assert need_list_url(titled, org.sales) in html


def test_member_has_nothing_to_prepare_unless_the_head_allows(as_user, org, titled) -> None:
    html = home_html(as_user, org.fergus)
    assert "Need lists to prepare" not in html
    assert "Order to cash" in html  # they still see the exchange coming up

    need_list = titled.need_list_for(org.finance)
    need_list.members_may_edit = True
    need_list.save()

    html = home_html(as_user, org.fergus)
    assert "Need lists to prepare" in html
    assert need_list_url(titled, org.finance) in html


def test_no_list_to_prepare_once_the_meeting_has_opened(as_user, org, titled) -> None:
    titled.step = Step.OPENING
    titled.save()

    html = home_html(as_user, org.fiona)

    assert "Need lists to prepare" not in html
    assert "In progress: Opening" in html


def test_facilitator_sees_both_lists_readiness_and_the_difficult_flag(as_user, org, titled) -> None:
    finance_list = titled.need_list_for(org.finance)
    finance_list.ready_at = timezone.now()
    finance_list.save()
    sales_list = titled.need_list_for(org.sales)
    sales_list.flagged_difficult = True
    sales_list.save()

    html = home_html(as_user, org.priya)

    assert "Exchanges you facilitate, in preparation" in html
    assert "Finance: ready" in html
    assert "Sales: preparing" in html
    assert "Sales expects it to be difficult" in html
    assert "Finance expects it to be difficult" not in html
    assert "Need lists to prepare" not in html
    assert reverse("meetings:schedule") in html


def test_facilitator_sees_no_difficulty_when_none_is_flagged(as_user, org, titled) -> None:
    html = home_html(as_user, org.priya)

    assert "Finance: preparing" in html
    assert "expects it to be difficult" not in html


def test_another_facilitator_does_not_see_this_exchange(as_user, org, titled) -> None:
    other = make_user("fay")
    give_role(other, OrgRole.Role.FACILITATOR)

    html = home_html(as_user, other)

    assert "Order to cash" not in html
    assert "Exchanges you facilitate" not in html
    assert "Nothing scheduled." in html


def test_outsider_sees_none_of_the_exchange(as_user, org, titled) -> None:
    html = home_html(as_user, org.olive)

    assert "Order to cash" not in html
    assert reverse("meetings:detail", args=[titled.pk]) not in html
    assert "Need lists to prepare" not in html
    assert "Nothing scheduled." in html
    assert reverse("meetings:schedule") not in html


def test_the_arbiter_sees_no_exchange_they_do_not_arbitrate(as_user, org, titled) -> None:
    html = home_html(as_user, org.arthur)

    assert "Order to cash" not in html
    assert "Arbiter" in html


def test_manager_for_the_whole_organisation_sees_the_exchange(as_user, org, titled) -> None:
    html = home_html(as_user, org.margaret)

    assert "Order to cash" in html
    assert "Need lists to prepare" not in html
    assert reverse("meetings:schedule") in html


def test_manager_whose_remit_is_elsewhere_does_not_see_it(as_user, org, titled) -> None:
    manager = make_user("mo")
    give_role(manager, OrgRole.Role.MANAGER, remit=[org.operations])

    html = home_html(as_user, manager)

    assert "Order to cash" not in html


def test_home_names_the_persons_departments_and_roles(as_user, org) -> None:
    assert "Head of Finance" in home_html(as_user, org.fiona)
    assert "Member of Sales" in home_html(as_user, org.sean)
    assert "Facilitator" in home_html(as_user, org.priya)


def test_a_live_meeting_shows_join_now_to_everyone_in_it(as_user, org, titled) -> None:
    titled.step = Step.A_PRESENTS
    titled.save()
    for person in (org.fiona, org.fergus, org.sam, org.sean, org.priya):
        page = as_user(person).get(reverse("home")).readable
        assert "Live now" in page and "Join now" in page, person
        assert f'href="/exchanges/{titled.pk}/">Join now' in page


def test_join_now_is_not_shown_in_preparation_after_closing_or_to_others(
    as_user, org, titled
) -> None:
    assert "Join now" not in as_user(org.fiona).get(reverse("home")).readable
    titled.step = Step.OPENING
    titled.save()
    # a manager may follow the meeting, but is not in it; an outsider sees nothing
    for person in (org.margaret, org.olive, org.arthur):
        assert "Join now" not in as_user(person).get(reverse("home")).readable
    titled.step = Step.CLOSED
    titled.save()
    assert "Join now" not in as_user(org.fiona).get(reverse("home")).readable


def test_a_list_to_prepare_says_when_it_is_due(as_user, org, titled) -> None:
    titled.needs_due = dt.date(2027, 3, 9)
    titled.save()
    assert "To prepare by 9 Mar" in home_html(as_user, org.fiona)


def test_a_proposed_exchange_says_whose_answer_it_waits_for_and_heads_can_call(org, as_user):
    from meetings import services

    services.meeting_call(
        by=org.fiona,
        department_a=org.finance,
        department_b=org.sales,
        scheduled_for=timezone.now() + dt.timedelta(days=7),
        place="Board room",
    )
    html = home_html(as_user, org.sam)
    assert "Proposed: waits for Sales to accept the time" in html
    assert reverse("meetings:call") in html
    assert reverse("meetings:call") not in home_html(as_user, org.fergus)
