"""A head marking the need list ready tells the other head and the chair, once."""

from __future__ import annotations

import pytest

from meetings import services
from notifications.services import preferences_set
from tests.factories import make_item
from tests.notifications.mail import sent, to


@pytest.fixture
def lists(meeting):
    list_a = meeting.need_lists.get(department=meeting.department_a)
    list_b = meeting.need_lists.get(department=meeting.department_b)
    make_item(list_a, "Private Finance need")
    make_item(list_b, "Private Sales need")
    return list_a, list_b


def mark(need_list, by, capture, ready=True):
    with capture(execute=True):
        services.need_list_set_ready(need_list=need_list, by=by, ready=ready)


def test_the_other_head_and_the_chair_are_told(
    lists, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    recipients = set().union(*sent(mailoutbox, run_tasks).values())
    assert recipients == {"sam@example.org", "priya@example.org"}
    sam = to(mailoutbox, "sam@example.org")
    assert sam.subject.startswith("Finance is ready for the exchange")
    assert "Sales's list is not marked ready yet." in sam.body
    # the list's contents stay with its department until presented
    assert all("Private Finance need" not in m.body for m in mailoutbox)


def test_marking_ready_twice_tells_them_once(
    lists, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks, ready=False)
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    run_tasks()
    assert len(mailoutbox) == 2


def test_the_second_list_says_both_are_ready(
    lists, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    run_tasks()
    mailoutbox.clear()
    mark(lists[1], org.sam, django_capture_on_commit_callbacks)
    recipients = set().union(*sent(mailoutbox, run_tasks).values())
    assert recipients == {"fiona@example.org", "priya@example.org"}
    assert "Yours is ready too" in to(mailoutbox, "fiona@example.org").body
    assert "Both lists are ready." in to(mailoutbox, "priya@example.org").body


def test_a_head_who_turned_it_off_is_not_told(
    lists, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    preferences_set(user=org.sam, off={"other-side-ready"})
    mark(lists[0], org.fiona, django_capture_on_commit_callbacks)
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {"priya@example.org"}
