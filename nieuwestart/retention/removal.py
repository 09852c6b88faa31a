"""What removing one data category of one trajectory means, row by row.

Rule (docs/retention.md, "What each category covers"): `anonimiseren` blanks the personal data
and free texts of the category and unlinks the professionals (user references that may be
empty), but keeps the structure the indicators are computed from: dates, statuses, kinds,
organisations, attendance. Running `indicators_refresh` afterwards gives the same facts.
`verwijderen` deletes the category's rows; for `identiteit` that is the whole trajectory.

Every handler is idempotent (a second call finds nothing left and returns 0) and returns the
number of rows it changed or deleted. The caller runs it inside the trajectory's transaction,
after locking the trajectory, and writes the processing-log entry.

Some user references cannot be emptied because their column is required (the sender of an
information sheet, the author of a referral): those name professionals, not the detainee, and
stay. See docs/retention.md, "Known limits".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from nieuwestart.access.policy import Category
from nieuwestart.handover.models import Closure, Handover, HandoverCheck, ReleaseOutcome
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.meetings.models import AgendaItem, Decision, Meeting, Participant
from nieuwestart.notify.models import Notification
from nieuwestart.plans.models import Plan, PlanChange, PlanDomain, PlanTask, PlanVersion
from nieuwestart.plans.sections import SECTIONS
from nieuwestart.plans.snapshots import TASKS
from nieuwestart.referrals.models import Condition, Referral
from nieuwestart.retention.categories import RetentionAction
from nieuwestart.screening.domains import CARE, SCHEMA
from nieuwestart.screening.models import (
    Contribution,
    Domain,
    DomainAssessment,
    Screening,
    ScreeningChange,
)
from nieuwestart.screening.services import CARE_QUESTION_PATHS
from nieuwestart.trajectories.models import (
    Assignment,
    DetentionNotification,
    EventKind,
    ImportRow,
    Person,
    Trajectory,
    TrajectoryEvent,
)

# The placeholder of an anonymised person: no name, no birth date, a "BSN" that fails the
# elfproef and cannot collide with a real one (it starts with a letter).
ANONYMOUS_BIRTH_DATE = dt.date(1900, 1, 1)
ANONYMISED_SHEET_KEY = "geanonimiseerd"
CARE_FACTS = frozenset(
    fact.code for spec in SCHEMA.values() for fact in spec.facts if fact.category == CARE
)


def _count(deleted: tuple[int, dict[str, int]]) -> int:
    return deleted[0]


def _blank(queryset: Any, **values: Any) -> int:
    """Set the values on the rows that still differ, so a second run changes nothing.

    `QuerySet.update` leaves `auto_now` columns alone: an anonymised row keeps its dates.
    """
    differs = Q()
    for name, value in values.items():
        differs |= ~Q(**{name: value}) if value is not None else Q(**{f"{name}__isnull": False})
    return int(queryset.filter(differs).update(**values))


def _placeholder_bsn(trajectory: Trajectory) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    number, text = trajectory.pk, ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return "X" + text.rjust(8, "0")[-8:]


def _scrub_sheets(trajectory: Trajectory) -> int:
    """Replace each sent information sheet by a marker.

    The sheet holds name, BSN, contacts, conditions and plan. What the indicators read of it
    (does the first sheet name a reachable casemanager) is kept as a yes/no marker.
    """
    changed = 0
    for sheet in InfoSheet.objects.filter(trajectory=trajectory):
        if isinstance(sheet.content, dict) and sheet.content.get(ANONYMISED_SHEET_KEY):
            continue
        casemanager = sheet.content.get("casemanager") if isinstance(sheet.content, dict) else None
        marker: dict[str, Any] = {ANONYMISED_SHEET_KEY: True}
        if isinstance(casemanager, dict):
            marker["casemanager"] = {
                "centraalContactpunt": bool(casemanager.get("centraalContactpunt", True)),
                "telefoon": "verwijderd" if casemanager.get("telefoon") else "",
                "email": "verwijderd" if casemanager.get("email") else "",
            }
        InfoSheet.objects.filter(pk=sheet.pk).update(
            content=marker, acknowledged_by=None, content_hash=""
        )
        changed += 1
    return changed


def _scrub_notifications(trajectory: Trajectory) -> int:
    """JustID's notifications and imported rows carry name, BSN and birth date."""
    changed = _blank(DetentionNotification.objects.filter(trajectory=trajectory), payload={})
    changed += _blank(ImportRow.objects.filter(trajectory=trajectory), data={}, errors=[])
    return changed


