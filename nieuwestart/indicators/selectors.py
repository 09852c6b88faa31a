"""Reads of the indicators: who sees which figures, and the figures themselves (aggregates).

Access (issue 5, item 5): only two roles see indicators, and never a case file.
- `management` of a PI, a probation organisation or a municipality sees the figures of its own
  organisation: the filter on its organisation is forced (asking for another one is 403).
- `ketenanalist` (DJI head office, the inspectorate) sees every organisation, still aggregated.
- Everyone else (case workers, the privacy officer, the system account, the administrator):
  403 on the dashboard, the exports and the API.

Figures come from `TrajectoryFact` with SQL `GROUP BY` on the cohort month: one query per
cohort date (arrival, first sheet sent, release); for the meeting terms and the
trajectory-meeting attendance one grouped query and one for the whole period each (a
trajectory can have rows in several months, so the total is not the sum of the months); one
histogram query (days, count) per duration indicator; one for the caseload and one for the
municipalities that never reacted, whatever the number of trajectories. Every cell passes
through `suppression.cell` or `suppression.duration_cell`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BitOr, Case, Count, Max, Min, Q, QuerySet, When
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext as _

from nieuwestart.accounts.models import Role, User
from nieuwestart.indicators import registry, snapshot
from nieuwestart.indicators.forms import QUARTER
from nieuwestart.indicators.models import (
    DEFAULT_CASELOAD_NORM,
    CaseloadNorm,
    FactsVersion,
    IndicatorFactMonth,
    IndicatorRowMonth,
    IndicatorSnapshot,
    MeetingAttendanceFact,
    MeetingTermFact,
    TrajectoryFact,
)
from nieuwestart.indicators.suppression import (
    Cell,
    DurationCell,
    cell,
    count,
    duration_cell,
    suppressed_text,
)
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.screening.short_stay import add_months
from nieuwestart.trajectories.models import Assignment, Phase

# Management's own organisation, by kind: the filter that is forced.
SCOPE_FILTER: dict[str, str] = {
    OrganisationKind.PRISON: "inrichting",
    OrganisationKind.PROBATION: "reclassering",
    OrganisationKind.MUNICIPALITY: "gemeente",
}
DETENTION_PHASES = (Phase.INTAKE, Phase.PLAN, Phase.DETENTION)


class OutsideScope(PermissionDenied):
    """Management asked for another organisation's figures."""


@dataclass(frozen=True)
class Scope:
    chain_wide: bool
    organisation: Organisation | None
    forced: str = ""  # the filter fixed to the own organisation: inrichting | gemeente | ...

    @property
    def shows_caseload(self) -> bool:
        return self.chain_wide or self.forced == "inrichting"


def scope_for(user: User) -> Scope:
    """What this user may see of the indicators; PermissionDenied (403) when nothing."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if user.role == Role.CHAIN_ANALYST:
        return Scope(chain_wide=True, organisation=None)
    if user.role != Role.MANAGEMENT or user.organisation is None:
        raise PermissionDenied
    forced = SCOPE_FILTER.get(user.organisation.kind)
    if forced is None:
        raise PermissionDenied
    return Scope(chain_wide=False, organisation=user.organisation, forced=forced)


@dataclass(frozen=True)
class Filters:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month (inclusive)
    step: str  # maand | kwartaal
    prison: str = ""
    municipality: str = ""
    size_class: str = ""
    probation: str = ""
    short_stay: str = ""  # "" | ja | nee
    lvb: str = ""  # "" | ja | nee | onbekend

    @property
    def last_day(self) -> dt.date:
        return add_months(self.end, 1) - dt.timedelta(days=1)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for export links and the API answer)."""
        params = {
            "van": f"{self.start:%Y-%m}",
            "tot": f"{self.end:%Y-%m}",
            "per": self.step,
            "inrichting": self.prison,
            "gemeente": self.municipality,
            "grootteklasse": self.size_class,
            "reclassering": self.probation,
            "kortVerblijf": self.short_stay,
            "lvb": self.lvb,
        }
        return {key: value for key, value in params.items() if value}


