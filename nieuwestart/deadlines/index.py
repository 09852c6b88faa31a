"""The open deadlines of the trajectories, kept so the work lists read them instead of
computing every deadline of a whole organisation on each request.

The rules (`rules.py`) stay the only source: an `OpenDeadline` row is a deadline the rules
gave for the trajectory that is not met yet (code, who is responsible, due date). What depends
on today, open or late and the working days left, is worked out when the rows are read, with
the same calendar as the rules (`IndexedDeadline`).

The rows of a trajectory are read only while they are current (`DeadlineIndex`):

- A write to anything the rules read (the trajectory, its screening and basic conditions,
  information sheets, plan and plan versions, involvements, meetings and participants) marks
  the trajectory's rows stale in the same transaction (`signals.py`).
- A trajectory without a `DeadlineIndex` row has no current rows (one created by a bulk write).
- The rows carry the key of the terms they were computed with (`terms_key`): the agreed terms,
  the extra non-working days and `RULES_VERSION`. An administrator's change of the terms or a
  new version of the rules makes every row stale at once.
- A released trajectory without any release date has deadlines that depend on today (the
  rules take today as its release date): its rows hold for the day they were computed.

`open_deadlines()` first recomputes the stale trajectories it is asked for and stores the
result, so a reader always gets what the rules give now. Two readers never write the same
trajectory at once: each locks the `DeadlineIndex` rows it refreshes and skips the ones another
transaction holds, using what it computed for those without storing it.

`manage.py deadlines_index` recomputes every open trajectory (nightly, and after a bulk load)
and reports rows that were marked current but differed: a write path that does not mark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.models import DeadlineIndex, OpenDeadline
from nieuwestart.deadlines.selectors import (
    Terms,
    _years,
    record_facts,
    status_labels,
    terms,
    trajectory_records,
)
from nieuwestart.trajectories.models import Phase, Trajectory

logger = logging.getLogger(__name__)

# Raise when a change of `rules.py` changes which deadlines there are or when they are due:
# every stored row then counts as stale and is recomputed when next read.
RULES_VERSION = 1

# The columns of a trajectory the rules read (`record_facts`).
FACT_COLUMNS = ("pk", "start_date", "expected_end_date", "end_date", "phase", "judicial_title")
RELEASED_PHASES = rules.RELEASED_PHASES
CODE_ORDER = {code: index for index, code in enumerate(rules.CODES)}

Row = tuple[str, str, dt.date]  # code, responsible, due


def terms_key(current: Terms) -> str:
    """What the stored rows were computed with: the terms, the extra days, the rules."""
    text = repr((RULES_VERSION, current.settings, sorted(current.extra_days)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class IndexedDeadline:
    """An open deadline as the work lists show it (`worklists.selectors.Deadline`)."""

    code: str
    label: str
    due: dt.date
    status: str
    status_label: str
    responsible: str
    days_left: int


@dataclass(frozen=True)
class _Computed:
    rows: list[Row]
    valid_until: dt.date | None


def _compute(ids: list[int], today: dt.date, current: Terms) -> dict[int, _Computed]:
    """The open deadlines of the trajectories by the rules, read in a fixed number of
    queries. The rows do not depend on today, except for a released trajectory without any
    release date: those hold for today only."""
    trajectories = Trajectory.objects.filter(pk__in=ids).only(*FACT_COLUMNS)
    facts = {pk: record_facts(r) for pk, r in trajectory_records(trajectories).items()}
    if not facts:
        return {}
    cal = current.calendar(_years(facts.values(), today))
    result = {}
    for pk, f in facts.items():
        specs = rules.deadlines(f, current.settings, cal, today)
        rows = [(s.code, s.responsible, s.due) for s in specs if s.status != rules.MET]
        depends_on_today = f.released and f.release_date is None
        result[pk] = _Computed(rows=rows, valid_until=today if depends_on_today else None)
    return result


def _current(ids: Collection[int], today: dt.date, key: str) -> set[int]:
    """Which of the trajectories have current rows (`_stored` without reading the rows)."""
    return _stored(ids, today, key, responsible=())[0] if ids else set()


# Trajectories per refresh transaction: a write marking one of them stale waits until the
# transaction that holds its row commits, so it stays short.
REFRESH_CHUNK = 200
# How long a reader waits to create an index row that a write is creating at the same moment
# (PostgreSQL); after that it computes the trajectory without storing it.
INSERT_WAIT = "100ms"


def _insert_missing(ids: list[int], now: dt.datetime) -> None:
    """Create the index rows that do not exist yet (stale, so not read), in a transaction of
    their own: the locking transactions of `_refresh` only lock rows that exist. A write that
    is creating the same row holds it until it commits; waiting for it is capped."""
    existing = set(
        DeadlineIndex.objects.filter(trajectory_id__in=ids).values_list("trajectory_id", flat=True)
    )
    missing = [pk for pk in ids if pk not in existing]
    if not missing:
        return
    rows = [DeadlineIndex(trajectory_id=pk, terms_key="", refreshed_at=now) for pk in missing]
    postgres = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('lock_timeout')")
                    (before,) = cursor.fetchone()
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [INSERT_WAIT])
            DeadlineIndex.objects.bulk_create(rows, ignore_conflicts=True)
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
    except OperationalError:
        logger.info("deadline index rows are being written by another transaction")


@dataclass
class _Refreshed:
    rows: dict[int, list[Row]]
    differed: int = 0


def refresh(
    ids: Collection[int], today: dt.date, current: Terms, *, key: str | None = None
) -> dict[int, list[Row]]:
    """Recompute the trajectories' open deadlines and store them (see `_refresh`). Returns the
    rows of every trajectory that exists."""
    return _refresh(ids, today, current, key=key).rows


def _refresh(
    ids: Collection[int],
    today: dt.date,
    current: Terms,
    *,
    key: str | None = None,
    check: bool = False,
) -> _Refreshed:
    """Recompute and store, in transactions of `REFRESH_CHUNK` trajectories. Each first locks
    the index rows it will write, skipping rows another transaction holds: a write marking
    the trajectory stale (it holds the row until it commits) or another refresh. Those are
    computed but not stored. The facts are read after taking the locks, so a write that
    committed before is in them, and one that commits after marks the row stale again once
    it gets the row. In key order, so two refreshes never wait on each other. `check`: also
    count the rows that were current (read under the lock) but differ from the rules now."""
    result = _Refreshed(rows={})
    if not ids:
        return result
    key = key or terms_key(current)
    now = timezone.now()
    ordered = sorted(ids)
    _insert_missing(ordered, now)
    for start in range(0, len(ordered), REFRESH_CHUNK):
        chunk = ordered[start : start + REFRESH_CHUNK]
        with transaction.atomic():
            held = {
                pk: (terms_, valid_until)
                for pk, terms_, valid_until in DeadlineIndex.objects.filter(trajectory_id__in=chunk)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("trajectory_id", "terms_key", "valid_until")
            }
            computed = _compute(chunk, today, current)
            stored = [pk for pk in chunk if pk in held and pk in computed]
            if check:
                result.differed += _differing(held, computed, today, key)
            if stored:
                OpenDeadline.objects.filter(trajectory_id__in=stored).delete()
                OpenDeadline.objects.bulk_create(
                    OpenDeadline(trajectory_id=pk, code=code, responsible=responsible, due=due)
                    for pk in stored
                    for code, responsible, due in computed[pk].rows
                )
                for valid_until in (None, today):
                    group = [pk for pk in stored if computed[pk].valid_until == valid_until]
                    if group:
                        DeadlineIndex.objects.filter(trajectory_id__in=group).update(
                            terms_key=key, valid_until=valid_until, refreshed_at=now
                        )
        result.rows.update((pk, c.rows) for pk, c in computed.items())
    return result


def _differing(
    held: dict[int, tuple[str, dt.date | None]],
    computed: dict[int, _Computed],
    today: dt.date,
    key: str,
) -> int:
    """Rows marked current, read under their lock, that differ from the rules' answer now:
    a write that did not mark the trajectory stale."""
    current = [
        pk
        for pk, (terms_, valid_until) in held.items()
        if terms_ == key and (valid_until is None or valid_until >= today)
    ]
    before: dict[int, set[Row]] = {pk: set() for pk in current}
    for pk, code, who, due in OpenDeadline.objects.filter(trajectory_id__in=current).values_list(
        "trajectory_id", "code", "responsible", "due"
    ):
        before[pk].add((code, who, due))
    differed = 0
    for pk in current:
        after = set(computed[pk].rows) if pk in computed else set()
        if before[pk] != after:
            differed += 1
            logger.warning("deadline index differed from the rules", extra={"trajectory_id": pk})
    return differed


def open_deadlines(
    ids: Collection[int],
    today: dt.date,
    current: Terms,
    *,
    responsible: Collection[str] | None = None,
) -> dict[int, list[Row]]:
    """The open deadlines of the trajectories, current as of now: stored rows where they are
    current, recomputed (and stored) where they are not. `responsible`: only these kinds of
    partner's deadlines. Trajectories without open deadlines are left out."""
    if not ids:
        return {}
    key = terms_key(current)
    fresh, result = _stored(ids, today, key, responsible)
    stale = [pk for pk in ids if pk not in fresh]
    if stale:
        for pk, rows in refresh(stale, today, current, key=key).items():
            kept = [r for r in rows if responsible is None or r[1] in responsible]
            if kept:
                result[pk] = kept
    return result


