"""Reads of release and handover, shaped for screens, the API and the indicators.

Stable interface:

- `checklist(trajectory, user, with_deadlines=True) -> list[ConditionItem]`: the state of each
  basic condition (the screening's domains, in their order), derived by `checklist.derive`.
  The care condition's help question follows the screening's rule (`care_question_visible`:
  the PI and probation). A partner's note on the care condition may name care content
  (zorginhoud), so it is read in full only by who sees `zorginhoud` in full (probation) and by
  the organisation that wrote it; the PI casemanager and the municipality see that there is a
  note (`note_hidden`), as a signal. A fixed number of queries.
- `handover_view(trajectory, user) -> HandoverView`: checklist, outcomes at release, closing.
  The closing note is read only by the organisation that closed (`closure_note_visible`); every
  partner reads the reason.
- `outcomes_for(trajectory, user) -> list[OutcomeItem]`: the outcome per condition at release.
- `outcomes_at_release(trajectories=None, released_from=None, released_to=None)
  -> list[OutcomeCount]`: per condition, how many released people had it in order, arranged,
  not in order (issue 5 builds the indicators on it). Pass a queryset that is already limited
  to what the reader may count (`visible_trajectories`, a PI, a municipality). One query.
- `release_near(trajectory, today=None) -> bool` and `trajectory_block(trajectory, user)`.

These functions do not log: the caller's access check logs the read (categories `detentie`
and `basisvoorwaarden`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Action
from nieuwestart.access.trajectories import may, sees_care_content
from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.deadlines.models import DeadlineConfig
from nieuwestart.deadlines.rules import DeadlineSettings
from nieuwestart.deadlines.selectors import DeadlineView, TrajectoryRecord, deadlines_for
from nieuwestart.handover import checklist as rules
from nieuwestart.handover.models import (
    Closure,
    ConditionState,
    Handover,
    HandoverCheck,
    OutcomeSource,
    ReleaseOutcome,
)
from nieuwestart.plans.models import PlanTask, PlanTaskStatus
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.screening.models import DomainAssessment, Partner, Status
from nieuwestart.screening.services import care_question_visible
from nieuwestart.trajectories.models import Phase, Trajectory

CARE = "zorg"
RELEASED_PHASES = frozenset({Phase.AFTER_RELEASE, Phase.CLOSED})
HIDDEN_NOTE = "—"


@dataclass(frozen=True)
class ConditionItem:
    code: str
    label: str
    state: str
    state_label: str
    badge: str
    explanation: str
    note: str  # the partner's note, as far as the reader may see it
    note_hidden: bool  # a care note the reader may not see
    arranged_by: str
    acting_partner_label: str  # who acts, from the screening
    help_question: str  # from the screening, as far as the reader may see it
    confirmed: bool
    confirmed_at: dt.datetime | None
    in_place_on: dt.date | None
    screening_changed_since: bool
    deadline: DeadlineView | None


@dataclass(frozen=True)
class OutcomeItem:
    code: str
    label: str
    outcome: str
    outcome_label: str
    badge: str
    note: str
    note_hidden: bool
    confirmed: bool
    in_place_on: dt.date | None
    released_on: dt.date
    source: str
    source_label: str
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(frozen=True)
class OutcomeCount:
    code: str
    label: str
    in_order: int
    arranged: int
    not_in_order: int

    @property
    def total(self) -> int:
        return self.in_order + self.arranged + self.not_in_order

    @property
    def in_order_share(self) -> float | None:
        """Share in order at release (0..1), None without releases."""
        return self.in_order / self.total if self.total else None


@dataclass(frozen=True)
class HandoverView:
    released: bool
    release_near: bool
    version: int
    items: list[ConditionItem]
    outcomes: list[OutcomeItem]
    closure: Closure | None
    closure_note: str  # the closing note, as far as the reader may see it
    closure_note_hidden: bool  # a closing note of another organisation

    @property
    def counts(self) -> dict[str, int]:
        rows = self.outcomes if self.outcomes else self.items
        found: dict[str, int] = dict.fromkeys(ConditionState.values, 0)
        for row in rows:
            found[row.outcome if isinstance(row, OutcomeItem) else row.state] += 1
        return found


def _name(user: User | None, organisation: Any) -> str:
    parts = [
        user.display_name if user is not None else "",
        organisation.name if organisation else "",
    ]
    return ", ".join(p for p in parts if p)


def _note_visible(code: str, organisation_id: int | None, user: User | None) -> bool:
    """A note on care may name care content (zorginhoud): only who sees that category in full
    (probation) reads it, plus the organisation that wrote it. The PI sees care content as a
    signal only (docs/access-policy.md), so the PI casemanager reads another partner's care
    note no more than the municipality does."""
    if code != CARE or user is None:
        return True
    if sees_care_content(user):
        return True
    return organisation_id is not None and organisation_id == user.organisation_id


def closure_note_visible(closure: Closure, user: User) -> bool:
    """The closing note is for the organisation that closed (it held casusregie): the note is
    free text about the person. Every partner reads the reason."""
    return (
        closure.closed_by_organisation_id is not None
        and closure.closed_by_organisation_id == user.organisation_id
    )


def is_released(trajectory: Trajectory) -> bool:
    return trajectory.phase in RELEASED_PHASES


def release_near(
    trajectory: Trajectory, today: dt.date | None = None, *, weeks: int | None = None
) -> bool:
    """The handover matters now: released, or the expected release falls within the
    pre-release window of the timeline (default 6 weeks; `DeadlineConfig`; `weeks` when the
    caller has read it)."""
    if is_released(trajectory):
        return True
    if trajectory.expected_end_date is None:
        return False
    today = today or timezone.localdate()
    if weeks is None:
        weeks = DeadlineConfig.load().pre_release_weeks
    return trajectory.expected_end_date - today <= dt.timedelta(weeks=weeks)


# The trajectory page's checklist: the SQL is kept per process (core.compiled).
_HANDOVER: CompiledQuery[Handover] = CompiledQuery(
    "handover of a trajectory",
    lambda trajectory_id: Handover.objects.filter(trajectory_id=trajectory_id),
)
_CHECKS: CompiledQuery[HandoverCheck] = CompiledQuery(
    "handover checks",
    lambda handover_id: HandoverCheck.objects.filter(handover_id=handover_id).select_related(
        "recorded_by", "recorded_by_organisation"
    ),
)


def latest_checks(trajectory: Trajectory) -> tuple[int, dict[str, HandoverCheck]]:
    """(checklist version, the latest check per condition)."""
    handovers = _HANDOVER(trajectory.pk)
    if not handovers:
        return 0, {}
    handover = handovers[0]
    latest: dict[str, HandoverCheck] = {}
    for check in _CHECKS(handover.pk):  # newest first (Meta.ordering)
        latest.setdefault(check.condition, check)
    return handover.version, latest


def checklist(
    trajectory: Trajectory,
    user: User | None,
    *,
    with_deadlines: bool = True,
    record: TrajectoryRecord | None = None,
    deadlines: list[DeadlineView] | None = None,
) -> list[ConditionItem]:
    """The checklist for this reader (`user=None`: no reader, e.g. recording the outcomes;
    then notes are left in and help questions out). `record` (read with `page=True`) and
    `deadlines`: the trajectory's rows and deadlines as the caller already has them."""
    if record is not None:
        rows: Iterable[DomainAssessment] = record.assessments
        task_rows: Iterable[tuple[str, str, str | None]] = [
            (t.domain, t.status, t.organisation.name if t.organisation else None)
            for t in record.tasks or []
        ]
    else:
        rows = DomainAssessment.objects.filter(screening__trajectory=trajectory).select_related(
            "updated_by", "updated_by_organisation"
        )
        task_rows = (
            PlanTask.objects.filter(plan__trajectory=trajectory)
            .order_by("domain", "position", "pk")  # PlanTask's own order
            .values_list("domain", "status", "organisation__name")
        )
    assessments = {a.domain: a for a in rows}
    tasks: dict[str, list[tuple[str, str]]] = {}
    for domain, status, organisation in task_rows:
        tasks.setdefault(domain, []).append((status, organisation or ""))
    _version, checks = latest_checks(trajectory)
    if deadlines is None and with_deadlines:
        deadlines = deadlines_for(trajectory)
    by_code = {d.code: d for d in deadlines or []} if with_deadlines else {}
    items = []
    for code, spec in SCHEMA.items():
        assessment = assessments.get(code)
        status = assessment.status if assessment else Status.UNKNOWN
        in_domain = tasks.get(code, [])
        check = checks.get(code)
        facts = rules.ConditionFacts(
            code=code,
            screening_status=status,
            screening_status_label=str(Status(status).label),
            screening_by=_name(assessment.updated_by, assessment.updated_by_organisation)
            if assessment and assessment.updated_by_id
            else "",
            screening_at=assessment.updated_at if assessment else None,
            tasks_total=len(in_domain),
            tasks_done=sum(1 for s, _o in in_domain if s == PlanTaskStatus.DONE),
            task_organisations=tuple(dict.fromkeys(o for _s, o in in_domain if o)),
            check=rules.CheckFacts(
                state=check.state,
                in_place_on=check.in_place_on,
                by=_name(check.recorded_by, check.recorded_by_organisation),
                at=check.recorded_at,
            )
            if check
            else None,
        )
        derived = rules.derive(facts)
        note_ok = check is not None and _note_visible(code, check.recorded_by_organisation_id, user)
        help_ok = (
            assessment is not None
            and user is not None
            and (code != CARE or care_question_visible(user))
        )
        partner = assessment.acting_partner if assessment else ""
        deadline = next(
            (by_code[c] for c in rules.DEADLINE_CODES.get(code, ()) if c in by_code), None
        )
        items.append(
            ConditionItem(
                code=code,
                label=str(spec.label),
                state=derived.state,
                state_label=str(ConditionState(derived.state).label),
                badge=rules.BADGES[derived.state],
                explanation=derived.explanation,
                note=check.note if check is not None and note_ok else "",
                note_hidden=check is not None and bool(check.note) and not note_ok,
                arranged_by=derived.arranged_by,
                acting_partner_label=str(Partner(partner).label) if partner else "",
                help_question=assessment.help_question if assessment and help_ok else "",
                confirmed=derived.confirmed,
                confirmed_at=check.recorded_at if check else None,
                in_place_on=derived.in_place_on,
                screening_changed_since=derived.screening_changed_since,
                deadline=deadline,
            )
        )
    return items