def filters_from(data: dict[str, Any], scope: Scope, requested: dict[str, Any]) -> Filters:
    """Cleaned form data plus the scope: management's own organisation is forced.

    `requested` is the raw query: asking explicitly for another organisation than one's own is
    refused (`OutsideScope`, 403) rather than silently answered with other figures.
    """
    values = {
        "inrichting": data.get("inrichting", ""),
        "gemeente": data.get("gemeente", ""),
        "reclassering": data.get("reclassering", ""),
    }
    if scope.forced:
        assert scope.organisation is not None
        own = scope.organisation.code
        asked = requested.get(scope.forced) or own
        if asked != own:
            raise OutsideScope
        values[scope.forced] = own
    return Filters(
        start=data["van"],
        end=data["tot"],
        step=data["per"],
        prison=values["inrichting"],
        municipality=values["gemeente"],
        size_class=data.get("grootteklasse", ""),
        probation=values["reclassering"],
        short_stay=data.get("kortVerblijf", ""),
        lvb=data.get("lvb", ""),
    )


def _scope(filters: Filters, prefix: str = "") -> Q:
    """The dimension filters, on TrajectoryFact (or through `prefix` from a child row)."""
    conditions: dict[str, Any] = {}
    if filters.prison:
        conditions["prison__code"] = filters.prison
    if filters.municipality:
        conditions["municipality__code"] = filters.municipality
    if filters.size_class:
        conditions["municipality_size"] = filters.size_class
    if filters.probation:
        conditions["probation__code"] = filters.probation
    if filters.short_stay:
        conditions["short_stay"] = filters.short_stay == "ja"
    if filters.lvb:
        conditions["lvb"] = filters.lvb
    return Q(**{prefix + key: value for key, value in conditions.items()})


def _facts(filters: Filters) -> QuerySet[TrajectoryFact]:
    return TrajectoryFact.objects.filter(_scope(filters))


@dataclass(frozen=True)
class Bucket:
    start: dt.date
    label: str


def buckets(filters: Filters) -> list[Bucket]:
    """The months (or quarters) of the period, in order, each with its label."""
    months = 3 if filters.step == QUARTER else 1
    first = filters.start
    if months == 3:
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    result = []
    current = first
    while current <= filters.end:
        if months == 3:
            label = f"{current.year} K{(current.month - 1) // 3 + 1}"
        else:
            label = f"{current:%Y-%m}"
        result.append(Bucket(current, label))
        current = add_months(current, months)
    return result


@dataclass(frozen=True)
class TrendPoint:
    bucket: Bucket
    cell: Cell


@dataclass(frozen=True)
class IndicatorResult:
    indicator: registry.Indicator
    total: Cell
    trend: list[TrendPoint]


@dataclass(frozen=True)
class DurationPoint:
    bucket: Bucket
    cell: DurationCell


@dataclass(frozen=True)
class DurationResult:
    indicator: registry.DurationIndicator
    total: DurationCell
    trend: list[DurationPoint]


Result = IndicatorResult | DurationResult


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


Counts = dict[str, dict[dt.date, tuple[int, int]]]


def _in_period(field: str, filters: Filters) -> dict[str, dt.date]:
    return {f"{field}__gte": filters.start, f"{field}__lte": filters.last_day}


def _share_aggregates(indicators: list[registry.Indicator], today: dt.date) -> dict[str, Any]:
    """Per indicator the denominator and the numerator (or, for `every_on_time`, the
    failures), as distinct trajectories."""
    key = "pk" if indicators[0].rows == registry.FACTS else "fact"
    aggregates: dict[str, Any] = {}
    for i, indicator in enumerate(indicators):
        counted = indicator.denominator(today)
        distinct = key != "pk"
        aggregates[f"d{i}"] = Count(key, filter=counted, distinct=distinct)
        aggregates[f"n{i}"] = Count(key, filter=counted & indicator.numerator, distinct=distinct)
    return aggregates


def _numerator(indicator: registry.Indicator, n: int, d: int) -> int:
    return d - n if indicator.every_on_time else n


