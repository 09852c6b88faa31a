"""Reads for the information sheet: the sheet generated from what is registered, and its versions.

Rules (DOMAIN.md, "The information sheet" and "Sharing personal data"; report §3.1, §3.4):
- Nothing on the sheet is typed again: every field comes from the trajectory, its people, the
  screening and the D&R-plan.
- The sheet answers the report's complaints: it always names the casemanager with phone and
  e-mail (or, while nobody is named, the PI's central contact point, marked as such), the
  expected release date, the concrete help question per basic condition (not yes/no), the LVB
  and short-stay flags, probation and how to reach it, and what the PI asks of the municipality.
- The recipient is the municipality, so the sheet is built as the municipality may see it:
  the screening and the plan are read through their own selectors *as the municipality*
  (`recipient_viewer`). On top of that, care appears only as "zorg nodig na vrijlating" (no
  facts, no help-question text, care tasks as "Vervolg van zorg na detentie"), and the plan's
  goals (behaviour), guidance and probation's advice are left out altogether. Nothing records
  a risk signal yet; when something does, the sheet may carry the signal only, never the
  content (policy: risico = signaal).
- `build_sheet` returns a plain JSON-able dict with Dutch keys. It is the API's JSON and the
  snapshot stored when the sheet is sent, so it holds no timestamps of its own: the same
  registered facts give the same dict and the same hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils import translation

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import Role, User
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import PlanDomain, PlanTaskStatus
from nieuwestart.plans.sections import HIDDEN_CARE_TASK
from nieuwestart.plans.selectors import (
    PlanRows,
    PlanView,
    TaskView,
    open_tasks_for_organisation,
    plan_view,
)
from nieuwestart.screening.models import Domain, Partner
from nieuwestart.screening.selectors import ScreeningRows, ScreeningView, screening_view
from nieuwestart.trajectories.models import Assignment, Involvement, InvolvementKind, Trajectory

# What a sheet holds: the categories of every log row about it (reads, exports, writes).
SHEET_CATEGORIES: tuple[Category, ...] = (
    Category.IDENTITY,
    Category.DETENTION,
    Category.CONTACTS,
    Category.CONDITIONS,
    Category.PLAN,
)
CARE_NEEDED_TEXT = "Zorg nodig na vrijlating."
# Agreements of the joint meeting that the sheet repeats (plans.sections keys).
AGREEMENT_KEYS = ("gezamenlijkOverlegOp", "afspraken", "afspraakCasusregie", "monitoring")


# --- Helpers -------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _org(organisation: Organisation | None) -> dict[str, str] | None:
    if organisation is None:
        return None
    return {"code": organisation.code, "naam": organisation.name}


def _contact_point(organisation: Organisation) -> dict[str, str]:
    return {
        "telefoon": organisation.contact_phone,
        "email": organisation.contact_email,
        "bereikbaar": organisation.contact_hours,
    }


class SheetRows(ScreeningRows, PlanRows, Protocol):
    """The rows a caller has read already (`deadlines.selectors.TrajectoryRecord` read with
    `page=True`): besides the screening and the plan, the trajectory's active involvements
    (with `organisation`) and active assignments (with `user` and `organisation`)."""

    involvements: list[Involvement] | None
    assignments: list[Assignment] | None


def _active_assignment(
    trajectory: Trajectory, role: str, rows: SheetRows | None = None
) -> Assignment | None:
    if rows is not None and rows.assignments is not None:
        # At most one active assignment per role (constraint one_active_assignment_per_role).
        return next((a for a in rows.assignments if a.role == role), None)
    return (
        Assignment.objects.filter(trajectory=trajectory, role=role, active=True)
        .select_related("user", "organisation")
        .first()
    )


def recipient_viewer(trajectory: Trajectory) -> User:
    """The municipality as a reader: an unsaved user whose organisation and role decide what
    the screening and plan selectors show. The sheet is built as the recipient may see it."""
    return User(
        username="informatieblad-ontvanger",
        organisation=trajectory.return_municipality,
        role=Role.AFTERCARE_COORDINATOR,
    )


# --- Sections from the trajectory ------------------------------------------------------------


def _person(trajectory: Trajectory) -> dict[str, Any]:
    person = trajectory.person
    return {
        "naam": person.full_name,
        "voornamen": person.given_names,
        "voorvoegsel": person.surname_prefix,
        "geslachtsnaam": person.surname,
        "geboortedatum": _iso(person.birth_date),
        "bsn": person.bsn,
    }


def _detention(trajectory: Trajectory) -> dict[str, Any]:
    return {
        "inrichting": _org(trajectory.prison),
        "afdeling": trajectory.unit,
        "startdatum": _iso(trajectory.start_date),
        "verwachteEinddatum": _iso(trajectory.expected_end_date),
        "einddatum": _iso(trajectory.end_date),
        "fase": trajectory.phase,
        "faseOmschrijving": str(trajectory.get_phase_display()),
    }


def _casemanager(trajectory: Trajectory, rows: SheetRows | None) -> dict[str, Any]:
    """The named casemanager; while there is none, the PI's central contact point, marked."""
    assignment = _active_assignment(trajectory, Role.CASEMANAGER, rows)
    if assignment is not None:
        user = assignment.user
        return {
            "centraalContactpunt": False,
            "naam": user.display_name,
            "telefoon": user.phone,
            "email": user.email,
            "bereikbaar": "",
            "organisatie": _org(assignment.organisation),
        }
    prison = trajectory.prison
    return {
        "centraalContactpunt": True,
        "naam": "Centraal contactpunt",
        **_contact_point(prison),
        "organisatie": _org(prison),
    }