# --- identiteit ---------------------------------------------------------------------------------


def _identity(trajectory: Trajectory, action: str) -> int:
    person = Person.objects.get(pk=trajectory.person_id)
    changed = _scrub_notifications(trajectory) + _scrub_sheets(trajectory)
    if action == RetentionAction.DELETE:
        # Rows of other apps cascade with the trajectory (indicator facts included).
        changed += _count(trajectory.delete())
    elif person.bsn != _placeholder_bsn(trajectory):
        placeholder = Person.objects.create(
            bsn=_placeholder_bsn(trajectory),
            given_names="",
            surname_prefix="",
            surname="",
            birth_date=ANONYMOUS_BIRTH_DATE,
        )
        Trajectory.objects.filter(pk=trajectory.pk).update(person=placeholder)
        trajectory.person = placeholder
        changed += 1
    # The person goes with their last trajectory; a later trajectory keeps them.
    if not Trajectory.objects.filter(person=person).exists():
        changed += _count(person.delete())
    return changed


# --- detentie -----------------------------------------------------------------------------------


def _detention(trajectory: Trajectory, action: str) -> int:
    changed = _scrub_notifications(trajectory)
    changed += _blank(Trajectory.objects.filter(pk=trajectory.pk), unit="")
    changed += _count(Notification.objects.filter(trajectory=trajectory).delete())
    changed += _blank(Closure.objects.filter(trajectory=trajectory), note="", closed_by=None)
    events = TrajectoryEvent.objects.filter(trajectory=trajectory)
    if action == RetentionAction.DELETE:
        changed += _count(events.delete())
        changed += _count(DetentionNotification.objects.filter(trajectory=trajectory).delete())
        return changed
    changed += _blank(events, reason="", actor=None)
    # Assignment events name professionals.
    changed += _blank(events.filter(kind=EventKind.ASSIGNMENT), from_value="", to_value="")
    return changed


# --- contacten ----------------------------------------------------------------------------------


def _contacts(trajectory: Trajectory, action: str) -> int:
    changed = _count(Assignment.objects.filter(trajectory=trajectory).delete())
    changed += _scrub_sheets(trajectory)
    meetings = Meeting.objects.filter(trajectory=trajectory)
    changed += _blank(meetings, location="", online_link="", created_by=None, recorded_by=None)
    participants = Participant.objects.filter(meeting__trajectory=trajectory)
    if action == RetentionAction.DELETE:
        changed += _count(participants.delete())
    else:
        # Kind, organisation and attendance stay: the attendance indicators count them.
        changed += _blank(participants, name="", user=None)
    return changed


# --- basisvoorwaarden ---------------------------------------------------------------------------


def _conditions(trajectory: Trajectory, action: str) -> int:
    changed = _scrub_sheets(trajectory)
    if action == RetentionAction.DELETE:
        changed += _count(Screening.objects.filter(trajectory=trajectory).delete())
        changed += _count(Handover.objects.filter(trajectory=trajectory).delete())
        changed += _count(ReleaseOutcome.objects.filter(trajectory=trajectory).delete())
        return changed
    screening = Screening.objects.filter(trajectory=trajectory)
    changed += _blank(
        screening,
        own_words="",
        language_needs="",
        completed_by=None,
        updated_by=None,
    )
    assessments = DomainAssessment.objects.filter(screening__trajectory=trajectory)
    changed += _blank(assessments, help_question="", acting_note="", facts={}, updated_by=None)
    changed += _count(Contribution.objects.filter(assessment__in=assessments).delete())
    changed += _count(ScreeningChange.objects.filter(screening__trajectory=trajectory).delete())
    changed += _count(HandoverCheck.objects.filter(handover__trajectory=trajectory).delete())
    changed += _blank(
        ReleaseOutcome.objects.filter(trajectory=trajectory), note="", recorded_by=None
    )
    return changed


