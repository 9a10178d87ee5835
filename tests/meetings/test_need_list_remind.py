"""The chair's "remind" action for a head whose need list is not ready: server-checked,
at most once an hour per list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Step
from notifications.models import Outbox
from notifications.services import preferences_set
from tests.factories import make_item


@pytest.fixture
def sales_list(meeting, org):
    return meeting.need_lists.get(department=org.sales)


def remind(client, meeting, need_list, **extra):
    url = reverse("meetings:act", args=[meeting.pk, "remind"])
    return client.post(url, {"list": need_list.pk}, follow=True, **extra)


def test_the_chair_sees_the_button_only_for_lists_not_ready(as_user, meeting, org):
    finance = meeting.need_lists.get(department=org.finance)
    make_item(finance)
    services.need_list_set_ready(need_list=finance, by=org.fiona, ready=True)
    page = as_user(org.priya).get(reverse("meetings:detail", args=[meeting.pk])).readable
    assert page.count("Remind the head") == 1
    heads_page = as_user(org.fiona).get(reverse("meetings:detail", args=[meeting.pk])).readable
    assert "Remind the head" not in heads_page


def test_the_chair_reminds_the_head_by_email(
    as_user, meeting, org, sales_list, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(as_user(org.priya), meeting, sales_list)
    assert "Reminder sent to Samira Okafor." in response.readable
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["sam@example.org"]
    assert message.subject.startswith("Sales's need list is due")
    assert "Priya Nair, who chairs the exchange, asks you to." in message.body


def test_a_second_reminder_within_the_hour_is_refused_with_a_clear_message(
    as_user, meeting, org, sales_list
):
    client = as_user(org.priya)
    remind(client, meeting, sales_list)
    response = remind(client, meeting, sales_list)
    assert response.status_code == 429
    assert "Samira Okafor was reminded at" in response.readable
    assert "You can remind them again from" in response.readable
    assert Outbox.objects.filter(recipient=org.sam).count() == 1


def test_after_an_hour_the_chair_may_remind_again(as_user, meeting, org, sales_list):
    client = as_user(org.priya)
    remind(client, meeting, sales_list)
    Outbox.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    assert remind(client, meeting, sales_list).status_code == 200
    assert Outbox.objects.filter(recipient=org.sam).count() == 2


@pytest.mark.parametrize("who", ["fiona", "sam", "fergus", "margaret", "olive"])
def test_no_one_but_the_chair_may_remind(as_user, meeting, org, sales_list, who):
    response = remind(as_user(getattr(org, who)), meeting, sales_list)
    assert response.status_code == 403
    assert not Outbox.objects.filter(key__startswith="need-list-nudge").exists()


def test_a_ready_list_is_not_reminded(as_user, meeting, org, sales_list):
    make_item(sales_list)
    services.need_list_set_ready(need_list=sales_list, by=org.sam, ready=True)
    response = remind(as_user(org.priya), meeting, sales_list)
    assert response.status_code == 409
    assert "Sales's list is already marked ready." in response.readable
    assert not Outbox.objects.filter(key__startswith="need-list-nudge").exists()


def test_no_reminder_once_the_meeting_has_opened(as_user, meeting, org, sales_list):
    meeting.step = Step.OPENING
    meeting.save()
    response = remind(as_user(org.priya), meeting, sales_list)
    assert response.status_code == 409
    assert not Outbox.objects.filter(key__startswith="need-list-nudge").exists()


def test_a_list_of_another_exchange_or_nonsense_is_refused(as_user, meeting, org, sales_list):
    client = as_user(org.priya)
    url = reverse("meetings:act", args=[meeting.pk, "remind"])
    assert client.post(url, {"list": "x"}).status_code == 400
    assert client.post(url, {"list": sales_list.pk + 999}).status_code == 409


def test_the_chair_is_told_when_the_head_turned_reminders_off(as_user, meeting, org, sales_list):
    preferences_set(user=org.sam, off={"need-list-due"})
    response = remind(as_user(org.priya), meeting, sales_list)
    assert "No email was sent: Samira Okafor has turned these reminders off." in response.readable


def test_the_htmx_fragment_shows_the_result(as_user, meeting, org, sales_list):
    url = reverse("meetings:act", args=[meeting.pk, "remind"])
    response = as_user(org.priya).post(url, {"list": sales_list.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Reminder sent to Samira Okafor." in response.readable