def _probation(trajectory: Trajectory, rows: SheetRows | None) -> dict[str, Any]:
    if rows is not None and rows.involvements is not None:
        # At most one active involvement per kind (one_active_involvement_per_kind).
        involvement = next(
            (i for i in rows.involvements if i.kind == InvolvementKind.PROBATION), None
        )
    else:
        involvement = (
            Involvement.objects.filter(
                trajectory=trajectory, kind=InvolvementKind.PROBATION, active=True
            )
            .select_related("organisation")
            .first()
        )
    if involvement is None:
        return {
            "betrokken": False,
            "omschrijving": "Geen reclassering betrokken.",
            "organisatie": None,
            "contactpunt": None,
            "contactpersoon": None,
        }
    organisation = involvement.organisation
    officer = _active_assignment(trajectory, Role.PROBATION_OFFICER, rows)
    person = None
    if officer is not None and officer.organisation_id == organisation.pk:
        person = {
            "naam": officer.user.display_name,
            "telefoon": officer.user.phone,
            "email": officer.user.email,
        }
    return {
        "betrokken": True,
        "omschrijving": f"{organisation.name} is betrokken.",
        "organisatie": _org(organisation),
        "contactpunt": _contact_point(organisation),
        "contactpersoon": person,
    }


def _municipality(trajectory: Trajectory, rows: SheetRows | None) -> dict[str, Any]:
    coordinator = _active_assignment(trajectory, Role.AFTERCARE_COORDINATOR, rows)
    return {
        **(_org(trajectory.return_municipality) or {}),
        "bevestigd": trajectory.return_municipality_confirmed,
        "nazorgcoordinator": {
            "naam": coordinator.user.display_name,
            "telefoon": coordinator.user.phone,
            "email": coordinator.user.email,
            "organisatie": _org(coordinator.organisation),
        }
        if coordinator is not None
        else None,
    }


def _leads(trajectory: Trajectory) -> dict[str, Any]:
    return {"casusregie": _org(trajectory.case_lead), "procesregie": _org(trajectory.process_lead)}


# --- Sections from the screening and the plan ------------------------------------------------


def _conditions(screening: ScreeningView) -> list[dict[str, Any]]:
    """Status, help question, facts and acting partner per domain; care only as a signal."""
    rows = []
    for domain in screening.domains:
        row: dict[str, Any] = {
            "code": domain.code,
            "naam": domain.label,
            "status": domain.status,
            "statusOmschrijving": domain.status_label,
            "hulpvraag": domain.help_question.strip(),
            "feiten": [{"naam": label, "waarde": value} for label, value in domain.facts],
            "uitvoerendePartner": {
                "code": domain.acting_partner,
                "naam": domain.acting_partner_label,
                "toelichting": domain.acting_note,
            }
            if domain.acting_partner
            else None,
        }
        if domain.code == Domain.CARE:
            # The municipality sees care only as a signal (policy: zorginhoud = signaal), so
            # no facts and no help-question text: they could name a diagnosis or an addiction.
            row["zorgNodigNaVrijlating"] = domain.care_signal
            row["hulpvraag"] = CARE_NEEDED_TEXT if domain.care_signal else ""
            row["feiten"] = []
            if row["uitvoerendePartner"] is not None:
                row["uitvoerendePartner"]["toelichting"] = ""
        rows.append(row)
    return rows


def _flags(screening: ScreeningView) -> dict[str, Any]:
    return {
        "lvb": screening.lvb,
        "eersteDetentie": screening.first_detention,
        "kortVerblijf": screening.short_stay,
        "zeerKortVerblijf": screening.very_short_stay,
        "taalbehoeften": screening.language_needs,
        "leesbehoeften": screening.reading_needs,
    }


