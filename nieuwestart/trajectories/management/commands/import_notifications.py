"""Import a CSV file of detention notifications from the command line, to the end.

The same import as the web page (`/import/`, decisions 0007 and 0013): the file is stored as a
batch, then processed in chunks of 1,000 rows, each chunk one transaction. Stopped halfway
(a crash, a kill, a lost connection)? Run the same command again: it continues the unfinished
batch of the same file (same content) and user where it stopped, so the end state is that of
one clean run. Another file under the same name starts a new batch.

`--processen N` (PostgreSQL) lets N processes work side by side, each storing and processing
its own part of the file (decision 0015): the outcome of every row is the same as with one.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nieuwestart.accounts.models import Role, User
from nieuwestart.trajectories.imports import (
    CHUNK_SIZE,
    ImportFileError,
    ImportWorkerFailed,
    content_hash,
    import_batch_run,
    import_batch_start,
    import_summary,
    read_notifications,
)
from nieuwestart.trajectories.models import ImportBatch

ALLOWED_ROLES = (Role.ADMINISTRATOR, Role.SYSTEM)


class Command(BaseCommand):
    help = (
        "Leest een CSV-bestand met detentiemeldingen in en verwerkt het helemaal. Afgebroken? "
        "Start hetzelfde commando opnieuw: het gaat verder waar het stopte."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bestand", type=Path, help="Het CSV-bestand (UTF-8).")
        parser.add_argument(
            "--gebruiker",
            required=True,
            help="Gebruikersnaam van de functioneel beheerder of de systeemkoppeling.",
        )
        parser.add_argument(
            "--blok",
            type=int,
            default=CHUNK_SIZE,
            help=f"Regels per transactie (standaard {CHUNK_SIZE}).",
        )
        parser.add_argument(
            "--processen",
            type=int,
            default=1,
            help="Processen naast elkaar (alleen met PostgreSQL; standaard 1).",
        )
        parser.add_argument(
            "--nieuw",
            action="store_true",
            help="Altijd een nieuwe batch, ook als er een onafgemaakte batch van dit bestand is.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["gebruiker"], is_active=True).first()
        if user is None or user.role not in ALLOWED_ROLES:
            raise CommandError(
                "Onbekende gebruiker, of geen functioneel beheerder of systeemkoppeling."
            )
        path: Path = options["bestand"]
        if options["blok"] < 1:
            raise CommandError("--blok moet minstens 1 zijn.")
        if options["processen"] < 1:
            raise CommandError("--processen moet minstens 1 zijn.")
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror}.") from exc
        batch = None
        if not options["nieuw"]:
            # The unfinished batch of this user with the same content (its SHA-256): a file
            # with the same name but other content (tomorrow's export) starts a new batch.
            unfinished = ImportBatch.objects.filter(
                uploaded_by=user, finished_at__isnull=True
            ).order_by("-uploaded_at")
            batch = unfinished.filter(content_sha256=content_hash(content)).first()
            if batch is None:  # stored before the hash was kept: by name, as it was then
                batch = unfinished.filter(file_name=path.name[:200], content_sha256="").first()
        started = time.perf_counter()
        try:
            notifications = read_notifications(content)
            if batch is not None:
                self.stdout.write(f"Verder met de onafgemaakte batch {batch.uuid} van {path.name}.")
            else:
                batch = import_batch_start(
                    actor=user, file_name=path.name, content=content, notifications=notifications
                )
                self.stdout.write(f"Batch {batch.uuid}: {batch.total_rows} regels.")
            import_batch_run(
                actor=user,
                batch=batch,
                workers=options["processen"],
                chunk_size=options["blok"],
                content=content,
                notifications=notifications,
                progress=self._progress,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except ImportWorkerFailed as exc:
            raise CommandError(
                f"Een proces is gestopt ({exc}). Start hetzelfde commando opnieuw: "
                "het gaat verder waar het stopte."
            ) from exc
        summary = import_summary(batch)
        self.stdout.write(
            f"Klaar in {time.perf_counter() - started:.1f} s: {summary['geaccepteerd']} verwerkt, "
            f"{summary['dubbel']} al eerder ontvangen, {summary['afgewezen']} afgewezen."
        )

    def _progress(self, batch: ImportBatch) -> None:
        summary = import_summary(batch)
        self.stdout.write(f"{summary['done']} van {summary['total']} verwerkt")
        self.stdout.flush()
