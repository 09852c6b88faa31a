"""Reads of the D&R-plan, shaped for one reader. Other apps (the information sheet, "Mijn plan")
use these; the names and dataclasses below are kept stable.

Rule: what a reader sees follows the policy for the `plan` category. A reader with `volledig`
(PI, probation) sees everything. A reader with `samenvatting` (municipality, safety house) sees
tasks and agreements, but the behaviour goals, the guidance and probation's advice only as a
sentence saying whether they are there, and care tasks of other organisations only as
"Vervolg van zorg na detentie" (`sections.py`). The caller has already passed the access
chokepoint; these functions do not log (the view does, through `access_trajectory`).

A trajectory without a plan row reads as an empty draft with version 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from django.utils.translation import gettext as _

from nieuwestart.access.policy import Visibility
from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import (
    Plan,
    PlanDomain,
    PlanStatus,
    PlanTask,
    PlanTaskStatus,
    PlanVersion,
)
from nieuwestart.plans.sections import (
    AGREEMENTS,
    GOALS,
    HIDDEN_CARE_TASK,
    SECTIONS,
    care_task_hidden,
    care_tasks_hidden_except,
    plan_visibility,
    summarised_keys,
    summary_text,
)
from nieuwestart.plans.snapshots import (
    Change,
    diff_snapshots,
    plan_snapshot,
    redact_changes,
    section_text,
    task_field_text,
    task_snapshot,
    task_who,
)
from nieuwestart.trajectories.models import Trajectory

DOMAIN_ORDER = {code: index for index, code in enumerate(PlanDomain.values)}


@dataclass(frozen=True)
class SectionView:
    """One section as this reader may see it. `text` is what to show (the summary sentence when
    `summarised`); `value` is the raw value (None when summarised)."""

    key: str
    label: str
    form_label: str
    group: str
    kind: str
    value: Any
    text: str
    summarised: bool


@dataclass(frozen=True)
class TaskView:
    """One task. `what` is "Vervolg van zorg na detentie" when `hidden` (a care task of another
    organisation, for a summary reader). `who` says in words who does it."""

    uuid: UUID
    domain: str
    domain_label: str
    what: str
    organisation: Organisation | None
    organisation_id: int | None
    organisation_name: str
    for_detainee: bool
    person_name: str
    assignee: User | None
    assignee_name: str
    who: str
    due_date: dt.date | None
    status: str
    status_label: str
    hidden: bool = False

    @property
    def is_done(self) -> bool:
        return self.status == PlanTaskStatus.DONE

    @property
    def badge(self) -> str:
        """The status as a code of the status badge (core/templatetags/ns_components.py)."""
        return {"klaar": "in-orde", "bezig": "aandacht"}.get(self.status, "onbekend")


@dataclass(frozen=True)
class DomainTasks:
    code: str
    label: str
    tasks: list[TaskView]


@dataclass(frozen=True)
class VersionInfo:
    """An established version: number, when, by whom (name and organisation), and why."""

    number: int
    established_at: dt.datetime
    established_by: str
    organisation_name: str
    note: str


@dataclass(frozen=True)
class AdviceView:
    """Probation's advice. `text` is the summary sentence when `summarised`."""

    text: str
    given: bool
    by: str
    organisation_name: str
    at: dt.datetime | None
    summarised: bool


@dataclass(frozen=True)
class PlanView:
    """The plan for one reader.

    version: the concurrency version (0 = nothing written yet); established_version: the
    number of the last established version (None if never); changed_since_established: a draft
    revision of an established plan. sections: goals, activities, leave, guidance;
    agreements: the agreements of the joint meeting including meeting date and frequency.
    """

    exists: bool
    status: str
    status_label: str
    version: int
    established_version: int | None
    last_established: VersionInfo | None
    changed_since_established: bool
    sections: list[SectionView]
    agreements: list[SectionView]
    meeting_frequency_weeks: int | None
    meeting_frequency: str
    meeting_held_on: dt.date | None
    probation_advice: AdviceView
    tasks: list[TaskView]
    tasks_by_domain: list[DomainTasks]
    visibility: str
    summarised: frozenset[str] = field(default_factory=frozenset)
    next_step: str = ""

    @property
    def ready_to_establish(self) -> bool:
        return self.status == PlanStatus.DRAFT and bool(self.meeting_frequency_weeks)

    def section(self, key: str) -> SectionView | None:
        return next((s for s in self.sections + self.agreements if s.key == key), None)


