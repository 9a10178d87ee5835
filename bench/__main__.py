"""Run the benchmarks: ``make bench`` (or ``python -m bench [name ...]``).

``BENCHMARKS`` lists the benchmark modules in the order they run; to add one,
write ``bench/bench_<name>.py`` with ``run() -> dict[str, object]`` and add
``"<name>"`` to the list. Each runs in a process of its own (so each sets Django
up on its own database, see ``bench/db.py``, and one's memory does not weigh on
the next); every figure is printed on its own line as ``name: value``. The
machine's load average is printed at the start and at the end, and beside each
benchmark, so that a figure taken on a busy machine can be recognised as such.

``python -m bench pdf meeting`` runs only those; ``python -m bench --list`` lists them.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

from bench.timing import load_average

BENCHMARKS = [
    "pdf",  # bench_pdf: render, seal and download an SLA
    "worker_pdf",  # bench_worker_pdf: the worker's render memory over 1,000 seals
    "meeting",  # bench_meeting: the meeting page at 5 and 200 requests, beside a bare view
    "scale",  # bench_scale: every listing page against 10,000 exchanges of history
    "live",  # bench_live: a whole meeting on 300 live screens, each kind of action
    "soak",  # bench_soak: 300 live screens for 10 minutes (BENCH_SOAK_SECONDS)
]

ROOT = Path(__file__).resolve().parent.parent


def _run_one(name: str) -> int:
    """In a child process: run one benchmark and print its figures."""
    module = importlib.import_module(f"bench.bench_{name}")
    for key, value in module.run().items():
        print(f"{key}: {value}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return _run_one(argv[1])
    if argv[:1] == ["--list"]:
        print("\n".join(BENCHMARKS))
        return 0
    wanted = [a.removeprefix("bench_") for a in argv] or BENCHMARKS
    unknown = [name for name in wanted if not (ROOT / "bench" / f"bench_{name}.py").exists()]
    if unknown:
        print(f"No such benchmark: {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(f"load_average.start: {load_average()}", flush=True)
    failed = 0
    for name in wanted:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "bench", "--one", name], cwd=ROOT)
        if result.returncode:
            failed += 1
            print(f"{name}.error: the benchmark failed (exit {result.returncode})", flush=True)
        print(f"{name}.run_seconds: {time.monotonic() - started:.0f}", flush=True)
        print(f"{name}.load_average: {load_average()}", flush=True)
    print(f"load_average.end: {load_average()}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
