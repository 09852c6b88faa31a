"""Reads of the deadlines: the facts from the database, the rules from `rules.py`.

Stable interface (the trajectory page, the API and the work lists use it):

- `facts_for(trajectory) -> TrajectoryFacts`: the facts the rules need, read in a few queries.
- `deadlines_for(trajectory, today=None) -> list[DeadlineView]`: one trajectory's deadlines,
  sorted by due date. `today` defaults to the local date.
- `deadlines_for_trajectories(trajectory_ids, today=None) -> dict[int, list[DeadlineView]]`:
  the same for many trajectories (a work list page) in a fixed number of queries, whatever the
  number of trajectories (no N+1). Keys are trajectory primary keys; an id that does not exist
  is left out.
- `deadline_context(trajectory, today=None) -> dict`: the context of the partial
  `deadlines/_deadlines.html`.

`DeadlineView` fields: `code` (stable, e.g. "screening"), `label` (Dutch), `due` (date),
`status` ("open" | "gehaald" | "te-laat"), `status_label`, `met_on` (date or None), `met_by`
(a name or ""), `explanation` (toelichting, Dutch), `responsible` ("inrichting" | "gemeente" |
"reclassering"), `responsible_label`, `days_left` (working days from today to the due date,
negative when late, None when met). `is_late`, `is_met`, `days_late`
and `badge` are shortcuts.

These functions do not log: the caller's access check (`access_trajectory`,
`record_list_read`) logs the read, with categories `detentie` and `basisvoorwaarden`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.deadlines import rules
from nieuwestart.deadlines.calendar import WorkingCalendar
from nieuwestart.deadlines.models import DeadlineConfig, ExtraNonWorkingDay
from nieuwestart.deadlines.rules import DEFAULTS
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantKind,
)
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.plans.models import Plan, PlanTask, PlanVersion
from nieuwestart.plans.selectors import PLAN_TASKS
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import (
    ACTIVE_ASSIGNMENTS,
    Assignment,
    Involvement,
    InvolvementKind,
    Trajectory,
)
from nieuwestart.trajectories.selectors import ACTIVE_INVOLVEMENTS


@dataclass(frozen=True)
class DeadlineView:
    code: str
    label: str
    due: dt.date
    status: str
    status_label: str
    met_on: dt.date | None
    met_by: str
    explanation: str
    responsible: str
    responsible_label: str
    days_left: int | None

    @property
    def is_late(self) -> bool:
        return self.status == rules.LATE

    @property
    def is_met(self) -> bool:
        return self.status == rules.MET

    @property
    def days_late(self) -> int:
        """Working days past the due date (0 when not late)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def badge(self) -> str:
        """The status badge's shape and colour (core/templatetags/ns_components.py); the text
        (`status_label`) goes with it, so status is never told by colour alone."""
        return {rules.MET: "in-orde", rules.LATE: "hulp-nodig"}.get(self.status, "aandacht")


def status_labels() -> dict[str, str]:
    return {rules.OPEN: _("Open"), rules.MET: _("Gehaald"), rules.LATE: _("Te laat")}


def responsible_labels() -> dict[str, str]:
    return {
        rules.PRISON: _("Inrichting"),
        rules.MUNICIPALITY: _("Gemeente"),
        rules.PROBATION: _("Reclassering"),
    }


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


@dataclass
class _MeetingFacts:
    mdo: list[dt.date]
    trajectory: list[dt.date]
    pre_release: list[dt.date]
    probation_met: list[dt.date]


