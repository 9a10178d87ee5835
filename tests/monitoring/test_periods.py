import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from monitoring.periods import GRACE, Period, add_months, due_periods, period_containing

D = dt.date
FREQUENCIES = st.sampled_from(["weekly", "monthly", "quarterly", "yearly"])
DAYS = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


def test_monthly_from_31_january_ends_at_each_month_end():
    periods = due_periods("monthly", D(2027, 1, 31), D(2027, 6, 1))
    assert [p.end for p in periods] == [
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]
    assert periods[0] == Period(D(2027, 1, 31), D(2027, 2, 28))


def test_monthly_in_a_leap_year_ends_on_29_february():
    periods = due_periods("monthly", D(2028, 1, 31), D(2028, 3, 31))
    assert [p.end for p in periods] == [D(2028, 2, 29), D(2028, 3, 31)]


def test_yearly_from_29_february_keeps_to_the_month_end():
    periods = due_periods("yearly", D(2024, 2, 29), D(2028, 3, 1))
    assert [p.end for p in periods] == [
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_quarterly_and_weekly():
    assert [p.end for p in due_periods("quarterly", D(2027, 11, 30), D(2028, 9, 1))] == [
        D(2028, 2, 29),
        D(2028, 5, 30),
        D(2028, 8, 30),
    ]
    weeks = due_periods("weekly", D(2027, 1, 4), D(2027, 1, 25))
    assert [p.start for p in weeks] == [D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18)]


def test_nothing_is_due_before_the_first_period_ends():
    assert due_periods("monthly", D(2027, 1, 4), D(2027, 2, 3)) == []
    assert due_periods("monthly", None, D(2027, 2, 3)) == []
    assert len(due_periods("monthly", D(2027, 1, 4), D(2027, 2, 4))) == 1


def test_due_date_and_overdue():
    period = Period(D(2027, 1, 1), D(2027, 2, 1))
    assert period.due == D(2027, 2, 1) + GRACE
    assert not period.is_overdue(period.due)
    assert period.is_overdue(period.due + dt.timedelta(days=1))
    assert period.last_day == D(2027, 1, 31)


def test_period_containing():
    assert period_containing("monthly", D(2027, 1, 31), D(2027, 3, 1)) == Period(
        D(2027, 2, 28), D(2027, 3, 31)
    )
    assert period_containing("monthly", D(2027, 1, 31), D(2027, 1, 1)) is None


@given(FREQUENCIES, DAYS, st.integers(min_value=0, max_value=3000))
def test_periods_are_contiguous_and_cover_start_to_today(frequency, start, days):
    today = start + dt.timedelta(days=days)
    periods = due_periods(frequency, start, today)
    for earlier, later in itertools.pairwise(periods):
        assert earlier.end == later.start  # contiguous, no gap and no overlap
    for period in periods:
        assert period.start < period.end <= today
    if periods:
        assert periods[0].start == start
    # The next period (the current one) has not ended yet: nothing due is left out.
    current = period_containing(frequency, start, today)
    assert current.start == (periods[-1].end if periods else start)
    assert current.start <= today < current.end


@given(DAYS, st.integers(min_value=-600, max_value=600))
def test_add_months_stays_within_the_target_month(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + dt.timedelta(days=1)).day == 1)