def _fact_shares(
    filters: Filters, today: dt.date, trunc: Any, waiting: list[str]
) -> tuple[Counts, dict[str, dict[dt.date, int]]]:
    """The shares counted on TrajectoryFact: one GROUP BY query per cohort date. The release
    cohort's query also counts who is still waiting (the duration indicators)."""
    facts = _facts(filters)
    counts: Counts = {}
    waits: dict[str, dict[dt.date, int]] = {}
    for cohort, indicators in snapshot.cohorts().items():
        aggregates = _share_aggregates(indicators, today)
        if cohort == registry.RELEASE:
            for field in waiting:
                aggregates[f"w_{field}"] = Count("pk", filter=Q(**{field: True}))
        rows: Any = (
            facts.filter(**_in_period(cohort, filters))
            .annotate(bucket=trunc(cohort))
            .values("bucket")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            bucket = _as_date(row["bucket"])
            for i, indicator in enumerate(indicators):
                d = row[f"d{i}"]
                counts.setdefault(indicator.code, {})[bucket] = (
                    _numerator(indicator, row[f"n{i}"], d),
                    d,
                )
            for field in waiting if cohort == registry.RELEASE else []:
                waits.setdefault(field, {})[bucket] = row[f"w_{field}"]
    return counts, waits


def _bucket_date(value: Any) -> dt.date:
    """A truncated date read with a raw cursor (SQLite gives text, PostgreSQL a date)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return _as_date(value)


def _row_shares(
    filters: Filters, today: dt.date, trunc: Any
) -> tuple[Counts, dict[str, tuple[int, int]]]:
    """The shares counted on child rows (meeting terms, trajectory meetings), as trajectories.

    Two-level, which is much cheaper than COUNT(DISTINCT ...) per indicator: the inner query
    collapses the rows to one per trajectory and month (or one per trajectory for the whole
    period) with a 0/1 flag per indicator (`MAX`: counted at all; and meeting the numerator,
    or for `every_on_time` failing it); the outer query sums the flags per month. One query
    per month and one for the whole period, per kind of row."""
    counts: Counts = {}
    totals: dict[str, tuple[int, int]] = {}
    groups: dict[tuple[str, str], list[registry.Indicator]] = defaultdict(list)
    for indicator in registry.INDICATORS:
        if indicator.rows != registry.FACTS:
            groups[(indicator.rows, indicator.cohort)].append(indicator)
    models: dict[str, Any] = {
        registry.TERM_ROWS: MeetingTermFact,
        registry.MEETING_ROWS: MeetingAttendanceFact,
    }
    for (rows_kind, cohort), indicators in groups.items():
        rows = models[rows_kind].objects.filter(
            _scope(filters, "fact__"), **_in_period(cohort, filters)
        )
        flags: dict[str, Any] = {}
        for i, indicator in enumerate(indicators):
            counted = indicator.denominator(today)
            flags[f"d{i}"] = Max(Case(When(counted, then=1), default=0))
            flags[f"n{i}"] = Max(Case(When(counted & indicator.numerator, then=1), default=0))
        per_bucket = (
            rows.annotate(bucket=trunc(cohort)).values("fact_id", "bucket").annotate(**flags)
        )
        grouped, whole = _sum_flags(per_bucket, rows.values("fact_id").annotate(**flags), flags)
        for bucket, *values in grouped:
            for i, indicator in enumerate(indicators):
                d, n = int(values[2 * i] or 0), int(values[2 * i + 1] or 0)
                counts.setdefault(indicator.code, {})[_bucket_date(bucket)] = (
                    _numerator(indicator, n, d),
                    d,
                )
        for i, indicator in enumerate(indicators):
            d, n = int(whole[2 * i] or 0), int(whole[2 * i + 1] or 0)
            totals[indicator.code] = (_numerator(indicator, n, d), d)
    return counts, totals


def _durations(
    filters: Filters, today: dt.date, trunc: Any
) -> dict[str, dict[dt.date, dict[int, int]]]:
    """Per duration indicator and month: days -> number of trajectories (one query each)."""
    facts = (
        _facts(filters)
        .filter(**_in_period(registry.RELEASE, filters))
        .filter(release_date__lte=today)
    )
    result: dict[str, dict[dt.date, dict[int, int]]] = {}
    for indicator in registry.DURATIONS:
        field = indicator.days_field
        rows: Any = (
            facts.filter(**{f"{field}__isnull": False})
            .annotate(bucket=trunc(registry.RELEASE))
            .values("bucket", field)
            .annotate(n=Count("pk"))
            .order_by()
        )
        per_bucket = result.setdefault(indicator.code, {})
        for row in rows:
            per_bucket.setdefault(_as_date(row["bucket"]), {})[row[field]] = row["n"]
    return result


# The counts change only when the facts are refreshed (nightly), so they are cached per
# filter selection and day until then; the key holds the snapshot, or the facts' version and
# their number, so any refresh (also of one trajectory) makes the next request count again.
# Only counts are cached (no definitions, no personal data); suppression is applied after
# reading them.
CACHE_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class FiguresKey:
    """What the figures of a filter selection are counted from, as a cache key.

    `snapshot`: today's snapshot of the nightly refresh, or None (the facts are counted).
    The key changes with every refresh (a new snapshot, or the facts' version and number),
    so whatever is cached under it (the counts, the silent municipalities, the
    rendered cards of the dashboard) is never older than the facts."""

    key: str
    snapshot: IndicatorSnapshot | None


def figures_key(filters: Filters, today: dt.date) -> FiguresKey:
    current = snapshot.current_snapshot(today)
    if current is not None:
        # The facts change only in a refresh, which replaces or removes the snapshot.
        state: tuple[Any, ...] = ("snapshot", filters, today, current.pk)
    else:
        # The version changes with every write of facts (models.FactsVersion); the number of
        # facts with a removal (retention deletes a trajectory and its facts).
        version = FactsVersion.objects.filter(pk=1).values_list("number", flat=True).first()
        state = ("facts", filters, today, version, TrajectoryFact.objects.count())
    return FiguresKey("indicators:" + hashlib.sha256(repr(state).encode()).hexdigest(), current)


def _figures(
    filters: Filters, today: dt.date, version: FiguresKey | None = None
) -> tuple[Any, ...]:
    """The counts of the period: from today's snapshot of the nightly refresh when there is
    one (`snapshot`), else from the facts and their child rows."""
    trunc = TruncQuarter if filters.step == QUARTER else TruncMonth
    version = version or figures_key(filters, today)
    current, key = version.snapshot, version.key
    cached = cache.get(key)
    if cached is not None:
        return tuple(cached)
    if current is not None:
        counts, waits, durations = _snapshot_facts(current, filters)
        row_counts, row_totals = _snapshot_row_shares(current, filters, trunc)
    else:
        counts, waits = _fact_shares(filters, today, trunc, snapshot.waiting_fields())
        row_counts, row_totals = _row_shares(filters, today, trunc)
        durations = _durations(filters, today, trunc)
    counts.update(row_counts)
    figures = (counts, waits, row_totals, durations)
    cache.set(key, figures, CACHE_SECONDS)
    return figures


Durations = dict[str, dict[dt.date, dict[int, int]]]


def _snapshot_facts(
    current: IndicatorSnapshot, filters: Filters
) -> tuple[Counts, dict[str, dict[dt.date, int]], Durations]:
    """The fact indicators, who is still waiting and the duration histograms, from the
    snapshot. The rows are counted per cohort, month and pattern of bits (a few thousand
    groups, however many trajectories) and decoded per bit here, which is cheaper than a
    conditional sum per bit and row; the release rows per month and number of days for each
    duration: on PostgreSQL in one scan (`GROUPING SETS`), elsewhere one query per duration.

    Measured at national scale (docs/benchmarks.md): folding the patterns into the same
    `GROUPING SETS` scan is slower (every row, of every cohort, goes into four hash tables)
    than two queries of which the second reads only the release rows."""
    rows = IndicatorFactMonth.objects.filter(
        _scope(filters), snapshot=current, month__gte=filters.start, month__lte=filters.end
    )
    patterns: Any = list(
        rows.values("cohort", "month", "counted", "met", "waiting")
        .annotate(n=Count("pk"))
        .values_list("cohort", "month", "counted", "met", "waiting", "n")
        .order_by()
    )
    released = rows.filter(cohort=registry.RELEASE)
    days_fields = [indicator.days_field for indicator in registry.DURATIONS]
    histograms: list[tuple[str, Any, int, int]] = []  # (days field, month, days, trajectories)
    if connection.vendor == "postgresql":
        for month, *day_columns, n in _histograms_in_one_scan(released, days_fields):
            pairs = zip(day_columns[::2], day_columns[1::2], strict=True)
            for field, (value, grouped) in zip(days_fields, pairs, strict=True):
                if grouped == 0 and value is not None:
                    histograms.append((field, month, value, n))
    else:
        for field in days_fields:
            per_day: Any = (
                released.filter(**{f"{field}__isnull": False})
                .values("month", field)
                .annotate(n=Count("pk"))
                .order_by()
            )
            histograms += [(field, r["month"], r[field], r["n"]) for r in per_day]
    counts, waits = _decode_fact_patterns(patterns, filters)
    code_of = {indicator.days_field: indicator.code for indicator in registry.DURATIONS}
    durations: Durations = {indicator.code: {} for indicator in registry.DURATIONS}
    bucket_of = _bucket_lookup(filters)
    for field, month, days, n in histograms:
        bucket = bucket_of(month)
        per_days = durations[code_of[field]].setdefault(bucket, {})
        per_days[days] = per_days.get(days, 0) + n
    return counts, waits, durations


def _histograms_in_one_scan(
    rows: QuerySet[IndicatorFactMonth], days_fields: list[str]
) -> list[tuple[Any, ...]]:
    """One pass over the rows, grouped by (month, days) per duration: rows of (month, days1,
    GROUPING(days1), ..., count). GROUPING(x) is 0 where x is the row's grouping column; a
    NULL days value (no such duration) is skipped by the caller."""
    quote = connection.ops.quote_name
    month = quote("month")
    days = [quote(field) for field in days_fields]
    inner = rows.values("month", *days_fields).order_by()
    sql, params = inner.query.sql_with_params()
    columns = ", ".join([month, *(f"{d}, GROUPING({d})" for d in days)])
    sets = ", ".join(f"({month}, {d})" for d in days)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*) FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})",  # noqa: S608  # nosec B608  # quoted names, ORM-built inner SQL, values as params
            params,
        )
        return list(cursor.fetchall())


def _decode_fact_patterns(
    patterns: list[tuple[str, Any, int, int, int, int]], filters: Filters
) -> tuple[Counts, dict[str, dict[dt.date, int]]]:
    """Per indicator and bucket (numerator, denominator), and per waiting field and bucket the
    number still waiting, from (cohort, month, counted, met, waiting, trajectories) rows."""
    per_cohort = snapshot.cohorts()
    waiting = snapshot.waiting_fields()
    sums: dict[tuple[str, dt.date], list[int]] = {}
    bucket_of = _bucket_lookup(filters)
    for cohort, month, counted, met, still_waiting, n in patterns:
        indicators = per_cohort.get(cohort, [])
        key = (cohort, bucket_of(month))
        tally = sums.get(key)
        if tally is None:
            tally = sums[key] = [0] * (2 * len(indicators) + len(waiting))
        for bit in range(len(indicators)):
            if counted >> bit & 1:
                tally[2 * bit] += n
            if met >> bit & 1:
                tally[2 * bit + 1] += n
        for bit in range(len(waiting)):
            if still_waiting >> bit & 1:
                tally[2 * len(indicators) + bit] += n
    counts: Counts = {}
    waits: dict[str, dict[dt.date, int]] = {}
    for (cohort, bucket), tally in sums.items():
        indicators = per_cohort.get(cohort, [])
        for bit, indicator in enumerate(indicators):
            d = tally[2 * bit]
            counts.setdefault(indicator.code, {})[bucket] = (
                _numerator(indicator, tally[2 * bit + 1], d),
                d,
            )
        if cohort == registry.RELEASE:
            for bit, field in enumerate(waiting):
                waits.setdefault(field, {})[bucket] = tally[2 * len(indicators) + bit]
    return counts, waits


def _bucket_of(month: dt.date, filters: Filters) -> dt.date:
    return snapshot.quarter_start(month) if filters.step == QUARTER else month


def _bucket_lookup(filters: Filters) -> Any:
    """`_bucket_of(_bucket_date(month))`, remembered per month: thousands of grouped rows
    share a few dozen months."""
    known: dict[Any, dt.date] = {}

    def bucket_of(month: Any) -> dt.date:
        bucket = known.get(month)
        if bucket is None:
            bucket = known[month] = _bucket_of(_bucket_date(month), filters)
        return bucket

    return bucket_of


def _quarters_and_months(filters: Filters) -> tuple[list[dt.date], list[dt.date]]:
    """The period as the quarters it covers whole and the months left at its edges."""
    quarters, months = [], []
    current = filters.start
    while current <= filters.end:
        last = add_months(current, 2)
        if current.month % 3 == 1 and last <= filters.end:
            quarters.append(current)
            current = add_months(current, 3)
        else:
            months.append(current)
            current = add_months(current, 1)
    return quarters, months


def _snapshot_row_shares(
    current: IndicatorSnapshot, filters: Filters, trunc: Any
) -> tuple[Counts, dict[str, tuple[int, int]]]:
    """The child-row indicators from the snapshot, on compact rows per trajectory and month
    (and per trajectory and quarter) with the flags as bits: no join, no CASE on dates.

    A trajectory counts once per bucket and once for the period, so its rows are combined
    (bitwise OR) where a bucket or the period spans several rows. Per month a plain sum (one
    row a month); per quarter a plain sum of the quarter rows for whole quarters, and the
    month rows combined for a quarter cut by the period's start or end; for the period the
    quarter rows of its whole quarters and the month rows at its edges, combined."""
    rows: Any = IndicatorRowMonth.objects.filter(_scope(filters), snapshot=current)
    indicators = snapshot.row_indicators()
    bits = range(len(indicators))
    quarters, edges = _quarters_and_months(filters)
    grouped: list[tuple[Any, ...]] = []
    if filters.step == QUARTER:
        whole_quarters = rows.filter(grain=snapshot.QUARTER_GRAIN, month__in=quarters)
        grouped += _pattern_sums(whole_quarters, bits)
        if edges:
            cut = rows.filter(grain=snapshot.MONTH, month__in=edges)
            grouped += _combined_sums(
                cut.annotate(bucket=trunc("month")).values("fact_id", "bucket"), bits, True
            )
    else:
        in_period = rows.filter(
            grain=snapshot.MONTH, month__gte=filters.start, month__lte=filters.end
        )
        grouped += _pattern_sums(in_period, bits)
    period = rows.filter(
        Q(grain=snapshot.QUARTER_GRAIN, month__in=quarters)
        | Q(grain=snapshot.MONTH, month__in=edges)
    )
    (whole,) = _combined_sums(period.values("fact_id"), bits, False)
    counts: Counts = {}
    for bucket, *values in grouped:
        for i, indicator in enumerate(indicators):
            d, n = int(values[2 * i] or 0), int(values[2 * i + 1] or 0)
            counts.setdefault(indicator.code, {})[_bucket_date(bucket)] = (
                _numerator(indicator, n, d),
                d,
            )
    totals: dict[str, tuple[int, int]] = {}
    for i, indicator in enumerate(indicators):
        d, n = int(whole[2 * i] or 0), int(whole[2 * i + 1] or 0)
        totals[indicator.code] = (_numerator(indicator, n, d), d)
    return counts, totals


def _pattern_sums(rows: QuerySet[IndicatorRowMonth], bits: range) -> list[tuple[Any, ...]]:
    """(month, d0, n0, d1, n1, ...) per month of rows that need no combining (one per
    trajectory and month or quarter): the rows are counted per pattern of bits in the
    database and the patterns decoded here."""
    tallies: dict[Any, list[int]] = {}
    patterns: Any = rows.values("month", "counted", "met").annotate(n=Count("pk")).order_by()
    for row in patterns:
        tally = tallies.setdefault(row["month"], [0] * (2 * len(bits)))
        for bit in bits:
            if row["counted"] >> bit & 1:
                tally[2 * bit] += row["n"]
            if row["met"] >> bit & 1:
                tally[2 * bit + 1] += row["n"]
    return [(month, *tally) for month, tally in tallies.items()]


def _combined_sums(
    per_trajectory: QuerySet[Any], bits: range, by_bucket: bool
) -> list[tuple[Any, ...]]:
    """Combine the rows of each trajectory with a bitwise OR (per bucket, or for the whole
    period), then count per bit the trajectories counted and met:
    (bucket?, d0, n0, d1, n1, ...) per bucket."""
    quote = connection.ops.quote_name
    inner = per_trajectory.annotate(c=BitOr("counted"), m=BitOr("met"))
    sums = ", ".join(
        f"SUM(CASE WHEN ({quote(name)} & {1 << bit}) > 0 THEN 1 ELSE 0 END)"
        for bit in bits
        for name in ("c", "m")
    )
    sql, params = inner.order_by().query.sql_with_params()
    bucket = quote("bucket")
    with connection.cursor() as cursor:
        if by_bucket:
            cursor.execute(
                f"SELECT {bucket}, {sums} FROM ({sql}) AS rows GROUP BY {bucket}",  # noqa: S608  # nosec B608  # quoted names, bit numbers, ORM-built SQL
                params,
            )
        else:
            cursor.execute(f"SELECT {sums} FROM ({sql}) AS rows", params)  # noqa: S608  # nosec B608  # as above
        return list(cursor.fetchall())


def _sum_flags(
    per_bucket: QuerySet[Any], per_trajectory: QuerySet[Any], flags: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Sum the 0/1 flags of one row per trajectory and bucket (grouped by bucket) and of one
    row per trajectory (the whole period): two queries with the per-trajectory query inside."""
    quote = connection.ops.quote_name
    sums = ", ".join(f"SUM({quote(name)})" for name in flags)
    inner, params = per_bucket.order_by().query.sql_with_params()
    whole_inner, whole_params = per_trajectory.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('bucket')}, {sums} FROM ({inner}) AS rows "  # noqa: S608  # nosec B608  # quoted names, ORM-built inner SQL, values as params
            f"GROUP BY {quote('bucket')}",
            params,
        )
        grouped = cursor.fetchall()
        cursor.execute(f"SELECT {sums} FROM ({whole_inner}) AS rows", whole_params)  # noqa: S608  # nosec B608  # as above
        whole = cursor.fetchone()
    return grouped, whole