@dataclass(frozen=True)
class PlanSummary:
    """Status, version and next step, for the trajectory page (`plans/_plan_summary.html`).

    badge: a code of the status badge (core/templatetags/ns_components.py) (in-orde, aandacht, onbekend).
    """

    exists: bool
    status: str
    status_label: str
    badge: str
    version: int
    established_version: int | None
    established_at: dt.datetime | None
    changed_since_established: bool
    task_count: int
    open_task_count: int
    next_step: str


@dataclass(frozen=True)
class VersionDetail:
    """One established version as a reader may see it, with what changed compared with the
    previous version (`previous` None for version 1: then `changes` is empty)."""

    info: VersionInfo
    previous: int | None
    sections: list[SectionView]
    agreements: list[SectionView]
    probation_advice: AdviceView
    tasks_by_domain: list[DomainTasks]
    changes: list[Change]
    snapshot: dict[str, Any]


# --- Helpers ----------------------------------------------------------------------------------


# The plan page's reads: their SQL is kept per process (core.compiled).
_PLAN: CompiledQuery[Plan] = CompiledQuery(
    "plan of a trajectory",
    lambda trajectory_id: Plan.objects.filter(trajectory_id=trajectory_id).select_related(
        "probation_advice_by", "probation_advice_organisation"
    ),
)
# The tasks of plans with their organisation and assignee, in PlanTask's own order (the plan
# page, the trajectory page's records in deadlines.selectors).
PLAN_TASKS: CompiledQuery[PlanTask] = CompiledQuery(
    "tasks of plans",
    lambda plan_ids: (
        PlanTask.objects.filter(plan_id__in=plan_ids)
        .select_related("organisation", "assignee")
        .order_by("domain", "position", "pk")
    ),
)
_VERSIONS: CompiledQuery[PlanVersion] = CompiledQuery(
    "versions of a plan",
    lambda plan_id: (
        PlanVersion.objects.filter(plan_id=plan_id)
        .select_related("established_by", "established_by_organisation")
        .order_by("number")
    ),
)


def _plan(trajectory: Trajectory) -> Plan | None:
    rows = _PLAN(trajectory.pk)
    return rows[0] if rows else None


def _tasks(plan: Plan) -> list[PlanTask]:
    return _sorted_tasks(PLAN_TASKS([plan.pk]))


def _sorted_tasks(tasks: Iterable[PlanTask]) -> list[PlanTask]:
    return sorted(tasks, key=lambda t: (DOMAIN_ORDER.get(t.domain, 99), t.position, t.pk))


def _task_view(task: PlanTask, reader: User | None) -> TaskView:
    hidden = reader is not None and care_task_hidden(reader, task.domain, task.organisation_id)
    organisation = task.organisation
    assignee = task.assignee
    return TaskView(
        uuid=task.uuid,
        domain=task.domain,
        domain_label=str(PlanDomain(task.domain).label),
        what=str(HIDDEN_CARE_TASK) if hidden else task.what,
        organisation=organisation,
        organisation_id=task.organisation_id,
        organisation_name=organisation.name if organisation else "",
        for_detainee=task.for_detainee,
        person_name=task.person_name,
        assignee=assignee,
        assignee_name=assignee.display_name if assignee else "",
        who=task_who(task_snapshot(task)),
        due_date=task.due_date,
        status=task.status,
        status_label=str(PlanTaskStatus(task.status).label),
        hidden=hidden,
    )


def _group(tasks: list[TaskView]) -> list[DomainTasks]:
    groups = []
    for code, label in PlanDomain.choices:
        in_domain = [t for t in tasks if t.domain == code]
        if in_domain:
            groups.append(DomainTasks(code=code, label=str(label), tasks=in_domain))
    return groups


def _sections(values: dict[str, Any], summarised: frozenset[str], group: str) -> list[SectionView]:
    result = []
    for section in SECTIONS:
        if section.group != group:
            continue
        value = values.get(section.key)
        hidden = section.key in summarised
        result.append(
            SectionView(
                key=section.key,
                label=str(section.label),
                form_label=str(section.form_label),
                group=section.group,
                kind=section.kind,
                value=None if hidden else value,
                text=summary_text(section.key, bool(value))
                if hidden
                else section_text(section.key, value),
                summarised=hidden,
            )
        )
    return result


