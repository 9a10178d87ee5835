"""Working hours: the organisation's business-hours calendar, and time counted in it.

Pure functions over a :class:`WorkingHours` (no database), so the arithmetic can be
tested on its own. A duration "in working hours" counts only the time that falls on
a working weekday, between opening and closing, and not on a holiday; a "working
day" is one day's opening hours (07:00 to 19:00 is 12 working hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class WorkingHours:
    """Open on ``weekdays`` (Monday is 0) from ``opens`` to ``closes``, except ``holidays``."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    opens: dt.time = dt.time(7, 0)
    closes: dt.time = dt.time(19, 0)
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("A working day closes after it opens.")

    @property
    def day_length(self) -> dt.timedelta:
        return _at(dt.date.min, self.closes) - _at(dt.date.min, self.opens)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def describe(self) -> str:
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        days = sorted(self.weekdays)
        if days and days == list(range(days[0], days[-1] + 1)):
            span = f"{names[days[0]]}–{names[days[-1]]}" if len(days) > 1 else names[days[0]]
        else:
            span = ", ".join(names[d] for d in days)
        return f"{span} {self.opens:%H:%M}–{self.closes:%H:%M}"


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time)


def _local_naive(moment: dt.datetime) -> dt.datetime:
    """Wall-clock time in the organisation's time zone (aware times are converted)."""
    if timezone.is_aware(moment):
        return timezone.localtime(moment).replace(tzinfo=None)
    return moment


def working_time(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """How much of ``start``..``end`` falls in working hours (zero when ``end`` is earlier)."""
    start, end = _local_naive(start), _local_naive(end)
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    day = start.date()
    last = end.date()
    # Whole weeks in the middle are counted in one step, so a long span costs little.
    while day <= last:
        if (last - day).days > 8 and day > start.date():
            weeks = ((last - day).days - 1) // 7
            span_end = day + dt.timedelta(weeks=weeks)
            working = sum(
                1 for n in range(7) if (day + dt.timedelta(days=n)).weekday() in hours.weekdays
            )
            holidays = sum(
                1 for h in hours.holidays if day <= h < span_end and h.weekday() in hours.weekdays
            )
            total += hours.day_length * (working * weeks - holidays)
            day = span_end
            continue
        if hours.is_working_day(day):
            open_at = max(start, _at(day, hours.opens))
            close_at = min(end, _at(day, hours.closes))
            if close_at > open_at:
                total += close_at - open_at
        day += dt.timedelta(days=1)
    return total