def indicator_results(
    filters: Filters, today: dt.date, version: FiguresKey | None = None
) -> list[Result]:
    """Every indicator for the period, with its trend, in the registry's order."""
    periods = buckets(filters)
    counts, waits, row_totals, durations = _figures(filters, today, version)
    results: list[Result] = []
    for indicator in registry.ALL:
        if isinstance(indicator, registry.DurationIndicator):
            histograms = durations.get(indicator.code, {})
            waited = waits.get(indicator.waiting_field, {}) if indicator.waiting_field else None

            def waiting_in(
                start: dt.date, waited: dict[dt.date, int] | None = waited
            ) -> int | None:
                return None if waited is None else waited.get(start, 0)

            merged: dict[int, int] = defaultdict(int)
            for histogram in histograms.values():
                for days, n in histogram.items():
                    merged[days] += n
            results.append(
                DurationResult(
                    indicator,
                    duration_cell(merged, None if waited is None else sum(waited.values())),
                    [
                        DurationPoint(
                            b, duration_cell(histograms.get(b.start, {}), waiting_in(b.start))
                        )
                        for b in periods
                    ],
                )
            )
            continue
        per_bucket = counts.get(indicator.code, {})
        trend = [TrendPoint(b, cell(*per_bucket.get(b.start, (0, 0)))) for b in periods]
        if indicator.code in row_totals:
            total = cell(*row_totals[indicator.code])
        else:
            numerator = sum(n for n, _d in per_bucket.values())
            denominator = sum(d for _n, d in per_bucket.values())
            total = cell(numerator, denominator)
        results.append(IndicatorResult(indicator, total, trend))
    return results