def _advice(text: str, by: str, organisation: str, at: Any, summarised: bool) -> AdviceView:
    if summarised:
        return AdviceView(
            text=summary_text("reclasseringsadvies", bool(text)),
            given=bool(text),
            by="",
            organisation_name=organisation if text else "",
            at=at if text else None,
            summarised=True,
        )
    return AdviceView(
        text=text, given=bool(text), by=by, organisation_name=organisation, at=at, summarised=False
    )


def _version_info(version: PlanVersion) -> VersionInfo:
    user = version.established_by
    organisation = version.established_by_organisation
    return VersionInfo(
        number=version.number,
        established_at=version.established_at,
        established_by=user.display_name if user else "",
        organisation_name=organisation.name if organisation else "",
        note=version.note,
    )


def _versions(plan: Plan | None) -> list[PlanVersion]:
    if plan is None:
        return []
    return _VERSIONS(plan.pk)


def _next_step(status: str, exists: bool, frequency: int | None, established: bool) -> str:
    if not exists:
        return _("Stel het D&R-plan op, samen met de partners en de persoon, binnen 4 weken.")
    if status == PlanStatus.ESTABLISHED:
        return _("Bespreek het plan in het MDO, elke 6 weken.")
    if not frequency:
        return _("Leg vast hoe vaak er trajectoverleg is. Daarna kan de PI het plan vaststellen.")
    if established:
        return _("Het plan is gewijzigd. De PI stelt de nieuwe versie vast.")
    return _("De PI stelt het plan vast.")


# --- Selectors --------------------------------------------------------------------------------


class PlanRows(Protocol):
    """The plan rows a caller has read already (`deadlines.selectors.TrajectoryRecord` read
    with `page=True`): the plan with `probation_advice_by` and
    `probation_advice_organisation`, its versions by number with `established_by` and
    `established_by_organisation`, and its tasks with `organisation` and `assignee`."""

    plan: Plan | None
    versions: list[PlanVersion]
    tasks: list[PlanTask] | None


def plan_view(trajectory: Trajectory, user: User, *, rows: PlanRows | None = None) -> PlanView:
    """The whole plan as `user` may see it (the user need not be saved: the information sheet
    passes a stand-in for the municipality). `rows`: the plan rows as the caller read them
    (then nothing is read here)."""
    plan = _plan(trajectory) if rows is None else rows.plan
    summarised = summarised_keys(user)
    visibility = plan_visibility(user)
    if plan is None:
        values: dict[str, Any] = {s.key: None for s in SECTIONS}
        tasks: list[TaskView] = []
        versions: list[PlanVersion] = []
        status: str = PlanStatus.DRAFT
        version = 0
        advice = _advice("", "", "", None, "reclasseringsadvies" in summarised)
    else:
        values = {s.key: getattr(plan, s.field) for s in SECTIONS}
        if rows is None:
            tasks = [_task_view(t, user) for t in _tasks(plan)]
            versions = _versions(plan)
        else:
            tasks = [_task_view(t, user) for t in _sorted_tasks(rows.tasks or [])]
            versions = rows.versions
        status, version = plan.status, plan.version
        by = plan.probation_advice_by
        advice = _advice(
            plan.probation_advice,
            by.display_name if by else "",
            plan.probation_advice_organisation.name if plan.probation_advice_organisation else "",
            plan.probation_advice_at,
            "reclasseringsadvies" in summarised,
        )
    last = _version_info(versions[-1]) if versions else None
    frequency = values.get("trajectoverlegElkeWeken")
    if visibility == Visibility.NONE:
        tasks = []
    return PlanView(
        exists=plan is not None and version > 0,
        status=status,
        status_label=str(PlanStatus(status).label),
        version=version,
        established_version=last.number if last else None,
        last_established=last,
        changed_since_established=last is not None and status == PlanStatus.DRAFT,
        sections=_sections(values, summarised, GOALS),
        agreements=_sections(values, summarised, AGREEMENTS),
        meeting_frequency_weeks=frequency,
        meeting_frequency=section_text("trajectoverlegElkeWeken", frequency),
        meeting_held_on=values.get("gezamenlijkOverlegOp"),
        probation_advice=advice,
        tasks=tasks,
        tasks_by_domain=_group(tasks),
        visibility=visibility,
        summarised=summarised,
        next_step=_next_step(status, version > 0, frequency, last is not None),
    )


