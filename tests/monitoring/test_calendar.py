import datetime as dt

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from monitoring import ics, services
from monitoring.models import CalendarToken
from tests.monitoring.conftest import START, TODAY


def summaries(calendar):
    return [str(e["summary"]) for e in calendar.walk("VEVENT")]


def test_a_provider_sees_due_dates_and_reviews(orders, org):
    calendar = ics.calendar_for(org.sean, TODAY)
    names = summaries(calendar)
    assert "Measurement due: Share of orders with complete paperwork" in names
    assert "Review due: Signed order forms" in names
    due = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"measure-{orders.pk}-")]
    assert due[0].decoded("dtstart") == dt.date(2026, 2, 5) + dt.timedelta(days=7)
    # Recorded periods drop out of the calendar.
    services.measurement_record(
        service=orders, period_start=START, by=org.sam, value_text="99%", today=TODAY
    )
    uids = [str(e["uid"]) for e in ics.calendar_for(org.sean, TODAY).walk("VEVENT")]
    assert not any(u.startswith(f"measure-{orders.pk}-20260105") for u in uids)


def test_the_recipient_and_facilitator_see_reviews_not_someone_elses_due_dates(orders, org):
    finance = [str(e["uid"]) for e in ics.calendar_for(org.fergus, TODAY).walk("VEVENT")]
    assert not any(u.startswith(f"measure-{orders.pk}-") for u in finance)
    assert any(u.startswith("review-") for u in finance)
    priya = [str(e["uid"]) for e in ics.calendar_for(org.priya, TODAY).walk("VEVENT")]
    assert priya and all(u.startswith("review-") for u in priya)
    assert summaries(ics.calendar_for(org.olive, TODAY)) == []


def test_exchanges_in_the_calendar(meeting, org):
    names = summaries(ics.calendar_for(org.fergus))
    assert names == [f"Exchange: {meeting}"]


def test_feed_by_secret_token_without_a_session(orders, org, as_user):
    page = as_user(org.sean).get(reverse("monitoring:calendar"))
    assert page.status_code == 200
    token = CalendarToken.objects.get(user=org.sean).token
    assert token in page.content.decode()
    response = Client().get(reverse("monitoring:feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert any(
        s.startswith("Measurement due") for s in summaries(Calendar.from_ical(response.content))
    )
    assert Client().get(reverse("monitoring:feed", kwargs={"token": "wrong"})).status_code == 404


def test_a_new_token_retires_the_old(org, as_user):
    client = as_user(org.sean)
    client.get(reverse("monitoring:calendar"))
    old = CalendarToken.objects.get(user=org.sean).token
    client.post(reverse("monitoring:calendar"))
    client.get(reverse("monitoring:calendar"))
    assert CalendarToken.objects.get(user=org.sean).token != old
    assert Client().get(reverse("monitoring:feed", kwargs={"token": old})).status_code == 404


def test_meeting_ics_download(meeting, org, as_user):
    url = reverse("monitoring:meeting_ics", kwargs={"meeting_pk": meeting.pk})
    response = as_user(org.fergus).get(url)
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart").timestamp() == int(meeting.scheduled_for.timestamp())
    assert str(event["location"]) == "Board room"
    assert as_user(org.olive).get(url).status_code == 403


def test_personal_download_needs_a_login(org, as_user):
    assert Client().get(reverse("monitoring:calendar_download")).status_code == 302
    assert as_user(org.sean).get(reverse("monitoring:calendar_download")).status_code == 200