# --- plan ---------------------------------------------------------------------------------------

PLAN_TEXTS = (
    "reintegration_goals",
    "behaviour_goals",
    "activities",
    "leave",
    "guidance",
    "agreements",
    "case_lead_agreement",
    "monitoring",
    "probation_advice",
)


def _plan(trajectory: Trajectory, action: str) -> int:
    changed = _scrub_sheets(trajectory)
    if action == RetentionAction.DELETE:
        changed += _count(Plan.objects.filter(trajectory=trajectory).delete())
        changed += _count(Meeting.objects.filter(trajectory=trajectory).delete())
        changed += _count(Referral.objects.filter(trajectory=trajectory).delete())
        changed += _count(InfoSheet.objects.filter(trajectory=trajectory).delete())
        return changed
    plan = Plan.objects.filter(trajectory=trajectory)
    changed += _blank(plan, probation_advice_by=None, **dict.fromkeys(PLAN_TEXTS, ""))
    tasks = PlanTask.objects.filter(plan__trajectory=trajectory)
    changed += _blank(tasks, what="", person_name="", assignee=None, created_by=None)
    changed += _blank(
        PlanVersion.objects.filter(plan__trajectory=trajectory),
        snapshot={},
        note="",
        established_by=None,
    )
    changed += _count(PlanChange.objects.filter(plan__trajectory=trajectory).delete())
    changed += _blank(Meeting.objects.filter(trajectory=trajectory), cancel_reason="")
    changed += _blank(
        AgendaItem.objects.filter(meeting__trajectory=trajectory), title="", minutes=""
    )
    changed += _blank(
        Decision.objects.filter(meeting__trajectory=trajectory), text="", assignee=None
    )
    changed += _blank(
        Referral.objects.filter(trajectory=trajectory),
        provider="",
        provider_city="",
        note="",
        updated_by=None,
    )
    return changed


# --- zorginhoud ---------------------------------------------------------------------------------

# The plan section that holds care (`Plan.guidance`), by its key in snapshots and change records.
CARE_SECTION = next(s.key for s in SECTIONS if s.field == "guidance")
CARE_DOMAIN = PlanDomain.CARE.value


def _is_care_screening_path(path: str) -> bool:
    """A screening change that names care content: the care help question and acting note, or a
    care fact of any domain (`domeinen.zorg.feiten.verslaving`). The care domain's status and
    acting partner are not care content and stay with the screening's history."""
    if path in CARE_QUESTION_PATHS:
        return True
    parts = path.split(".")
    return (
        len(parts) == 4
        and parts[0] == "domeinen"
        and parts[2] == "feiten"
        and (parts[3] in CARE_FACTS)
    )


def _care_free_snapshot(snapshot: Any) -> Any:
    """A plan snapshot (`plans.snapshots.plan_snapshot`) without the guidance text and without
    the description of care tasks; everything else as it was."""
    if not isinstance(snapshot, dict) or not snapshot:
        return snapshot
    result = dict(snapshot)
    if result.get(CARE_SECTION):
        result[CARE_SECTION] = ""
    tasks = result.get(TASKS)
    if isinstance(tasks, list):
        result[TASKS] = [
            {**task, "wat": ""}
            if isinstance(task, dict) and task.get("domein") == CARE_DOMAIN
            else task
            for task in tasks
        ]
    return result


def _care_free_record(record: Any) -> Any:
    """A plan change record (`snapshots.Change.as_record`) without care content: a guidance
    change keeps only that it happened; a care task keeps its kind, domain and organisation, not
    its description or old and new values."""
    if not isinstance(record, dict):
        return record
    if record.get("sectie") == CARE_SECTION:
        return {**record, "oud": "", "nieuw": ""}
    if record.get("sectie") == TASKS and record.get("domein") == CARE_DOMAIN:
        return {**record, "taak": "", "oud": "", "nieuw": ""}
    return record