def plan_summary(trajectory: Trajectory) -> PlanSummary:
    """Status, version and next step; no content, so the same for every involved reader."""
    plan = Plan.objects.filter(trajectory=trajectory).first()
    if plan is None or plan.version == 0:
        return plan_summary_from(plan, [], [])
    last = plan.versions.order_by("-number").first()
    statuses = list(plan.tasks.values_list("status", flat=True))
    return plan_summary_from(plan, [last] if last else [], statuses)


def plan_summary_from(
    plan: Plan | None, versions: list[PlanVersion], task_statuses: list[str]
) -> PlanSummary:
    """`plan_summary` from rows the caller has read: the plan, its established versions by
    number (only the last one counts) and the statuses of its tasks."""
    if plan is None or plan.version == 0:
        return PlanSummary(
            exists=False,
            status=PlanStatus.DRAFT,
            status_label=_("Nog geen plan"),
            badge="onbekend",
            version=0,
            established_version=None,
            established_at=None,
            changed_since_established=False,
            task_count=0,
            open_task_count=0,
            next_step=_next_step(PlanStatus.DRAFT, False, None, False),
        )
    last = versions[-1] if versions else None
    statuses = task_statuses
    return PlanSummary(
        exists=True,
        status=plan.status,
        status_label=str(PlanStatus(plan.status).label),
        badge="in-orde" if plan.status == PlanStatus.ESTABLISHED else "aandacht",
        version=plan.version,
        established_version=last.number if last else None,
        established_at=last.established_at if last else None,
        changed_since_established=last is not None and plan.status == PlanStatus.DRAFT,
        task_count=len(statuses),
        open_task_count=sum(1 for s in statuses if s != PlanTaskStatus.DONE),
        next_step=_next_step(plan.status, True, plan.meeting_frequency_weeks, last is not None),
    )


def plan_versions(trajectory: Trajectory) -> list[PlanVersion]:
    """The established PlanVersion rows, oldest first (raw rows, for services and the API)."""
    return _versions(_plan(trajectory))


def established_versions(trajectory: Trajectory) -> list[VersionInfo]:
    """Every established version, newest first."""
    return [_version_info(v) for v in reversed(plan_versions(trajectory))]


def _version(trajectory: Trajectory, number: int) -> PlanVersion:
    """Raises PlanVersion.DoesNotExist for an unknown number."""
    return PlanVersion.objects.select_related("established_by", "established_by_organisation").get(
        plan__trajectory=trajectory, number=number
    )


def version_diff(
    trajectory: Trajectory, from_number: int, to_number: int, *, user: User | None = None
) -> list[Change]:
    """What changed from one established version to another (either order is compared as
    given). With `user`, values the user may not see are left out. Raises
    PlanVersion.DoesNotExist when a version does not exist."""
    old = _version(trajectory, from_number).snapshot
    new = _version(trajectory, to_number).snapshot
    changes = diff_snapshots(old, new)
    if user is None:
        return changes
    return redact_changes(
        changes,
        summarised=summarised_keys(user),
        hide_care_tasks_except=care_tasks_hidden_except(user),
    )


def _snapshot_tasks(snapshot: dict[str, Any], user: User) -> list[TaskView]:
    hide_except = care_tasks_hidden_except(user)
    tasks = []
    for task in snapshot.get("taken") or []:
        organisation = task.get("organisatie") or {}
        hidden = (
            task.get("domein") == "zorg"
            and hide_except is not None
            and organisation.get("code") != hide_except
        )
        due = task.get("uiterlijk")
        tasks.append(
            TaskView(
                uuid=UUID(str(task.get("id"))),
                domain=str(task.get("domein")),
                domain_label=task_field_text("domein", task.get("domein")),
                what=str(HIDDEN_CARE_TASK) if hidden else str(task.get("wat", "")),
                organisation=None,
                organisation_id=None,
                organisation_name=str(organisation.get("naam", "")),
                for_detainee=bool(task.get("doetPersoonZelf")),
                person_name=str(task.get("persoon") or ""),
                assignee=None,
                assignee_name="",
                who=task_who(task),
                due_date=dt.date.fromisoformat(due) if due else None,
                status=str(task.get("status")),
                status_label=task_field_text("status", task.get("status")),
                hidden=hidden,
            )
        )
    tasks.sort(key=lambda t: DOMAIN_ORDER.get(t.domain, 99))
    return tasks


