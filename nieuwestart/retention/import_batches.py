"""Retention of import batches: the rows of an uploaded file are emptied after a term in days.

Rule (docs/retention.md, "Import batches"; decisions/0014): an `ImportRow` keeps the detention
notification as uploaded (BSN, name, birth date, dates), for accepted, duplicate and rejected
rows alike. It is a working copy: an accepted notification is stored with its trajectory, a
duplicate was stored before, and a rejected one was never accepted. So once a batch has been
finished for `RETENTION_IMPORT_DAYS` days (default 30), every row loses its data and a rejected
row keeps only the field names and codes of its errors (a reason may quote a value). The batch,
its line numbers, the outcome per row and the link to the trajectory stay, so the import pages
still show the counts per outcome and why each rejected line was refused.

- An unfinished batch (`finished_at` empty) whose last activity is older than the same term is
  abandoned: nobody continued it, yet its rows keep the notifications for good. It is closed:
  its pending rows become rejected with the code `nooit_verwerkt` and a plain Dutch reason (the
  existing outcomes, so no schema change), every row is emptied as for a finished batch, and
  `finished_at` is set. It is announced once the upload and the newest notification stored from
  one of its accepted rows are older than the term. A chunk in which every row was rejected
  leaves no timestamp, so the run also remembers how many rows were pending at the
  announcement and carries it out only when that number is unchanged a whole term later
  (pending rows only ever go down: unchanged means nobody processed a line). If the import
  moved on, the announcement is withdrawn and the wait starts again. A batch with activity
  within the term is never touched.
- A row linked to a trajectory on legal hold keeps its data; the trajectory's own `identiteit`
  removal empties it once the hold is lifted and that term passes (`removal._scrub_notifications`).
- Emptying is idempotent: a row whose data is already empty is left alone.

The retention run (`services.retention_run`) reports and carries out the batches with the same
notice period, `RetentionItem` marks and processing-log entries as the trajectory categories.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.retention.categories import DEFAULT_IMPORT_DAYS
from nieuwestart.trajectories.imports import LOCK_BASE, PARTITIONS
from nieuwestart.trajectories.models import (
    DetentionNotification,
    ImportBatch,
    ImportRow,
    ImportRowStatus,
)

UPDATE_CHUNK = 1000
# The error a pending row of an abandoned batch gets: a fixed text that quotes nothing, so it is
# kept when the rows are emptied and the import page shows it as the reason.
NEVER_PROCESSED_CODE = "nooit_verwerkt"
NEVER_PROCESSED_FIELD = "regel"


def import_term_days() -> int:
    """Days after a batch was finished before its rows are emptied (settings, else 30)."""
    return int(getattr(settings, "RETENTION_IMPORT_DAYS", DEFAULT_IMPORT_DAYS))


def import_batches_due(*, today: dt.date, days: int) -> list[tuple[int, UUID, dt.datetime]]:
    """Finished batches whose term has passed by `today`: (pk, uuid, finished_at), oldest first.

    Includes batches already emptied; the caller skips those by their `RetentionItem`.
    """
    before = _first_moment_not_due(today=today, days=days)
    rows = (
        ImportBatch.objects.filter(finished_at__isnull=False, finished_at__lt=before)
        .order_by("finished_at", "pk")
        .values_list("pk", "uuid", "finished_at")
    )
    return [(pk, uuid, finished_at) for pk, uuid, finished_at in rows if finished_at is not None]


def _first_moment_not_due(*, today: dt.date, days: int) -> dt.datetime:
    first_day_not_due = today - dt.timedelta(days=days - 1)
    return timezone.make_aware(dt.datetime.combine(first_day_not_due, dt.time.min))


@dataclass(frozen=True)
class AbandonedBatch:
    pk: int
    uuid: UUID
    last_activity: dt.datetime
    pending: int


def import_batch_last_activity(batch: ImportBatch) -> dt.datetime:
    """The upload, or the newest notification stored from one of the batch's accepted rows."""
    accepted = (
        ImportRow.objects.filter(batch=batch, status=ImportRowStatus.ACCEPTED)
        .annotate(message_id=KT("data__meldingId"))
        .values("message_id")
    )
    latest = DetentionNotification.objects.filter(message_id__in=accepted).aggregate(
        latest=Max("received_at")
    )["latest"]
    return max(batch.uploaded_at, latest) if latest is not None else batch.uploaded_at


def import_batches_abandoned(*, today: dt.date, days: int) -> list[AbandonedBatch]:
    """Unfinished batches whose last activity is older than the term, oldest upload first."""
    before = _first_moment_not_due(today=today, days=days)
    candidates = ImportBatch.objects.filter(
        finished_at__isnull=True, uploaded_at__lt=before
    ).order_by("uploaded_at", "pk")
    result = []
    for batch in candidates:
        last_activity = import_batch_last_activity(batch)
        if last_activity >= before:
            continue  # worked on recently: it may still be continued
        result.append(
            AbandonedBatch(batch.pk, batch.uuid, last_activity, import_batch_lines_open(batch))
        )
    return result


