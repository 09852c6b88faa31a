"""Writes on the D&R-plan. Each is one transaction that also writes its log row.

Every service takes the acting user explicitly, locks the plan row (select_for_update), checks
`expected_version` against the plan's version and refuses a stale one with `PlanConflict`,
whose message says what the others changed since. It then compares the plan before and after
(`snapshots.diff_snapshots`), bumps the version, records the change (`PlanChange`) and writes
a processing-log row (category `plan`, purpose "D&R-plan"), even when nothing changed.

Any change to the plan's content makes an established plan a draft revision again, until the
PI establishes it again (art. 18a Pbw). One exception: setting a task's status (open, bezig,
klaar) is carrying out the plan, not changing it, so it keeps the plan established.

Permissions are checked before, in the access chokepoint (`Action.PLAN_EDIT`,
`PLAN_ESTABLISH`, `PROBATION_ADVICE`). The services check the facts: which sections the actor's
organisation writes, that the organisation doing a task is involved, that the meeting frequency
is agreed before establishment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.plans.models import (
    PLAN_TRANSITIONS,
    Plan,
    PlanChange,
    PlanDomain,
    PlanStatus,
    PlanTask,
    PlanTaskStatus,
    PlanVersion,
)
from nieuwestart.plans.sections import (
    DATE,
    NUMBER,
    PLAN_FIELDS,
    SECTION_BY_FIELD,
    care_task_hidden,
    care_tasks_hidden_except,
    editable_fields,
    summarised_keys,
)
from nieuwestart.plans.snapshots import (
    TASKS,
    Change,
    diff_snapshots,
    plan_snapshot,
    redact_changes,
    status_change,
)
from nieuwestart.trajectories.models import Involvement, InvolvementKind, Trajectory
from nieuwestart.trajectories.selectors import ACTIVE_INVOLVEMENTS
from nieuwestart.trajectories.services import Conflict, ServiceError

__all__ = [
    "PlanConflict",
    "RecordedChange",
    "SectionNotAllowed",
    "diff_snapshots",
    "plan_establish",
    "plan_get_or_create",
    "plan_probation_advice_save",
    "plan_task_add",
    "plan_task_remove",
    "plan_task_update",
    "plan_update",
]

PURPOSE = "D&R-plan"
CATEGORIES = [Category.PLAN.value]
MAX_TEXT = 10_000
MAX_NOTE = 1_000
MAX_WEEKS = 52
TASK_FIELDS = (
    "domain",
    "what",
    "organisation",
    "for_detainee",
    "person_name",
    "assignee",
    "due_date",
    "status",
)
DOMAIN_ORDER = {code: index for index, code in enumerate(PlanDomain.values)}


class SectionNotAllowed(ServiceError):
    """The actor's organisation does not write this part of the plan (HTTP 403)."""


@dataclass(frozen=True)
class RecordedChange:
    """A change someone made, as the conflict message and the plan history show it."""

    change: Change
    by: str
    at: dt.datetime
    version: int


class PlanConflict(Conflict):
    """Somebody changed the plan after the user loaded it; `changes` says what."""

    def __init__(self, message: str, *, changes: list[RecordedChange]) -> None:
        super().__init__(message, code="conflict")
        self.changes = changes


# --- Locking, recording, logging --------------------------------------------------------------


def _tasks(plan: Plan) -> list[PlanTask]:
    tasks = list(plan.tasks.select_related("organisation", "assignee"))
    return sorted(tasks, key=lambda t: (DOMAIN_ORDER.get(t.domain, 99), t.position, t.pk))


def _snapshot(plan: Plan) -> dict[str, Any]:
    return plan_snapshot(plan, _tasks(plan))


def _actor_label(user: User | None, organisation: Organisation | None) -> str:
    if user is None:
        return _("onbekend")
    return f"{user.display_name} ({organisation.name})" if organisation else user.display_name


def changes_since(plan: Plan, version: int) -> list[RecordedChange]:
    """Every change recorded after `version`, oldest first."""
    rows = (
        PlanChange.objects.filter(plan=plan, version__gt=version)
        .select_related("actor", "actor_organisation")
        .order_by("version")
    )
    return [
        RecordedChange(
            change=Change.from_record(record),
            by=_actor_label(row.actor, row.actor_organisation),
            at=row.created_at,
            version=row.version,
        )
        for row in rows
        for record in row.changes
    ]


def describe_change(change: Change) -> str:
    """One change in a sentence part: "Trajectoverleg gewijzigd: elke 6 weken"."""
    text = f"{change.label} {change.kind_label}"
    if change.section == TASKS:
        text += f": {change.task}" if change.task else ""
        return text + (f" ({change.new})" if change.kind == "gewijzigd" and change.new else "")
    if change.new and not change.is_long_text:
        text += f": {change.new}"
    return text