def version_detail(trajectory: Trajectory, number: int, user: User) -> VersionDetail | None:
    """One established version for `user`, with the changes since the previous version."""
    try:
        version = _version(trajectory, number)
    except PlanVersion.DoesNotExist:
        return None
    snapshot = version.snapshot
    summarised = summarised_keys(user)
    previous = number - 1 if number > 1 else None
    changes = version_diff(trajectory, previous, number, user=user) if previous else []
    at = snapshot.get("reclasseringsadviesOp")
    return VersionDetail(
        info=_version_info(version),
        previous=previous,
        sections=_sections(snapshot, summarised, GOALS),
        agreements=_sections(snapshot, summarised, AGREEMENTS),
        probation_advice=_advice(
            str(snapshot.get("reclasseringsadvies") or ""),
            str(snapshot.get("reclasseringsadviesDoor") or ""),
            "",
            dt.datetime.fromisoformat(at) if at else None,
            "reclasseringsadvies" in summarised,
        ),
        tasks_by_domain=_group(_snapshot_tasks(snapshot, user)),
        changes=changes,
        snapshot=_redact_snapshot(snapshot, user),
    )


def _redact_snapshot(snapshot: dict[str, Any], user: User) -> dict[str, Any]:
    """The snapshot as `user` may see it: summarised sections as their sentence."""
    summarised = summarised_keys(user)
    data = dict(snapshot)
    for key in summarised:
        data[key] = summary_text(key, bool(snapshot.get(key)))
    if "reclasseringsadvies" in summarised:
        data["reclasseringsadviesDoor"] = ""
    hide_except = care_tasks_hidden_except(user)
    if hide_except is not None:
        data["taken"] = [
            {**t, "wat": str(HIDDEN_CARE_TASK)}
            if t.get("domein") == "zorg" and (t.get("organisatie") or {}).get("code") != hide_except
            else t
            for t in snapshot.get("taken") or []
        ]
    return data


def changes_since_established(trajectory: Trajectory, user: User) -> list[Change]:
    """What the plan now changes compared with its last established version, as `user` may see
    it. Empty when it was never established (then everything is new) or nothing changed."""
    plan = _plan(trajectory)
    last = plan.versions.order_by("-number").first() if plan is not None else None
    if plan is None or last is None:
        return []
    changes = diff_snapshots(last.snapshot, plan_snapshot(plan, _tasks(plan)))
    return redact_changes(
        changes,
        summarised=summarised_keys(user),
        hide_care_tasks_except=care_tasks_hidden_except(user),
    )


def plan_changed_since(trajectory: Trajectory, when: dt.datetime) -> bool:
    """Did anything in the plan change after `when` (content, tasks, advice, establishment)?

    The information sheet uses it to offer a new version of the sheet.
    """
    return Plan.objects.filter(trajectory=trajectory, version__gt=0, updated_at__gt=when).exists()


def open_tasks_for_organisation(
    trajectory: Trajectory, organisation: Organisation, *, tasks: Iterable[PlanTask] | None = None
) -> list[TaskView]:
    """Tasks the organisation does that are not done yet, soonest due date first (no date
    last): for the municipality, what the PI asks of it. Its own tasks, so shown in full.
    `tasks`: all the plan's tasks as the caller read them (with `organisation`, `assignee`)."""
    if tasks is None:
        tasks = (
            PlanTask.objects.filter(plan__trajectory=trajectory, organisation=organisation)
            .exclude(status=PlanTaskStatus.DONE)
            .select_related("organisation", "assignee")
            .order_by("domain", "position", "pk")  # PlanTask's own order
        )
    else:
        tasks = [
            t
            for t in sorted(tasks, key=lambda t: (t.domain, t.position, t.pk))
            if t.organisation_id == organisation.pk and t.status != PlanTaskStatus.DONE
        ]
    views = [_task_view(t, None) for t in tasks]
    return sorted(
        views,
        key=lambda t: (
            t.due_date is None,
            t.due_date or dt.date.max,
            DOMAIN_ORDER.get(t.domain, 99),
        ),
    )


__all__ = [
    "AdviceView",
    "DomainTasks",
    "PlanSummary",
    "PlanView",
    "SectionView",
    "TaskView",
    "VersionDetail",
    "VersionInfo",
    "changes_since_established",
    "established_versions",
    "open_tasks_for_organisation",
    "plan_changed_since",
    "plan_summary",
    "plan_versions",
    "plan_view",
    "version_detail",
    "version_diff",
]
