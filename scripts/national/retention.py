"""Retention at national scale (issue 6, docs/retention.md "Scale").

On a database with the generated national data (`generate.py --scale 1`), this times:

1. the first night's dry run (every closed trajectory past its term is announced);
2. the second night's dry run (everything already announced);
3. `--apply` after the announcements of `--trajectories` trajectories were moved back past the
   notice period (`RETENTION_NOTICE_DAYS` + 1 days), and counts the planner's log entries and
   the items carried out: one of each per item.

It changes the data (the chosen trajectories are emptied or anonymised): run it last, on a
throwaway benchmark database only. Loopback PostgreSQL only, as every national script.

    DATABASE_URL=... .venv/bin/python scripts/national/retention.py --trajectories 1000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine_speed, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=1000)
    args = parser.parse_args()

    import os

    host = urlparse(os.environ.get("DATABASE_URL", "")).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("DATABASE_URL must point at a throwaway database on this machine")
    setup_django()

    from django.conf import settings
    from django.db import connection

    from nieuwestart.audit.models import ProcessingLogEntry
    from nieuwestart.retention.models import RetentionItem
    from nieuwestart.retention.services import retention_run
    from nieuwestart.trajectories.models import Trajectory

    def timed(label: str, *, apply: bool) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        retention_run(apply=apply)
        print(
            f"{label}: {time.perf_counter() - wall:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU (Python)",
            flush=True,
        )

    print(f"Machine speed: {machine_speed()} ms (lower is faster)")
    print("closed trajectories:", Trajectory.objects.filter(phase="afgesloten").count())
    timed("dry run, first night", apply=False)
    announced = RetentionItem.objects.values("trajectory_uuid").distinct().count()
    print("items announced:", RetentionItem.objects.count(), "of trajectories:", announced)
    timed("dry run, second night", apply=False)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT trajectory_uuid FROM retention_retentionitem"
            " WHERE done_at IS NULL ORDER BY trajectory_uuid LIMIT %s",
            [args.trajectories],
        )
        chosen = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "UPDATE retention_retentionitem"
            " SET first_reported_at = first_reported_at - make_interval(days => %s)"
            " WHERE trajectory_uuid = ANY(%s) AND done_at IS NULL",
            [settings.RETENTION_NOTICE_DAYS + 1, chosen],
        )
        aged = cursor.rowcount
    print("items past the notice period:", aged, "of trajectories:", len(chosen))
    logged_before = ProcessingLogEntry.objects.filter(username="systeem:planner").count()
    timed("apply", apply=True)
    logged = ProcessingLogEntry.objects.filter(username="systeem:planner").count() - logged_before
    done = RetentionItem.objects.filter(trajectory_uuid__in=chosen, done_at__isnull=False).count()
    print("log entries by the planner:", logged, "items carried out:", done)
    return 0 if logged >= done == aged else 1


if __name__ == "__main__":
    raise SystemExit(main())
