"""Geometry for the actual-against-target chart, drawn by a plain SVG template.

No JavaScript and no styles from outside the SVG (presentation attributes
only), so the same chart works on the page, under the strict CSP, and in the
PDF report.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitoring.selectors import MeasureRecord

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 36
INSET = 14  # keeps the first and last points off the frame


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    met: bool
    label: str
    value: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    line: str
    target_y: float | None
    target_label: str
    y_ticks: list[Tick]
    x_labels: list[tuple[float, str]]
    left: int = LEFT
    plot_width: int = WIDTH - LEFT - RIGHT
    plot_height: int = HEIGHT - TOP - BOTTOM
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM
    top: int = TOP


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def chart_for(record: MeasureRecord) -> Chart | None:
    """The chart of one measure, or ``None`` when there are no numbers to draw."""
    rows = record.rows
    valued = [
        (i, r.measurement)
        for i, r in enumerate(rows)
        if r.measurement and r.measurement.value is not None
    ]
    if not valued:
        return None
    values = [float(m.value) for _, m in valued]
    measure = record.measure
    goal = measure.goal if measure.is_structured else None
    target = float(goal) if goal is not None else None
    low = min(values + ([target] if target is not None else []))
    high = max(values + ([target] if target is not None else []))
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.1
    low, high = low - margin, high + margin
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = (plot_w - 2 * INSET) / max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + (INSET + i * step if len(rows) > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(TOP + plot_h * (high - v) / (high - low), 1)

    points = [
        Point(
            x=x(i),
            y=y(float(m.value)),
            met=m.met,
            label=f"{m.period_start:%d %b %Y}",
            value=m.value_text,
        )
        for i, m in valued
    ]
    every = max(1, len(rows) // 6)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        target_y=y(target) if target is not None else None,
        target_label=f"Target: {measure.target_words()}",
        y_ticks=[
            Tick(y=y(v), label=_fmt(v)) for v in (low + margin, (low + high) / 2, high - margin)
        ],
        x_labels=[(x(i), f"{r.period.start:%b %y}") for i, r in enumerate(rows) if i % every == 0],
    )
