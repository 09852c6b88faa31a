"""Snapshots of the D&R-plan and what changed between two of them.

A snapshot is a plain dict with the API's Dutch keys: every section (`sections.SECTIONS`) and
`taken`, a list of tasks keyed by their id. Established versions store one (PlanVersion); every
write compares the plan before and after (PlanChange). `diff_snapshots` is pure: it needs no
database, so it is tested on plain dicts.

Changes are records a person can read: which section or task, added, removed or changed, and
the old and new values as text. Long texts are kept out of the stored records
(`Change.as_record`), so the conflict message names them without repeating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from nieuwestart.plans.models import PlanDomain, PlanStatus, PlanTaskStatus
from nieuwestart.plans.sections import (
    DATE,
    HIDDEN_CARE_TASK,
    NUMBER,
    SECTION_BY_KEY,
    SECTIONS,
    TEXT,
)

if TYPE_CHECKING:
    from nieuwestart.plans.models import Plan, PlanTask

TASKS = "taken"
STATUS = "status"
SHORT_TEXT = 120


class ChangeKind(models.TextChoices):
    ADDED = "toegevoegd", _("toegevoegd")
    REMOVED = "verwijderd", _("verwijderd")
    CHANGED = "gewijzigd", _("gewijzigd")


# Task fields compared by the diff, in the order a person reads them.
TASK_FIELDS: tuple[tuple[str, Any], ...] = (
    ("domein", _("Basisvoorwaarde")),
    ("wat", _("Wat")),
    ("organisatie", _("Organisatie")),
    ("doetPersoonZelf", _("Doet de persoon zelf")),
    ("persoon", _("Naam")),
    ("uiterlijk", _("Uiterlijk")),
    ("status", _("Status")),
)


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots.

    section: a section key, "taken" for a task, or "status" for an establishment.
    kind: a ChangeKind value. old/new: the values as text ("" when absent or left out).
    task/domain/organisation: for a task, what it is, its basic condition and the code of the
    organisation that does it.
    """

    section: str
    kind: str
    old: str = ""
    new: str = ""
    task: str = ""
    domain: str = ""
    organisation: str = ""

    @property
    def label(self) -> str:
        if self.section == TASKS:
            domain = PlanDomain(self.domain).label if self.domain in PlanDomain.values else ""
            return (
                gettext("Taak bij %(domain)s") % {"domain": domain} if domain else gettext("Taak")
            )
        if self.section == STATUS:
            return gettext("Status van het plan")
        section = SECTION_BY_KEY.get(self.section)
        return str(section.label) if section else self.section

    @property
    def kind_label(self) -> str:
        return str(ChangeKind(self.kind).label) if self.kind in ChangeKind.values else self.kind

    @property
    def is_long_text(self) -> bool:
        section = SECTION_BY_KEY.get(self.section)
        return section is not None and section.kind == TEXT

    def as_record(self) -> dict[str, str]:
        """For PlanChange: long texts left out, short values cut to 120 characters."""
        keep = not self.is_long_text
        return {
            "sectie": self.section,
            "soort": self.kind,
            "oud": _short(self.old) if keep else "",
            "nieuw": _short(self.new) if keep else "",
            "taak": _short(self.task),
            "domein": self.domain,
            "organisatie": self.organisation,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, str]) -> Change:
        return cls(
            section=record.get("sectie", ""),
            kind=record.get("soort", ""),
            old=record.get("oud", ""),
            new=record.get("nieuw", ""),
            task=record.get("taak", ""),
            domain=record.get("domein", ""),
            organisation=record.get("organisatie", ""),
        )

    def as_api(self) -> dict[str, str]:
        return {
            "sectie": self.section,
            "label": self.label,
            "soort": self.kind,
            "taak": self.task,
            "oud": self.old,
            "nieuw": self.new,
        }


def _short(value: str) -> str:
    return value if len(value) <= SHORT_TEXT else value[: SHORT_TEXT - 1] + "…"


# --- Building a snapshot ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def task_snapshot(task: PlanTask) -> dict[str, Any]:
    organisation = task.organisation
    assignee = task.assignee
    return {
        "id": str(task.uuid),
        "domein": task.domain,
        "wat": task.what,
        "organisatie": {"code": organisation.code, "naam": organisation.name}
        if organisation is not None
        else None,
        "doetPersoonZelf": task.for_detainee,
        "persoon": task.person_name or (assignee.display_name if assignee is not None else ""),
        "uitvoerder": str(assignee.uuid) if assignee is not None else None,
        "uiterlijk": _plain(task.due_date),
        "status": task.status,
    }


def plan_snapshot(plan: Plan, tasks: Iterable[PlanTask]) -> dict[str, Any]:
    """The whole plan as a plain dict with Dutch keys (the API's names)."""
    data: dict[str, Any] = {s.key: _plain(getattr(plan, s.field)) for s in SECTIONS}
    by = plan.probation_advice_by
    organisation = plan.probation_advice_organisation
    data["reclasseringsadviesDoor"] = (
        f"{by.display_name} ({organisation.name})" if by and organisation else ""
    )
    data["reclasseringsadviesOp"] = (
        plan.probation_advice_at.isoformat() if plan.probation_advice_at else None
    )
    data[TASKS] = [task_snapshot(t) for t in tasks]
    return data


# --- Showing values ---------------------------------------------------------------------------


def _date_text(value: Any) -> str:
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value)