def _task(task: TaskView) -> dict[str, Any]:
    care = task.domain == PlanDomain.CARE
    return {
        "basisvoorwaarde": task.domain,
        "basisvoorwaardeNaam": task.domain_label,
        # Care tasks as the plan shows care to a summary reader: that care continues, not what.
        "wat": str(HIDDEN_CARE_TASK) if care else task.what,
        "organisatie": task.organisation_name,
        "persoon": task.assignee_name or task.person_name,
        "uiterlijk": _iso(task.due_date),
        "status": task.status,
        "statusOmschrijving": task.status_label,
    }


def _asks(
    trajectory: Trajectory,
    screening: ScreeningView,
    conditions: list[dict[str, Any]],
    rows: SheetRows | None,
) -> dict[str, list[dict[str, Any]]]:
    """What the PI asks of the municipality: the help questions the municipality acts on, and
    the plan's open tasks for the municipality (or the safety house that coordinates for it)."""
    by_code = {c["code"]: c for c in conditions}
    questions = [
        {
            "basisvoorwaarde": d.code,
            "basisvoorwaardeNaam": d.label,
            "hulpvraag": by_code[d.code]["hulpvraag"],
        }
        for d in screening.domains
        if d.acting_partner == Partner.MUNICIPALITY and by_code[d.code]["hulpvraag"]
    ]
    organisations = [trajectory.return_municipality]
    if trajectory.process_lead_id != trajectory.return_municipality_id:
        organisations.append(trajectory.process_lead)
    tasks = [
        _task(task)
        for organisation in organisations
        for task in open_tasks_for_organisation(
            trajectory,
            organisation,
            tasks=rows.tasks if rows is not None else None,
        )
    ]
    return {"hulpvragen": questions, "taken": tasks}


def _plan_summary(plan: PlanView) -> dict[str, Any]:
    """Status and the agreements of the joint meeting; never the goals (behaviour goals are
    offence-and-behaviour data the municipality does not get), nor probation's advice."""
    if not plan.exists:
        return {
            "status": "geen",
            "statusOmschrijving": "Nog geen D&R-plan",
            "vastgesteldeVersie": None,
            "overlegElkeWeken": None,
            "afspraken": [],
        }
    return {
        "status": plan.status,
        "statusOmschrijving": plan.status_label,
        "vastgesteldeVersie": plan.established_version,
        "overlegElkeWeken": plan.meeting_frequency_weeks,
        "afspraken": [
            {"naam": s.label, "tekst": s.text}
            for s in plan.agreements
            if s.key in AGREEMENT_KEYS and not s.summarised and s.value
        ],
    }


# --- The sheet -----------------------------------------------------------------------------


def build_sheet(trajectory: Trajectory, *, rows: SheetRows | None = None) -> dict[str, Any]:
    """The information sheet as the municipality may see it, generated from what is registered.

    Labels are Dutch whatever the reader's language: the sheet is a document sent between
    organisations, and its hash must not depend on who looks at it. `rows`: what the caller
    has read of the trajectory already (the trajectory page); the same sheet either way.
    """
    with translation.override("nl"):
        viewer = recipient_viewer(trajectory)
        screening = screening_view(trajectory, viewer, rows=rows)
        conditions = _conditions(screening)
        return {
            "persoon": _person(trajectory),
            "detentie": _detention(trajectory),
            "casemanager": _casemanager(trajectory, rows),
            "reclassering": _probation(trajectory, rows),
            "terugkeergemeente": _municipality(trajectory, rows),
            "regie": _leads(trajectory),
            "kenmerken": _flags(screening),
            "basisvoorwaarden": conditions,
            "vraagAanGemeente": _asks(trajectory, screening, conditions, rows),
            "plan": _plan_summary(plan_view(trajectory, viewer, rows=rows)),
        }


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def versions(trajectory: Trajectory) -> QuerySet[InfoSheet]:
    """Sent versions, newest first."""
    return InfoSheet.objects.filter(trajectory=trajectory).select_related(
        "sent_by",
        "sent_by_organisation",
        "recipient",
        "acknowledged_by",
        "acknowledged_organisation",
    )


def latest_version(trajectory: Trajectory) -> InfoSheet | None:
    return versions(trajectory).order_by("-number").first()


def version(trajectory: Trajectory, number: int) -> InfoSheet | None:
    return versions(trajectory).filter(number=number).first()


def new_version_available(trajectory: Trajectory) -> bool:
    """Is there something to send? True when the generated sheet differs from the last sent
    version (the plan, the screening or the contacts changed), or when none was sent yet."""
    latest = latest_version(trajectory)
    if latest is None:
        return True
    return content_hash(build_sheet(trajectory)) != latest.content_hash


@dataclass(frozen=True)
class SheetState:
    """The current sheet with its versions, as the sheet page and the API show it."""

    content: dict[str, Any]
    versions: list[InfoSheet]
    latest: InfoSheet | None
    new_version_available: bool
    changed_sections: list[str]


