"""A request is private to its department (and the chair) until it is presented.

Who reads what is decided when they read it: the record keeps its full wording,
and each reader gets the line they may read.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements import pdf
from meetings import permissions, services, views
from meetings.models import Step
from meetings.rules import Role
from tests.factories import item_data
from tests.meetings.helpers import drive_to, finish_step

SECRET = "Priority-1 incidents restored within 4 hours"


@pytest.fixture
def finance_secret(meeting, org):
    """Finance (A) asks for something Sales must not read before Finance presents it."""
    need_list = meeting.need_list_for(org.finance)
    return services.need_item_add(need_list=need_list, by=org.fiona, data=item_data(service=SECRET))


def page(client, meeting, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(reverse("meetings:detail", args=[meeting.pk]), headers=headers)


# --- who may read a request ----------------------------------------------------------------


def test_own_department_and_chair_read_a_request_before_it_is_presented(meeting, finance_secret):
    for role in (Role.HEAD_A, Role.MEMBER_A, Role.FACILITATOR):
        assert permissions.may_read_item(role, finance_secret, meeting)
    for role in (Role.HEAD_B, Role.MEMBER_B, Role.OBSERVER, None):
        assert not permissions.may_read_item(role, finance_secret, meeting)


def test_everyone_in_the_exchange_reads_it_once_presented(meeting, org, finance_secret):
    drive_to(meeting, org, Step.A_PRESENTS)
    finance_secret.refresh_from_db()
    assert finance_secret.presented_at is not None
    for role in (Role.HEAD_B, Role.MEMBER_B, Role.OBSERVER):
        assert permissions.may_read_item(role, finance_secret, meeting)
    assert not permissions.may_read_item(None, finance_secret, meeting)


# --- the record ("Latest in the record", minutes) -----------------------------------------


@pytest.mark.parametrize("who", ["sam", "sean", "margaret"])
@pytest.mark.parametrize("htmx", [False, True])
def test_outsiders_read_only_that_the_list_changed(
    meeting, org, as_user, finance_secret, who, htmx
):
    response = page(as_user(getattr(org, who)), meeting, htmx=htmx)
    assert response.status_code == 200
    assert SECRET not in response.readable
    assert "Finance changed its need list." in response.readable


@pytest.mark.parametrize("who", ["fiona", "fergus", "priya"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_department_and_the_chair_read_the_whole_line(
    meeting, org, as_user, finance_secret, who, htmx
):
    response = page(as_user(getattr(org, who)), meeting, htmx=htmx)
    assert f"Fiona Marsh added “{SECRET}” to Finance's needs." in response.readable


def test_a_request_removed_before_the_meeting_stays_private_for_good(meeting, org, as_user):
    need_list = meeting.need_list_for(org.finance)
    removed = services.need_item_add(
        need_list=need_list, by=org.fiona, data=item_data(service="Withdrawn idea")
    )
    services.need_item_remove(item=removed, by=org.fiona)
    drive_to(meeting, org, Step.CLOSED)
    minutes = reverse("meetings:minutes", args=[meeting.pk])
    for who in (org.sam, org.sean, org.margaret):
        text = as_user(who).get(minutes).readable
        assert "Withdrawn idea" not in text
        assert "Finance changed its need list." in text
    assert "removed “Withdrawn idea”" in as_user(org.fergus).get(minutes).readable


def test_the_difficult_flag_is_the_departments_and_its_note_the_chairs(meeting, org, as_user):
    services.need_list_update_settings(
        need_list=meeting.need_list_for(org.finance),
        by=org.fiona,
        members_may_edit=False,
        flagged_difficult=True,
        difficulty_note="They shouted last time",
    )
    sales_view = page(as_user(org.sam), meeting).readable
    assert "likely to be difficult" not in sales_view
    assert "Finance changed its meeting settings." in sales_view
    assert "They shouted last time" not in page(as_user(org.fergus), meeting).readable
    assert "They shouted last time" in page(as_user(org.priya), meeting).readable


# --- while Finance presents -------------------------------------------------------------------


@pytest.fixture
def presenting(meeting, org, finance_secret):
    """Finance presents; its first request is on the table, the secret (second) is not yet."""
    need_list = meeting.need_list_for(org.finance)
    first = services.need_item_add(
        need_list=need_list, by=org.fiona, data=item_data(service="First up")
    )
    services.need_item_move(item=first, by=org.fiona, offset=-1)
    drive_to(meeting, org, Step.A_PRESENTS)  # adds two more requests of Finance's
    return meeting


@pytest.mark.parametrize("htmx", [False, True])
def test_requests_not_yet_presented_are_only_counted(presenting, org, as_user, htmx):
    text = page(as_user(org.sam), presenting, htmx=htmx).readable
    assert "First up" in text
    assert SECRET not in text
    assert "3 more requests still to be presented." in text
    assert "One of Finance's requests has not been presented yet." in text


def test_the_presenters_and_the_chair_see_the_whole_table(presenting, org, as_user):
    for who in (org.fiona, org.priya):
        text = page(as_user(who), presenting).readable
        assert SECRET in text
        assert f"“{SECRET}” has not been presented yet." in text


def test_the_need_list_page_shows_only_what_was_presented(presenting, org, as_user):
    url = reverse(
        "meetings:need_list", args=[presenting.pk, presenting.need_list_for(org.finance).pk]
    )
    for htmx in (False, True):
        response = as_user(org.sean).get(url, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code == 200
        assert "First up" in response.readable
        assert SECRET not in response.readable
        assert "3 more requests still to be presented." in response.readable


def test_presenting_the_request_opens_it_to_everyone(presenting, org, as_user):
    finish_step(presenting)  # the chair moves to each request in turn
    text = page(as_user(org.sam), presenting).readable
    assert SECRET in text
    assert "still to be presented" not in text


def test_once_presented_the_request_is_in_the_record_but_its_drafts_are_not(
    presenting, org, as_user
):
    """Decided at read time: the stored events are unchanged, the reader's right changed.
    What was presented is readable; how the list was drafted stays Finance's."""
    client = as_user(org.sam)
    minutes = reverse("meetings:minutes", args=[presenting.pk])
    assert SECRET not in client.get(minutes).readable
    finish_step(presenting)  # the chair moves to each request in turn
    for text in (client.get(minutes).readable, page(client, presenting).readable):
        assert f"The meeting moved to “{SECRET}”." in text
        assert f"added “{SECRET}”" not in text
    assert "Finance changed its need list." in client.get(minutes).readable


# --- live screens and the minutes PDF ---------------------------------------------------------


def test_each_live_audience_gets_only_what_it_may_read(meeting, finance_secret):
    rendered = views.render_regions_many(meeting.pk, views.AUDIENCES)
    for audience in ("head_b", "member_b", "observer"):
        assert SECRET not in "".join(rendered[audience].values())
        assert "Finance changed its need list." in rendered[audience]["record"]
    for audience in ("facilitator", "head_a", "member_a"):
        assert SECRET in rendered[audience]["record"]


def test_the_minutes_pdf_is_worded_for_its_reader(meeting, org, as_user, finance_secret):
    url = reverse("agreements:minutes_pdf", args=[meeting.pk])

    def pdf_text(user) -> str:
        response = as_user(user).get(url)
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        return " ".join(p.extract_text() for p in reader.pages)

    assert "Finance changed its need list." in pdf_text(org.sam)
    assert "Priority-1" not in pdf_text(org.margaret)
    assert "Priority-1" in pdf_text(org.fergus)
    assert SECRET in pdf.minutes_html(meeting, Role.FACILITATOR)
