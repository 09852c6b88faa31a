"""Reads of the indicators: who sees which figures, and the figures themselves (aggregates).

Access (issue 5, item 5): only two roles see indicators, and never a case file.
- `management` of a PI, a probation organisation or a municipality sees the figures of its own
  organisation: the filter on its organisation is forced (asking for another one is 403).
- `ketenanalist` (DJI head office, the inspectorate) sees every organisation, still aggregated.
- Everyone else (case workers, the privacy officer, the system account, the administrator):
  403 on the dashboard, the exports and the API.

Figures come from `TrajectoryFact` with SQL `GROUP BY` on the cohort month: one query per
cohort date (arrival, first sheet sent, release), one for the caseload and one for the
municipalities that never reacted, whatever the number of trajectories. Every cell passes
through `suppression.cell`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext as _

from nieuwestart.accounts.models import Role, User
from nieuwestart.indicators import registry
from nieuwestart.indicators.forms import QUARTER
from nieuwestart.indicators.models import DEFAULT_CASELOAD_NORM, CaseloadNorm, TrajectoryFact
from nieuwestart.indicators.suppression import Cell, cell, count
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


def _facts(filters: Filters) -> QuerySet[TrajectoryFact]:
    facts = TrajectoryFact.objects.all()
    if filters.prison:
        facts = facts.filter(prison__code=filters.prison)
    if filters.municipality:
        facts = facts.filter(municipality__code=filters.municipality)
    if filters.size_class:
        facts = facts.filter(municipality_size=filters.size_class)
    if filters.probation:
        facts = facts.filter(probation__code=filters.probation)
    if filters.short_stay:
        facts = facts.filter(short_stay=filters.short_stay == "ja")
    if filters.lvb:
        facts = facts.filter(lvb=filters.lvb)
    return facts


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


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def indicator_results(filters: Filters, today: dt.date) -> list[IndicatorResult]:
    """Every indicator for the period, with its trend; one GROUP BY query per cohort date."""
    facts = _facts(filters)
    trunc = TruncQuarter if filters.step == QUARTER else TruncMonth
    periods = buckets(filters)
    counts: dict[str, dict[dt.date, tuple[int, int]]] = {}
    cohorts: dict[str, list[registry.Indicator]] = defaultdict(list)
    for indicator in registry.INDICATORS:
        cohorts[indicator.cohort].append(indicator)
    for cohort, indicators in cohorts.items():
        aggregates: dict[str, Any] = {}
        for i, indicator in enumerate(indicators):
            counted = indicator.denominator(today)
            aggregates[f"d{i}"] = Count("pk", filter=counted)
            aggregates[f"n{i}"] = Count("pk", filter=counted & indicator.numerator)
        rows: Any = (
            facts.filter(**{f"{cohort}__gte": filters.start, f"{cohort}__lte": filters.last_day})
            .annotate(bucket=trunc(cohort))
            .values("bucket")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            for i, indicator in enumerate(indicators):
                counts.setdefault(indicator.code, {})[_as_date(row["bucket"])] = (
                    row[f"n{i}"],
                    row[f"d{i}"],
                )
    results = []
    for indicator in registry.INDICATORS:
        per_bucket = counts.get(indicator.code, {})
        trend = [TrendPoint(b, cell(*per_bucket.get(b.start, (0, 0)))) for b in periods]
        numerator = sum(n for n, _d in per_bucket.values())
        denominator = sum(d for _n, d in per_bucket.values())
        results.append(IndicatorResult(indicator, cell(numerator, denominator), trend))
    return results


@dataclass(frozen=True)
class CaseloadRow:
    prison: Organisation
    norm: int
    casemanagers: int
    trajectories: int | None  # withheld below the minimum
    average: float | None
    above_norm: int  # casemanagers with more active trajectories than the norm


def caseload(filters: Filters) -> list[CaseloadRow]:
    """Active trajectories (in detention) per casemanager against the PI's norm, per PI.

    Only the PI filter applies: a casemanager's caseload is all their trajectories.
    """
    assignments = Assignment.objects.filter(
        active=True, role=Role.CASEMANAGER, trajectory__phase__in=DETENTION_PHASES
    )
    if filters.prison:
        assignments = assignments.filter(organisation__code=filters.prison)
    per_user = (
        assignments.values("organisation_id", "user_id")
        .annotate(n=Count("trajectory_id", distinct=True))
        .order_by()
    )
    loads: dict[int, list[int]] = defaultdict(list)
    for row in per_user:
        loads[row["organisation_id"]].append(row["n"])
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


def silent_municipalities(filters: Filters, today: dt.date) -> list[SilentMunicipality]:
    """Municipalities that acknowledged none of the sheets sent in the period, although the
    reaction term of at least one of them has ended. Most sheets first."""
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
    found = {row["municipality_id"]: row["sent"] for row in rows}
    municipalities = Organisation.objects.in_bulk(list(found))
    result = [
        SilentMunicipality(
            municipality=municipalities[pk],
            size_label=str(municipality_size_label(municipalities[pk].size_class)),
            sheets=count(sent),
        )
        for pk, sent in found.items()
    ]
    # Most sheets first; withheld counts (fewer than 5) last, by name, so the order does not
    # tell them apart either.
    return sorted(result, key=lambda r: (-(r.sheets or 0), r.municipality.name))


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
    results: list[IndicatorResult]
    caseload: list[CaseloadRow] | None  # None: not shown for this scope
    silent: list[SilentMunicipality]
    refreshed: dt.datetime | None


def dashboard(filters: Filters, scope: Scope, today: dt.date) -> Dashboard:
    return Dashboard(
        filters=filters,
        results=indicator_results(filters, today),
        caseload=caseload(filters) if scope.shows_caseload else None,
        silent=silent_municipalities(filters, today),
        refreshed=last_refreshed(),
    )


def export_table(results: list[IndicatorResult]) -> tuple[list[str], list[list[Any]]]:
    """The rows of the CSV and XLSX exports: per indicator the whole period, then each step."""
    header = [
        _("code"),
        _("indicator"),
        _("periode"),
        _("teller"),
        _("noemer"),
        _("waarde (%)"),
        _("definitie teller"),
        _("definitie noemer"),
    ]
    rows: list[list[Any]] = []
    for result in results:
        indicator = result.indicator
        points = [(_("hele periode"), result.total)] + [
            (p.bucket.label, p.cell) for p in result.trend
        ]
        for label, value in points:
            if value.suppressed or value.empty:
                figures: list[Any] = [value.text] * 3
            else:
                figures = [value.numerator, value.denominator, value.value]
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