def _conflict(plan: Plan, expected_version: int, actor: User) -> PlanConflict:
    recorded = changes_since(plan, expected_version)
    visible = redact_changes(
        [r.change for r in recorded],
        summarised=summarised_keys(actor),
        hide_care_tasks_except=care_tasks_hidden_except(actor),
    )
    recorded = [
        RecordedChange(change=c, by=r.by, at=r.at, version=r.version)
        for c, r in zip(visible, recorded, strict=True)
    ]
    head = _(
        "Iemand anders heeft het plan gewijzigd nadat u het opende. Uw wijziging is niet "
        "opgeslagen."
    )
    if not recorded:
        return PlanConflict(
            f"{head} " + _("Bekijk het plan opnieuw en sla dan op."), changes=recorded
        )
    parts: list[str] = []
    for version in sorted({r.version for r in recorded}):
        group = [r for r in recorded if r.version == version]
        described = "; ".join(describe_change(r.change) for r in group[:6])
        if len(group) > 6:
            described += "; " + _("en %(count)d andere wijzigingen") % {"count": len(group) - 6}
        parts.append(f"{group[0].by}: {described}.")
    body = " ".join(parts[:5])
    tail = _("Kijk of uw wijziging nog klopt en sla opnieuw op.")
    changed_intro = _("Wat er veranderde:")
    return PlanConflict(f"{head} {changed_intro} {body} {tail}", changes=recorded)


def _lock_plan(trajectory: Trajectory, expected_version: int | None, actor: User) -> Plan:
    plan, _created = Plan.objects.get_or_create(trajectory=trajectory)
    plan = Plan.objects.select_for_update(no_key=True).get(pk=plan.pk)
    if expected_version is not None and plan.version != expected_version:
        raise _conflict(plan, expected_version, actor)
    return plan


def _move(plan: Plan, to_status: str) -> None:
    if to_status not in PLAN_TRANSITIONS.get(plan.status, frozenset()):
        raise ServiceError(
            _("Het plan kan niet van '%(from)s' naar '%(to)s'.")
            % {"from": PlanStatus(plan.status).label, "to": PlanStatus(to_status).label},
            field="status",
            code="transition",
        )
    plan.status = to_status


def _log(trajectory: Trajectory, *, actor: User, action: str, channel: str, detail: str) -> None:
    log_processing(
        actor=actor,
        action=action,
        categories=CATEGORIES,
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=detail,
    )


def _commit(
    plan: Plan,
    *,
    actor: User,
    before: dict[str, Any],
    channel: str,
    action: str = LogAction.UPDATE,
    keep_status: bool = False,
    extra: list[Change] | None = None,
    detail: str = "",
) -> list[Change]:
    """Compare, bump the version, record and log. Returns what changed."""
    # Records are stored in Dutch, the system's first language, whoever wrote them.
    with translation.override("nl"):
        changes = diff_snapshots(before, _snapshot(plan)) + (extra or [])
        records = [c.as_record() for c in changes]
    if changes:
        plan.version += 1
        if plan.status == PlanStatus.ESTABLISHED and not keep_status:
            _move(plan, PlanStatus.DRAFT)
        plan.save()
        PlanChange.objects.create(
            plan=plan,
            version=plan.version,
            changes=records,
            actor=actor,
            actor_organisation=actor.organisation,
            created_at=timezone.now(),
        )
    detail = detail or ", ".join(sorted({c.section for c in changes})) or "geen wijziging"
    _log(plan.trajectory, actor=actor, action=action, channel=channel, detail=detail)
    return changes


# --- Checking input ---------------------------------------------------------------------------


def _clean_section(field: str, value: Any) -> Any:
    section = SECTION_BY_FIELD[field]
    if section.kind == NUMBER:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEEKS:
            raise ServiceError(
                _("Vul een aantal weken in van 1 tot en met %(max)d.") % {"max": MAX_WEEKS},
                field=section.key,
            )
        return value
    if section.kind == DATE:
        if value in (None, ""):
            return None
        if not isinstance(value, dt.date):
            raise ServiceError(_("Vul een geldige datum in."), field=section.key)
        return value
    if not isinstance(value, str):
        raise ServiceError(_("Vul tekst in."), field=section.key)
    text = value.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("Deze tekst is te lang: maximaal %(max)d tekens.") % {"max": MAX_TEXT},
            field=section.key,
        )
    return text


def involved_organisations(trajectory: Trajectory) -> list[Organisation]:
    """Organisations that can do a task: those actively involved in the trajectory (kept SQL)."""
    return [i.organisation for i in ACTIVE_INVOLVEMENTS([trajectory.pk])]


