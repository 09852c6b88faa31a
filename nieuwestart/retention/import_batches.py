"""Retention of import batches: the rows of an uploaded file are emptied after a term in days.

Rule (docs/retention.md, "Import batches"; decisions/0014): an `ImportRow` keeps the detention
notification as uploaded (BSN, name, birth date, dates), for accepted, duplicate and rejected
rows alike. It is a working copy: an accepted notification is stored with its trajectory, a
duplicate was stored before, and a rejected one was never accepted. So once a batch has been
finished for `RETENTION_IMPORT_DAYS` days (default 30), every row loses its data and a rejected
row keeps only the field names and codes of its errors (a reason may quote a value). The batch,
its line numbers, the outcome per row and the link to the trajectory stay, so the import pages
still show the counts per outcome and why each rejected line was refused.

- An unfinished batch (`finished_at` empty) is never touched: it may still be continued.
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
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from nieuwestart.retention.categories import DEFAULT_IMPORT_DAYS
from nieuwestart.trajectories.models import ImportBatch, ImportRow, ImportRowStatus

UPDATE_CHUNK = 1000


def import_term_days() -> int:
    """Days after a batch was finished before its rows are emptied (settings, else 30)."""
    return int(getattr(settings, "RETENTION_IMPORT_DAYS", DEFAULT_IMPORT_DAYS))


def import_batches_due(*, today: dt.date, days: int) -> list[tuple[int, UUID, dt.datetime]]:
    """Finished batches whose term has passed by `today`: (pk, uuid, finished_at), oldest first.

    Includes batches already emptied; the caller skips those by their `RetentionItem`.
    """
    first_day_not_due = today - dt.timedelta(days=days - 1)
    before = timezone.make_aware(dt.datetime.combine(first_day_not_due, dt.time.min))
    rows = (
        ImportBatch.objects.filter(finished_at__isnull=False, finished_at__lt=before)
        .order_by("finished_at", "pk")
        .values_list("pk", "uuid", "finished_at")
    )
    return [(pk, uuid, finished_at) for pk, uuid, finished_at in rows if finished_at is not None]


def import_batches_unfinished(*, before: dt.datetime) -> int:
    """Unfinished batches uploaded before this moment: left alone, but worth a look."""
    return ImportBatch.objects.filter(finished_at__isnull=True, uploaded_at__lt=before).count()


def _error_codes(errors: Any) -> list[dict[str, str]]:
    """Only which field failed and how: a reason can quote what was in the field."""
    if not isinstance(errors, list):
        return []
    return [
        {"name": str(error.get("name", "")), "code": str(error.get("code", ""))}
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
