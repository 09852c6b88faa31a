"""`manage.py deadlines_index`: recompute the stored open deadlines of every open trajectory.

Run nightly by the scheduler and after a bulk load (a load that bypasses `save()` leaves the
rows stale; the work lists would recompute them on first read). Safe at any time and on more
than one host at once: each batch locks the rows it writes and skips those held by another.
Exits with status 3 when rows marked current differed from the rules (a write path that does
not mark the index stale, docs/deadlines.md); the differing rows are corrected either way.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nieuwestart.deadlines.index import rebuild


class Command(BaseCommand):
    help = "Recompute the stored open deadlines of every open trajectory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="trajectories per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        check = rebuild(batch=max(1, options["batch"]))
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{check.trajectories} open trajectories recomputed in {seconds:.1f} s; "
            f"{check.differed} differed from the rules"
        )
        if check.differed:
            raise SystemExit(3)