def _check_task(trajectory: Trajectory, values: dict[str, Any]) -> dict[str, Any]:
    """Check one task's values as a whole; returns them cleaned."""
    if values["domain"] not in PlanDomain.values:
        raise ServiceError(_("Kies een basisvoorwaarde."), field="domein")
    what = str(values["what"] or "").replace("\r\n", "\n").strip()
    if not what:
        raise ServiceError(_("Schrijf op wat er moet gebeuren."), field="wat")
    if len(what) > 500:
        raise ServiceError(_("Schrijf de taak korter: maximaal 500 tekens."), field="wat")
    values["what"] = what
    values["person_name"] = str(values["person_name"] or "").strip()[:200]
    if values["status"] not in PlanTaskStatus.values:
        raise ServiceError(_("Kies een status."), field="status")
    involved = {o.pk for o in involved_organisations(trajectory)}
    organisation: Organisation | None = values["organisation"]
    assignee: User | None = values["assignee"]
    if organisation is not None and organisation.pk not in involved:
        raise ServiceError(
            _("Deze organisatie is niet betrokken bij het traject. Kies een betrokken partner."),
            field="organisatie",
        )
    if assignee is not None:
        if not assignee.is_active or assignee.organisation_id not in involved:
            raise ServiceError(
                _("Deze persoon werkt niet bij een organisatie die bij het traject betrokken is."),
                field="uitvoerder",
            )
        if organisation is None:
            values["organisation"] = assignee.organisation
        elif assignee.organisation_id != organisation.pk:
            raise ServiceError(
                _("Deze persoon werkt niet bij de gekozen organisatie."), field="uitvoerder"
            )
    if values["organisation"] is None and not values["for_detainee"]:
        raise ServiceError(
            _("Kies wie dit doet: een organisatie of de persoon zelf."), field="organisatie"
        )
    return values


def _task_of(plan: Plan, task_id: UUID | str) -> PlanTask:
    try:
        return plan.tasks.select_related("organisation", "assignee").get(uuid=task_id)
    except (PlanTask.DoesNotExist, ValueError) as exc:
        raise ServiceError(
            _("Deze taak bestaat niet (meer)."), field="taak", code="not_found"
        ) from exc


def _refuse_hidden_task(actor: User, task: PlanTask) -> None:
    if care_task_hidden(actor, task.domain, task.organisation_id):
        raise SectionNotAllowed(
            _(
                "Deze taak gaat over zorg. Alleen de organisatie die hem uitvoert of de PI kan hem wijzigen."
            ),
            field="taak",
            code="not_allowed",
        )


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def plan_get_or_create(*, actor: User, trajectory: Trajectory, channel: str = Channel.WEB) -> Plan:
    """The trajectory's one plan, created empty (version 0, draft) the first time."""
    plan, created = Plan.objects.get_or_create(trajectory=trajectory)
    if created:
        _log(trajectory, actor=actor, action=LogAction.CREATE, channel=channel, detail="plan")
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    sections: Mapping[str, Any],
    channel: str = Channel.WEB,
) -> Plan:
    """Change sections of the plan. `sections` maps Plan field names to new values.

    Only the sections the actor's organisation writes (`sections.editable_fields`); another
    section raises SectionNotAllowed, an unknown one ServiceError.
    """
    allowed = editable_fields(actor)
    for field in sections:
        if field not in PLAN_FIELDS:
            raise ServiceError(
                _("Dit deel van het plan bestaat niet."), field=field, code="unknown"
            )
        if field not in allowed:
            section = SECTION_BY_FIELD[field]
            raise SectionNotAllowed(
                _("Dit deel van het plan schrijft uw organisatie niet: %(label)s.")
                % {"label": section.label},
                field=section.key,
                code="not_allowed",
            )
    cleaned = {field: _clean_section(field, value) for field, value in sections.items()}
    plan = _lock_plan(trajectory, expected_version, actor)
    before = _snapshot(plan)
    for field, value in cleaned.items():
        setattr(plan, field, value)
    _commit(plan, actor=actor, before=before, channel=channel)
    return plan


@transaction.atomic
def plan_task_add(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    domain: str,
    what: str,
    organisation: Organisation | None = None,
    for_detainee: bool = False,
    person_name: str = "",
    assignee: User | None = None,
    due_date: dt.date | None = None,
    status: str = PlanTaskStatus.OPEN,
    channel: str = Channel.WEB,
) -> PlanTask:
    """Add a task under a basic condition. Who does it: an involved organisation (and maybe a
    named person there), or the person themselves, or both."""
    values = _check_task(
        trajectory,
        {
            "domain": domain,
            "what": what,
            "organisation": organisation,
            "for_detainee": for_detainee,
            "person_name": person_name,
            "assignee": assignee,
            "due_date": due_date,
            "status": status,
        },
    )
    plan = _lock_plan(trajectory, expected_version, actor)
    before = _snapshot(plan)
    last = plan.tasks.filter(domain=values["domain"]).order_by("-position").first()
    task = PlanTask.objects.create(
        plan=plan,
        position=(last.position + 1) if last else 0,
        created_by=actor,
        created_by_organisation=actor.organisation,
        **values,
    )
    _commit(plan, actor=actor, before=before, channel=channel, action=LogAction.CREATE)
    return task


