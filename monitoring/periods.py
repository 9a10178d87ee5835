"""Measurement periods: pure functions from a frequency and a start date.

A measure recorded ``monthly`` from 31 January has periods 31 January to
28 February, 28 February to 31 March, 31 March to 30 April... Each period's
``end`` is the next period's ``start`` (so periods are contiguous and never
overlap); the boundaries are always counted from the start date, so a short
month never drags later periods earlier. A period is due once it has ended;
its measurement is expected within ``GRACE`` days of the end (``due``).

Monitoring starts when the agreement does: a service whose start date comes
before the agreement was signed is measured from the signing (``measured_from``),
so the months before it are never owed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

GRACE = dt.timedelta(days=7)
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
# Ten years of weekly periods, fifty of monthly ones: more than any agreement runs.
MAX_PERIODS = 520


@dataclass(frozen=True, order=True)
class Period:
    """One measurement period: ``start`` included, ``end`` excluded (the next one's start)."""

    start: dt.date
    end: dt.date

    @property
    def due(self) -> dt.date:
        return self.end + GRACE

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.due


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` months on, clamped to the end of a shorter month.

    Raises ``OverflowError`` past the calendar's last year, as ``date + timedelta`` does.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("date value out of range")
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def boundary(frequency: str, start: dt.date, n: int) -> dt.date:
    """The start of period ``n`` (0-based), counted from ``start``."""
    if frequency == "weekly":
        return start + dt.timedelta(weeks=n)
    try:
        return add_months(start, MONTHS[frequency] * n)
    except KeyError:
        raise ValueError(f"Unknown frequency: {frequency!r}") from None


def _index_before(frequency: str, start: dt.date, day: dt.date) -> int:
    """A period number whose period starts on or before ``day`` (so counting from it
    misses nothing up to ``day``), cheaply, however far ``day`` is from ``start``."""
    if day <= start:
        return 0
    if frequency == "weekly":
        return (day - start).days // 7
    months = (day.year - start.year) * 12 + day.month - start.month
    return max(0, months // MONTHS.get(frequency, 1) - 1)


def iter_periods(frequency: str, start: dt.date, first: int = 0) -> Iterator[Period]:
    """Periods from number ``first`` on, until the calendar ends."""
    n = first
    while True:
        try:
            period = Period(boundary(frequency, start, n), boundary(frequency, start, n + 1))
        except OverflowError:
            return
        yield period
        n += 1


def period_containing(frequency: str, start: dt.date, day: dt.date) -> Period | None:
    """The period ``day`` falls in, or ``None`` before the start (or past the calendar)."""
    if day < start:
        return None
    for period in iter_periods(frequency, start, _index_before(frequency, start, day)):
        if period.end > day:
            return period
    return None


def measured_from(start: dt.date | None, in_force: dt.date | None) -> dt.date | None:
    """The first day measured: the service's start date, or the day the agreement came
    into force when that is later. ``None`` while either is unknown."""
    if start is None or in_force is None:
        return None
    return max(start, in_force)


def due_periods(frequency: str, start: dt.date | None, today: dt.date) -> list[Period]:
    """Every period that has ended by ``today`` (so can be measured), oldest first.

    At most the last ``MAX_PERIODS``: a start date decades back (only possible in data from
    before start dates were checked) cannot make a page list thousands of periods.
    """
    if start is None:
        return []
    first = max(0, _index_before(frequency, start, today) - MAX_PERIODS)
    periods = []
    for period in iter_periods(frequency, start, first):
        if period.end > today:
            break
        periods.append(period)
    return periods[-MAX_PERIODS:]