def _stored(
    ids: Collection[int], today: dt.date, key: str, responsible: Collection[str] | None
) -> tuple[set[int], dict[int, list[Row]]]:
    """Which of the trajectories have current rows (the terms key matches, and rows that
    depend on today were computed today), and those rows of the `responsible` kinds of
    partner, in one statement: a current trajectory without such rows comes back once,
    without a code. Written as SQL (`_stored_sql`): Django built this read
    on every work list, as two round trips, and for the thousands of trajectories of a
    probation organisation building it cost more than reading it (docs/benchmarks.md)."""
    fresh: set[int] = set()
    rows: dict[int, list[Row]] = {}
    with connection.cursor() as cursor:
        cursor.execute(*_stored_sql(ids, today, key, responsible))
        for pk, code, who, due in cursor.fetchall():
            fresh.add(pk)
            if code is not None:
                rows.setdefault(pk, []).append((code, who, due))
    return fresh, rows


def _stored_sql(
    ids: Collection[int], today: dt.date, key: str, responsible: Collection[str] | None
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    index_table = quote(DeadlineIndex._meta.db_table)
    rows_table = quote(OpenDeadline._meta.db_table)
    # The list of trajectories also on the rows' side of the join: without it PostgreSQL
    # read every stored row of every trajectory to join a few hundred (a hash join over a
    # sequential scan), twice the database's time of the two reads before. On PostgreSQL the
    # list is one array parameter: thousands of parameters cost psycopg more than the query.
    values: list[Any]
    if connection.vendor == "postgresql":
        listed, values = "= ANY(%s::bigint[])", [list(ids)]
    else:
        listed, values = f"IN ({', '.join(['%s'] * len(ids))})", list(ids)
    params = list(values)
    kinds = ""
    if responsible is not None:
        chosen = sorted(responsible)
        kinds = (
            f"AND d.responsible IN ({', '.join(['%s'] * len(chosen))})" if chosen else "AND 1 = 0"
        )
        params += chosen
    # Only table names and placeholders are put in the text; every value is a parameter.
    sql = (
        f"SELECT i.trajectory_id, d.code, d.responsible, d.due FROM {index_table} i "  # noqa: S608  # nosec B608
        f"LEFT JOIN {rows_table} d ON d.trajectory_id = i.trajectory_id "
        f"AND d.trajectory_id {listed} {kinds} "
        f"WHERE i.trajectory_id {listed} AND i.terms_key = %s "
        "AND (i.valid_until IS NULL OR i.valid_until >= %s)"
    )
    return sql, [*params, *values, key, today]


def released(end_date: dt.date | None, phase: str) -> bool:
    """As `rules.TrajectoryFacts.released`: every open deadline of a released trajectory is
    late."""
    return end_date is not None or phase in RELEASED_PHASES


class Views:
    """Turns stored rows into what the work lists show, on one day: the same status and
    working days left as the rules give (`rules._Builder.add` for a deadline not met)."""

    def __init__(self, today: dt.date, current: Terms, dues: Iterable[dt.date]) -> None:
        # Every year from the earliest to the latest day counted, as the rules do: working
        # days are counted across the years in between, with their holidays.
        days = [today, *dues]
        years = range(min(days).year - 1, max(days).year + 2)
        self.today = today
        self.cal = current.calendar(years)
        self.translate = rules._translator()
        self.labels = status_labels()

    def view(self, row: Row, *, is_released: bool) -> IndexedDeadline:
        code, responsible, due = row
        status = rules.LATE if is_released or self.today > due else rules.OPEN
        return IndexedDeadline(
            code=code,
            label=self.translate(rules.LABELS[code]),
            due=due,
            status=status,
            status_label=self.labels[status],
            responsible=responsible,
            days_left=self.cal.working_days_between(self.today, due),
        )


@dataclass
class Check:
    """What `rebuild` found: trajectories recomputed, and those whose stored rows were marked
    current but differed from the rules (a write path that did not mark them stale)."""

    trajectories: int = 0
    differed: int = 0


def rebuild(*, today: dt.date | None = None, batch: int = 1000) -> Check:
    """Recompute every open trajectory's open deadlines, `batch` trajectories at a time, and
    count the rows that were current but wrong. Rows of closed or removed trajectories are
    deleted: the lists do not show closed trajectories."""
    today = today or timezone.localdate()
    current = terms()
    key = terms_key(current)
    check = Check()
    gone = Q(trajectory__phase=Phase.CLOSED) | ~Exists(
        Trajectory.objects.filter(pk=OuterRef("trajectory_id"))
    )
    OpenDeadline.objects.filter(gone).delete()
    DeadlineIndex.objects.filter(gone).delete()
    ids = list(
        Trajectory.objects.exclude(phase=Phase.CLOSED).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        check.differed += _refresh(chunk, today, current, key=key, check=True).differed
        check.trajectories += len(chunk)
    return check
