"""Measurements from a CSV or XLSX file: read, check every row, preview, then save all.

The file has a header row with the columns ``service`` (the service's id or name),
``period_start`` (the period's first day, 2026-10-05), ``value`` and, optionally,
``met`` (yes or no, only for a measure the heads have not confirmed yet) and
``note``. Nothing is saved until every row is valid and the person confirms; a
period already recorded is a correction, kept in the history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction

from agreements.models import SLAService
from meetings.measures import MeasureError
from monitoring import permissions, selectors, services
from monitoring.models import Measurement

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("service", "period_start", "value", "met", "note")
REQUIRED = ("service", "period_start", "value")
SALT = "monitoring.import"


class FileUnreadable(ValueError):
    """The file as a whole cannot be read (not the rows' mistakes)."""


@dataclass
class Row:
    number: int
    cells: dict[str, str]
    service: SLAService | None = None
    period_start: dt.date | None = None
    value_words: str = ""
    met: bool | None = None
    correction_of: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    filename: str
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [(r.number, column, message) for r in self.rows for column, message in r.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.errors

    def signed_rows(self) -> str:
        """The checked rows, signed, for the confirming form (checked again on confirm)."""
        return signing.dumps(
            {"filename": self.filename, "rows": [[r.number, r.cells] for r in self.rows]},
            salt=SALT,
            compress=True,
        )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows as text cells (CSV in UTF-8, or the first sheet of an XLSX)."""
    if len(data) > MAX_BYTES:
        raise FileUnreadable("The file is over 2 MB: split it by period.")
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # heavy: only the import loads it

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileUnreadable("That is not an XLSX workbook that can be read.") from None
        sheet = book.worksheets[0]
        rows = [[_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileUnreadable(
                "The CSV file is not UTF-8 text: save it as “CSV UTF-8”."
            ) from None
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise FileUnreadable("Upload a .csv or .xlsx file.")
    rows = [r for r in rows if any(r)]
    if len(rows) > MAX_ROWS + 1:
        raise FileUnreadable(f"The file has more than {MAX_ROWS} rows: split it.")
    return rows


def _dicts(table: list[list[str]]) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    if not table:
        return [], ["The file is empty."]
    header = [h.strip().lower().replace(" ", "_") for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [f"The first row names the columns; it lacks: {', '.join(missing)}."]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        rows.append(
            (
                number,
                {
                    h: (cells[i] if i < len(cells) else "")
                    for i, h in enumerate(header)
                    if h in COLUMNS
                },
            )
        )
    if not rows:
        return [], ["The file has no rows under its header."]
    return rows, []


def check(
    *,
    services_in_force: list[SLAService],
    user: AbstractBaseUser,
    filename: str,
    rows: list[tuple[int, dict[str, str]]],
    today: dt.date,
) -> Preview:
    """Every row checked, with its result or every error by column; nothing is saved."""
    by_id = {str(s.pk): s for s in services_in_force}
    by_name: dict[str, list[SLAService]] = {}
    for s in services_in_force:
        for name in {s.service.strip().lower(), s.measure_what.strip().lower()}:
            by_name.setdefault(name, []).append(s)
    lineage = selectors.measurements_by_lineage({s.version.sla_id for s in services_in_force})
    seen: set[tuple[int, dt.date]] = set()
    checked = []
    for number, cells in rows:
        row = Row(number=number, cells=cells)
        checked.append(row)
        name = cells.get("service", "")
        matches = [by_id[name]] if name in by_id else by_name.get(name.lower(), [])
        if not name:
            row.errors.append(("service", "Name the service (its id or name)."))
        elif len(matches) != 1:
            row.errors.append(
                (
                    "service",
                    f"“{name}” is not a service of this agreement."
                    if not matches
                    else f"“{name}” names more than one service: use its id.",
                )
            )
        else:
            row.service = matches[0]
            if not permissions.can_record(user, row.service):
                row.errors.append(
                    ("service", f"Only {row.service.provider.name} records this service's figures.")
                )
        try:
            row.period_start = dt.date.fromisoformat(cells.get("period_start", ""))
        except ValueError:
            row.errors.append(("period_start", "Write the period's first day as 2026-10-05."))
        if row.service is None or row.period_start is None:
            if not cells.get("value"):
                row.errors.append(("value", "Write the figure."))
            continue
        service = row.service
        due = selectors.measured_periods(service, today)
        if not any(p.start == row.period_start for p in due):
            row.errors.append(
                ("period_start", "Not the first day of a period of this measure that has ended.")
            )
        if (service.pk, row.period_start) in seen:
            row.errors.append(("period_start", "This period is in the file twice."))
        seen.add((service.pk, row.period_start))
        measure = service.measure
        raw = cells.get("value", "")
        if not raw:
            row.errors.append(("value", "Write the figure."))
        elif measure.is_structured:
            try:
                value = measure.read_value(raw)
            except MeasureError as error:
                row.errors.append(("value", str(error)))
            else:
                row.value_words, row.met = measure.value_words(value), measure.is_met(value)
        else:
            said = cells.get("met", "").strip().lower()
            if said not in {"yes", "no", "met", "missed"}:
                row.errors.append(
                    ("met", "This measure is not confirmed yet: write yes or no for met.")
                )
            else:
                row.value_words, row.met = raw, said in {"yes", "met"}
        earlier = next(
            (
                m
                for m in lineage.get(selectors.lineage_key(service), [])
                if m.period_start == row.period_start
            ),
            None,
        )
        if earlier is not None:
            row.correction_of = earlier.value_text
    return Preview(filename=filename, rows=checked)


def preview_file(
    *,
    services_in_force: list[SLAService],
    user: AbstractBaseUser,
    filename: str,
    data: bytes,
    today: dt.date,
) -> Preview:
    try:
        table = read_table(filename, data)
    except FileUnreadable as error:
        return Preview(filename=filename, rows=[], file_errors=[str(error)])
    rows, problems = _dicts(table)
    if problems:
        return Preview(filename=filename, rows=[], file_errors=problems)
    return check(
        services_in_force=services_in_force, user=user, filename=filename, rows=rows, today=today
    )


def unsign(token: str) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    data = signing.loads(token, salt=SALT, max_age=3600)
    return data["filename"], [(n, cells) for n, cells in data["rows"]]


@transaction.atomic
def apply(*, preview: Preview, user: AbstractBaseUser, today: dt.date) -> dict[str, int]:
    """Save every row of a valid preview, all or nothing."""
    if not preview.is_valid:
        raise services.MonitoringError("The file has errors: nothing was saved.", status=400)
    counts = {"recorded": 0, "corrected": 0, "unchanged": 0}
    for row in preview.rows:
        met = row.met if not row.service.measure.is_structured else None
        _, result = services.measurement_put(
            service=row.service,
            period_start=row.period_start,
            by=user,
            value_text=row.cells["value"],
            met=met,
            note=row.cells.get("note", ""),
            source=Measurement.Source.IMPORTED,
            reason=f"Imported again from {preview.filename}",
            today=today,
        )
        counts[result] += 1
    return counts
