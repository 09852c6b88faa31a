"""Refreshing the indicator facts (`TrajectoryFact`): one row per trajectory, idempotent.

Rule: the facts are derived from what is registered and may be rebuilt at any time; a refresh
overwrites a trajectory's row with what the registrations say now, so running it twice changes
nothing. Due dates come from `deadlines.rules.deadlines` on the facts of
`deadlines.selectors` (the same working days, holidays and short-stay rules as the trajectory
page). Freshness: the scheduler runs
`manage.py indicators_refresh` nightly; `indicator_fact_refresh(trajectory=...)` refreshes one
trajectory on demand (views of other apps may call it after a write).

This is derived data about no one in particular: no processing-log rows are written, because
nothing personal is read by a person. The dashboards read only the aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.models import DeadlineConfig
from nieuwestart.deadlines.selectors import _facts as deadline_facts
from nieuwestart.deadlines.selectors import working_calendar
from nieuwestart.indicators.models import TrajectoryFact
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Involvement, InvolvementKind, Trajectory

BATCH_SIZE = 1000
IN_ORDER = "in-orde"

# Deadline code -> (due field, done field) of TrajectoryFact.
TERMS: dict[str, tuple[str, str]] = {
    "screening": ("screening_due", "screening_done"),
    "gemeente-gecontacteerd": ("contact_due", "contact_done"),
    "gemeente-reactie": ("reaction_due", "reaction_done"),
    "plan-vastgesteld": ("plan_due", "plan_done"),
}
# Screening domain -> "in order at release" field.
RELEASE_FIELDS: dict[str, str] = {
    "identiteit": "release_id_ok",
    "huisvesting": "release_housing_ok",
    "inkomen": "release_income_ok",
    "financien": "release_finances_ok",
    "zorg": "release_care_ok",
}
FACT_FIELDS = [f.name for f in TrajectoryFact._meta.concrete_fields if f.name != "trajectory"]


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _has_contact(casemanager: Any) -> bool:
    """The sheet names a casemanager (not only the central contact point) who can be reached."""
    if not isinstance(casemanager, dict) or casemanager.get("centraalContactpunt", True):
        return False
    return bool(casemanager.get("telefoon") or casemanager.get("email"))


def _deadlines(
    ids: list[int], today: dt.date, settings: rules.DeadlineSettings
) -> dict[int, list[rules.DeadlineSpec]]:
    """The deadline rules per trajectory, as the trajectory page computes them.

    Due dates and the dates met do not depend on `today`, but the rules also count the working
    days left from `today` to each open due date, day by day. For a trajectory released years
    ago that is a long walk, so a released trajectory is evaluated on its release date.
    """
    facts = deadline_facts(ids)
    if not facts:
        return {}
    first = min(f.start_date for f in facts.values())
    last = max(max(f.release_date or today, today) for f in facts.values())
    cal = working_calendar(range(first.year - 1, last.year + 2))
    result = {}
    for pk, f in facts.items():
        reference = f.end_date if f.end_date is not None and f.end_date < today else today
        result[pk] = rules.deadlines(f, settings, cal, reference)
    return result


def _fact_values(ids: list[int], today: dt.date) -> list[TrajectoryFact]:
    """The facts of these trajectories, in a fixed number of queries per batch."""
    settings = DeadlineConfig.load()
    trajectories = list(
        Trajectory.objects.filter(pk__in=ids)
        .select_related("return_municipality")
        .only(
            "pk",
            "prison_id",
            "return_municipality__kind",
            "return_municipality__population",
            "phase",
            "start_date",
            "expected_end_date",
            "end_date",
        )
    )
    probation = dict(
        Involvement.objects.filter(
            trajectory_id__in=ids, kind=InvolvementKind.PROBATION, active=True
        ).values_list("trajectory_id", "organisation_id")
    )
    lvb = dict(Screening.objects.filter(trajectory_id__in=ids).values_list("trajectory_id", "lvb"))
    sheet_contact = {
        trajectory_id: _has_contact(casemanager)
        for trajectory_id, casemanager in InfoSheet.objects.filter(
            trajectory_id__in=ids, number=1
        ).values_list("trajectory_id", "content__casemanager")
    }
    released = [t.pk for t in trajectories if t.end_date is not None]
    conditions: dict[int, dict[str, tuple[str, dt.date | None]]] = {}
    for trajectory_id, domain, status, updated_at in DomainAssessment.objects.filter(
        screening__trajectory_id__in=released, domain__in=list(RELEASE_FIELDS)
    ).values_list("screening__trajectory_id", "domain", "status", "updated_at"):
        on = timezone.localdate(updated_at) if updated_at is not None else None
        conditions.setdefault(trajectory_id, {})[domain] = (status, on)
    deadlines = _deadlines(ids, today, settings)
    now = timezone.now()

    facts = []
    for t in trajectories:
        values: dict[str, Any] = {
            "prison_id": t.prison_id,
            "municipality_id": t.return_municipality_id,
            "municipality_size": t.return_municipality.size_class or "",
            "probation_id": probation.get(t.pk),
            "short_stay": rules.is_short_stay(
                rules.TrajectoryFacts(
                    start_date=t.start_date, expected_end_date=t.expected_end_date
                ),
                settings,
            ),
            "lvb": lvb.get(t.pk, "onbekend"),
            "phase": t.phase,
            "arrival_date": t.start_date,
            "release_date": t.end_date,
            "sheet_with_contact": sheet_contact.get(t.pk),
            "refreshed_at": now,
        }
        for due_field, done_field in TERMS.values():
            values[due_field] = values[done_field] = None
        for deadline in deadlines.get(t.pk, []):
            if deadline.code in TERMS:
                due_field, done_field = TERMS[deadline.code]
                values[due_field] = deadline.due
                values[done_field] = deadline.met_on
        for domain, field in RELEASE_FIELDS.items():
            if t.end_date is None:
                values[field] = None
                continue
            status, on = conditions.get(t.pk, {}).get(domain, ("onbekend", None))
            values[field] = status == IN_ORDER and on is not None and on <= t.end_date
        facts.append(TrajectoryFact(trajectory_id=t.pk, **values))
    return facts


@transaction.atomic
def _write(facts: list[TrajectoryFact]) -> None:
    TrajectoryFact.objects.bulk_create(
        facts,
        update_conflicts=True,
        unique_fields=["trajectory"],
        update_fields=FACT_FIELDS,
    )


def indicator_facts_refresh(
    *, trajectory_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> int:
    """Rebuild the facts of the given trajectories (all when None); returns how many.

    Each batch of `BATCH_SIZE` trajectories is one transaction, so a long nightly run does not
    hold one huge transaction, and a crash leaves every row either old or new, never half.
    """
    today = today or timezone.localdate()
    if trajectory_ids is None:
        ids = list(Trajectory.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(trajectory_ids))
    count = 0
    for batch in _batches(ids):
        facts = _fact_values(batch, today)
        _write(facts)
        count += len(facts)
    return count


def indicator_fact_refresh(*, trajectory: Trajectory, today: dt.date | None = None) -> None:
    """Refresh one trajectory's facts (after a change that the dashboards should show now)."""
    indicator_facts_refresh(trajectory_ids=[trajectory.pk], today=today)
