"""The child-row indicators of a full refresh, pre-counted (`IndicatorSnapshot`).

Why: counting the meeting terms and trajectory meetings (about 375,000 child rows at national
scale) per request, joined to the facts for the filters and collapsed per trajectory, was the
larger half of the 0.7 to 1.6 s of a chain-wide dashboard (docs/benchmarks.md), while the
figures change only when the facts are refreshed (nightly). So the nightly refresh also
writes `IndicatorRowMonth`: per trajectory and month one row with the filter dimensions and,
as bits, which child-row indicators it counts in and meets. A request then reads one compact
table without a join. (Pre-aggregating the one-row-per-trajectory indicators as well was
tried and dropped: the combinations of PI, size class, probation, short stay and LVB per month
are nearly as many as the trajectories, so such a table is no smaller than the facts.)

The definitions stay in one place: the snapshot is counted with the same registry
expressions as the live path (`selectors`), and a test compares both on every filter.
A snapshot answers only requests of its own day (`selectors._figures`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Case, Max, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from nieuwestart.indicators import registry
from nieuwestart.indicators.models import (
    IndicatorRowMonth,
    IndicatorSnapshot,
    MeetingAttendanceFact,
    MeetingTermFact,
    TrajectoryFact,
)

DIMENSIONS = (
    "prison_id",
    "municipality_id",
    "municipality_size",
    "probation_id",
    "short_stay",
    "lvb",
)
ROW_MODELS: dict[str, Any] = {
    registry.TERM_ROWS: MeetingTermFact,
    registry.MEETING_ROWS: MeetingAttendanceFact,
}
BATCH = 5000


def row_indicators() -> list[registry.Indicator]:
    """The indicators counted on child rows, in bit order."""
    return [i for i in registry.INDICATORS if i.rows != registry.FACTS]


def layout() -> str:
    """What a snapshot's bits mean: the codes of the child-row indicators in order."""
    return ",".join(i.code for i in row_indicators())


def current_snapshot(today: dt.date) -> IndicatorSnapshot | None:
    """The snapshot that answers requests of `today`, if any."""
    return IndicatorSnapshot.objects.filter(as_of=today, layout=layout()).order_by("-pk").first()


def snapshots_drop() -> None:
    """After a refresh of some trajectories the counts no longer match the facts."""
    IndicatorRowMonth.objects.all().delete()
    IndicatorSnapshot.objects.all().delete()


def _row_months(snapshot: IndicatorSnapshot, today: dt.date) -> list[IndicatorRowMonth]:
    """Per trajectory and month the bits of the child-row indicators."""
    bits: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    groups: dict[tuple[str, str], list[tuple[int, registry.Indicator]]] = defaultdict(list)
    for bit, indicator in enumerate(row_indicators()):
        groups[(indicator.rows, indicator.cohort)].append((bit, indicator))
    for (rows_kind, cohort), members in groups.items():
        flags: dict[str, Any] = {}
        for bit, indicator in members:
            counted = indicator.denominator(today)
            flags[f"d{bit}"] = Max(Case(When(counted, then=1), default=0))
            flags[f"n{bit}"] = Max(Case(When(counted & indicator.numerator, then=1), default=0))
        rows: Any = (
            ROW_MODELS[rows_kind]
            .objects.annotate(month=TruncMonth(cohort))
            .values("fact_id", "month")
            .annotate(**flags)
            .order_by()
        )
        for row in rows.iterator(chunk_size=BATCH):
            mask = bits[(row["fact_id"], _as_date(row["month"]))]
            for bit, _indicator in members:
                if row[f"d{bit}"]:
                    mask[0] |= 1 << bit
                if row[f"n{bit}"]:
                    mask[1] |= 1 << bit
    dims = {
        row["pk"]: {name: row[name] for name in DIMENSIONS}
        for row in TrajectoryFact.objects.values("pk", *DIMENSIONS).iterator(chunk_size=BATCH)
    }
    return [
        IndicatorRowMonth(
            snapshot=snapshot,
            fact_id=fact_id,
            month=month,
            counted=counted,
            met=met,
            **dims[fact_id],
        )
        for (fact_id, month), (counted, met) in bits.items()
        if counted
    ]


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def indicator_snapshot_build(*, today: dt.date | None = None) -> IndicatorSnapshot:
    """Count the child-row indicators as of `today`, in one transaction, and remove the older
    snapshots. Readers keep using the previous snapshot (or the child rows) until it commits."""
    today = today or timezone.localdate()
    with transaction.atomic():
        snapshot = IndicatorSnapshot.objects.create(
            as_of=today, built_at=timezone.now(), layout=layout()
        )
        IndicatorRowMonth.objects.bulk_create(_row_months(snapshot, today), batch_size=BATCH)
        older = IndicatorSnapshot.objects.exclude(pk=snapshot.pk)
        IndicatorRowMonth.objects.filter(snapshot__in=older).delete()
        older.delete()
    return snapshot
