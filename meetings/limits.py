"""Sensible ranges for the values people type, chosen by what each value means.

Every form that takes one of these values checks it here, so a date or a figure
that makes no sense is refused at the edge with a clear message, and nothing that
builds a calendar, a PDF or a list of periods is ever handed one.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

# A service starts at most a year back (agreeing what already runs) and at most
# five years ahead; it is reviewed within five years; a meeting is held within the
# next three years; a fix is promised within three years.
START_BACK = dt.timedelta(days=366)
START_AHEAD = dt.timedelta(days=5 * 366)
REVIEW_AHEAD = dt.timedelta(days=5 * 366)
MEETING_AHEAD_YEARS = 3
MEETING_AHEAD = dt.timedelta(days=MEETING_AHEAD_YEARS * 366)
FIX_BACK = dt.timedelta(days=366)
FIX_AHEAD = dt.timedelta(days=3 * 366)
SESSION_BACK = dt.timedelta(days=366)
SESSION_AHEAD = dt.timedelta(days=31)


def _day(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _within(day: dt.date, first: dt.date, last: dt.date, what: str) -> dt.date:
    if day < first:
        raise forms.ValidationError(f"Choose {what} on or after {_day(first)}.")
    if day > last:
        raise forms.ValidationError(f"Choose {what} before {_day(last + dt.timedelta(days=1))}.")
    return day


def check_start_date(day: dt.date, today: dt.date | None = None) -> dt.date:
    """When an agreed service starts: from a year back to five years ahead."""
    today = _today(today)
    return _within(day, today - START_BACK, today + START_AHEAD, "a start date")


def check_review_date(
    day: dt.date, start: dt.date | None = None, today: dt.date | None = None
) -> dt.date:
    """When a service is reviewed: not before it starts, within five years."""
    today = _today(today)
    first = start or today - START_BACK
    return _within(day, first, max(today, first) + REVIEW_AHEAD, "a review date")


def check_fix_by(day: dt.date, today: dt.date | None = None) -> dt.date:
    """When a miss is to be fixed: from a year back (written late) to three years ahead."""
    today = _today(today)
    return _within(day, today - FIX_BACK, today + FIX_AHEAD, "a date")


def check_session_day(day: dt.date, today: dt.date | None = None) -> dt.date:
    """When an arbiter's session was held: within the last year, or booked this month."""
    today = _today(today)
    return _within(day, today - SESSION_BACK, today + SESSION_AHEAD, "a date")


def check_meeting_time(when: dt.datetime, now: dt.datetime | None = None) -> dt.datetime:
    """When an exchange is held: from now (an hour's grace) to three years ahead."""
    now = now or timezone.now()
    if when < now - dt.timedelta(hours=1):
        raise forms.ValidationError("Choose a date and time in the future.")
    if when > now + MEETING_AHEAD:
        raise forms.ValidationError(f"Choose a date within the next {MEETING_AHEAD_YEARS} years.")
    return when


def one_line(text: str) -> str:
    """Text shown as one line (a title, a place): line breaks and control characters
    become single spaces."""
    cleaned = "".join(" " if ch.isspace() or ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    return " ".join(cleaned.split())