@dataclass
class TrajectoryRecord:
    """The rows of one trajectory that the deadline rules and the trajectory page's blocks
    read, loaded once (`trajectory_records`) and passed to each block instead of each block
    reading them again. Large JSON columns are deferred: `InfoSheet.content` and
    `PlanVersion.snapshot`.

    Always loaded: `screening` (with `completed_by`), `assessments` (with `updated_by`),
    `sheets` (by number, with `sent_by`, `acknowledged_by`), `plan`, `versions` (by number,
    with `established_by`), `probation_involved`, `meetings` (held ones; annotated
    `probation_present`, `detainee_present`). With `page=True` also: `assessments` with
    `updated_by_organisation`, the screening with `updated_by` and `updated_by_organisation`,
    the plan with `probation_advice_by` and `probation_advice_organisation`, versions with
    `established_by_organisation`, `sheets` with `recipient`, every active involvement
    (`involvements`, with `organisation`), every active assignment (`assignments`, with `user`
    and `organisation`), the plan's tasks (`tasks`, with `organisation` and `assignee`), and
    every meeting, annotated `participant_count` as well. That is what the trajectory page
    and the information sheet (`infosheet.selectors.build_sheet`) read.
    """

    trajectory: Trajectory
    screening: Screening | None = None
    assessments: list[DomainAssessment] = field(default_factory=list)
    sheets: list[InfoSheet] = field(default_factory=list)
    plan: Plan | None = None
    versions: list[PlanVersion] = field(default_factory=list)
    probation_involved: bool = False
    meetings: list[Meeting] = field(default_factory=list)
    involvements: list[Involvement] | None = None
    assignments: list[Assignment] | None = None
    tasks: list[PlanTask] | None = None

    @property
    def latest_sheet(self) -> InfoSheet | None:
        return self.sheets[-1] if self.sheets else None


