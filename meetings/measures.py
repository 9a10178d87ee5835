"""A measure as data: what is counted, the target, how often and who measures.

A measure is proposed with a request (``NeedItem``), carried by a yes or a
counter-offer (``Move``) and printed in the agreement (``agreements.SLAService``);
monitoring judges every period's figure against it. All of them keep the same
fields (:class:`MeasureFields`), and everything they mean lives here:

- the kinds of measure and which way is good for each (:meth:`Measure.is_met`),
- the plain-words sentence everyone reads (:meth:`Measure.sentence`),
- reading a figure someone typed, imported or pushed (:meth:`Measure.read_value`),
- figures computed from cases timed in working hours (:meth:`Measure.value_from_cases`).

A measure with no kind is one whose target was only ever written as text (before
measures were data) and could not be read: the heads confirm it, and until then the
person recording a period says whether it was met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from organisation.hours import WorkingHours, working_time
from organisation.models import WorkingCalendar

MAX_FIGURE = Decimal("1000000000")
HOUR = dt.timedelta(hours=1)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class Kind(models.TextChoices):
    SHARE = "share", "A percentage of cases (within a time limit)"
    BAD_EVENTS = "bad_events", "A count of bad events, at most"
    DURATION = "duration", "A length of time, at most"
    DEADLINE = "deadline", "A deadline, met or not"
    NUMBER = "number", "A number, at least or at most"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


class TimeUnit(models.TextChoices):
    MINUTES = "minutes", "minutes"
    HOURS = "hours", "hours"
    DAYS = "days", "days"
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days"


WORKING_UNITS = {TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS}
WALL_CLOCK = {
    TimeUnit.MINUTES: dt.timedelta(minutes=1),
    TimeUnit.HOURS: HOUR,
    TimeUnit.DAYS: dt.timedelta(days=1),
}
YES = {"yes", "y", "met", "true", "1"}
NO = {"no", "n", "missed", "false", "0"}


def number_words(value: Decimal | None) -> str:
    """``95.0000`` as "95", ``1.50`` as "1.5", thousands with commas."""
    if value is None:
        return "?"
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}"


def _unit_words(amount: Decimal | None, unit: str) -> str:
    label = TimeUnit(unit).label if unit in TimeUnit.values else unit
    if amount is not None and amount == 1 and label.endswith("s"):
        label = label[:-1]
    return f"{number_words(amount)} {label}".strip()


def _noun(what: str) -> str:
    """What is counted, as it reads after "95% of": "Share of invoices paid" gives "invoices paid"."""
    text = what.strip()
    for prefix in ("share of ", "percentage of ", "proportion of ", "number of ", "count of "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


class MeasureError(ValueError):
    """A figure that cannot be read against this measure; ``str()`` says why, for the page."""


@dataclass(frozen=True)
class Measure:
    """The pure measure (no database): built from a model by :meth:`of`."""

    kind: str
    what: str
    threshold: Decimal | None = None
    direction: str = ""
    unit: str = ""
    limit: Decimal | None = None
    time_unit: str = ""
    frequency: str = Frequency.MONTHLY
    measured_by: str = ""
    wording: str = ""
    hours: WorkingHours | None = None

    @classmethod
    def of(cls, obj: MeasureFields) -> Measure:
        calendar = obj.measure_calendar if obj.measure_calendar_id else None
        return cls(
            kind=obj.measure_kind,
            what=obj.measure_what,
            threshold=obj.measure_threshold,
            direction=obj.measure_direction,
            unit=obj.measure_unit,
            limit=obj.measure_limit,
            time_unit=obj.measure_time_unit,
            frequency=obj.measure_frequency,
            measured_by=obj.measured_by,
            wording=obj.measure_target,
            hours=calendar.hours() if calendar is not None else None,
        )

    # --- which way is good ----------------------------------------------------------

    @property
    def is_structured(self) -> bool:
        return self.kind in Kind.values

    @property
    def at_most(self) -> bool:
        if self.kind in {Kind.BAD_EVENTS, Kind.DURATION}:
            return True
        return self.kind == Kind.NUMBER and self.direction == Direction.AT_MOST

    @property
    def goal(self) -> Decimal | None:
        """The figure a period is compared with (a deadline: 1, for met)."""
        return Decimal(1) if self.kind == Kind.DEADLINE else self.threshold

    def is_met(self, value: Decimal) -> bool:
        """Met or missed: the one rule, for every kind."""
        if not self.is_structured:
            raise MeasureError("This measure has no target to compare with yet.")
        goal = self.goal
        return value <= goal if self.at_most else value >= goal

    # --- in plain words -------------------------------------------------------------

    def target_words(self) -> str:
        """The target alone: "at least 95% within 1 working day", "at most 3"."""
        if self.kind == Kind.SHARE:
            within = f" within {_unit_words(self.limit, self.time_unit)}" if self.limit else ""
            return f"at least {number_words(self.threshold)}%{within}"
        if self.kind == Kind.BAD_EVENTS:
            return f"at most {number_words(self.threshold)}"
        if self.kind == Kind.DURATION:
            return f"at most {_unit_words(self.threshold, self.time_unit)}"
        if self.kind == Kind.DEADLINE:
            return "the deadline met"
        if self.kind == Kind.NUMBER:
            way = "at most" if self.at_most else "at least"
            return f"{way} {_unit_words(self.threshold, self.unit)}"
        return f"“{self.wording}”, not yet confirmed" if self.wording else "not yet set"

    def words(self) -> str:
        """The measure in plain words: "at least 95% of invoices within 1 working day"."""
        what = self.what.strip()
        if self.kind == Kind.SHARE:
            within = f" within {_unit_words(self.limit, self.time_unit)}" if self.limit else ""
            return f"at least {number_words(self.threshold)}% of {_noun(what)}{within}"
        if self.kind == Kind.BAD_EVENTS:
            return f"at most {number_words(self.threshold)} {_noun(what)}"
        if self.kind == Kind.DEADLINE:
            return f"{what}: the deadline met"
        return f"{what}: {self.target_words()}"

    def sentence(self) -> str:
        """With how often and by whom: "..., measured monthly by Sean Doyle"."""
        how_often = Frequency(self.frequency).label.lower() if self.frequency else ""
        by = f" by {self.measured_by.strip()}" if self.measured_by.strip() else ""
        return f"{self.words()}, measured {how_often}{by}".strip()

    @property
    def calendar_words(self) -> str:
        if self.counts_working_time:
            return f"working hours {(self.hours or WorkingHours()).describe()}"
        return ""

    @property
    def counts_working_time(self) -> bool:
        return self.kind in {Kind.SHARE, Kind.DURATION} and self.time_unit in WORKING_UNITS

    def value_words(self, value: Decimal | None) -> str:
        """A period's figure as people read it: "96.5%", "3 working hours", "Met"."""
        if value is None:
            return "—"
        if self.kind == Kind.SHARE:
            return f"{number_words(value)}%"
        if self.kind == Kind.DURATION:
            return _unit_words(value, self.time_unit)
        if self.kind == Kind.DEADLINE:
            return "Met" if value >= 1 else "Missed"
        if self.kind == Kind.NUMBER:
            return _unit_words(value, self.unit)
        return number_words(value)

    # --- reading figures ------------------------------------------------------------

    def read_value(self, raw: object) -> Decimal:
        """A figure typed, imported or pushed, checked against this kind of measure.

        Numbers are plain ("96.5"; a share may end in "%"); a deadline takes yes or no.
        Raises :class:`MeasureError` with a message for the person who sent it.
        """
        if not self.is_structured:
            raise MeasureError("This measure is not confirmed yet: say whether it was met.")
        if self.kind == Kind.DEADLINE:
            if isinstance(raw, bool):
                return Decimal(int(raw))
            text = str(raw).strip().lower()
            if text in YES:
                return Decimal(1)
            if text in NO:
                return Decimal(0)
            raise MeasureError("Write yes if the deadline was met, no if it was missed.")
        if isinstance(raw, bool):
            raise MeasureError("Write a number.")
        text = str(raw).strip()
        if self.kind == Kind.SHARE and text.endswith("%"):
            text = text[:-1].strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MeasureError(f"“{raw}” is not a number: write it like 96.5.") from None
        if not value.is_finite() or abs(value) > MAX_FIGURE:
            raise MeasureError("That figure is out of range.")
        if value.as_tuple().exponent < -4:
            raise MeasureError("Use at most four decimal places.")
        if self.kind == Kind.SHARE and not 0 <= value <= 100:
            raise MeasureError("A percentage is between 0 and 100.")
        if self.kind == Kind.BAD_EVENTS and (value < 0 or value != value.to_integral_value()):
            raise MeasureError("A count is a whole number, 0 or more.")
        if self.kind == Kind.DURATION and value < 0:
            raise MeasureError("A length of time is 0 or more.")
        return value

    def elapsed(self, start: dt.datetime, end: dt.datetime, unit: str) -> Decimal:
        """How long a case took, in ``unit`` (working units count only working hours)."""
        if end < start:
            raise MeasureError("A case ends after it starts.")
        if unit in WORKING_UNITS:
            hours = self.hours or WorkingHours()
            spent = working_time(hours, start, end)
            per = HOUR if unit == TimeUnit.WORKING_HOURS else hours.day_length
        else:
            spent, per = end - start, WALL_CLOCK[TimeUnit(unit)]
        return (
            Decimal(spent // dt.timedelta(seconds=1)) / Decimal(per // dt.timedelta(seconds=1))
        ).quantize(Decimal("0.0001"))

    def value_from_cases(self, cases: Iterable[tuple[dt.datetime, dt.datetime]]) -> Decimal:
        """A period's figure from its cases' start and end times.

        A share within a limit: the percentage of cases done within it; a length of
        time: the longest case (every case must be within the target).
        """
        cases = list(cases)
        if not cases:
            raise MeasureError("Send at least one case.")
        if self.kind == Kind.SHARE and self.limit is not None and self.time_unit:
            within = sum(self.elapsed(s, e, self.time_unit) <= self.limit for s, e in cases)
            return (Decimal(100) * within / len(cases)).quantize(Decimal("0.0001"))
        if self.kind == Kind.DURATION and self.time_unit:
            return max(self.elapsed(s, e, self.time_unit) for s, e in cases)
        raise MeasureError(
            "Cases are only read for a percentage within a time limit or a length of time: "
            "send the figure instead."
        )

    # --- checking a measure as someone writes it --------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong or missing, by field name (empty when the measure is complete)."""
        errors: dict[str, str] = {}
        if not self.what.strip():
            errors["measure_what"] = "Say what is measured."
        if not self.kind:
            errors["measure_kind"] = "Choose what kind of measure it is."
            return errors
        if self.kind == Kind.DEADLINE:
            return errors
        if self.threshold is None:
            errors["measure_threshold"] = "Give the target figure."
        elif self.threshold < 0:
            errors["measure_threshold"] = "The target is 0 or more."
        elif self.kind == Kind.SHARE and self.threshold > 100:
            errors["measure_threshold"] = "A percentage is at most 100."
        elif self.kind == Kind.BAD_EVENTS and self.threshold != self.threshold.to_integral_value():
            errors["measure_threshold"] = "A count is a whole number."
        if self.kind == Kind.NUMBER and not self.direction:
            errors["measure_direction"] = (
                "Say whether the figure should be at least or at most the target."
            )
        if self.kind == Kind.DURATION and not self.time_unit:
            errors["measure_time_unit"] = "Choose the unit of time."
        if self.kind == Kind.SHARE:
            if self.limit is not None and self.limit <= 0:
                errors["measure_limit"] = "The time limit is more than 0."
            elif self.limit is not None and not self.time_unit:
                errors["measure_time_unit"] = "Choose the unit of the time limit."
        return errors


def default_calendar() -> int | None:
    """For a new measure of working time: the organisation's calendar."""
    return WorkingCalendar.default().pk


class MeasureFields(models.Model):
    """The fields of a measure, shared by requests, moves and agreed services."""

    measure_what = models.CharField("what is measured", max_length=300)
    measure_kind = models.CharField(
        "kind of measure", max_length=12, choices=Kind.choices, blank=True
    )
    measure_direction = models.CharField(
        "at least or at most", max_length=8, choices=Direction.choices, blank=True
    )
    measure_threshold = models.DecimalField(
        "target figure", max_digits=14, decimal_places=4, null=True, blank=True
    )
    measure_unit = models.CharField("unit", max_length=60, blank=True)
    measure_limit = models.DecimalField(
        "within (time limit)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    measure_time_unit = models.CharField(
        "unit of time", max_length=14, choices=TimeUnit.choices, blank=True
    )
    measure_calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name="working hours",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    measure_target = models.CharField(
        "target as first written",
        max_length=120,
        blank=True,
        help_text="Only for targets written as text before measures were data.",
    )
    measure_frequency = models.CharField(
        "how often", max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    measured_by = models.CharField("who measures", max_length=200, blank=True)

    MEASURE_FIELDS = [
        "measure_what",
        "measure_kind",
        "measure_direction",
        "measure_threshold",
        "measure_unit",
        "measure_limit",
        "measure_time_unit",
        "measure_calendar",
        "measure_target",
        "measure_frequency",
        "measured_by",
    ]

    class Meta:
        abstract = True

    @property
    def measure(self) -> Measure:
        return Measure.of(self)

    @property
    def measure_needs_confirming(self) -> bool:
        return not self.measure_kind

    def measure_values(self) -> dict[str, object]:
        """The measure's fields, to copy onto another holder of a measure."""
        return {
            name if name != "measure_calendar" else "measure_calendar_id": getattr(
                self, name if name != "measure_calendar" else "measure_calendar_id"
            )
            for name in self.MEASURE_FIELDS
        }

    def clean_measure(self, *, required: bool = True) -> None:
        """Raise a ValidationError naming each field of the measure that is wrong."""
        if not required and not self.measure_kind and not self.measure_what.strip():
            return
        problems = self.measure.problems()
        if not self.measure_kind and self.measure_target.strip() and not required:
            problems.pop("measure_kind", None)
        if problems:
            raise ValidationError(problems)

    def tidy_measure(self) -> None:
        """Clear the fields a kind does not use, and give working time its calendar."""
        kind = self.measure_kind
        if kind != Kind.NUMBER:
            self.measure_direction = (
                Direction.AT_MOST
                if kind in {Kind.BAD_EVENTS, Kind.DURATION}
                else Direction.AT_LEAST
                if kind in {Kind.SHARE, Kind.DEADLINE}
                else ""
            )
            self.measure_unit = "%" if kind == Kind.SHARE else ""
        if kind == Kind.DEADLINE:
            self.measure_threshold = None
        if kind != Kind.SHARE:
            self.measure_limit = None
        if kind not in {Kind.SHARE, Kind.DURATION} or (
            kind == Kind.SHARE and self.measure_limit is None
        ):
            self.measure_time_unit = ""
        if self.measure_time_unit in WORKING_UNITS:
            if self.measure_calendar_id is None:
                self.measure_calendar_id = default_calendar()
        else:
            self.measure_calendar_id = None
        if kind:
            self.measure_target = ""
