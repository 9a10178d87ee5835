"""Run every benchmark: ``make bench`` (or ``python -m bench [name ...]``).

Each ``bench/bench_*.py`` module has ``run() -> dict[str, object]``; every
figure is printed on its own line as ``name: value``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [f"bench_{a.removeprefix('bench_')}" for a in argv] or names
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        for key, value in module.run().items():
            print(f"{key}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
