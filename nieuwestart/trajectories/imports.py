"""Batch import of detention notifications from a CSV file.

The file is read once into ImportRow records (one transaction), then processed in small
steps. Each row is validated with the same validator as the API and processed in its own
transaction together with its status, so a crash halfway loses nothing and a rerun continues
where it stopped, without doing any row twice (meldingId is idempotent as well).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Channel
from nieuwestart.trajectories.models import (
    DetentionNotification,
    ImportBatch,
    ImportRow,
    ImportRowStatus,
)
from nieuwestart.trajectories.notifications import InvalidNotification, validate_notification
from nieuwestart.trajectories.services import ServiceError, notification_receive

COLUMNS = [
    "meldingId",
    "soort",
    "bsn",
    "voornamen",
    "voorvoegsel",
    "geslachtsnaam",
    "geboortedatum",
    "inrichting",
    "startdatum",
    "verwachteEinddatum",
    "gemeenteVanInschrijving",
    "einddatum",
]
PERSON_COLUMNS = {"bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum"}
MAX_ROWS = 50_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def row_to_notification(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row in the API's JSON shape, so one validator serves both."""
    data: dict[str, Any] = {
        k: (row.get(k) or "").strip() for k in COLUMNS if k not in PERSON_COLUMNS
    }
    data["persoon"] = {k: (row.get(k) or "").strip() for k in PERSON_COLUMNS}
    if not data.get("verwachteEinddatum"):
        data["verwachteEinddatum"] = None
    if not data.get("einddatum"):
        data.pop("einddatum", None)
    return data


def parse_file(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8)."
        ) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [
        c for c in ("meldingId", "soort", "bsn", "inrichting") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFileError(
            "De eerste regel moet de kolomnamen bevatten. Deze ontbreken: "
            + ", ".join(missing)
            + "."
        )
    rows = list(reader)
    if not rows:
        raise ImportFileError("Het bestand bevat geen meldingen.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"Een bestand mag hoogstens {MAX_ROWS} meldingen bevatten.")
    return rows


@transaction.atomic
def import_batch_create(*, actor: User, file_name: str, content: bytes) -> ImportBatch:
    rows = parse_file(content)
    batch = ImportBatch.objects.create(
        file_name=file_name[:200],
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        total_rows=len(rows),
    )
    ImportRow.objects.bulk_create(
        [
            ImportRow(batch=batch, line_number=index + 2, data=row_to_notification(row))
            for index, row in enumerate(rows)
        ],
        batch_size=1000,
    )
    return batch


def import_batch_process(*, actor: User, batch: ImportBatch, limit: int = 200) -> int:
    """Process up to `limit` pending rows; returns how many were processed."""
    pending = list(
        ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING).order_by(
            "line_number"
        )[:limit]
    )
    today = timezone.localdate()
    for row in pending:
        _process_row(actor=actor, row=row, today=today)
    if not ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING).exists():
        ImportBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
    return len(pending)


def _process_row(*, actor: User, row: ImportRow, today: Any) -> None:
    try:
        notification = validate_notification(row.data, today=today)
    except InvalidNotification as exc:
        _finish(row, ImportRowStatus.REJECTED, errors=[e.as_dict() for e in exc.errors])
        return
    try:
        with transaction.atomic():
            locked = ImportRow.objects.select_for_update().get(pk=row.pk)
            if locked.status != ImportRowStatus.PENDING:
                return
            seen = DetentionNotification.objects.filter(message_id=notification.message_id).exists()
            trajectory, _created = notification_receive(
                actor=actor, notification=notification, channel=Channel.SYSTEM
            )
            status = ImportRowStatus.DUPLICATE if seen else ImportRowStatus.ACCEPTED
            ImportRow.objects.filter(pk=row.pk).update(status=status, trajectory=trajectory)
    except InvalidNotification as exc:
        _finish(row, ImportRowStatus.REJECTED, errors=[e.as_dict() for e in exc.errors])
    except ServiceError as exc:
        _finish(
            row,
            ImportRowStatus.REJECTED,
            errors=[{"name": exc.field or "regel", "code": exc.code, "reason": exc.message}],
        )


def _finish(row: ImportRow, status: str, *, errors: list[dict[str, str]]) -> None:
    ImportRow.objects.filter(pk=row.pk, status=ImportRowStatus.PENDING).update(
        status=status, errors=errors
    )


def import_summary(batch: ImportBatch) -> dict[str, int]:
    counts = {s: 0 for s in ImportRowStatus.values}
    for item in ImportRow.objects.filter(batch=batch).values("status").annotate(n=Count("id")):
        counts[item["status"]] = item["n"]
    counts["total"] = batch.total_rows
    counts["done"] = batch.total_rows - counts[ImportRowStatus.PENDING]
    return counts