@dataclass(frozen=True)
class CaseloadRow:
    prison: Organisation
    norm: int
    casemanagers: int
    trajectories: int | None  # withheld below the minimum
    average: float | None
    above_norm: int  # casemanagers with more active trajectories than the norm


# The caseload is counted live from the assignments (no nightly facts), for the whole
# country a join of some 12,000 trajectories: 8 to 10 ms of PostgreSQL per dashboard request.
# The counts per PI are kept this long, per PI filter: the table is at most a minute behind an
# assignment. Only numbers are kept; names, norms and suppression are applied after reading.
CASELOAD_CACHE_SECONDS = 60


def _caseload_counts(prison: str) -> dict[int, list[int]]:
    """Per PI (organisation id): the number of trajectories in detention of each of its
    casemanagers who has any."""
    key = "indicators:caseload:" + hashlib.sha256(prison.encode()).hexdigest()
    cached: dict[int, list[int]] | None = cache.get(key)
    if cached is not None:
        return cached
    assignments = Assignment.objects.filter(
        active=True, role=Role.CASEMANAGER, trajectory__phase__in=DETENTION_PHASES
    )
    if prison:
        assignments = assignments.filter(organisation__code=prison)
    # One active casemanager assignment per trajectory (a unique constraint), so a plain
    # count is the number of trajectories.
    per_user = assignments.values_list("organisation_id", "user_id").annotate(n=Count("pk"))
    loads: dict[int, list[int]] = defaultdict(list)
    for organisation_id, _user_id, n in per_user.order_by():
        loads[organisation_id].append(n)
    cache.set(key, dict(loads), CASELOAD_CACHE_SECONDS)
    return dict(loads)


