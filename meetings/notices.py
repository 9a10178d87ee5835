"""Emails about an exchange: invited, need lists due and ready, the meeting starting.

Each notice is queued in the outbox (``notifications.services.notice_send``)
inside the transaction of the change that causes it, keyed so that it is sent
once. Every text is written for its reader and names only what that reader may
already see: a need list's contents never leave its department before the
meeting, so these emails say only whether a list is ready.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar, Event

from meetings import permissions, rules
from meetings.models import Meeting, NeedList, Step
from notifications import kinds
from notifications.services import Attachment, notice_key, notice_send
from organisation.people import display_name

MEETING_LENGTH = dt.timedelta(hours=2)
# How many days before the need lists are due their heads are reminded.
REMIND_DAYS_BEFORE = 2


def url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def meeting_url(meeting: Meeting) -> str:
    return url(reverse("meetings:detail", kwargs={"pk": meeting.pk}))


def _when(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.scheduled_for), "l j F Y, H:i")


def _day(day: dt.date) -> str:
    return date_format(day, "l j F Y")


def _one_line(text: str) -> str:
    """A title on one line: a line break typed into a title must not break a header."""
    return " ".join(str(text).split())


def _heads(meeting: Meeting) -> list[AbstractBaseUser]:
    return [h for h in (meeting.department_a.head, meeting.department_b.head) if h is not None]


def chair_of(meeting: Meeting) -> AbstractBaseUser | None:
    """Whoever chairs ``meeting`` (``meetings.permissions.chair_person``)."""
    return permissions.chair_person(meeting)


def everyone_in(meeting: Meeting) -> list[AbstractBaseUser]:
    """The chair and every member of both departments."""
    people = list(
        get_user_model()
        .objects.filter(
            memberships__department__in=[meeting.department_a_id, meeting.department_b_id]
        )
        .distinct()
    )
    return [chair_of(meeting), *people]


# --- being invited ------------------------------------------------------------------------


def invitation_ics(meeting: Meeting) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Expectations Exchange//Invitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    event.add("uid", f"exchange-{meeting.pk}@{domain}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.scheduled_for)
    event.add("dtend", meeting.scheduled_for + MEETING_LENGTH)
    event.add("summary", _one_line(f"Exchange: {meeting}"))
    event.add("location", _one_line(meeting.place))
    event.add("url", meeting_url(meeting))
    event.add(
        "description",
        f"Expectations exchange between {meeting.department_a.name} and "
        f"{meeting.department_b.name}.\n{meeting_url(meeting)}",
    )
    calendar.add_component(event)
    return calendar.to_ical().decode()


def invited(meeting: Meeting) -> None:
    """Both heads and the chair (if another person) are invited, with a calendar invitation."""
    title = _one_line(str(meeting))
    attachment = Attachment("exchange.ics", invitation_ics(meeting), "text/calendar")
    due = f"\n\nNeed lists are due by {_day(meeting.needs_due)}." if meeting.needs_due else ""
    link = meeting_url(meeting)
    for side_department, other in (
        (meeting.department_a, meeting.department_b),
        (meeting.department_b, meeting.department_a),
    ):
        head = side_department.head
        if head is None:
            continue
        notice_send(
            to=head,
            subject=f"Invitation: exchange with {other.name}, {_when(meeting)}",
            body=(
                f"You are invited, as head of {side_department.name}, to an expectations "
                f"exchange with {other.name}: “{title}”.\n\n"
                f"When: {_when(meeting)}\nWhere: {_one_line(meeting.place)}{due}\n\n"
                f"Before the meeting, write down what {side_department.name} needs (not wants) "
                f"from {other.name} and mark the list ready:\n{link}"
            ),
            key=notice_key("exchange-invited", meeting.pk),
            kind=kinds.INVITATION,
            attachment=attachment,
        )
    chair = chair_of(meeting)
    if chair is not None and chair not in _heads(meeting):
        notice_send(
            to=chair,
            subject=f"Invitation to chair: {title}, {_when(meeting)}",
            body=(
                f"You are asked to chair the expectations exchange between "
                f"{meeting.department_a.name} and {meeting.department_b.name}: “{title}”.\n\n"
                f"When: {_when(meeting)}\nWhere: {_one_line(meeting.place)}{due}\n\n{link}"
            ),
            key=notice_key("exchange-invited", meeting.pk),
            kind=kinds.INVITATION,
            attachment=attachment,
        )


# --- an exchange called by a head -------------------------------------------------------


def time_to_answer(meeting: Meeting, *, by: AbstractBaseUser, key: str) -> None:
    """The head whose answer the proposed time awaits is asked to accept or propose another.

    Sent when a head calls an exchange (``key`` names the call) and each time the
    other side proposes another time (``key`` names that proposal).
    """
    if not meeting.time_awaits:
        return
    department = rules.department_of(meeting, rules.Side(meeting.time_awaits))
    other = meeting.other_department(department)
    head = department.head
    if head is None:
        return
    notice_send(
        to=head,
        subject=f"{other.name} proposes an exchange on {_when(meeting)}",
        body=(
            f"{display_name(by)} ({other.name}) proposes an expectations exchange with "
            f"{department.name}: “{_one_line(str(meeting))}”.\n\n"
            f"When: {_when(meeting)}\nWhere: {_one_line(meeting.place)}\n\n"
            "Accept the time, or propose another, on the exchange's page. A calendar "
            f"invitation follows once the time is agreed.\n{meeting_url(meeting)}"
        ),
        key=key,
        kind=kinds.INVITATION,
    )


def facilitator_asked(meeting: Meeting, *, by: AbstractBaseUser) -> None:
    """The facilitator a head invited is asked to accept or decline chairing."""
    facilitator = meeting.facilitator
    if facilitator is None:
        return
    notice_send(
        to=facilitator,
        subject=f"Will you chair an exchange? {_one_line(str(meeting))}",
        body=(
            f"{display_name(by)} asks you to chair the expectations exchange between "
            f"{meeting.department_a.name} and {meeting.department_b.name}.\n\n"
            f"Proposed for: {_when(meeting)}\nWhere: {_one_line(meeting.place)}\n\n"
            f"Accept or decline on the exchange's page:\n{meeting_url(meeting)}"
        ),
        key=notice_key("facilitator-asked", meeting.pk, facilitator.pk),
        kind=kinds.INVITATION,
    )


def facilitator_answered(
    meeting: Meeting, *, by: AbstractBaseUser, accepted: bool, key: str
) -> None:
    """Both heads hear whether the invited facilitator accepted; on acceptance, once the
    time is agreed, the facilitator gets the calendar invitation like everyone else."""
    if accepted:
        what = f"{display_name(by)} accepted and will chair the exchange."
    else:
        what = (
            f"{display_name(by)} declined to chair. You can invite another facilitator on the "
            f"exchange's page; otherwise the head of {meeting.department_a.name} chairs."
        )
    notice_send(
        to=_heads(meeting),
        subject=f"Facilitator {'accepted' if accepted else 'declined'}: {_one_line(str(meeting))}",
        body=f"{what}\n\n{meeting_url(meeting)}",
        key=key,
        kind=kinds.INVITATION,
    )
    if accepted and not meeting.time_awaits:
        invited(meeting)


# --- need lists -------------------------------------------------------------------------


def list_ready(need_list: NeedList) -> None:
    """A head marked a list ready: the other head and the chair are told (once a list)."""
    meeting = need_list.meeting
    department = need_list.department
    other = meeting.other_department(department)
    other_list = meeting.need_lists.get(department=other)
    both = other_list.is_ready
    link = meeting_url(meeting)
    if other.head is not None:
        notice_send(
            to=other.head,
            subject=f"{department.name} is ready for the exchange: {_one_line(str(meeting))}",
            body=(
                f"{department.name} marked its need list ready for the exchange on "
                f"{_when(meeting)}. "
                + (
                    "Yours is ready too: the exchange can open when the chair starts it."
                    if both
                    else f"{other.name}'s list is not marked ready yet."
                )
                + f"\n\n{link}"
            ),
            key=notice_key("list-ready", need_list.pk),
            kind=kinds.OTHER_SIDE_READY,
        )
    chair = chair_of(meeting)
    if chair is not None and chair.pk not in {h.pk for h in _heads(meeting)}:
        notice_send(
            to=chair,
            subject=f"{department.name}'s need list is ready: {_one_line(str(meeting))}",
            body=(
                f"{department.name} marked its need list ready. "
                + ("Both lists are ready." if both else f"{other.name}'s is not ready yet.")
                + f"\n\n{link}"
            ),
            key=notice_key("list-ready", need_list.pk),
            kind=kinds.OTHER_SIDE_READY,
        )


def _need_list_reminder(need_list: NeedList, *, key: str, extra: str = "") -> list:
    meeting = need_list.meeting
    department = need_list.department
    head = department.head
    if head is None:
        return []
    due = f" by {_day(meeting.needs_due)}" if meeting.needs_due else ""
    link = url(reverse("meetings:need_list", kwargs={"pk": meeting.pk, "list_pk": need_list.pk}))
    return notice_send(
        to=head,
        subject=f"{department.name}'s need list is due{due}",
        body=(
            f"{department.name}'s need list for the exchange with "
            f"{meeting.other_department(department).name} on {_when(meeting)} is not marked "
            f"ready yet. It is due{due}.{extra}\n\n"
            f"Finish it and mark it ready:\n{link}"
        ),
        key=key,
        kind=kinds.NEED_LIST_DUE,
    )


def need_lists_remind(*, today: dt.date | None = None) -> int:
    """The daily reminder: heads whose list is due within ``REMIND_DAYS_BEFORE`` days and
    not ready. Keyed by the deadline, so each head is reminded once per deadline."""
    today = today or timezone.localdate()
    lists = NeedList.objects.filter(
        ready_at__isnull=True,
        meeting__step=Step.PREPARATION,
        meeting__needs_due__gte=today,
        meeting__needs_due__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("meeting__department_a", "meeting__department_b", "department")
    queued = 0
    for need_list in lists:
        key = notice_key("need-list-due", need_list.pk, need_list.meeting.needs_due.isoformat())
        queued += len(_need_list_reminder(need_list, key=key))
    return queued


def need_list_nudge(need_list: NeedList, *, by: AbstractBaseUser, key: str) -> list:
    """The chair's reminder to one head whose list is not ready."""
    return _need_list_reminder(
        need_list, key=key, extra=f" {display_name(by)}, who chairs the exchange, asks you to."
    )


# --- the meeting starting --------------------------------------------------------------


def meeting_started(meeting: Meeting) -> None:
    """The meeting opened: everyone in it, with a link straight into it."""
    link = meeting_url(meeting)
    notice_send(
        to=everyone_in(meeting),
        subject=f"Starting now: {_one_line(str(meeting))}",
        body=(
            f"The expectations exchange between {meeting.department_a.name} and "
            f"{meeting.department_b.name} has opened.\n\nJoin it now:\n{link}"
        ),
        key=notice_key("meeting-starting", meeting.pk),
        kind=kinds.MEETING_STARTING,
    )
