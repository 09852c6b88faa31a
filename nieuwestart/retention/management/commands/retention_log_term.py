"""`manage.py retention_log_term [--set MONTHS | --sync]`: the processing log's term in the database.

On PostgreSQL the purge function `audit_log_purge` refuses to remove entries inside the term in
the owner-only table `audit_log_purge_term` (audit migration 0005; docs/retention.md, "The
processing log"). Without options this prints that term next to the configured one
(`NIEUWESTART_BEWAARTERMIJN_LOG_MAANDEN`). `--set MONTHS` writes the table; `--sync` writes the
configured term. Writing needs the owner's `DATABASE_URL` (the one of the migrations job): as the
application role the database refuses, which is the point (docs/deployment.md, "Database roles").
On SQLite there is no such table: the command says so and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from nieuwestart.audit.selectors import log_purge_term
from nieuwestart.audit.services import LogPurgeTermError, log_purge_term_set


class Command(BaseCommand):
    help = "Show or set (as the database owner) the processing log's term the database enforces."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--set", type=int, metavar="MAANDEN", help="set the term in months")
        group.add_argument(
            "--sync",
            action="store_true",
            help="set the term to NIEUWESTART_BEWAARTERMIJN_LOG_MAANDEN",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = int(settings.RETENTION_LOG_MONTHS)
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"ingesteld: {configured} maanden; {connection.vendor} kent geen databasetermijn "
                "(alleen PostgreSQL met een aparte eigenaar beschermt het log zo)"
            )
            if options["set"] is not None or options["sync"]:
                raise CommandError("Niets gewijzigd: alleen PostgreSQL heeft een databasetermijn.")
            return
        months = configured if options["sync"] else options["set"]
        if months is not None:
            try:
                log_purge_term_set(months=months)
            except LogPurgeTermError as error:
                raise CommandError(str(error)) from error
            except DatabaseError as error:
                raise CommandError(
                    "De database weigert het wijzigen van de termijn. Gebruik de DATABASE_URL van "
                    f"de eigenaar (het migratiejob), niet die van de applicatie. ({error})"
                ) from error
        term = log_purge_term()
        if term is None:
            raise CommandError(
                "Er is geen databasetermijn: het verwerkingenlog kan niet worden opgeschoond. "
                "Stel hem in met --sync als eigenaar van de database."
            )
        self.stdout.write(
            f"database: {term.months} maanden (gewijzigd {term.changed_at:%Y-%m-%d %H:%M} door "
            f"{term.changed_by}); ingesteld: {configured} maanden"
        )
        if term.months != configured:
            self.stdout.write(
                "let op: de twee verschillen; de retentierun verwijdert alleen wat voorbij de "
                "langste van de twee is"
            )
