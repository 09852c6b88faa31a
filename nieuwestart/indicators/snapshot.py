"""The indicators of a full refresh, pre-counted per trajectory and month (`IndicatorSnapshot`).

Why: counting the facts and their child rows on every request took 0.7 to 1.6 s for the
chain-wide dashboards at national scale (docs/benchmarks.md): conditional counts over 100,000
wide fact rows per cohort, and about 375,000 meeting terms and trajectory meetings joined to
the facts for the filters and collapsed per trajectory. The figures change only when the facts
are refreshed (nightly), so the nightly refresh also writes two narrow tables, with the filter
dimensions copied in and every definition already evaluated as bits:

- `IndicatorFactMonth`: per trajectory and cohort date (arrival, first sheet sent, release) the
  bits of that cohort's indicators (counted, met), "still waiting", and the days after release
  of the duration indicators;
- `IndicatorRowMonth`: per trajectory and month the bits of the child-row indicators (meeting
  terms, trajectory meetings).

A request then sums bits in one grouped query per table, without joins or date arithmetic.
(Summing per combination of the dimensions instead of per trajectory was tried and dropped:
the combinations of PI, municipality, probation, short stay and LVB per month are nearly as
many as the trajectories, so such a table is no smaller.)

The definitions stay in one place: the snapshot is counted with the same registry
expressions as the live path (`selectors`), and a test compares both on every filter.
A snapshot answers only requests of its own day (`selectors._figures`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Max, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from nieuwestart.indicators import registry
from nieuwestart.indicators.models import (
    IndicatorFactMonth,
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
LAYOUT_VERSION = "2"
MONTH = "m"
QUARTER_GRAIN = "q"


def cohorts() -> dict[str, list[registry.Indicator]]:
    """The indicators counted on the facts, per cohort date, in bit order."""
    result: dict[str, list[registry.Indicator]] = defaultdict(list)
    for indicator in registry.INDICATORS:
        if indicator.rows == registry.FACTS:
            result[indicator.cohort].append(indicator)
    return dict(result)


def waiting_fields() -> list[str]:
    """The "still waiting" fields, in bit order."""
    return [d.waiting_field for d in registry.DURATIONS if d.waiting_field]


def row_indicators() -> list[registry.Indicator]:
    """The indicators counted on child rows, in bit order."""
    return [i for i in registry.INDICATORS if i.rows != registry.FACTS]


def layout() -> str:
    """What a snapshot's bits and columns mean: the codes in order."""
    facts = ";".join(
        f"{cohort}:" + ",".join(i.code for i in indicators)
        for cohort, indicators in cohorts().items()
    )
    durations = ",".join(d.days_field for d in registry.DURATIONS)
    # The version changes with the shape of the rows (2: quarter rows), so a snapshot built
    # by older code is not read.
    return "|".join(
        [LAYOUT_VERSION, facts, ",".join(waiting_fields()), durations, row_indicator_codes()]
    )


def row_indicator_codes() -> str:
    return ",".join(i.code for i in row_indicators())


# pg_advisory_xact_lock key of the snapshot build (one build at a time, across hosts).
SNAPSHOT_BUILD_LOCK = 0x6E73496E  # "nsIn"


def current_snapshot(today: dt.date) -> IndicatorSnapshot | None:
    """The snapshot that answers requests of `today`, if any."""
    return IndicatorSnapshot.objects.filter(as_of=today, layout=layout()).order_by("-pk").first()