def _scrub_care_history(trajectory: Trajectory) -> int:
    """Care content in the plan's versions, the plan's change records and the screening's change
    records. These are JSON copies of the live rows, so they are rewritten row by row."""
    changed = 0
    for version in PlanVersion.objects.filter(plan__trajectory=trajectory):
        snapshot = _care_free_snapshot(version.snapshot)
        if snapshot != version.snapshot:
            PlanVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)
            changed += 1
    for plan_change in PlanChange.objects.filter(plan__trajectory=trajectory):
        records = plan_change.changes if isinstance(plan_change.changes, list) else []
        cleaned = [_care_free_record(record) for record in records]
        if cleaned != records:
            PlanChange.objects.filter(pk=plan_change.pk).update(changes=cleaned)
            changed += 1
    for screening_change in ScreeningChange.objects.filter(screening__trajectory=trajectory):
        entries = screening_change.changes if isinstance(screening_change.changes, list) else []
        kept = [
            entry
            for entry in entries
            if not (isinstance(entry, dict) and _is_care_screening_path(str(entry.get("path"))))
        ]
        if kept != entries:
            ScreeningChange.objects.filter(pk=screening_change.pk).update(changes=kept)
            changed += 1
    return changed


def _care(trajectory: Trajectory, action: str) -> int:
    """Care content only: care facts, the care help question, care notes and care referrals,
    with their copies in the plan's versions and change records, the screening's change records
    and the care items of meetings (agenda items and decisions under `zorg`).

    `anonimiseren` and `verwijderen` differ only for care referrals: anonymising keeps the
    referral's kind, status and dates, deleting removes the referral.
    """
    changed = 0
    for assessment in DomainAssessment.objects.filter(screening__trajectory=trajectory):
        facts = assessment.facts if isinstance(assessment.facts, dict) else {}
        kept = {code: value for code, value in facts.items() if code not in CARE_FACTS}
        if kept != facts:
            DomainAssessment.objects.filter(pk=assessment.pk).update(facts=kept)
            changed += 1
    care = DomainAssessment.objects.filter(screening__trajectory=trajectory, domain=Domain.CARE)
    changed += _blank(care, help_question="", acting_note="")
    changed += _count(Contribution.objects.filter(assessment__in=care).delete())
    changed += _blank(Plan.objects.filter(trajectory=trajectory), guidance="")
    changed += _blank(
        PlanTask.objects.filter(plan__trajectory=trajectory, domain=PlanDomain.CARE), what=""
    )
    changed += _scrub_care_history(trajectory)
    changed += _blank(
        AgendaItem.objects.filter(meeting__trajectory=trajectory, domain=CARE_DOMAIN),
        title="",
        minutes="",
    )
    changed += _blank(
        Decision.objects.filter(meeting__trajectory=trajectory, domain=CARE_DOMAIN), text=""
    )
    changed += _count(
        HandoverCheck.objects.filter(handover__trajectory=trajectory, condition="zorg").delete()
    )
    changed += _blank(
        ReleaseOutcome.objects.filter(trajectory=trajectory, condition="zorg"), note=""
    )
    referrals = Referral.objects.filter(trajectory=trajectory, condition=Condition.CARE)
    if action == RetentionAction.DELETE:
        changed += _count(referrals.delete())
    else:
        changed += _blank(referrals, provider="", provider_city="", note="")
    return changed


HANDLERS: dict[str, Callable[[Trajectory, str], int]] = {
    Category.CARE_DETAILS: _care,
    Category.CONDITIONS: _conditions,
    Category.PLAN: _plan,
    Category.CONTACTS: _contacts,
    Category.DETENTION: _detention,
    Category.IDENTITY: _identity,
}


def category_remove(*, trajectory: Trajectory, category: str, action: str) -> int:
    """Remove one category of one (locked) trajectory; the number of rows changed or deleted."""
    return HANDLERS[category](trajectory, action)