@transaction.atomic
def plan_task_update(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    task_id: UUID | str,
    changes: Mapping[str, Any],
    channel: str = Channel.WEB,
) -> PlanTask:
    """Change a task. `changes` maps PlanTask field names (TASK_FIELDS) to new values.

    A change of the status only is progress: an established plan stays established.
    """
    unknown = sorted(set(changes) - set(TASK_FIELDS))
    if unknown:
        raise ServiceError(_("Dit veld van een taak bestaat niet."), field=unknown[0])
    plan = _lock_plan(trajectory, expected_version, actor)
    task = _task_of(plan, task_id)
    _refuse_hidden_task(actor, task)
    current = {name: getattr(task, name) for name in TASK_FIELDS}
    values = _check_task(trajectory, {**current, **changes})
    changed = {name for name in TASK_FIELDS if values[name] != current[name]}
    before = _snapshot(plan)
    for name in changed:
        setattr(task, name, values[name])
    if changed:
        task.save()
    _commit(plan, actor=actor, before=before, channel=channel, keep_status=changed <= {"status"})
    return task


@transaction.atomic
def plan_task_remove(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    task_id: UUID | str,
    channel: str = Channel.WEB,
) -> None:
    """Remove a task. Established versions keep it; the change is recorded."""
    plan = _lock_plan(trajectory, expected_version, actor)
    task = _task_of(plan, task_id)
    _refuse_hidden_task(actor, task)
    before = _snapshot(plan)
    task.delete()
    _commit(plan, actor=actor, before=before, channel=channel, action=LogAction.DELETE)


@transaction.atomic
def plan_probation_advice_save(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    advice: str,
    channel: str = Channel.WEB,
) -> Plan:
    """Probation's advice (D&R-advies), written into the plan as its own section.

    Only the probation organisation involved in the trajectory writes it.
    """
    probation = Involvement.objects.filter(
        trajectory=trajectory, kind=InvolvementKind.PROBATION, active=True
    ).values_list("organisation_id", flat=True)
    if (
        actor.organisation is None
        or actor.organisation.kind != OrganisationKind.PROBATION
        or actor.organisation_id not in list(probation)
    ):
        raise SectionNotAllowed(
            _("Alleen de reclassering die bij het traject betrokken is, geeft dit advies."),
            field="advies",
            code="not_allowed",
        )
    text = _clean_section("probation_advice", advice)
    if not text:
        raise ServiceError(_("Schrijf het advies."), field="advies", code="required")
    plan = _lock_plan(trajectory, expected_version, actor)
    before = _snapshot(plan)
    plan.probation_advice = text
    if before.get("reclasseringsadvies") != text:
        plan.probation_advice_by = actor
        plan.probation_advice_organisation = actor.organisation
        plan.probation_advice_at = timezone.now()
    _commit(plan, actor=actor, before=before, channel=channel)
    return plan


@transaction.atomic
def plan_establish(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None,
    note: str = "",
    channel: str = Channel.WEB,
) -> PlanVersion:
    """The PI establishes the plan (art. 18a Pbw): it becomes the next numbered version.

    The partners must have agreed how often they hold trajectory meetings (recommendation
    §6.3). A plan that is established and unchanged since cannot be established again.
    """
    note = note.replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(
            _("De toelichting is te lang: maximaal %(max)d tekens.") % {"max": MAX_NOTE},
            field="toelichting",
        )
    plan = _lock_plan(trajectory, expected_version, actor)
    if plan.status == PlanStatus.ESTABLISHED:
        raise ServiceError(
            _("Dit plan is al vastgesteld en daarna niet gewijzigd."),
            field="status",
            code="already_established",
        )
    if not plan.meeting_frequency_weeks:
        raise ServiceError(
            _(
                "Leg eerst vast hoe vaak er trajectoverleg is (elke hoeveel weken). Dat "
                "spreken de partners af in het gezamenlijk overleg."
            ),
            field="trajectoverlegElkeWeken",
            code="required",
        )
    before = _snapshot(plan)
    last = plan.versions.order_by("-number").first()
    number = (last.number + 1) if last else 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        snapshot=before,
        established_by=actor,
        established_by_organisation=actor.organisation,
        established_at=timezone.now(),
        note=note,
    )
    old_status = plan.status
    _move(plan, PlanStatus.ESTABLISHED)
    with translation.override("nl"):
        extra = [status_change(old_status, number)]
    _commit(
        plan,
        actor=actor,
        before=before,
        channel=channel,
        keep_status=True,
        extra=extra,
        detail=f"vastgesteld als versie {number}",
    )
    return version