def _by_trajectory(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
    result: dict[int, list[Any]] = {}
    for row in rows:
        result.setdefault(getattr(row, key), []).append(row)
    return result


# Without `page`, the assessment columns `record_facts` reads: whole users and screenings for
# every assessment cost a work list of a hundred trajectories about 20 ms.
_FACT_COLUMNS: tuple[str, ...] = ("domain", "status", "updated_at", "screening__trajectory_id")
_FACT_COLUMNS += ("updated_by__first_name", "updated_by__last_name", "updated_by__username")


def _screenings(page: bool) -> CompiledQuery[Screening]:
    related = ["completed_by", *(["updated_by", "updated_by_organisation"] if page else [])]
    return CompiledQuery(
        f"screenings (page={page})",
        lambda ids: Screening.objects.filter(trajectory_id__in=ids).select_related(*related),
    )


def _assessments(page: bool) -> CompiledQuery[DomainAssessment]:
    related = ["updated_by", "screening", *(["updated_by_organisation"] if page else [])]

    def build(ids: list[int]) -> QuerySet[DomainAssessment]:
        qs = DomainAssessment.objects.filter(screening__trajectory_id__in=ids)
        return (qs if page else qs.only(*_FACT_COLUMNS)).select_related(*related)

    return CompiledQuery(f"assessments (page={page})", build)


def _sheets(page: bool) -> CompiledQuery[InfoSheet]:
    related = ["sent_by", "acknowledged_by", *(["recipient"] if page else [])]
    return CompiledQuery(
        f"information sheets (page={page})",
        lambda ids: (
            InfoSheet.objects.filter(trajectory_id__in=ids)
            .defer("content")
            .select_related(*related)
            .order_by("trajectory_id", "number")
        ),
    )


def _plans(page: bool) -> CompiledQuery[Plan]:
    def build(ids: list[int]) -> QuerySet[Plan]:
        qs = Plan.objects.filter(trajectory_id__in=ids)
        if page:
            qs = qs.select_related("probation_advice_by", "probation_advice_organisation")
        return qs

    return CompiledQuery(f"plans (page={page})", build)


def _versions(page: bool) -> CompiledQuery[PlanVersion]:
    related = ["established_by", *(["established_by_organisation"] if page else [])]
    return CompiledQuery(
        f"plan versions (page={page})",
        lambda plan_ids: (
            PlanVersion.objects.filter(plan_id__in=plan_ids)
            .defer("snapshot")
            .select_related(*related)
            .order_by("plan_id", "number")
        ),
    )


# The record queries, per variant (page=True: the trajectory page; False: the work lists),
# with their SQL kept per process (nieuwestart.core.compiled).
_RECORD_QUERIES = {
    page: (_screenings(page), _assessments(page), _sheets(page), _plans(page), _versions(page))
    for page in (True, False)
}
_PROBATION_INVOLVED: CompiledQuery[int] = CompiledQuery(
    "trajectories with probation involved",
    lambda ids: Involvement.objects.filter(
        trajectory_id__in=ids, kind=InvolvementKind.PROBATION, active=True
    ).values_list("trajectory_id", flat=True),
)


def trajectory_records(
    trajectories: Iterable[Trajectory], *, page: bool = False
) -> dict[int, TrajectoryRecord]:
    """The records of many trajectories (already loaded by the caller, e.g. a work list or
    the access chokepoint) in a fixed number of queries, whatever their number: seven, and
    three more with `page=True`. Keys are trajectory primary keys."""
    records = {t.pk: TrajectoryRecord(trajectory=t) for t in trajectories}
    ids = list(records)
    if not ids:
        return records
    screenings, assessments, sheets, plans_query, versions = _RECORD_QUERIES[page]
    for screening in screenings(ids):
        records[screening.trajectory_id].screening = screening
    for assessment in assessments(ids):
        records[assessment.screening.trajectory_id].assessments.append(assessment)
    for sheet in sheets(ids):
        records[sheet.trajectory_id].sheets.append(sheet)
    plans: dict[int, int] = {}
    for plan in plans_query(ids):
        records[plan.trajectory_id].plan = plan
        plans[plan.pk] = plan.trajectory_id
    plan_ids = list(plans)
    if plans:
        for version in versions(plan_ids):
            records[plans[version.plan_id]].versions.append(version)
    if page:
        for record in records.values():
            record.involvements, record.assignments, record.tasks = [], [], []
        for involvement in ACTIVE_INVOLVEMENTS(ids):
            records[involvement.trajectory_id].involvements.append(involvement)  # type: ignore[union-attr]
            if involvement.kind == InvolvementKind.PROBATION:
                records[involvement.trajectory_id].probation_involved = True
        for assignment in ACTIVE_ASSIGNMENTS(ids):
            records[assignment.trajectory_id].assignments.append(assignment)  # type: ignore[union-attr]
        if plans:
            for task in PLAN_TASKS(plan_ids):
                records[plans[task.plan_id]].tasks.append(task)  # type: ignore[union-attr]
    else:
        for trajectory_id in _PROBATION_INVOLVED(ids):
            records[trajectory_id].probation_involved = True
    for meeting in _MEETINGS[page](ids):
        records[meeting.trajectory_id].meetings.append(meeting)
    return records


def trajectory_record(trajectory: Trajectory) -> TrajectoryRecord:
    """Everything the trajectory page's blocks read of one trajectory (ten queries)."""
    return trajectory_records([trajectory], page=True)[trajectory.pk]


def _meetings(ids: list[int], *, page: bool) -> QuerySet[Meeting]:
    """Meetings of many trajectories in one query, annotated whether probation and the
    detainee were both present (probation met the detainee); held ones only unless `page`,
    which also counts the participants (the meetings block), newest first."""
    present = Participant.objects.filter(meeting=OuterRef("pk"), attendance=Attendance.PRESENT)
    qs = Meeting.objects.filter(trajectory_id__in=ids).annotate(
        probation_present=Exists(present.filter(organisation__kind=OrganisationKind.PROBATION)),
        detainee_present=Exists(present.filter(kind=ParticipantKind.DETAINEE)),
    )
    if not page:
        return qs.filter(status=MeetingStatus.HELD).only(
            "trajectory_id", "kind", "starts_at", "status"
        )
    count = (
        Participant.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(participant_count=Coalesce(Subquery(count), 0)).order_by("-starts_at", "-pk")


_MEETINGS: dict[bool, CompiledQuery[Meeting]] = {
    page: CompiledQuery(f"meetings (page={page})", lambda ids, page=page: _meetings(ids, page=page))
    for page in (True, False)
}


def _meeting_facts(meetings: Iterable[Meeting]) -> _MeetingFacts:
    """The days of the held meetings per kind, and the days on which probation and the
    detainee were both present. All of them: which ones count (before the release, in the
    pre-release window) is for the rules."""
    facts = _MeetingFacts([], [], [], [])
    by_kind: dict[str, list[dt.date]] = {
        MeetingKind.MDO: facts.mdo,
        MeetingKind.TRAJECTORY: facts.trajectory,
        MeetingKind.PRE_RELEASE: facts.pre_release,
    }
    for meeting in meetings:
        if meeting.status != MeetingStatus.HELD:
            continue
        day = timezone.localdate(meeting.starts_at)
        by_kind.get(meeting.kind, []).append(day)
        if meeting.probation_present and meeting.detainee_present:  # type: ignore[attr-defined]
            facts.probation_met.append(day)
    return facts


def record_facts(record: TrajectoryRecord) -> rules.TrajectoryFacts:
    """The facts the rules need, from a record (no queries)."""
    t = record.trajectory
    screening = record.screening
    first_sheet = record.sheets[0] if record.sheets else None
    first_ack = min(
        (s for s in record.sheets if s.acknowledged_at is not None),
        key=lambda s: s.acknowledged_at,  # type: ignore[arg-type,return-value]
        default=None,
    )
    first_version = record.versions[0] if record.versions else None
    held = _meeting_facts(record.meetings)
    return rules.TrajectoryFacts(
        start_date=t.start_date,
        expected_end_date=t.expected_end_date,
        end_date=t.end_date,
        phase=t.phase,
        screening_completed_at=_local_date(screening.completed_at) if screening else None,
        screening_completed_by=_name(screening.completed_by) if screening else "",
        first_infosheet_sent_at=_local_date(first_sheet.sent_at) if first_sheet else None,
        first_infosheet_sent_by=_name(first_sheet.sent_by) if first_sheet else "",
        first_infosheet_acknowledged_at=_local_date(first_ack.acknowledged_at)
        if first_ack
        else None,
        first_infosheet_acknowledged_by=_name(first_ack.acknowledged_by) if first_ack else "",
        plan_established_at=_local_date(first_version.established_at) if first_version else None,
        plan_established_by=_name(first_version.established_by) if first_version else "",
        meeting_frequency_weeks=record.plan.meeting_frequency_weeks if record.plan else None,
        mdo_dates=tuple(sorted(held.mdo)),
        trajectory_meeting_dates=tuple(sorted(held.trajectory)),
        pre_release_meeting_dates=tuple(sorted(held.pre_release)),
        probation_met_dates=tuple(sorted(held.probation_met)),
        probation_involved=record.probation_involved,
        judicial_title=t.judicial_title,
        conditions={
            a.domain: rules.ConditionFact(
                status=a.status,
                updated_on=_local_date(a.updated_at),
                updated_by=_name(a.updated_by),
            )
            for a in record.assessments
        },
    )


def _facts(trajectory_ids: list[int]) -> dict[int, rules.TrajectoryFacts]:
    """Facts for many trajectories in eight queries, whatever their number."""
    trajectories = Trajectory.objects.filter(pk__in=trajectory_ids).only(
        "pk", "start_date", "expected_end_date", "end_date", "phase", "judicial_title"
    )
    return {pk: record_facts(r) for pk, r in trajectory_records(trajectories).items()}


def facts_for(trajectory: Trajectory) -> rules.TrajectoryFacts:
    """The facts the rules need for one trajectory (a handful of queries)."""
    return _facts([trajectory.pk])[trajectory.pk]


@dataclass(frozen=True)
class Terms:
    """The agreed terms and the administrator's extra non-working days, as read by `terms()`."""

    settings: rules.DeadlineSettings
    extra_days: frozenset[dt.date]

    def calendar(self, years: Iterable[int]) -> WorkingCalendar:
        """Dutch holidays for `years` plus the extra days in those years."""
        years = set(years)
        return WorkingCalendar.netherlands(years, (d for d in self.extra_days if d.year in years))


_SETTING_NAMES = tuple(f.name for f in fields(rules.DeadlineSettings))
_TERMS_SQL: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _terms_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `terms()`, compiled once per process and database: the configuration row
    and every extra day in one UNION ALL (the ORM would spend longer compiling the two
    queries than the database spends answering them)."""
    if alias not in _TERMS_SQL:
        n = len(_SETTING_NAMES)
        config = (
            DeadlineConfig.objects.using(alias)
            .filter(pk=1)
            .values_list(*_SETTING_NAMES, Value(None, output_field=DateField()))
        )
        extra = (
            ExtraNonWorkingDay.objects.using(alias)
            .order_by()
            .values_list(*[Value(None, output_field=IntegerField()) for _ in range(n)], "date")
        )
        query = config.union(extra, all=True).query
        sql, params = query.get_compiler(alias).as_sql()
        _TERMS_SQL[alias] = (sql, tuple(params))
    return _TERMS_SQL[alias]


def terms() -> Terms:
    """The terms in force and the extra non-working days, in one query.

    Not cached between requests: the app runs as several replicas, and an administrator's
    change must count on every one of them at once; a version check would itself be a query,
    and this one costs the database less than a millisecond (two small tables). Read it once
    per request and pass it on (`deadlines_for_records`)."""
    sql, params = _terms_sql(DEFAULT_DB_ALIAS)
    settings: rules.DeadlineSettings = DEFAULTS
    extra: set[dt.date] = set()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            day = row[-1]
            if day is None:
                settings = rules.DeadlineSettings(**dict(zip(_SETTING_NAMES, row, strict=False)))
            else:
                # SQLite returns the date of a UNION as text.
                extra.add(day if isinstance(day, dt.date) else dt.date.fromisoformat(day))
    return Terms(settings=settings, extra_days=frozenset(extra))


def working_calendar(years: Iterable[int]) -> WorkingCalendar:
    """Dutch holidays for `years` plus the administrator's extra days (one query)."""
    years = set(years)
    extra = ExtraNonWorkingDay.objects.filter(date__year__in=years).values_list("date", flat=True)
    return WorkingCalendar.netherlands(years, extra)


def _years(facts: Iterable[rules.TrajectoryFacts], today: dt.date) -> set[int]:
    years = {today.year, today.year + 1}
    for f in facts:
        last = max(d for d in (f.start_date, f.release_date, today) if d is not None)
        years.update(range(f.start_date.year - 1, last.year + 2))
    return years


def _view(
    spec: rules.DeadlineSpec,
    statuses: dict[str, str] | None = None,
    responsibles: dict[str, str] | None = None,
) -> DeadlineView:
    """`statuses`, `responsibles`: `status_labels()` and `responsible_labels()`, translated
    once per list by the caller (a work list has hundreds of deadlines)."""
    statuses = statuses or status_labels()
    responsibles = responsibles or responsible_labels()
    return DeadlineView(
        code=spec.code,
        label=spec.label,
        due=spec.due,
        status=spec.status,
        status_label=statuses[spec.status],
        met_on=spec.met_on,
        met_by=spec.met_by,
        explanation=spec.explanation,
        responsible=spec.responsible,
        responsible_label=responsibles[spec.responsible],
        days_left=spec.days_left,
    )


def deadlines_for_records(
    records: Iterable[TrajectoryRecord],
    today: dt.date | None = None,
    *,
    terms_: Terms | None = None,
) -> dict[int, list[DeadlineView]]:
    """Deadlines of trajectories whose records are loaded (no queries but `terms()` when
    `terms_` is not given). Keys are trajectory primary keys."""
    today = today or timezone.localdate()
    facts = {r.trajectory.pk: record_facts(r) for r in records}
    if not facts:
        return {}
    current = terms_ or terms()
    cal = current.calendar(_years(facts.values(), today))
    statuses, responsibles = status_labels(), responsible_labels()
    return {
        pk: [
            _view(spec, statuses, responsibles)
            for spec in rules.deadlines(f, current.settings, cal, today)
        ]
        for pk, f in facts.items()
    }


def deadlines_for_loaded(
    trajectories: Iterable[Trajectory], today: dt.date | None = None
) -> dict[int, list[DeadlineView]]:
    """Deadlines of trajectories the caller has loaded already (a work list page): the same
    answer as `deadlines_for_trajectories`, without reading the trajectories again."""
    return deadlines_for_records(trajectory_records(trajectories).values(), today)


def deadlines_for_trajectories(
    trajectory_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, list[DeadlineView]]:
    """Deadlines of many trajectories, in a fixed number of queries (see the module doc)."""
    ids = list(dict.fromkeys(trajectory_ids))
    if not ids:
        return {}
    trajectories = Trajectory.objects.filter(pk__in=ids).only(
        "pk", "start_date", "expected_end_date", "end_date", "phase", "judicial_title"
    )
    return deadlines_for_loaded(trajectories, today)


def deadlines_for(trajectory: Trajectory, today: dt.date | None = None) -> list[DeadlineView]:
    """One trajectory's deadlines, sorted by due date."""
    return deadlines_for_trajectories([trajectory.pk], today).get(trajectory.pk, [])


def deadline_context(
    trajectory: Trajectory,
    today: dt.date | None = None,
    *,
    deadlines: list[DeadlineView] | None = None,
) -> dict[str, Any]:
    """Context of `deadlines/_deadlines.html`: {"deadlines": [...], "deadlines_late": n}.
    `deadlines`: already computed (the trajectory page computes them once for all blocks)."""
    items = deadlines if deadlines is not None else deadlines_for(trajectory, today)
    return {"deadlines": items, "deadlines_late": sum(1 for d in items if d.is_late)}