def import_batch_lines_open(batch: ImportBatch) -> int:
    """Lines without an outcome: stored as waiting (the web upload) or not stored yet (a run of
    `import_batch_run` stores a line with its outcome, decision 0015). Only ever goes down."""
    done = ImportRow.objects.filter(batch=batch).exclude(status=ImportRowStatus.PENDING).count()
    return batch.total_rows - done


def import_batch_is_abandoned(*, batch: ImportBatch, today: dt.date, days: int) -> bool:
    before = _first_moment_not_due(today=today, days=days)
    return batch.finished_at is None and import_batch_last_activity(batch) < before


def import_rows_pending_lock(*, batch: ImportBatch) -> list[int] | None:
    """Lock the batch's pending rows; None when an import is processing it right now.

    The import locks the rows of the chunk it processes, and a run of `import_batch_run` holds
    an advisory lock per partition while it stores lines (`trajectories.imports`, decision
    0015). Waiting for either would close lines that are about to get an outcome, so the batch
    is left for the next run. The locks taken here last until the caller's transaction ends.
    """
    rows = ImportRow.objects.filter(batch=batch, status=ImportRowStatus.PENDING)
    if not connection.features.has_select_for_update_skip_locked:
        return list(rows.values_list("pk", flat=True))  # SQLite: one writer at a time
    with connection.cursor() as cursor:
        for partition in range(PARTITIONS):
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [batch.pk, LOCK_BASE + partition]
            )
            if not cursor.fetchone()[0]:
                return None
    locked = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
    return locked if len(locked) == rows.count() else None


def import_batch_close(
    *, batch: ImportBatch, pending: list[int], keep_trajectories: Collection[int], now: dt.datetime
) -> tuple[int, int, int]:
    """Close an abandoned batch: its lines without an outcome rejected as never processed (the
    waiting rows updated, the lines never stored added without data), every row emptied, the
    batch finished. Returns (lines never processed, rows emptied, rows kept for a legal hold).
    Run inside the caller's transaction, with `pending` locked (`import_rows_pending_lock`)."""
    errors = [
        {
            "name": NEVER_PROCESSED_FIELD,
            "code": NEVER_PROCESSED_CODE,
            "reason": _(
                "Nooit verwerkt. De import is niet afgemaakt. Na de bewaartermijn zijn de "
                "gegevens gewist. Lees deze melding opnieuw in als dat nog nodig is."
            ),
        }
    ]
    never = 0
    for start in range(0, len(pending), UPDATE_CHUNK):
        never += ImportRow.objects.filter(
            pk__in=pending[start : start + UPDATE_CHUNK], status=ImportRowStatus.PENDING
        ).update(status=ImportRowStatus.REJECTED, errors=errors)
    stored = set(ImportRow.objects.filter(batch=batch).values_list("line_number", flat=True))
    missing = [n for n in range(2, batch.total_rows + 2) if n not in stored]
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                batch=batch, line_number=n, data={}, status=ImportRowStatus.REJECTED, errors=errors
            )
            for n in missing
        ],
        batch_size=UPDATE_CHUNK,
    )
    never += len(missing)
    emptied, kept = import_rows_empty(batch=batch, keep_trajectories=keep_trajectories)
    ImportBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(finished_at=now)
    return never, emptied, kept


def _error_codes(errors: Any) -> list[dict[str, str]]:
    """Only which field failed and how: a reason can quote what was in the field. The reason of
    `nooit_verwerkt` is our own fixed text and stays, so the page can say it in words."""
    if not isinstance(errors, list):
        return []
    return [
        {
            "name": str(error.get("name", "")),
            "code": str(error.get("code", "")),
            **(
                {"reason": str(error.get("reason", ""))}
                if error.get("code") == NEVER_PROCESSED_CODE
                else {}
            ),
        }
        for error in errors
        if isinstance(error, dict)
    ]


def import_rows_empty(*, batch: ImportBatch, keep_trajectories: Collection[int]) -> tuple[int, int]:
    """Empty the data of the batch's rows, except those of the given trajectories.

    Returns (rows emptied, rows kept for a legal hold). Run inside the caller's transaction.
    """
    rows = ImportRow.objects.filter(batch=batch).exclude(data={})
    kept = 0
    if keep_trajectories:
        kept = rows.filter(trajectory_id__in=list(keep_trajectories)).count()
        # exclude() keeps the rows without a trajectory (rejected ones).
        rows = rows.exclude(trajectory_id__in=list(keep_trajectories))
    emptied = 0
    by_errors: dict[str, list[int]] = defaultdict(list)
    for pk, errors in rows.filter(status=ImportRowStatus.REJECTED).values_list("pk", "errors"):
        by_errors[json.dumps(_error_codes(errors), sort_keys=True)].append(pk)
    for key, pks in by_errors.items():
        for start in range(0, len(pks), UPDATE_CHUNK):
            emptied += ImportRow.objects.filter(pk__in=pks[start : start + UPDATE_CHUNK]).update(
                data={}, errors=json.loads(key)
            )
    emptied += rows.exclude(status=ImportRowStatus.REJECTED).update(data={})
    return emptied, kept