def caseload(filters: Filters) -> list[CaseloadRow]:
    """Active trajectories (in detention) per casemanager against the PI's norm, per PI.

    Only the PI filter applies: a casemanager's caseload is all their trajectories. At most
    `CASELOAD_CACHE_SECONDS` old.
    """
    loads = _caseload_counts(filters.prison or "")
    norms = dict(
        CaseloadNorm.objects.filter(prison_id__in=list(loads)).values_list("prison_id", "norm")
    )
    prisons = Organisation.objects.in_bulk(list(loads))
    rows = []
    for prison_id, counts in loads.items():
        norm = norms.get(prison_id, DEFAULT_CASELOAD_NORM)
        total = sum(counts)
        shown = count(total)
        rows.append(
            CaseloadRow(
                prison=prisons[prison_id],
                norm=norm,
                casemanagers=len(counts),
                trajectories=shown,
                average=round(total / len(counts), 1) if shown is not None else None,
                above_norm=sum(1 for n in counts if n > norm),
            )
        )
    return sorted(rows, key=lambda r: r.prison.name)


@dataclass(frozen=True)
class SilentMunicipality:
    municipality: Organisation
    size_label: str
    sheets: int | None  # trajectories with a sheet; withheld below the minimum


def silent_municipalities(
    filters: Filters, today: dt.date, version: FiguresKey | None = None
) -> list[SilentMunicipality]:
    """Municipalities that acknowledged none of the sheets sent in the period, although the
    reaction term of at least one of them has ended. Most sheets first.

    Counted from the facts, so cached under the figures' key like the counts (only
    municipality ids and counts; the names are read each time)."""
    key = (version or figures_key(filters, today)).key + ":silent"
    found: dict[int, int] | None = cache.get(key)
    if found is None:
        found = _silent_counts(filters, today)
        cache.set(key, found, CACHE_SECONDS)
    municipalities = Organisation.objects.in_bulk(list(found))
    result = [
        SilentMunicipality(
            municipality=municipalities[pk],
            size_label=str(municipality_size_label(municipalities[pk].size_class)),
            sheets=count(sent),
        )
        for pk, sent in found.items()
        if pk in municipalities
    ]
    # Most sheets first; withheld counts (fewer than 5) last, by name, so the order does not
    # tell them apart either.
    return sorted(result, key=lambda r: (-(r.sheets or 0), r.municipality.name))


