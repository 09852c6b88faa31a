"""`manage.py indicators_refresh [--traject UUID ...]`: rebuild the indicator facts.

Run nightly by the scheduler; safe to run at any time and as often as needed (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nieuwestart.indicators.services import indicator_facts_refresh
from nieuwestart.trajectories.models import Trajectory


class Command(BaseCommand):
    help = "Rebuild the indicator facts (all trajectories, or the given ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--traject", action="append", default=[], help="trajectory UUID")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = None
        if options["traject"]:
            ids = list(
                Trajectory.objects.filter(uuid__in=options["traject"]).values_list("pk", flat=True)
            )
        count = indicator_facts_refresh(trajectory_ids=ids)
        self.stdout.write(f"{count} trajectories refreshed")