def section_text(key: str, value: Any) -> str:
    """A section's value as a person reads it ("" when empty)."""
    section = SECTION_BY_KEY.get(key)
    if value in (None, ""):
        return ""
    if section is not None and section.kind == NUMBER:
        count = int(value)
        return ngettext("elke week", "elke %(count)d weken", count) % {"count": count}
    if section is not None and section.kind == DATE:
        return _date_text(value)
    return str(value)


def task_field_text(name: str, value: Any) -> str:
    if name == "domein":
        return str(PlanDomain(value).label) if value in PlanDomain.values else str(value or "")
    if name == "organisatie":
        return str(value.get("naam", "")) if isinstance(value, Mapping) else ""
    if name == "doetPersoonZelf":
        return gettext("ja") if value else gettext("nee")
    if name == "uiterlijk":
        return _date_text(value)
    if name == "status":
        return str(PlanTaskStatus(value).label) if value in PlanTaskStatus.values else str(value)
    return str(value or "")


def task_who(task: Mapping[str, Any]) -> str:
    """Who does a task, in words: "De persoon zelf, met Enschede (Carol Test)"."""
    organisation = task_field_text("organisatie", task.get("organisatie"))
    person = str(task.get("persoon") or "")
    by = ", ".join(p for p in (organisation, person) if p)
    if task.get("doetPersoonZelf"):
        return (
            gettext("De persoon zelf, met %(by)s") % {"by": by}
            if by
            else gettext("De persoon zelf")
        )
    return by


def _task_summary(task: Mapping[str, Any], names: Iterable[str]) -> str:
    parts = []
    for name, label in TASK_FIELDS:
        if name not in names:
            continue
        text = task_field_text(name, task.get(name)) or gettext("(leeg)")
        parts.append(f"{label}: {text}")
    return "; ".join(parts)


def status_change(old_status: str, number: int) -> Change:
    return Change(
        section=STATUS,
        kind=ChangeKind.CHANGED,
        old=str(PlanStatus(old_status).label),
        new=gettext("Vastgesteld als versie %(number)d") % {"number": number},
    )


# --- Comparing two snapshots ------------------------------------------------------------------


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _is_empty(value: Any) -> bool:
    return value in (None, "")


def _task_value(task: Mapping[str, Any], name: str) -> Any:
    value = task.get(name)
    if name == "organisatie":
        return value.get("code") if isinstance(value, Mapping) else None
    return _norm(value)


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """What changed from `old` to `new`: sections first (in plan order), then tasks.

    A section that was empty and is filled is "added", the reverse "removed", anything else
    "changed". Tasks are matched on their id: new ids are added, missing ids removed, and for a
    task in both, the fields that differ are listed with their old and new values.
    """
    changes: list[Change] = []
    for section in SECTIONS:
        before, after = _norm(old.get(section.key)), _norm(new.get(section.key))
        if before == after or (_is_empty(before) and _is_empty(after)):
            continue
        kind = (
            ChangeKind.ADDED
            if _is_empty(before)
            else ChangeKind.REMOVED
            if _is_empty(after)
            else ChangeKind.CHANGED
        )
        changes.append(
            Change(
                section=section.key,
                kind=kind,
                old=section_text(section.key, before),
                new=section_text(section.key, after),
            )
        )
    old_tasks = {str(t.get("id")): t for t in old.get(TASKS) or []}
    new_tasks = {str(t.get("id")): t for t in new.get(TASKS) or []}
    every = [name for name, _label in TASK_FIELDS]
    who = [n for n in every if n not in ("domein", "wat")]
    for task_id, task in new_tasks.items():
        previous = old_tasks.get(task_id)
        if previous is None:
            changes.append(_task_change(task, ChangeKind.ADDED, new=_task_summary(task, who)))
            continue
        differing = [n for n in every if _task_value(previous, n) != _task_value(task, n)]
        if differing:
            changes.append(
                _task_change(
                    task,
                    ChangeKind.CHANGED,
                    old=_task_summary(previous, differing),
                    new=_task_summary(task, differing),
                )
            )
    for task_id, task in old_tasks.items():
        if task_id not in new_tasks:
            changes.append(_task_change(task, ChangeKind.REMOVED, old=_task_summary(task, who)))
    return changes


def _task_change(task: Mapping[str, Any], kind: str, *, old: str = "", new: str = "") -> Change:
    return Change(
        section=TASKS,
        kind=kind,
        old=old,
        new=new,
        task=str(task.get("wat", "")),
        domain=str(task.get("domein", "")),
        organisation=str(_task_value(task, "organisatie") or ""),
    )


# --- What a summary reader may see ------------------------------------------------------------


def redact_changes(
    changes: Iterable[Change], *, summarised: frozenset[str], hide_care_tasks_except: str | None
) -> list[Change]:
    """The changes as a reader may see them.

    Values of `summarised` sections are left out (the label stays). With
    `hide_care_tasks_except` set to an organisation code, the content of care tasks is left out
    unless that organisation does the task ("" hides all of them; None hides none).
    """
    result = []
    for change in changes:
        if change.section in summarised:
            change = replace(change, old="", new="")
        elif (
            change.section == TASKS
            and change.domain == "zorg"
            and hide_care_tasks_except is not None
            and change.organisation != hide_care_tasks_except
        ):
            change = replace(change, old="", new="", task=str(HIDDEN_CARE_TASK))
        result.append(change)
    return result
