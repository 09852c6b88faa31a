"""`manage.py retention_run [--apply]`: the nightly retention run (docs/retention.md).

Without `--apply` a dry run: it prints and stores what is due per category and per trajectory
(UUIDs only, no names) and changes no chain data. With `--apply` it also carries out what an
earlier report announced at least RETENTION_NOTICE_DAYS days ago. Safe to rerun and to run on
several hosts at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nieuwestart.retention.services import retention_run


class Command(BaseCommand):
    help = "Report (and with --apply carry out) the removals whose retention term has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply",
            action="store_true",
            help="carry out what an earlier report announced long enough ago",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        report = retention_run(apply=options["apply"], out=self.stdout.write if verbose else None)
        self.stdout.write(f"rapport {report.uuid} ({report.mode})")
        for category, counts in report.summary.items():
            self.stdout.write(
                f"{category}: {counts['actie']}, voorgesteld {counts['voorgesteld']}, "
                f"uitgevoerd {counts['uitgevoerd']}, wacht {counts['wacht']}, "
                f"bewaarplicht {counts['bewaard']}, rijen {counts['rijen']}"
            )
        self.stdout.write(
            f"verwerkingenlog: {report.log_due} voorbij de termijn, {report.log_removed} verwijderd"
        )
        if report.errors:
            # The others are done; these were rolled back and are retried next run.
            raise CommandError(
                f"{len(report.errors)} trajecten of importbestanden niet gelukt: zie rapport"
            )
