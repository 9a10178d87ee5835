"""Working time: the business-hours calendar's arithmetic, checked as properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from organisation.hours import WorkingHours, working_time

OFFICE = WorkingHours()  # Monday to Friday, 07:00 to 19:00
HOUR = dt.timedelta(hours=1)

moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31))
holiday_sets = st.frozensets(
    st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)), max_size=20
)


def brute_force(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Day by day, with no shortcut for whole weeks: the reference."""
    total, day = dt.timedelta(0), start.date()
    while day <= end.date():
        if hours.is_working_day(day):
            opens = max(start, dt.datetime.combine(day, hours.opens))
            closes = min(end, dt.datetime.combine(day, hours.closes))
            total += max(closes - opens, dt.timedelta(0))
        day += dt.timedelta(days=1)
    return total


def test_friday_evening_to_monday_morning_is_two_working_hours():
    friday_6pm = dt.datetime(2026, 11, 20, 18, 0)
    monday_8am = dt.datetime(2026, 11, 23, 8, 0)
    assert working_time(OFFICE, friday_6pm, monday_8am) == 2 * HOUR


def test_a_holiday_counts_nothing():
    christmas = WorkingHours(holidays=frozenset({dt.date(2026, 12, 25)}))
    thursday_6pm = dt.datetime(2026, 12, 24, 18, 0)
    monday_8am = dt.datetime(2026, 12, 28, 8, 0)
    assert working_time(christmas, thursday_6pm, monday_8am) == 2 * HOUR
    assert working_time(OFFICE, thursday_6pm, monday_8am) == 14 * HOUR


@given(start=moments, end=moments, holidays=holiday_sets)
def test_matches_counting_day_by_day(start, end, holidays):
    hours = WorkingHours(holidays=holidays)
    expected = brute_force(hours, start, end) if end > start else dt.timedelta(0)
    assert working_time(hours, start, end) == expected


@given(a=moments, b=moments, c=moments)
def test_splitting_a_span_adds_up(a, b, c):
    a, b, c = sorted([a, b, c])
    assert working_time(OFFICE, a, c) == working_time(OFFICE, a, b) + working_time(OFFICE, b, c)


@given(start=moments, end=moments)
def test_never_more_than_the_clock(start, end):
    spent = working_time(OFFICE, start, end)
    assert dt.timedelta(0) <= spent <= max(end - start, dt.timedelta(0))


@given(day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_a_weekend_counts_nothing(day):
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    start = dt.datetime.combine(saturday, dt.time(0))
    assert working_time(OFFICE, start, start + dt.timedelta(days=2)) == dt.timedelta(0)


@given(start=moments, end=moments)
def test_a_week_later_takes_as_long(start, end):
    week = dt.timedelta(weeks=1)
    assert working_time(OFFICE, start, end) == working_time(OFFICE, start + week, end + week)
