"""Values that would break a calendar, a period list or a report are refused or handled.

Each test is one case that once gave a server error or lasting damage.
"""

from __future__ import annotations

import datetime as dt
import time

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agreements.models import SLAService
from meetings.models import Meeting
from monitoring import ics, periods
from monitoring.models import CalendarToken, Measurement
from tests.monitoring.conftest import START


def record_url(service):
    return reverse(
        "monitoring:record", kwargs={"pk": service.version.sla_id, "service_pk": service.pk}
    )


def feed(user) -> Client:
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return Client().get(reverse("monitoring:feed", kwargs={"token": token.token}))


def test_a_meeting_at_9999_12_31_23_59_does_not_break_the_calendar_feed(meeting, org):
    Meeting.objects.filter(pk=meeting.pk).update(
        scheduled_for=dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    )
    response = feed(org.fergus)
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_a_review_date_of_9999_12_31_does_not_break_the_calendar_feed(orders, org):
    SLAService.objects.filter(pk=orders.pk).update(review_date=dt.date(9999, 12, 31))
    response = feed(org.sean)
    assert response.status_code == 200
    names = [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert "Review due: Signed order forms" not in names
    assert any(n.startswith("Measurement due") for n in names)


def test_a_start_date_of_0001_01_01_makes_a_bounded_number_of_periods(orders, org, as_user):
    SLAService.objects.filter(pk=orders.pk).update(start_date=dt.date(1, 1, 1))
    today = timezone.localdate()
    due = periods.due_periods("monthly", dt.date(1, 1, 1), today)
    assert 0 < len(due) <= periods.MAX_PERIODS
    assert due[-1].end <= today
    began = time.monotonic()
    response = as_user(org.sean).get(
        reverse("monitoring:performance", kwargs={"pk": orders.version.sla_id})
    )
    assert response.status_code == 200
    assert time.monotonic() - began < 10
    assert len(response.content) < 1_000_000
    assert feed(org.sean).status_code == 200


def test_a_last_day_start_makes_no_period_past_the_calendar():
    assert periods.due_periods("monthly", dt.date(9999, 12, 31), dt.date(9999, 12, 31)) == []
    assert periods.period_containing("yearly", dt.date(9999, 1, 1), dt.date(9999, 6, 1)) is None


def test_a_share_with_five_decimal_places_is_a_form_error(orders, org, as_user):
    response = as_user(org.sean).post(
        record_url(orders), {"period_start": START.isoformat(), "value_text": "93.12345%"}
    )
    assert response.status_code == 400
    assert "at most four decimal places" in response.readable
    assert not Measurement.objects.exists()


def test_a_fifteen_digit_value_is_a_form_error(orders, org, as_user):
    response = as_user(org.sean).post(
        record_url(orders), {"period_start": START.isoformat(), "value_text": "123456789012345"}
    )
    assert response.status_code == 400
    assert "out of range" in response.readable
    assert not Measurement.objects.exists()


def test_a_fifteen_digit_target_is_a_form_error(orders, org, as_user):
    """The heads' form for a target that was only text checks the figure's size too."""
    SLAService.objects.filter(pk=orders.pk).update(
        measure_kind="", measure_direction="", measure_target="ninety-five"
    )
    url = reverse(
        "agreements:service_edit",
        kwargs={
            "pk": orders.version.sla_id,
            "number": orders.version.number,
            "service_pk": orders.pk,
        },
    )
    response = as_user(org.sam).post(
        url, {"measure_kind": "share", "measure_threshold": "123456789012345.12345"}
    )
    assert response.status_code == 400
    orders.refresh_from_db()
    assert orders.measure_kind == ""


def test_report_for_quarter_0000_q1_is_a_clear_400(orders, org, as_user):
    url = reverse("monitoring:report", kwargs={"pk": orders.version.sla_id})
    for quarter in ("0000-Q1", "2026-Q5", "yesterday", "99999-Q1", "2026-Q1\x00"):
        response = as_user(org.margaret).get(url, {"quarter": quarter})
        assert response.status_code == 400, quarter
        assert "Choose a quarter" in response.readable
    assert as_user(org.margaret).get(url, {"quarter": "2026-Q1"}).status_code == 200


def test_a_nul_byte_in_the_calendar_feed_address_is_404(org):
    CalendarToken.objects.create(user=org.sean)
    for token in ("abc%00def", "%00", "a" * 5000):
        assert Client().get(f"/monitoring/calendar/feed/{token}.ics").status_code == 404


def test_a_line_break_in_a_meeting_title_keeps_the_ics_whole(meeting, org, as_user):
    Meeting.objects.filter(pk=meeting.pk).update(
        title="Quarterly\r\nDTSTART:19700101T000000Z\r\nEND:VEVENT\nreview",
        place="Board\nroom",
    )
    meeting.refresh_from_db()
    response = as_user(org.fergus).get(
        reverse("monitoring:meeting_ics", kwargs={"meeting_pk": meeting.pk})
    )
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == (
        "Exchange: Quarterly DTSTART:19700101T000000Z END:VEVENT review"
    )
    assert events[0].decoded("dtstart").timestamp() == int(meeting.scheduled_for.timestamp())
    assert ics.calendar_for_meeting(meeting).to_ical().count(b"BEGIN:VEVENT") == 1


def test_huge_ids_in_addresses_are_404(orders, org, as_user):
    client = as_user(org.sean)
    for pk in ("99999999999999999999", "9223372036854775808"):
        assert client.get(f"/monitoring/agreements/{pk}/").status_code == 404
        assert client.get(f"/exchanges/{pk}/").status_code == 404
        assert client.get(f"/agreements/{pk}/").status_code == 404


def test_a_fix_promised_for_9999_is_refused(orders, org, as_user):
    from monitoring import services

    missed = services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="80%"
    )
    url = reverse(
        "monitoring:explain", kwargs={"pk": orders.version.sla_id, "measurement_pk": missed.pk}
    )
    data = {"what_happened": "Lost forms", "fix": "Scanning", "prevention": "Checklist"}
    response = as_user(org.sean).post(url, data | {"fix_by": "9999-12-31"})
    assert response.status_code == 400
    assert "Choose a date before" in response.readable
    response = as_user(org.sean).post(url, data | {"fix_by": "2026-03-01", "fix": "x" * 100_000})
    assert response.status_code == 400
    assert "at most 4000 characters" in response.readable
    assert not missed.explanations.exists()


def test_a_review_exchange_far_ahead_is_refused(orders, org, as_user):
    url = reverse("monitoring:review", kwargs={"pk": orders.version.sla_id})
    response = as_user(org.priya).post(
        url,
        {"scheduled_for": "9999-12-31T23:59", "place": "Board room", "facilitator": org.priya.pk},
    )
    assert response.status_code == 400
    assert "Choose a date within the next 3 years." in response.readable
    assert Meeting.objects.count() == 1
