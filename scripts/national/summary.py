"""The national benchmark's runs as the tables docs/benchmarks.md shows (issue 6).

    summary.py bench/mixed-*.json        per endpoint: requests per second, p50, p95 and p99
                                         of each run, and whether every run met the target
    summary.py --naive bench/naive.json  the naive comparison: per round, both sides' req/s,
                                         the ratio and the CPU per request

Reads the JSON that `load.py --json` writes; prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _load(path: str) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f} to {high:.0f}"


def mixed(paths: list[str]) -> str:
    """One row per endpoint over every run: its share of the requests per second, and the
    range of p50, p95 and p99; then the totals of each run."""
    runs = [_load(path) for path in paths]
    reports = [run["report"] for run in runs]
    names = sorted({e["endpoint"] for report in reports for e in report["endpoints"]})
    lines = [
        f"Runs: {len(reports)}. Machine speed: "
        + ", ".join(str(run.get("machine_speed_ms", "?")) for run in runs)
        + " ms (lower is faster).",
        "",
        "| endpoint | target p95 | req/s | p50 ms | p95 ms | p99 ms | errors | met in |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in names:
        rows = [e for report in reports for e in report["endpoints"] if e["endpoint"] == name]
        met = sum(1 for e in rows if e["meets_target"])
        lines.append(
            f"| {name} | {rows[0]['target_p95_ms']} | {_span([e['rps'] for e in rows])} | "
            f"{_span([e['p50_ms'] for e in rows])} | {_span([e['p95_ms'] for e in rows])} | "
            f"{_span([e['p99_ms'] for e in rows])} | {sum(e['errors'] for e in rows)} | "
            f"{met} of {len(rows)} runs |"
        )
    lines += ["", "| run | req/s | errors | CPU ms per request | of which PostgreSQL |"]
    lines.append("|---:|---:|---:|---:|---:|")
    for number, report in enumerate(reports, 1):
        lines.append(
            f"| {number} | {report['rps']} | {report['errors']} | "
            f"{report.get('cpu_ms_per_request', '')} | "
            f"{report.get('database_cpu_ms_per_request', '')} |"
        )
    return "\n".join(lines)


def naive(path: str) -> str:
    """Per round: which side ran first, both sides' requests per second and CPU per request,
    the throughput ratio (at least 60% is the target)."""
    rounds = _load(path)["rounds"]
    lines = [
        "| round | first | policy req/s | naive req/s | ratio | CPU ms per request, policy "
        "/ naive | errors |",
        "|---:|---|---:|---:|---:|---|---:|",
    ]
    for r in rounds:
        first = r["first"]
        errors = r["policy"]["errors"] + r["naive"]["errors"]
        lines.append(
            f"| {r['round']} | {first} | {r['policy_rps']} | {r['naive_rps']} | "
            f"{r['ratio']:.0%} | {r['policy'].get('cpu_ms_per_request', '')} / "
            f"{r['naive'].get('cpu_ms_per_request', '')} | {errors} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive", action="store_true", help="the naive comparison's JSON")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    print(naive(args.paths[0]) if args.naive else mixed(args.paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
