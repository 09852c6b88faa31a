"""The benchmark's garbage-collector report (scripts/national/load.py --gc-stats)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    path = ROOT / "scripts" / "national" / "load.py"
    spec = importlib.util.spec_from_file_location("national_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("national_load", module)
    spec.loader.exec_module(module)
    return module


def _worker(
    folder: Path, pid: int, ms: list[float], runs: list[int], cpu_ms: float, longest: float
):
    (folder / f"{pid}.json").write_text(
        json.dumps(
            {"ms": ms, "runs": runs, "longest_ms": longest, "cpu_ms": cpu_ms, "max_rss_mb": 90.5}
        )
    )


def test_the_share_is_the_collectors_time_over_all_workers_cpu(tmp_path: Path) -> None:
    load = _load()
    _worker(tmp_path, 11, [100.0, 200.0, 300.0], [50, 5, 1], 10_000.0, 80.0)
    _worker(tmp_path, 12, [50.0, 50.0, 0.0], [40, 4, 0], 5_000.0, 120.04)
    summary = load.gc_summary(tmp_path)
    assert summary["share"] == round(700 / 15_000, 4)
    assert summary["longest_ms"] == 120.0
    assert summary["ms_per_generation"] == [150, 250, 300]
    assert summary["runs_per_generation"] == [90, 9, 1]
    line = load.collector_line(summary)
    assert line.startswith("Garbage collector: 4.7% of the workers' CPU, longest collection 120.0")


def test_no_counts_is_said_not_hidden(tmp_path: Path) -> None:
    load = _load()
    summary = load.gc_summary(tmp_path)
    assert summary["share"] is None
    assert "no counts" in load.collector_line(summary)
