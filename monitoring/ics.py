"""iCalendar (.ics) for the dates people keep: exchanges, review dates, measurements due.

Built with the ``icalendar`` library. Every event has a stable UID, so a
calendar app that subscribes to the feed updates events rather than
duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from agreements.models import SLAService, VersionStatus
from meetings.limits import one_line
from meetings.models import Meeting, Step
from monitoring import selectors
from organisation.models import Membership

MEETING_LENGTH = dt.timedelta(hours=2)
HORIZON = dt.timedelta(days=366)


def _domain() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Expectations Exchange//Monitoring//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))
    return calendar


def _fits(start: dt.date, length: dt.timedelta) -> bool:
    """Whether an event from ``start`` ends before the calendar does (data from before
    dates were checked may sit on its last day)."""
    try:
        start + length + dt.timedelta(days=1)  # a day's margin for time zones
    except OverflowError:
        return False
    return True


def _lines(text: str) -> str:
    """A description: its own line breaks kept, control characters dropped."""
    return "\n".join(one_line(line) for line in text.splitlines())


def meeting_event(meeting: Meeting) -> Event | None:
    """The exchange as an event, or ``None`` when it cannot be placed in a calendar."""
    if not _fits(meeting.scheduled_for, MEETING_LENGTH):
        return None
    event = Event()
    event.add("uid", f"exchange-{meeting.pk}@{_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.scheduled_for)
    event.add("dtend", meeting.scheduled_for + MEETING_LENGTH)
    event.add("summary", one_line(f"Exchange: {meeting}"))
    event.add("location", one_line(meeting.place))
    url = _url(reverse("meetings:detail", kwargs={"pk": meeting.pk}))
    event.add("url", url)
    event.add(
        "description",
        _lines(
            f"Expectations exchange between {meeting.department_a.name} and "
            f"{meeting.department_b.name}.\n{url}"
        ),
    )
    return event


def _all_day(uid: str, day: dt.date, summary: str, description: str, url: str) -> Event | None:
    if not _fits(day, dt.timedelta(days=1)):
        return None
    event = Event()
    event.add("uid", f"{uid}@{_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", one_line(summary))
    event.add("url", url)
    event.add("description", _lines(f"{description}\n{url}"))
    return event


def _add(calendar: Calendar, event: Event | None) -> None:
    if event is not None:
        calendar.add_component(event)


def review_event(service: SLAService) -> Event | None:
    sla_id = service.version.sla_id
    return _all_day(
        f"review-{sla_id}-{service.position}-{service.review_date:%Y%m%d}",
        service.review_date,
        f"Review due: {service.service}",
        f"The review date of “{service.service}” ({service.provider} for {service.recipient}).",
        _url(reverse("monitoring:performance", kwargs={"pk": sla_id})),
    )


def due_events(
    service: SLAService,
    today: dt.date,
    recorded: set[dt.date] | None = None,
    in_force: dict[int, dt.date] | None = None,
) -> Iterable[Event | None]:
    """The due date of every period not yet recorded, up to a year ahead."""
    if recorded is None:
        recorded = {m.period_start for m in service.measurements.all()}
    sla_id = service.version.sla_id
    url = _url(reverse("monitoring:performance", kwargs={"pk": sla_id})) + f"#measure-{service.pk}"
    for period in selectors.measured_periods(service, today + HORIZON, in_force):
        if period.start in recorded:
            continue
        yield _all_day(
            f"measure-{service.pk}-{period.start:%Y%m%d}",
            period.due,
            f"Measurement due: {service.measure_what}",
            f"Record “{service.measure_what}” ({service.provider} for {service.recipient}) for "
            f"{period.start:%d %b %Y} to {period.last_day:%d %b %Y}. Target: "
            f"{service.measure.target_words()}.",
            url,
        )


def calendar_for(user: AbstractBaseUser, today: dt.date | None = None) -> Calendar:
    """One person's dates: exchanges they take part in, reviews of their agreements, and the
    measurements their department owes."""
    today = today or timezone.localdate()
    calendar = new_calendar("Expectations Exchange")
    departments = list(Membership.objects.filter(user=user).values_list("department_id", flat=True))
    meetings = (
        Meeting.objects.filter(
            Q(facilitator=user) | Q(department_a__in=departments) | Q(department_b__in=departments)
        )
        .exclude(step=Step.CLOSED)
        .select_related("department_a", "department_b")
        .distinct()
    )
    for meeting in meetings:
        _add(calendar, meeting_event(meeting))
    services = (
        SLAService.objects.filter(version__status=VersionStatus.SIGNED)
        .filter(
            Q(provider__in=departments)
            | Q(recipient__in=departments)
            | Q(version__sla__meeting__facilitator=user)
        )
        .select_related("provider", "recipient", "version")
        .distinct()
    )
    services = list(services)
    sla_ids = {s.version.sla_id for s in services}
    lineage = selectors.measurements_by_lineage(sla_ids)
    in_force = selectors.in_force_since(sla_ids) if services else {}
    for service in services:
        if service.review_date:
            _add(calendar, review_event(service))
        if service.provider_id in departments:
            recorded = {m.period_start for m in lineage.get(selectors.lineage_key(service), [])}
            for event in due_events(service, today, recorded, in_force):
                _add(calendar, event)
    return calendar


def calendar_for_meeting(meeting: Meeting) -> Calendar:
    calendar = new_calendar(str(meeting))
    _add(calendar, meeting_event(meeting))
    return calendar
