"""Acting in the meeting through the browser's requests: refusals show and change nothing."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from meetings.models import ItemStatus, Remark, Step
from tests.factories import MEASURE_POST
from tests.meetings.helpers import drive_to, items_of, prepare


def act(meeting, action: str) -> str:
    return reverse("meetings:act", args=[meeting.pk, action])


HTMX = {"HX-Request": "true"}


def test_advance_by_htmx_rerenders_the_live_region(meeting, org, as_user):
    prepare(meeting, org)
    response = as_user(org.priya).post(
        act(meeting, "advance"), {"step": Step.PREPARATION}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.readable
    assert "<html" not in html and "Opening: ground rules" in html
    meeting.refresh_from_db()
    assert meeting.step == Step.OPENING


def test_advance_without_htmx_redirects_back_to_the_page(meeting, org, as_user):
    prepare(meeting, org)
    response = as_user(org.priya).post(act(meeting, "advance"), {"step": Step.PREPARATION})
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[meeting.pk])


def test_advance_too_early_is_409_with_the_reason_on_the_page(meeting, org, as_user):
    response = as_user(org.priya).post(act(meeting, "advance"), headers=HTMX)
    assert response.status_code == 409
    assert "has not marked its need list ready" in response.readable
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION
    full = as_user(org.priya).post(act(meeting, "advance"))
    assert full.status_code == 409
    assert "<html" in full.readable and "Not yet" in full.readable


def test_a_head_trying_to_advance_gets_403_and_nothing_changes(meeting, org, as_user):
    prepare(meeting, org)
    response = as_user(org.fiona).post(act(meeting, "advance"), headers=HTMX)
    assert response.status_code == 403
    assert "Only the chair (the facilitator) can do that." in response.readable
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION


def test_an_outsider_cannot_act(meeting, org, as_user):
    prepare(meeting, org)
    response = as_user(org.olive).post(act(meeting, "advance"), headers=HTMX)
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.step == Step.PREPARATION


def test_asking_a_question_and_the_empty_question(meeting, org, as_user):
    drive_to(meeting, org, Step.A_PRESENTS)
    item = items_of(meeting, org.finance)[0]
    sam = as_user(org.sam)
    empty = sam.post(act(meeting, "ask"), {"item": item.pk, "text": "   "}, headers=HTMX)
    assert empty.status_code == 400
    assert "This cannot be empty." in empty.readable
    assert not Remark.objects.exists()
    ok = sam.post(act(meeting, "ask"), {"item": item.pk, "text": "Which customers?"}, headers=HTMX)
    assert ok.status_code == 200
    assert "Which customers?" in ok.readable


def test_questions_out_of_step_are_409(meeting, org, as_user):
    drive_to(meeting, org, Step.B_SUMMARISES)
    item = items_of(meeting, org.finance)[0]
    response = as_user(org.sam).post(
        act(meeting, "ask"), {"item": item.pk, "text": "Late question"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "is not possible now" in response.readable
    assert not Remark.objects.exists()


def test_bad_item_ids_are_refused_cleanly(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    sam = as_user(org.sam)
    for item in ("", "abc", "999999"):
        response = sam.post(
            act(meeting, "move_yes"), {"item": item, "start_date": "2027-01-04"}, headers=HTMX
        )
        assert response.status_code in (400, 409), item
    assert all(i.status == ItemStatus.AWAITING_RESPONSE for i in items_of(meeting, org.finance))


def test_a_yes_without_a_valid_date_is_refused(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    response = as_user(org.sam).post(
        act(meeting, "move_yes"),
        {"item": item.pk, "start_date": "31/02/2027", **MEASURE_POST},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Enter a valid date" in response.readable
    item.refresh_from_db()
    assert item.status == ItemStatus.AWAITING_RESPONSE


def test_counter_offer_then_accept_through_the_page(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    as_user(org.sam).post(
        act(meeting, "move_counter"),
        {
            "item": item.pk,
            "service": "Weekly batch",
            "level": "Every Friday",
            "start_date": "2027-03-01",
            **MEASURE_POST,
            "measure_threshold": "90",
            "measure_frequency": "weekly",
        },
        headers=HTMX,
    )
    page = as_user(org.fiona).get(reverse("meetings:detail", args=[meeting.pk])).readable
    assert "Accept the counter-offer" in page and "Weekly batch" in page
    assert (
        "at least 90% of orders with complete paperwork within 1 working day, measured weekly "
        "by Sean Doyle" in page
    )
    response = as_user(org.fiona).post(
        act(meeting, "move_accept_counter"), {"item": item.pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Agreed: Weekly batch (Every Friday)" in response.readable
    item.refresh_from_db()
    assert (item.measure_kind, item.measure_threshold, item.measured_by) == (
        "share",
        Decimal("90"),
        "Sean Doyle",
    )
    assert item.measure_frequency == "weekly"


def test_a_yes_carries_the_measure_with_who_measures(meeting, org, as_user):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    response = as_user(org.sam).post(
        act(meeting, "move_yes"),
        {"item": item.pk, "start_date": "2027-01-04", **MEASURE_POST, "measured_by": ""},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Who measures: Say who measures it." in response.readable
    response = as_user(org.sam).post(
        act(meeting, "move_yes"),
        {"item": item.pk, "start_date": "2027-01-04", **MEASURE_POST, "measure_kind": "number"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "At least or at most" in response.readable
    response = as_user(org.sam).post(
        act(meeting, "move_yes"),
        {"item": item.pk, "start_date": "2027-01-04", **MEASURE_POST},
        headers=HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == ItemStatus.AGREED
    assert item.measure.sentence() == (
        "at least 95% of orders with complete paperwork within 1 working day, measured "
        "monthly by Sean Doyle"
    )


def test_unknown_action_is_404_with_a_message(meeting, org, as_user):
    response = as_user(org.priya).post(act(meeting, "teleport"), headers=HTMX)
    assert response.status_code == 404
    assert "not an action" in response.readable


def test_get_is_not_allowed_on_actions(meeting, org, as_user):
    assert as_user(org.priya).get(act(meeting, "advance")).status_code == 405


def test_closing_from_the_console_redirects_the_browser(meeting, org, as_user):
    drive_to(meeting, org, Step.CLOSING)
    response = as_user(org.priya).post(act(meeting, "close"), headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == reverse("meetings:detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.step == Step.CLOSED
