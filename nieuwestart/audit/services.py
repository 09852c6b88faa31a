"""Writing the processing log. Every read and write of personal data calls one of these.

Callers pass the acting user explicitly; the organisation and role are copied at that moment,
so the log stays true when people change jobs. Writes happen inside the caller's transaction:
a change and its log row are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import (
    Action,
    Channel,
    LogPurgePermit,
    ProcessingLogEntry,
    Result,
)
from nieuwestart.audit.selectors import LOG_PURGE_TERM_TABLE

# The scheduler, as it appears in the log when it processes data itself (retention).
SCHEDULER_USERNAME = "systeem:planner"
SCHEDULER_DISPLAY = "Planner (automatische taak)"
PURGE_PURPOSE = "bewaartermijn verstreken"
# The database refuses to let the purge remove a row younger than this (migrations 0003, 0004).
PURGE_MINIMUM_AGE_DAYS = 365
# The shortest log term the term table of migration 0005 accepts (and retention.E002).
LOG_TERM_MINIMUM_MONTHS = 12


def _entry(
    *,
    actor: User | None,
    action: str,
    trajectory_uuid: UUID | None,
    person_id: int | None,
    categories: Sequence[str],
    purpose: str,
    result: str,
    channel: str,
    detail: str,
    now: dt.datetime,
) -> ProcessingLogEntry:
    organisation = actor.organisation if actor is not None else None
    return ProcessingLogEntry(
        timestamp=now,
        user=actor,
        username=actor.username if actor is not None else "",
        user_display=actor.display_name if actor is not None else "",
        organisation_code=organisation.code if organisation is not None else "",
        organisation_name=organisation.name if organisation is not None else "",
        role=actor.role if actor is not None else "",
        trajectory_uuid=trajectory_uuid,
        person_id=person_id,
        action=action,
        categories=",".join(sorted(set(categories))),
        purpose=purpose[:100],
        result=result,
        channel=channel,
        detail=detail[:300],
    )


def log_processing(
    *,
    actor: User | None,
    action: Action | str,
    categories: Sequence[str],
    purpose: str,
    channel: Channel | str,
    trajectory_uuid: UUID | None = None,
    person_id: int | None = None,
    result: Result | str = Result.ALLOWED,
    detail: str = "",
) -> ProcessingLogEntry:
    entry = _entry(
        actor=actor,
        action=action,
        trajectory_uuid=trajectory_uuid,
        person_id=person_id,
        categories=categories,
        purpose=purpose,
        result=result,
        channel=channel,
        detail=detail,
        now=timezone.now(),
    )
    entry.save()
    return entry


def log_reads(
    *,
    actor: User,
    subjects: Iterable[tuple[UUID, int | None]],
    categories: Sequence[str],
    purpose: str,
    channel: Channel | str,
) -> int:
    """One row per trajectory shown in a list, written in one statement, in the list's order.

    Also the single read of the access chokepoint (one subject): the same row as
    `log_processing` with action read and result allowed, without compiling an insert.

    Every list page and list request writes up to 50 rows. On PostgreSQL they go in as one
    `INSERT ... SELECT` over two arrays (the subjects), the rest of the row given once: building
    50 model instances and compiling a 50-row insert cost several ms of Python per request
    (docs/benchmarks.md). SQLite takes the ORM's bulk insert; the rows are the same.
    """
    now = timezone.now()
    subjects = list(subjects)
    if not subjects:
        return 0

    def entry(trajectory_uuid: UUID | None, person_id: int | None) -> ProcessingLogEntry:
        return _entry(
            actor=actor,
            action=Action.READ,
            trajectory_uuid=trajectory_uuid,
            person_id=person_id,
            categories=categories,
            purpose=purpose,
            result=Result.ALLOWED,
            channel=channel,
            detail="",
            now=now,
        )

    if connection.vendor != "postgresql":
        ProcessingLogEntry.objects.bulk_create([entry(*subject) for subject in subjects])
        return len(subjects)
    template = entry(None, None)
    sql, fields = _reads_insert_sql()
    constants = [
        field.get_db_prep_save(getattr(template, field.attname), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *constants,
                [trajectory_uuid for trajectory_uuid, _ in subjects],
                [person_id for _, person_id in subjects],
            ],
        )
    return len(subjects)


_SUBJECT_FIELDS = ("trajectory_uuid", "person_id")


@functools.cache
def _reads_insert_sql() -> tuple[str, list[Field[Any, Any]]]:
    """The INSERT of `log_reads` on PostgreSQL, and the fields of its constant parameters."""
    meta = ProcessingLogEntry._meta
    fields = [
        field
        for field in meta.concrete_fields
        if not field.primary_key and field.name not in _SUBJECT_FIELDS
    ]
    quote = connection.ops.quote_name
    subjects = [cast("Field[Any, Any]", meta.get_field(name)) for name in _SUBJECT_FIELDS]
    columns = ", ".join(quote(cast(str, field.column)) for field in [*fields, *subjects])
    constants = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608  # names only
        f"SELECT {constants}, s.subject, s.person "
        "FROM unnest(%s::uuid[], %s::bigint[]) WITH ORDINALITY AS s(subject, person, n) "
        "ORDER BY s.n"
    )
    return sql, fields


def log_scheduler_processing(
    *,
    action: Action | str,
    categories: Sequence[str],
    purpose: str,
    trajectory_uuid: UUID | None = None,
    person_id: int | None = None,
    detail: str = "",
) -> ProcessingLogEntry:
    """A row for processing the scheduler does by itself (no user), e.g. a retention removal."""
    entry = _entry(
        actor=None,
        action=action,
        trajectory_uuid=trajectory_uuid,
        person_id=person_id,
        categories=categories,
        purpose=purpose,
        result=Result.ALLOWED,
        channel=Channel.SYSTEM,
        detail=detail,
        now=timezone.now(),
    )
    entry.username = SCHEDULER_USERNAME
    entry.user_display = SCHEDULER_DISPLAY
    entry.save()
    return entry


@transaction.atomic
def log_entries_purge(
    *, before: dt.datetime, keep_trajectories: Collection[UUID] = (), limit: int = 5000
) -> int:
    """Remove at most `limit` log rows older than `before`; the number removed.

    The only way rows leave the processing log (docs/retention.md). Rows of trajectories on
    legal hold stay; the oldest go first. The database lets a row go only through its gate, and
    never a row younger than `PURGE_MINIMUM_AGE_DAYS`; an ordinary DELETE is refused as before.

    - PostgreSQL: the `SECURITY DEFINER` function `audit_log_purge` (migrations 0004 and 0005)
      selects and deletes the rows itself and opens the gate only while it runs. It refuses a
      cut-off inside the term in the owner's table `audit_log_purge_term`
      (`selectors.log_purge_term`): callers pass at most that term's limit. The application role
      needs only EXECUTE on it, no DELETE on the log (docs/deployment.md, "Database roles").
    - SQLite: a `LogPurgePermit` row opens the gate inside this transaction (migration 0003).

    The purge logs itself, in the same transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT audit_log_purge(%s, %s::uuid[], %s)",
                [before, list(keep_trajectories), limit],
            )
            removed = int(cursor.fetchone()[0])
    else:
        removed = _purge_through_permit(
            before=before, keep_trajectories=keep_trajectories, limit=limit
        )
    if removed == 0:
        return 0  # nothing was due, or another run removed it first
    log_scheduler_processing(
        action=Action.DELETE,
        categories=["verwerkingenlog"],
        purpose=PURGE_PURPOSE,
        detail=f"{removed} verwerkingen van voor {before:%Y-%m-%d} verwijderd",
    )
    return removed


