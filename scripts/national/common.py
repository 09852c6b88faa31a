"""Shared helpers of the national-scale scripts (issue 6, docs/benchmarks.md).

`setup_django()` prepares Django for a script that talks to the database it is given in
DATABASE_URL (scripts/with-postgres.sh). The generated accounts share one password,
`BENCH_PASSWORD`: they exist only in a throwaway benchmark database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Every generated account has this password: benchmark databases only, never production.
BENCH_PASSWORD = "bench-nationaal-2026"  # noqa: S105
# Usernames of the generated accounts start with this, so they are easy to recognise.
PREFIX = "nat."


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")
    os.environ.setdefault("NIEUWESTART_TESTING", "1")
    import django

    django.setup()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def machine_speed() -> float:
    """Milliseconds for a fixed piece of pure Python (the median of 5 runs), printed with every
    result: this machine's speed varies between sessions by a third or more, and this tells a
    slower machine from slower code. Lower is faster."""
    import statistics
    import time

    def work() -> int:
        total = 0
        table: dict[int, int] = {}
        for i in range(300_000):
            table[i % 1000] = table.get(i % 1000, 0) + i
            total += len(str(i))
        return total

    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)