def snapshots_drop() -> None:
    """After a refresh of some trajectories the counts no longer match the facts."""
    IndicatorRowMonth.objects.all().delete()
    IndicatorFactMonth.objects.all().delete()
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
    quarters: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for (fact_id, month), (counted_bits, met_bits) in bits.items():
        mask = quarters[(fact_id, quarter_start(month))]
        mask[0] |= counted_bits
        mask[1] |= met_bits
    dims = {
        row["pk"]: {name: row[name] for name in DIMENSIONS}
        for row in TrajectoryFact.objects.values("pk", *DIMENSIONS).iterator(chunk_size=BATCH)
    }
    return [
        IndicatorRowMonth(
            snapshot=snapshot,
            fact_id=fact_id,
            month=month,
            counted=counted_bits,
            met=met_bits,
            grain=grain,
            **dims[fact_id],
        )
        for grain, per_month in ((MONTH, bits), (QUARTER_GRAIN, quarters))
        for (fact_id, month), (counted_bits, met_bits) in per_month.items()
        if counted_bits
    ]


def quarter_start(month: dt.date) -> dt.date:
    return month.replace(month=(month.month - 1) // 3 * 3 + 1, day=1)


def _fact_months(snapshot: IndicatorSnapshot, today: dt.date) -> list[IndicatorFactMonth]:
    """Per trajectory and cohort date the bits of the fact indicators of that cohort, with
    "still waiting" and the days after release for the release cohort."""
    result: list[IndicatorFactMonth] = []
    waiting = waiting_fields()
    durations = [d.days_field for d in registry.DURATIONS]
    for cohort, indicators in cohorts().items():
        flags: dict[str, Any] = {}
        for bit, indicator in enumerate(indicators):
            counted = indicator.denominator(today)
            flags[f"d{bit}"] = Case(When(counted, then=1), default=0)
            flags[f"n{bit}"] = Case(When(counted & indicator.numerator, then=1), default=0)
        fields = ["pk", "month", *DIMENSIONS, *flags]
        released = cohort == registry.RELEASE
        if released:
            fields += [*waiting, *durations, registry.RELEASE]
        rows: Any = (
            TrajectoryFact.objects.filter(**{f"{cohort}__isnull": False})
            .annotate(month=TruncMonth(cohort), **flags)
            .values(*fields)
        )
        for row in rows.iterator(chunk_size=BATCH):
            counted_bits = met_bits = waiting_bits = 0
            for bit in range(len(indicators)):
                counted_bits |= row[f"d{bit}"] << bit
                met_bits |= row[f"n{bit}"] << bit
            days: dict[str, Any] = {}
            if released:
                for bit, field in enumerate(waiting):
                    waiting_bits |= int(bool(row[field])) << bit
                if row[registry.RELEASE] <= today:
                    days = {field: row[field] for field in durations}
            result.append(
                IndicatorFactMonth(
                    snapshot=snapshot,
                    fact_id=row["pk"],
                    cohort=cohort,
                    month=_as_date(row["month"]),
                    counted=counted_bits,
                    met=met_bits,
                    waiting=waiting_bits,
                    **days,
                    **{name: row[name] for name in DIMENSIONS},
                )
            )
    return result


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def indicator_snapshot_build(*, today: dt.date | None = None) -> IndicatorSnapshot:
    """Count the child-row indicators as of `today`, in one transaction, and remove the older
    snapshots. Readers keep using the previous snapshot (or the child rows) until it commits."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One build at a time: two builds at once (the scheduler on two hosts) would each
            # not see the other's uncommitted snapshot and both would stay. The second waits,
            # then counts the newest facts and removes the first's snapshot. SQLite allows one
            # writer at a time anyway.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SNAPSHOT_BUILD_LOCK])
        snapshot = IndicatorSnapshot.objects.create(
            as_of=today, built_at=timezone.now(), layout=layout()
        )
        IndicatorFactMonth.objects.bulk_create(_fact_months(snapshot, today), batch_size=BATCH)
        IndicatorRowMonth.objects.bulk_create(_row_months(snapshot, today), batch_size=BATCH)
        older = IndicatorSnapshot.objects.exclude(pk=snapshot.pk)
        IndicatorFactMonth.objects.filter(snapshot__in=older).delete()
        IndicatorRowMonth.objects.filter(snapshot__in=older).delete()
        older.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the dashboards' plans
            for model in (IndicatorFactMonth, IndicatorRowMonth):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return snapshot