class LogPurgeTermError(Exception):
    """The database term cannot be set here (SQLite, or a role that is not the owner)."""


@transaction.atomic
def log_purge_term_set(*, months: int) -> None:
    """Set the processing log's term that `audit_log_purge` enforces (PostgreSQL, migration 0005).

    Only the owner role may write the term table; as the application role the database refuses
    (docs/deployment.md, "Database roles"). The table records when and by which database role.
    """
    if connection.vendor != "postgresql":
        raise LogPurgeTermError("SQLite kent geen databasetermijn voor het verwerkingenlog.")
    if months < LOG_TERM_MINIMUM_MONTHS:
        raise LogPurgeTermError("De termijn van het verwerkingenlog is minstens 12 maanden.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_PURGE_TERM_TABLE} SET months = %s",  # noqa: S608  # nosec B608  # a constant
            [months],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO {LOG_PURGE_TERM_TABLE} (months) VALUES (%s)",  # noqa: S608  # nosec B608  # a constant
                [months],
            )


def _purge_through_permit(
    *, before: dt.datetime, keep_trajectories: Collection[UUID], limit: int
) -> int:
    """SQLite: the permit opens the DELETE trigger of migration 0003 within this transaction."""
    ids = list(
        ProcessingLogEntry.objects.filter(timestamp__lt=before)
        .exclude(trajectory_uuid__in=list(keep_trajectories))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    table = ProcessingLogEntry._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    # On an error the transaction rolls back, and with it the permit.
    LogPurgePermit.objects.create(cutoff=before)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})", ids)  # noqa: S608  # nosec B608  # table name from model meta, ids as parameters
        removed = int(cursor.rowcount)
    LogPurgePermit.objects.all().delete()
    return removed