def sheet_state(trajectory: Trajectory) -> SheetState:
    content = build_sheet(trajectory)
    all_versions = list(versions(trajectory).order_by("-number"))
    latest = all_versions[0] if all_versions else None
    changed: list[str] = []
    if latest is not None:
        changed = [key for key in content if content.get(key) != latest.content.get(key)]
    return SheetState(
        content=content,
        versions=all_versions,
        latest=latest,
        new_version_available=latest is None or content_hash(content) != latest.content_hash,
        changed_sections=changed,
    )


@dataclass(frozen=True)
class SheetSummary:
    """For the trajectory page: the last version sent and whether a new one is due."""

    latest: InfoSheet | None
    new_version_available: bool


def sheet_summary(trajectory: Trajectory) -> SheetSummary:
    return sheet_summary_from(trajectory, latest_version(trajectory))


def sheet_summary_from(
    trajectory: Trajectory, latest: InfoSheet | None, *, rows: SheetRows | None = None
) -> SheetSummary:
    """`sheet_summary` with the last sent version as the caller read it (with `recipient`;
    its `content` may be deferred), or None when none was sent; `rows` as for `build_sheet`."""
    return SheetSummary(
        latest=latest,
        new_version_available=latest is None
        or content_hash(build_sheet(trajectory, rows=rows)) != latest.content_hash,
    )


# --- "Mijn plan" for the detainee ----------------------------------------------------------

# Everyday words next to each pictogram (B1), for the detainee rather than the professional.
MY_PLAN_LABELS: dict[str, str] = {
    Domain.ID: "ID-kaart of paspoort",
    Domain.HOUSING: "Wonen",
    Domain.INCOME: "Werk en inkomen",
    Domain.FINANCES: "Geld en schulden",
    Domain.CARE: "Zorg en gezondheid",
    Domain.SOCIAL_NETWORK: "Familie en vrienden",
    PlanDomain.GENERAL: "Andere afspraken",
}


@dataclass(frozen=True)
class MyTask:
    """Something the detainee does; `helper` names who helps with it, if anyone."""

    what: str
    due: dt.date | None
    done: bool
    helper: str = ""


@dataclass(frozen=True)
class Helper:
    """Something a professional does for the detainee."""

    name: str
    organisation: str
    what: str
    due: dt.date | None
    done: bool


@dataclass(frozen=True)
class MyDomain:
    code: str
    label: str
    status: str
    own_tasks: list[MyTask]
    helpers: list[Helper]


@dataclass(frozen=True)
class MyPlan:
    first_name: str
    full_name: str
    release_date: dt.date | None
    casemanager_name: str
    prison_name: str
    own_words: str
    domains: list[MyDomain]


def _by_due(item: MyTask | Helper) -> tuple[bool, dt.date]:
    return (item.done, item.due or dt.date.max)


def my_plan(trajectory: Trajectory, viewer: User) -> MyPlan:
    """The detainee's own plan in plain words: per basic condition what they do themselves,
    who helps them and by when. Read through the screening and plan selectors as `viewer` (the
    professional who prints it), so it never shows more than that professional may see."""
    with translation.override("nl"):
        screening = screening_view(trajectory, viewer)
        plan = plan_view(trajectory, viewer)
    statuses = {d.code: d.status for d in screening.domains}
    own: dict[str, list[MyTask]] = {}
    helpers: dict[str, list[Helper]] = {}
    for task in plan.tasks:
        done = task.status == PlanTaskStatus.DONE
        who = task.assignee_name or task.person_name
        if task.for_detainee:
            helper = f"{who} ({task.organisation_name})" if who else task.organisation_name
            own.setdefault(task.domain, []).append(
                MyTask(what=task.what, due=task.due_date, done=done, helper=helper)
            )
        elif task.organisation_name or who:
            helpers.setdefault(task.domain, []).append(
                Helper(
                    name=who,
                    organisation=task.organisation_name,
                    what=task.what,
                    due=task.due_date,
                    done=done,
                )
            )
    codes = [code for code, _label in Domain.choices]
    if own.get(PlanDomain.GENERAL) or helpers.get(PlanDomain.GENERAL):
        codes.append(PlanDomain.GENERAL)
    domains = [
        MyDomain(
            code=code,
            label=MY_PLAN_LABELS[code],
            status=statuses.get(code, ""),
            own_tasks=sorted(own.get(code, []), key=_by_due),
            helpers=sorted(helpers.get(code, []), key=_by_due),
        )
        for code in codes
    ]
    casemanager = _active_assignment(trajectory, Role.CASEMANAGER)
    return MyPlan(
        first_name=trajectory.person.given_names.split(" ")[0],
        full_name=trajectory.person.full_name,
        release_date=trajectory.expected_end_date,
        casemanager_name=casemanager.user.display_name if casemanager else "",
        prison_name=trajectory.prison.name,
        own_words=screening.own_words,
        domains=domains,
    )