def outcomes_for(trajectory: Trajectory, user: User | None) -> list[OutcomeItem]:
    """The outcome per basic condition at release, in the screening's order ([] before)."""
    rows = {
        o.condition: o
        for o in ReleaseOutcome.objects.filter(trajectory=trajectory).select_related("recorded_by")
    }
    items = []
    for code, spec in SCHEMA.items():
        row = rows.get(code)
        if row is None:
            continue
        note_ok = _note_visible(code, row.note_organisation_id, user)
        items.append(
            OutcomeItem(
                code=code,
                label=str(spec.label),
                outcome=row.outcome,
                outcome_label=str(ConditionState(row.outcome).label),
                badge=rules.BADGES[row.outcome],
                note=row.note if note_ok else "",
                note_hidden=bool(row.note) and not note_ok,
                confirmed=row.confirmed,
                in_place_on=row.in_place_on,
                released_on=row.released_on,
                source=row.source,
                source_label=str(OutcomeSource(row.source).label),
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by.display_name if row.recorded_by else "",
            )
        )
    return items


def outcomes_at_release(
    trajectories: QuerySet[Trajectory] | None = None,
    *,
    released_from: dt.date | None = None,
    released_to: dt.date | None = None,
) -> list[OutcomeCount]:
    """Per basic condition: released people with it in order, arranged, not in order.

    `trajectories` limits the count (default: all); the dates limit the release date, both
    inclusive. Every condition of the screening is in the answer, also with zero counts.
    """
    qs = ReleaseOutcome.objects.all()
    if trajectories is not None:
        qs = qs.filter(trajectory__in=trajectories.values("pk"))
    if released_from is not None:
        qs = qs.filter(released_on__gte=released_from)
    if released_to is not None:
        qs = qs.filter(released_on__lte=released_to)
    found: dict[tuple[str, str], int] = {
        (row["condition"], row["outcome"]): row["n"]
        for row in qs.values("condition", "outcome").annotate(n=Count("id")).order_by()
    }
    return [
        OutcomeCount(
            code=code,
            label=str(spec.label),
            in_order=found.get((code, ConditionState.IN_ORDER), 0),
            arranged=found.get((code, ConditionState.ARRANGED), 0),
            not_in_order=found.get((code, ConditionState.NOT_IN_ORDER), 0),
        )
        for code, spec in SCHEMA.items()
    ]