def _silent_counts(filters: Filters, today: dt.date) -> dict[int, int]:
    rows = (
        _facts(filters)
        .filter(contact_done__gte=filters.start, contact_done__lte=filters.last_day)
        .values("municipality_id")
        .annotate(
            sent=Count("pk"),
            reacted=Count("pk", filter=Q(reaction_done__isnull=False)),
            ended=Count("pk", filter=Q(reaction_due__lt=today)),
        )
        .filter(reacted=0, ended__gt=0)
        .order_by()
    )
    return {row["municipality_id"]: row["sent"] for row in rows}


def municipality_size_label(size: str | None) -> str:
    labels = {"klein": _("klein"), "middel": _("middelgroot"), "groot": _("groot")}
    return labels.get(size or "", _("onbekend"))


def last_refreshed() -> dt.datetime | None:
    """The oldest refresh of any fact: every figure is at least this fresh."""
    oldest: dt.datetime | None = TrajectoryFact.objects.aggregate(oldest=Min("refreshed_at"))[
        "oldest"
    ]
    return oldest


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    results: list[Result]
    caseload: list[CaseloadRow] | None  # None: not shown for this scope
    silent: list[SilentMunicipality]
    refreshed: dt.datetime | None
    figures_key: str  # changes with every refresh: the key for caching what shows the results


