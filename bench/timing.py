"""Fair comparisons: two sides interleaved (A B A B ...), garbage collected before
each timed call, the median of the pairs' ratios reported with their min and max."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Ratio:
    ratios: list[float]
    a: list[float]  # each pair's A measurement
    b: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    def figures(self, name: str, *, digits: int = 2) -> dict[str, object]:
        """``name`` (the median), ``name.min`` and ``name.max`` over the pairs."""
        return {
            name: round(self.median, digits),
            f"{name}.min": round(min(self.ratios), digits),
            f"{name}.max": round(max(self.ratios), digits),
            f"{name}.pairs": len(self.ratios),
        }


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes, with garbage collected first."""
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved(
    a: Callable[[], float], b: Callable[[], float], *, pairs: int = 5, warm_up: int = 1
) -> Ratio:
    """Run ``a`` and ``b`` in turn ``pairs`` times; each returns its measurement.

    The ratio of a pair is ``a / b``. Each side should collect garbage before it
    starts its clock (``timed`` does); ``warm_up`` pairs run first, unrecorded.
    """
    for _ in range(warm_up):
        a()
        b()
    result = Ratio([], [], [])
    for _ in range(max(pairs, 1)):
        ma, mb = a(), b()
        result.a.append(ma)
        result.b.append(mb)
        result.ratios.append(ma / mb if mb else float("inf"))
    return result


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def load_average() -> str:
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        import os

        return " ".join(f"{v:.2f}" for v in os.getloadavg())
