"""Scheduling an exchange: the service's rules and the page that uses it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Event, Meeting, NeedList, Step
from meetings.rules import RuleError
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_user

URL = reverse("meetings:schedule")


def next_week() -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)


def schedule(org, **overrides) -> Meeting:
    arguments = {
        "by": org.priya,
        "department_a": org.finance,
        "department_b": org.sales,
        "facilitator": org.priya,
        "scheduled_for": next_week(),
        "place": "  Board room  ",
        "title": "Order to cash",
    } | overrides
    return services.meeting_schedule(**arguments)


def form_data(org, **overrides) -> dict[str, object]:
    return {
        "department_a": org.finance.pk,
        "department_b": org.sales.pk,
        "facilitator": org.priya.pk,
        "scheduled_for": next_week().strftime("%Y-%m-%dT%H:%M"),
        "place": "Board room",
        "title": "Order to cash",
    } | overrides


# --- the service -----------------------------------------------------------------------


def test_scheduling_creates_the_exchange_two_need_lists_and_records_it(org) -> None:
    meeting = schedule(org)

    assert meeting.step == Step.PREPARATION
    assert (meeting.department_a, meeting.department_b) == (org.finance, org.sales)
    assert meeting.place == "Board room"
    assert meeting.created_by == org.priya
    lists = NeedList.objects.filter(meeting=meeting)
    assert {nl.department for nl in lists} == {org.finance, org.sales}
    assert not any(nl.items.exists() or nl.is_ready for nl in lists)
    event = Event.objects.get(meeting=meeting)
    assert (event.seq, event.kind, event.actor) == (1, "scheduled", org.priya)
    assert "Finance and Sales" in event.description
    assert event.after["place"] == "Board room"


def test_a_manager_can_schedule_with_a_facilitator(org) -> None:
    meeting = schedule(org, by=org.margaret)

    assert meeting.created_by == org.margaret
    assert meeting.facilitator == org.priya


def test_the_same_department_twice_is_refused(org) -> None:
    with pytest.raises(services.ScheduleError, match="two different departments"):
        schedule(org, department_b=org.finance)

    assert not Meeting.objects.exists()


def test_a_department_without_a_head_is_refused(org) -> None:
    legal = make_department("Legal")

    with pytest.raises(services.ScheduleError, match="Legal has no head"):
        schedule(org, department_b=legal)

    assert not Meeting.objects.exists()
    assert not NeedList.objects.exists()


def test_a_facilitator_from_one_of_the_departments_is_refused(org) -> None:
    give_role(org.fergus, OrgRole.Role.FACILITATOR)

    with pytest.raises(services.ScheduleError, match="impartial"):
        schedule(org, facilitator=org.fergus)

    assert not Meeting.objects.exists()


def test_someone_who_is_not_a_facilitator_cannot_chair(org) -> None:
    with pytest.raises(services.ScheduleError, match="not a facilitator"):
        schedule(org, facilitator=org.olive)


@pytest.mark.parametrize("username", ["fiona", "fergus", "arthur", "olive"])
def test_only_facilitators_and_managers_may_schedule(org, username) -> None:
    with pytest.raises(RuleError) as refusal:
        schedule(org, by=getattr(org, username))

    assert refusal.value.status == 403
    assert not Meeting.objects.exists()


# --- the page --------------------------------------------------------------------------


def test_schedule_page_offers_departments_and_only_facilitators(as_user, org) -> None:
    response = as_user(org.priya).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Finance" in html and "Sales" in html and "Operations" in html
    facilitators = list(response.context["form"].fields["facilitator"].queryset)
    assert facilitators == [org.priya]


def test_scheduling_from_the_page_creates_it_and_shows_the_exchange(as_user, org) -> None:
    response = as_user(org.priya).post(URL, form_data(org), follow=True)

    meeting = Meeting.objects.get()
    assert response.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk])
    assert "Exchange scheduled" in response.content.decode()
    assert meeting.need_lists.count() == 2
    assert meeting.events.filter(kind="scheduled").count() == 1


def test_a_manager_can_schedule_from_the_page(as_user, org) -> None:
    response = as_user(org.margaret).post(URL, form_data(org))

    assert response.status_code == 302
    assert Meeting.objects.get().created_by == org.margaret


def test_the_same_department_twice_shows_a_message(as_user, org) -> None:
    response = as_user(org.priya).post(URL, form_data(org, department_b=org.finance.pk))

    assert response.status_code == 400
    assert "Choose a different department from A." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_department_without_a_head_shows_a_message(as_user, org) -> None:
    legal = make_department("Legal")

    response = as_user(org.priya).post(URL, form_data(org, department_b=legal.pk))

    assert response.status_code == 400
    assert "Legal has no head yet" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_facilitator_from_one_of_the_departments_shows_a_message(as_user, org) -> None:
    give_role(org.sean, OrgRole.Role.FACILITATOR)

    response = as_user(org.priya).post(URL, form_data(org, facilitator=org.sean.pk))

    assert response.status_code == 400
    assert "choose someone outside both departments" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_person_who_is_not_a_facilitator_cannot_be_chosen(as_user, org) -> None:
    response = as_user(org.priya).post(URL, form_data(org, facilitator=org.olive.pk))

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("not-a-date", "Enter a valid date/time."),
        ("2026-02-30T10:00", "Enter a valid date/time."),
        ("", "This field is required."),
        ("2001-01-01T10:00", "Choose a date and time in the future."),
    ],
)
def test_a_bad_date_shows_a_message(as_user, org, when, message) -> None:
    response = as_user(org.priya).post(URL, form_data(org, scheduled_for=when))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_empty_place_shows_a_message(as_user, org) -> None:
    response = as_user(org.priya).post(URL, form_data(org, place="   "))

    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_an_unknown_department_shows_a_message(as_user, org) -> None:
    response = as_user(org.priya).post(URL, form_data(org, department_a=999999))

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("username", ["fiona", "sean", "arthur", "olive"])
def test_others_may_not_open_or_post_the_schedule_page(as_user, org, username) -> None:
    client = as_user(getattr(org, username))

    assert client.get(URL).status_code == 403
    response = client.post(URL, form_data(org))
    assert response.status_code == 403
    assert "Only a facilitator or a manager can schedule" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_exchanges_page_offers_scheduling_only_to_those_who_may(as_user, org) -> None:
    assert URL in as_user(org.priya).get(reverse("meetings:list")).content.decode()
    assert URL not in as_user(org.fiona).get(reverse("meetings:list")).content.decode()


def test_a_new_facilitator_is_offered_once_they_have_the_role(as_user, org) -> None:
    fay = make_user("fay", first_name="Fay", last_name="Ward")
    give_role(fay, OrgRole.Role.FACILITATOR)

    html = as_user(org.priya).get(URL).content.decode()

    assert "Fay Ward" in html


def test_the_page_sets_when_the_need_lists_are_due(as_user, org) -> None:
    due = timezone.localdate() + dt.timedelta(days=2)
    response = as_user(org.priya).post(URL, form_data(org, needs_due=due.isoformat()), follow=True)
    meeting = Meeting.objects.get()
    assert meeting.needs_due == due
    assert f"Need lists due by {due:%A} {due.day} {due:%B %Y}." in response.readable


def test_a_past_or_late_deadline_is_refused_on_the_page(as_user, org) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = as_user(org.priya).post(URL, form_data(org, needs_due=yesterday.isoformat()))
    assert response.status_code == 400
    assert "Choose a day from today onwards." in response.readable
    late = (next_week() + dt.timedelta(days=3)).date()
    response = as_user(org.priya).post(URL, form_data(org, needs_due=late.isoformat()))
    assert response.status_code == 400
    assert "on or before the day of the meeting" in response.readable
    assert not Meeting.objects.exists()
