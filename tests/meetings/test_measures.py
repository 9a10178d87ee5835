"""The measure as data: met or missed for every kind, its plain words, reading figures.

Property tests (Hypothesis) check the one met/missed rule against its definition for
each kind, including lengths of time counted in working hours across weekends.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from meetings.measures import Direction, Kind, Measure, MeasureError, TimeUnit
from organisation.hours import WorkingHours

figures = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
shares = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
counts = st.integers(min_value=0, max_value=1000).map(Decimal)
moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31))


def measure(kind: str, **fields) -> Measure:
    return Measure(kind=kind, what=fields.pop("what", "invoices"), **fields)


@given(target=shares, value=shares)
def test_a_share_is_met_at_or_above_its_target(target, value):
    assert measure(Kind.SHARE, threshold=target).is_met(value) == (value >= target)


@given(limit=counts, value=counts)
def test_bad_events_are_met_at_or_below_the_limit(limit, value):
    assert measure(Kind.BAD_EVENTS, threshold=limit).is_met(value) == (value <= limit)


@given(target=figures, value=figures, unit=st.sampled_from(TimeUnit.values))
def test_a_duration_is_met_at_or_below_its_target(target, value, unit):
    m = measure(Kind.DURATION, threshold=target, time_unit=unit)
    assert m.is_met(value) == (value <= target)


@given(met=st.booleans())
def test_a_deadline_is_met_when_it_was_met(met):
    m = measure(Kind.DEADLINE)
    assert m.is_met(m.read_value("yes" if met else "no")) is met
    assert m.is_met(m.read_value(met)) is met


@given(target=figures, value=figures, direction=st.sampled_from(Direction.values))
def test_a_number_is_met_in_its_direction(target, value, direction):
    m = measure(Kind.NUMBER, threshold=target, direction=direction)
    expected = value >= target if direction == Direction.AT_LEAST else value <= target
    assert m.is_met(value) == expected


@given(target=figures, a=figures, b=figures, kind=st.sampled_from([Kind.SHARE, Kind.NUMBER]))
def test_more_is_never_worse_when_at_least_is_good(target, a, b, kind):
    m = measure(kind, threshold=min(target, Decimal(100)), direction=Direction.AT_LEAST)
    low, high = sorted([a, b])
    assert not (m.is_met(low) and not m.is_met(high))


def test_an_unconfirmed_measure_judges_nothing():
    m = Measure(kind="", what="Credit notes", wording="every note signed")
    with pytest.raises(MeasureError):
        m.is_met(Decimal(1))
    assert m.target_words() == "“every note signed”, not yet confirmed"


# --- lengths of time in working hours, across weekends -------------------------------


@given(start=moments, hours=st.integers(min_value=0, max_value=200))
def test_a_case_over_a_weekend_counts_only_working_hours(start, hours):
    m = measure(Kind.DURATION, threshold=Decimal(4), time_unit=TimeUnit.WORKING_HOURS)
    end = start + dt.timedelta(hours=hours)
    taken = m.value_from_cases([(start, end)])
    assert taken <= hours
    saturday = start.weekday() == 5 and start.time() >= dt.time(0)
    if saturday and hours <= 48 - start.hour:
        assert taken == 0  # Saturday to Sunday night: no working time at all
        assert m.is_met(taken)


def test_friday_afternoon_to_monday_morning_is_within_four_working_hours():
    m = measure(Kind.DURATION, threshold=Decimal(4), time_unit=TimeUnit.WORKING_HOURS)
    friday_5pm, monday_9am = dt.datetime(2026, 11, 20, 17), dt.datetime(2026, 11, 23, 9)
    assert m.value_from_cases([(friday_5pm, monday_9am)]) == 4
    assert m.is_met(m.value_from_cases([(friday_5pm, monday_9am)]))
    hours_on_the_clock = measure(Kind.DURATION, threshold=Decimal(4), time_unit=TimeUnit.HOURS)
    assert not hours_on_the_clock.is_met(
        hours_on_the_clock.value_from_cases([(friday_5pm, monday_9am)])
    )


@given(
    cases=st.lists(
        st.tuples(moments, st.integers(min_value=0, max_value=24 * 10)), min_size=1, max_size=30
    ),
    target=shares,
)
def test_a_share_within_a_working_day_counts_the_cases_within_it(cases, target):
    m = measure(
        Kind.SHARE,
        threshold=target,
        limit=Decimal(1),
        time_unit=TimeUnit.WORKING_DAYS,
        hours=WorkingHours(),
    )
    spans = [(start, start + dt.timedelta(hours=h)) for start, h in cases]
    within = sum(m.elapsed(s, e, TimeUnit.WORKING_HOURS) <= 12 for s, e in spans)
    share = m.value_from_cases(spans)
    assert share == (Decimal(100) * within / len(spans)).quantize(Decimal("0.0001"))
    assert m.is_met(share) == (share >= target)


def test_a_holiday_on_the_calendar_is_not_counted():
    boxing_day = WorkingHours(holidays=frozenset({dt.date(2026, 12, 28)}))
    m = measure(
        Kind.DURATION, threshold=Decimal(1), time_unit=TimeUnit.WORKING_DAYS, hours=boxing_day
    )
    thursday_noon, tuesday_noon = dt.datetime(2026, 12, 24, 12), dt.datetime(2026, 12, 29, 12)
    # Thursday 12:00-19:00, Friday 07:00-19:00, Tuesday 07:00-12:00: 24 hours, 2 working days
    assert m.value_from_cases([(thursday_noon, tuesday_noon)]) == 2


# --- plain words and reading figures -------------------------------------------------


def test_the_issues_example_in_plain_words():
    m = Measure(
        kind=Kind.SHARE,
        what="Invoices",
        threshold=Decimal("95.0000"),
        limit=Decimal("1.00"),
        time_unit=TimeUnit.WORKING_DAYS,
        frequency="monthly",
        measured_by="Sean Doyle",
    )
    assert m.sentence() == (
        "at least 95% of invoices within 1 working day, measured monthly by Sean Doyle"
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"kind": Kind.BAD_EVENTS, "what": "Payroll errors", "threshold": Decimal(3)},
            "at most 3 payroll errors",
        ),
        (
            {
                "kind": Kind.DURATION,
                "what": "Time to answer",
                "threshold": Decimal(4),
                "time_unit": TimeUnit.WORKING_HOURS,
            },
            "Time to answer: at most 4 working hours",
        ),
        (
            {"kind": Kind.DEADLINE, "what": "Forecast by the 5th"},
            "Forecast by the 5th: the deadline met",
        ),
        (
            {
                "kind": Kind.NUMBER,
                "what": "Orders processed",
                "threshold": Decimal(200),
                "direction": Direction.AT_LEAST,
                "unit": "orders",
            },
            "Orders processed: at least 200 orders",
        ),
    ],
)
def test_every_kind_in_plain_words(fields, words):
    assert Measure(**fields).words() == words


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (Kind.SHARE, "101", "between 0 and 100"),
        (Kind.SHARE, "lots", "not a number"),
        (Kind.BAD_EVENTS, "2.5", "whole number"),
        (Kind.DURATION, "-1", "0 or more"),
        (Kind.DEADLINE, "perhaps", "yes if"),
        (Kind.NUMBER, "1e12", "out of range"),
        (Kind.NUMBER, "NaN", "out of range"),
        (Kind.NUMBER, True, "number"),
    ],
)
def test_bad_figures_are_refused_with_a_reason(kind, raw, message):
    m = measure(kind, threshold=Decimal(1), direction=Direction.AT_LEAST, time_unit="hours")
    with pytest.raises(MeasureError, match=message):
        m.read_value(raw)


@given(value=shares)
def test_a_share_reads_with_or_without_a_percent_sign(value):
    m = measure(Kind.SHARE, threshold=Decimal(50))
    assert m.read_value(f"{value}%") == m.read_value(str(value)) == value


@given(text=st.text(max_size=20))
def test_reading_any_text_either_gives_a_figure_or_a_reason(text):
    for kind in Kind.values:
        m = measure(kind, threshold=Decimal(1), direction=Direction.AT_MOST, time_unit="hours")
        try:
            value = m.read_value(text)
        except MeasureError as error:
            assert str(error)
        else:
            assume(value is not None)
            m.is_met(value)


def test_problems_name_the_field():
    assert Measure(kind=Kind.NUMBER, what="Orders", threshold=Decimal(1)).problems() == {
        "measure_direction": "Say whether the figure should be at least or at most the target."
    }
    assert (
        "measure_threshold" in Measure(kind=Kind.SHARE, what="x", threshold=Decimal(101)).problems()
    )
    assert (
        "measure_time_unit"
        in Measure(kind=Kind.DURATION, what="x", threshold=Decimal(1)).problems()
    )
    assert Measure(kind=Kind.DEADLINE, what="x").problems() == {}
