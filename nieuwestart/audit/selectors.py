"""Reading the processing log: per trajectory, per person, per user. Newest first.

Also the log's term as the database enforces it on PostgreSQL (`log_purge_term`, migration
0005): the purge function refuses a cut-off inside that term, whatever the application asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet

from nieuwestart.audit.models import ProcessingLogEntry

# Owner-only table of audit migration 0005 (PostgreSQL only; not a Django model).
LOG_PURGE_TERM_TABLE = "audit_log_purge_term"


def entries_for_trajectory(trajectory_uuid: UUID) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(trajectory_uuid=trajectory_uuid).order_by(
        "-timestamp", "-id"
    )


def entries_for_person(person_id: int) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(person_id=person_id).order_by("-timestamp", "-id")


def entries_for_user(user_id: int) -> QuerySet[ProcessingLogEntry]:
    return ProcessingLogEntry.objects.filter(user_id=user_id).order_by("-timestamp", "-id")


@dataclass(frozen=True)
class LogPurgeTerm:
    """The processing log's term as the database enforces it (audit migration 0005)."""

    months: int
    # `now() - months`, computed by the database: the latest cut-off `audit_log_purge` accepts.
    limit: dt.datetime
    changed_at: dt.datetime
    changed_by: str


def log_purge_term() -> LogPurgeTerm | None:
    """The owner's term on PostgreSQL; None on SQLite (no roles, no term table) or if unset."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT months, now() - make_interval(months => months), changed_at, changed_by "
            "FROM audit_log_purge_term"  # LOG_PURGE_TERM_TABLE
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return LogPurgeTerm(months=row[0], limit=row[1], changed_at=row[2], changed_by=row[3])