def dashboard(filters: Filters, scope: Scope, today: dt.date) -> Dashboard:
    version = figures_key(filters, today)
    return Dashboard(
        filters=filters,
        results=indicator_results(filters, today, version),
        caseload=caseload(filters) if scope.shows_caseload else None,
        silent=silent_municipalities(filters, today, version),
        refreshed=last_refreshed(),
        figures_key=version.key,
    )


def export_table(results: list[Result]) -> tuple[list[str], list[list[Any]]]:
    """The rows of the CSV and XLSX exports: per indicator the whole period, then each step.

    A share fills teller, noemer and waarde (%); a duration fills the number of trajectories,
    the median and mean days and, where it applies, the number still waiting. Withheld figures
    read "minder dan 5"."""
    header = [
        _("code"),
        _("indicator"),
        _("periode"),
        _("teller"),
        _("noemer"),
        _("waarde (%)"),
        _("aantal trajecten"),
        _("mediaan (dagen)"),
        _("gemiddelde (dagen)"),
        _("nog wachtend"),
        _("definitie teller"),
        _("definitie noemer"),
    ]
    rows: list[list[Any]] = []
    for result in results:
        indicator = result.indicator
        points: list[tuple[str, Cell | DurationCell]] = [(_("hele periode"), result.total)]
        points += [(p.bucket.label, p.cell) for p in result.trend]
        for label, value in points:
            figures: list[Any]
            if isinstance(value, DurationCell):
                if value.suppressed or value.empty:
                    duration: list[Any] = [value.text] * 3
                else:
                    duration = [value.count, value.median, value.mean]
                waiting: Any = ""
                if isinstance(indicator, registry.DurationIndicator) and indicator.waiting_field:
                    waiting = suppressed_text() if value.waiting is None else value.waiting
                figures = ["", "", "", *duration, waiting]
            elif value.suppressed or value.empty:
                figures = [value.text] * 3 + ["", "", "", ""]
            else:
                figures = [value.numerator, value.denominator, value.value, "", "", "", ""]
            rows.append(
                [
                    indicator.code,
                    str(indicator.title),
                    label,
                    *figures,
                    str(indicator.numerator_text),
                    str(indicator.denominator_text),
                ]
            )
    return header, rows
