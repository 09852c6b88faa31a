"""The app as gunicorn serves it, with the garbage collector's time counted per worker
(`load.py --start-server --gc-stats`, docs/benchmarks.md).

Each worker adds up the CPU time of every collection (its thread's CPU clock, from
`gc.callbacks`) per generation and the longest single collection, and at exit writes them with
the worker's own CPU time and peak memory to `$NIEUWESTART_GC_STATS_DIR/<pid>.json`. Over the worker's whole
life, start included. A measurement aid for the benchmark only; never in production.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from nieuwestart.wsgi import application  # noqa: F401 (tuned as in production)

_started = time.process_time()
_stats: dict[str, Any] = {"ms": [0.0, 0.0, 0.0], "runs": [0, 0, 0], "longest_ms": 0.0}
_begun = 0.0


def _count(phase: str, info: dict[str, int]) -> None:
    global _begun
    if phase == "start":
        _begun = time.thread_time()
        return
    spent = (time.thread_time() - _begun) * 1000
    generation = info["generation"]
    _stats["ms"][generation] += spent
    _stats["runs"][generation] += 1
    _stats["longest_ms"] = max(_stats["longest_ms"], spent)


def _write() -> None:
    folder = os.environ.get("NIEUWESTART_GC_STATS_DIR")
    if not folder:
        return
    result = {
        **_stats,
        "cpu_ms": (time.process_time() - _started) * 1000,
        "thresholds": gc.get_threshold(),
        "frozen": gc.get_freeze_count(),
        # The worker's peak resident memory (Linux reports kilobytes).
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    (Path(folder) / f"{os.getpid()}.json").write_text(json.dumps(result))


gc.callbacks.append(_count)
atexit.register(_write)
