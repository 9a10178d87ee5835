"""The quarterly performance report of an agreement, printed by WeasyPrint.

It reuses the agreements' print stylesheet and approach (an HTML print
template with the CSS inlined), and the same SVG chart as the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from agreements import pdf as agreement_pdf
from agreements.models import SLA
from monitoring import charts, selectors

QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE | re.ASCII)
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the quarter."""
        if self.number == 4:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 3 * self.number + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """``2026-Q2`` (or ``2026Q2``) for a year from 2000 to 2999; ``None`` otherwise."""
        match = QUARTER.fullmatch((text or "").strip())
        if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            return None
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def last_complete(cls, today: dt.date) -> Quarter:
        current = (today.month - 1) // 3 + 1
        return cls(today.year - 1, 4) if current == 1 else cls(today.year, current - 1)


def report_context(sla: SLA, quarter: Quarter) -> dict[str, Any]:
    measures = []
    for full in selectors.performance(sla):
        # The record up to the quarter: its periods that started before the quarter ended.
        upto = [r for r in full.rows if r.period.start < quarter.end]
        record = selectors.MeasureRecord(
            service=full.service,
            measure=full.measure,
            rows=upto,
            compliance=[selectors.compliance(upto, n) for n in selectors.WINDOWS],
        )
        rows = [r for r in upto if r.period.start >= quarter.start]
        measures.append({"record": record, "chart": charts.chart_for(record), "rows": rows})
    return {
        "css": agreement_pdf.print_css(),
        "sla": sla,
        "meeting": sla.meeting,
        "version": selectors.signed_version(sla),
        "quarter": quarter,
        "measures": measures,
        "printed_at": timezone.now(),
    }


def report_html(sla: SLA, quarter: Quarter) -> str:
    return render_to_string("monitoring/print/report.html", report_context(sla, quarter))


def report_pdf(sla: SLA, quarter: Quarter) -> bytes:
    return agreement_pdf.html_to_pdf(report_html(sla, quarter))
