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

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.models import DeadlineIndex, OpenDeadline
from nieuwestart.deadlines.selectors import (
    Terms,
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
    years = {today.year - 1, today.year, today.year + 1}
    for f in facts.values():
        last = max(d for d in (f.start_date, f.release_date, today) if d is not None)
        years.update(range(f.start_date.year - 1, last.year + 2))
    cal = current.calendar(years)
    result = {}
    for pk, f in facts.items():
        specs = rules.deadlines(f, current.settings, cal, today)
        rows = [(s.code, s.responsible, s.due) for s in specs if s.status != rules.MET]
        depends_on_today = f.released and f.release_date is None
        result[pk] = _Computed(rows=rows, valid_until=today if depends_on_today else None)
    return result


def _current(ids: Iterable[int], today: dt.date, key: str) -> set[int]:
    return set(
        DeadlineIndex.objects.filter(trajectory_id__in=ids, terms_key=key)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("trajectory_id", flat=True)
    )


def refresh(
    ids: Collection[int], today: dt.date, current: Terms, *, key: str | None = None
) -> dict[int, list[Row]]:
    """Recompute the trajectories' open deadlines and store them, in one transaction. A
    trajectory whose index row another transaction holds (a write marking it stale, another
    reader refreshing it) is computed but not stored. Returns the rows of every trajectory
    that exists."""
    if not ids:
        return {}
    key = key or terms_key(current)
    now = timezone.now()
    # In key order: an insert that meets another transaction's uncommitted row waits for it,
    # and two refreshes inserting the same new rows in different orders would deadlock.
    ids = sorted(ids)
    with transaction.atomic():
        DeadlineIndex.objects.bulk_create(
            [DeadlineIndex(trajectory_id=pk, terms_key="", refreshed_at=now) for pk in ids],
            ignore_conflicts=True,
        )
        # Locked in key order, and skipping what is held: two refreshes never wait on each
        # other and a write that marks a trajectory stale never waits long.
        mine = set(
            DeadlineIndex.objects.filter(trajectory_id__in=ids)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("trajectory_id", flat=True)
        )
        # The facts are read after taking the locks: a write that commits before this read
        # is in them, one that commits after it marks the row stale again once we are done.
        computed = _compute(ids, today, current)
        stored = [pk for pk in mine if pk in computed]
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
    return {pk: c.rows for pk, c in computed.items()}


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
    fresh = _current(ids, today, key)
    stale = [pk for pk in ids if pk not in fresh]
    result: dict[int, list[Row]] = {}
    if stale:
        for pk, rows in refresh(stale, today, current, key=key).items():
            kept = [r for r in rows if responsible is None or r[1] in responsible]
            if kept:
                result[pk] = kept
    if fresh:
        stored = OpenDeadline.objects.filter(trajectory_id__in=fresh)
        if responsible is not None:
            stored = stored.filter(responsible__in=list(responsible))
        for pk, code, who, due in stored.values_list("trajectory_id", "code", "responsible", "due"):
            result.setdefault(pk, []).append((code, who, due))
    return result


def released(end_date: dt.date | None, phase: str) -> bool:
    """As `rules.TrajectoryFacts.released`: every open deadline of a released trajectory is
    late."""
    return end_date is not None or phase in RELEASED_PHASES


class Views:
    """Turns stored rows into what the work lists show, on one day: the same status and
    working days left as the rules give (`rules._Builder.add` for a deadline not met)."""

    def __init__(self, today: dt.date, current: Terms, dues: Iterable[dt.date]) -> None:
        years = {today.year - 1, today.year, today.year + 1}
        years.update(d.year for d in dues)
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


def rebuild(*, today: dt.date | None = None, batch: int = 500) -> Check:
    """Recompute every open trajectory's open deadlines, in batches (one transaction each),
    and count the rows that were current but wrong. Closed trajectories have none: their
    rows are removed."""
    today = today or timezone.localdate()
    current = terms()
    key = terms_key(current)
    check = Check()
    OpenDeadline.objects.filter(trajectory__phase=Phase.CLOSED).delete()
    DeadlineIndex.objects.filter(trajectory__phase=Phase.CLOSED).delete()
    ids = list(
        Trajectory.objects.exclude(phase=Phase.CLOSED).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        fresh = _current(chunk, today, key)
        before: dict[int, set[Row]] = {}
        for pk, code, who, due in OpenDeadline.objects.filter(trajectory_id__in=fresh).values_list(
            "trajectory_id", "code", "responsible", "due"
        ):
            before.setdefault(pk, set()).add((code, who, due))
        after = refresh(chunk, today, current, key=key)
        for pk in fresh:
            if before.get(pk, set()) != set(after.get(pk, [])):
                check.differed += 1
                logger.warning(
                    "deadline index differed from the rules",
                    extra={"trajectory_id": pk},
                )
        check.trajectories += len(chunk)
    return check
