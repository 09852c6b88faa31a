"""Batch import of detention notifications from a CSV file (decisions 0007 and 0013).

The file is read once into ImportRow records (one transaction), then processed in chunks of
up to 1,000 rows in line order. Each row is validated with the same validator as the API, so a
row is refused for the same reasons in the same words; the valid ones go to
`ingest.notifications_ingest_bulk`, which gives each the outcome `notification_receive` would
(set-based for the common case). A chunk is one transaction together with the status of its
rows: a crash loses at most the chunk in progress, whose rows stay `wachtend`, and a rerun
redoes them to the same final state (meldingId is idempotent as well).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Channel
from nieuwestart.trajectories.ingest import IngestResult, insert_rows, notifications_ingest_bulk
from nieuwestart.trajectories.models import ImportBatch, ImportRow, ImportRowStatus
from nieuwestart.trajectories.notifications import (
    InvalidNotification,
    OrganisationLookup,
    ValidNotification,
    validate_notification,
)

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
# Rows per transaction: big enough for set-based work, small enough to lose little on a crash.
CHUNK_SIZE = 1000


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
    insert_rows(
        ImportRow,
        [
            {"batch_id": batch.pk, "line_number": index + 2, "data": row_to_notification(row)}
            for index, row in enumerate(rows)
        ],
    )
    return batch


def import_batch_process(
    *, actor: User, batch: ImportBatch, limit: int = 200, chunk_size: int = CHUNK_SIZE
) -> int:
    """Process up to `limit` pending rows in chunks of `chunk_size`; returns how many were
    processed. Each chunk is one transaction: all its rows get their outcome, or none do."""
    lookup = OrganisationLookup(preload=True)
    processed = 0
    while processed < limit:
        done = _process_chunk(
            actor=actor, batch=batch, size=min(chunk_size, limit - processed), lookup=lookup
        )
        if done == 0 and not _has_pending(batch):
            break
        processed += done
    if not _has_pending(batch):
        ImportBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
    return processed


def _has_pending(batch: ImportBatch) -> bool:
    return ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING).exists()


@transaction.atomic
def _process_chunk(
    *, actor: User, batch: ImportBatch, size: int, lookup: OrganisationLookup
) -> int:
    # Locked: a second process on the same batch waits here, and PostgreSQL then checks the
    # status again, so it skips what the first one did.
    rows = list(
        ImportRow.objects.select_for_update()
        .filter(batch=batch, status=ImportRowStatus.PENDING)
        .order_by("line_number")
        .only("pk", "data")[:size]
    )
    if not rows:
        return 0
    today = timezone.localdate()
    outcomes: dict[int, IngestResult] = {}
    valid: list[tuple[int, ValidNotification]] = []
    for row in rows:
        try:
            valid.append(
                (row.pk, validate_notification(row.data, today=today, organisations=lookup))
            )
        except InvalidNotification as exc:
            outcomes[row.pk] = IngestResult(
                ImportRowStatus.REJECTED, None, [e.as_dict() for e in exc.errors]
            )
    results = notifications_ingest_bulk(
        actor=actor, notifications=[n for _, n in valid], channel=Channel.SYSTEM
    )
    outcomes.update((pk, result) for (pk, _), result in zip(valid, results, strict=True))
    _store_outcomes(outcomes)
    return len(rows)


def _store_outcomes(outcomes: dict[int, IngestResult]) -> None:
    """One statement per outcome kind: `bulk_update` builds a CASE per field and row, which
    took a second per 1,000 rows. Rejected rows, each with its own errors, are few."""
    by_status: dict[str, list[tuple[int, int | None]]] = {}
    for pk, outcome in outcomes.items():
        if outcome.status != ImportRowStatus.REJECTED:
            by_status.setdefault(outcome.status, []).append((pk, outcome.trajectory_id))
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        for status, pairs in by_status.items():
            values = ", ".join(["(%s, %s)"] * len(pairs))
            cursor.execute(
                f"WITH v(row_id, trajectory_id) AS (VALUES {values}) "  # noqa: S608  # nosec B608  # placeholders only; quoted table name
                f"UPDATE {table} SET status = %s, trajectory_id = v.trajectory_id "
                "FROM v WHERE id = v.row_id",
                [*(value for pair in pairs for value in pair), status],
            )
    errors_field = ImportRow._meta.get_field("errors")
    rejected = [
        (errors_field.get_db_prep_save(o.errors, connection), pk)
        for pk, o in outcomes.items()
        if o.status == ImportRowStatus.REJECTED
    ]
    if rejected:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = '{ImportRowStatus.REJECTED.value}', "  # noqa: S608  # nosec B608  # a constant and a quoted table name
                "errors = %s WHERE id = %s",
                rejected,
            )


def import_summary(batch: ImportBatch) -> dict[str, int]:
    counts = {s: 0 for s in ImportRowStatus.values}
    for item in ImportRow.objects.filter(batch=batch).values("status").annotate(n=Count("id")):
        counts[item["status"]] = item["n"]
    counts["total"] = batch.total_rows
    counts["done"] = batch.total_rows - counts[ImportRowStatus.PENDING]
    return counts