def handover_view(trajectory: Trajectory, user: User) -> HandoverView:
    version, _checks = latest_checks(trajectory)
    released = is_released(trajectory)
    closure = (
        Closure.objects.filter(trajectory=trajectory)
        .select_related("closed_by", "closed_by_organisation")
        .first()
    )
    note_ok = closure is not None and closure_note_visible(closure, user)
    return HandoverView(
        released=released,
        release_near=release_near(trajectory),
        version=version,
        items=checklist(trajectory, user),
        outcomes=outcomes_for(trajectory, user) if released else [],
        closure=closure,
        closure_note=closure.note if closure is not None and note_ok else "",
        closure_note_hidden=closure is not None and bool(closure.note) and not note_ok,
    )


def close_refusal(trajectory: Trajectory, user: User) -> str:
    """Why this user cannot close the trajectory now ("" when they can)."""
    if trajectory.phase == Phase.CLOSED:
        return _("Dit traject is al afgesloten.")
    if user.organisation_id != trajectory.case_lead_id:
        return _(
            "Alleen %(lead)s kan dit traject afsluiten: die organisatie heeft nu de casusregie."
        ) % {"lead": trajectory.case_lead.name}
    return ""


def trajectory_block(
    trajectory: Trajectory,
    user: User,
    *,
    record: TrajectoryRecord | None = None,
    deadlines: list[DeadlineView] | None = None,
    settings: DeadlineSettings | None = None,
) -> dict[str, Any]:
    """Context of `handover/_trajectory_block.html` on the trajectory page (keys prefixed
    `handover_`). `record`, `deadlines`, `settings`: what the trajectory page has read
    already (`deadlines.selectors.trajectory_record`, its deadlines, the terms in force)."""
    near = release_near(trajectory, weeks=settings.pre_release_weeks if settings else None)
    released = is_released(trajectory)
    return {
        "handover_near": near,
        "handover_released": released,
        "handover_items": checklist(trajectory, user, record=record, deadlines=deadlines)
        if near and not released
        else [],
        "handover_outcomes": outcomes_for(trajectory, user) if released else [],
        "handover_can_release": not released and may(user, Action.RELEASE),
        "handover_can_close": trajectory.phase == Phase.AFTER_RELEASE
        and may(user, Action.CLOSE)
        and user.organisation_id == trajectory.case_lead_id,
        "handover_closure": Closure.objects.filter(trajectory=trajectory).first()
        if trajectory.phase == Phase.CLOSED
        else None,
    }
