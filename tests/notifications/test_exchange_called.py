"""A head calls an exchange: each person is told when an answer is theirs, and everyone is
invited with the calendar invitation once the time is agreed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from tests.notifications.mail import sent, to

FIONA, SAM, PRIYA = "fiona@example.org", "sam@example.org", "priya@example.org"


def soon(days: int) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


@pytest.fixture
def called(org, django_capture_on_commit_callbacks):
    def call(**extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.meeting_call(
                by=org.fiona,
                department_a=org.finance,
                department_b=org.sales,
                scheduled_for=soon(7),
                place="Board room",
                **extra,
            )

    return call


def test_the_other_head_is_asked_to_answer_the_time_and_no_one_else(called, mailoutbox, run_tasks):
    meeting = called()

    assert set().union(*sent(mailoutbox, run_tasks).values()) == {SAM}
    message = to(mailoutbox, SAM)
    assert message.subject.startswith("Finance proposes an exchange on ")
    assert "Fiona Marsh (Finance) proposes" in message.body
    assert f"/exchanges/{meeting.pk}/" in message.body
    assert message.attachments == []  # the calendar invitation waits for an agreed time


def test_another_time_goes_back_to_the_caller_each_time(
    org, called, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    meeting = called()
    sent(mailoutbox, run_tasks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_time_propose(meeting=meeting, by=org.sam, scheduled_for=soon(9))
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {FIONA}
    assert to(mailoutbox, FIONA).subject.startswith("Sales proposes an exchange on ")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_time_propose(meeting=meeting, by=org.fiona, scheduled_for=soon(10))
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {SAM}


def test_an_agreed_time_invites_both_heads_once_with_the_calendar_invitation(
    org, called, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    meeting = called()
    sent(mailoutbox, run_tasks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_time_accept(meeting=meeting, by=org.sam)

    by_subject = sent(mailoutbox, run_tasks)
    assert set().union(*by_subject.values()) == {FIONA, SAM}
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        ((name, content, _mimetype),) = message.attachments
        assert name == "exchange.ics"
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        meeting.refresh_from_db()
        assert event.decoded("dtstart") == meeting.scheduled_for


def test_an_invited_facilitator_is_asked_and_the_heads_hear_the_answer(
    org, called, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    meeting = called(facilitator=org.priya)
    by_subject = sent(mailoutbox, run_tasks)
    assert set().union(*by_subject.values()) == {SAM, PRIYA}
    assert to(mailoutbox, PRIYA).subject.startswith("Will you chair an exchange?")
    assert "Fiona Marsh asks you to chair" in to(mailoutbox, PRIYA).body

    # The time is agreed first: the heads are invited, the facilitator not yet chairing.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_time_accept(meeting=meeting, by=org.sam)
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {FIONA, SAM}

    # She accepts: both heads hear it, and she gets the calendar invitation to chair.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitation_answer(meeting=meeting, by=org.priya, accept=True)
    by_subject = sent(mailoutbox, run_tasks)
    assert by_subject[f"Facilitator accepted: {meeting}"] == {FIONA, SAM}
    invitation = to(mailoutbox, PRIYA)
    assert invitation.subject.startswith("Invitation to chair")
    assert invitation.attachments[0][0] == "exchange.ics"


def test_a_declined_invitation_is_told_to_both_heads_and_nothing_goes_to_the_facilitator(
    org, called, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    meeting = called(facilitator=org.priya)
    sent(mailoutbox, run_tasks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitation_answer(meeting=meeting, by=org.priya, accept=False)
    by_subject = sent(mailoutbox, run_tasks)
    assert by_subject == {f"Facilitator declined: {meeting}": {FIONA, SAM}}
    assert "invite another facilitator" in to(mailoutbox, FIONA).body


def test_a_facilitator_invited_later_is_asked_once(
    org, called, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    meeting = called()
    sent(mailoutbox, run_tasks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_facilitator_invite(meeting=meeting, by=org.fiona, facilitator=org.priya)
    assert set().union(*sent(mailoutbox, run_tasks).values()) == {PRIYA}
    assert len(mailoutbox) == 1
