"""The worker's memory while it seals PDFs: the render process stays bounded and flat.

The worker renders each PDF in a child process that is replaced every
``PDF_RENDERS_PER_PROCESS`` renders (``agreements.pdf.render_in_child``). This
benchmark seals the 30-service SLA ``BENCH_WORKER_PDF_RENDERS`` times (default
1,000) as the worker does (template, render in the child, seal) and prints:

- ``pdf.worker_rss_after_1000_mb``: the render process's resident memory after
  the last render (target at most 250 MB);
- ``pdf.worker_rss_growth_mb``: its growth from render 100 (a tenth of the
  renders, when there are fewer than 1,000) to the last render (target: flat,
  about 0);
- ``pdf.worker_rss_max_mb``: the most it held after any render;
- ``pdf.worker_parent_rss_after_1000_mb`` and ``pdf.worker_parent_rss_growth_mb``:
  the same for the worker process itself (templates, database, sealing);
- ``pdf.worker_renders`` and ``pdf.worker_seal_ms`` (median time per sealed PDF).

With fewer renders (``BENCH_WORKER_PDF_RENDERS=200`` for a quick check) the
names stay the same; it runs on the benchmarks' database (``bench/db.py``); ``pdf.worker_renders`` says how many were made. For a
baseline, ``PDF_RENDERS_PER_PROCESS=100000`` keeps one render process throughout
(never recycled), as before the worker.
"""

from __future__ import annotations

import os
import statistics
import time

from bench import db

RENDERS = int(os.environ.get("BENCH_WORKER_PDF_RENDERS", "1000"))
GROWTH_FROM = 100


def _own_rss_kb() -> int:
    from agreements import render_child

    return render_child._rss_kb()


def run() -> dict[str, object]:
    db.setup()
    from agreements import pdf, producing
    from bench.bench_pdf import _build_sla

    version, _manager = _build_sla()
    mb = 1024.0
    child, parent, timings = [], [], []
    try:
        for _ in range(RENDERS):
            start = time.perf_counter()
            producing._render_and_seal(version)
            timings.append((time.perf_counter() - start) * 1000)
            child.append(pdf.last_child_rss_kb / mb)
            parent.append(_own_rss_kb() / mb)
    finally:
        pdf.render_pool_shutdown()
    base = min(GROWTH_FROM, max(1, len(child) // 10)) - 1
    return {
        "pdf.worker_renders": RENDERS,
        "pdf.worker_seal_ms": round(statistics.median(timings), 1),
        "pdf.worker_rss_after_1000_mb": round(child[-1], 1),
        "pdf.worker_rss_growth_mb": round(child[-1] - child[base], 1),
        "pdf.worker_rss_max_mb": round(max(child), 1),
        "pdf.worker_parent_rss_after_1000_mb": round(parent[-1], 1),
        "pdf.worker_parent_rss_growth_mb": round(parent[-1] - parent[base], 1),
    }
