"""The agenda proposal: what a meeting should discuss, from the plan and the timeline.

Rule: a meeting discusses every open task of the D&R-plan (status not `klaar`) and every
deadline of the handreiking that is late, or open and due before `until` (usually six weeks
after the meeting). Late deadlines come first, then deadlines by due date, then the tasks per
basic condition (soonest due first), then the fixed closing item "Rondvraag". The rolling
deadlines `mdo` and `trajectoverleg` are left out: the meeting itself meets them.

Pure: the caller passes the tasks and deadlines (meetings sits below deadlines in the layers,
so the views and the API pass `deadlines.selectors.deadlines_for(trajectory)`). Every item
keeps its source, so the reader's view can hide a care task as the plan does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from django.utils.translation import gettext as _

from nieuwestart.meetings.models import AgendaSource
from nieuwestart.plans.models import PlanDomain, PlanTaskStatus

ROLLING = frozenset({"mdo", "trajectoverleg"})
LATE = "te-laat"
OPEN = "open"
GENERAL = PlanDomain.GENERAL.value
DOMAIN_ORDER = {code: index for index, code in enumerate(PlanDomain.values)}

# The basic condition a deadline is about (for the care rule and the pack's grouping).
DEADLINE_DOMAINS: dict[str, str] = {
    "voor-vrijlating-id": "identiteit",
    "snelle-winst-id": "identiteit",
    "voor-vrijlating-uitkering": "inkomen",
    "snelle-winst-uitkering": "inkomen",
    "voor-vrijlating-huisvesting": "huisvesting",
    "snelle-winst-woning-behouden": "huisvesting",
    "snelle-winst-betalingsregeling": "financien",
    "voor-vrijlating-zorg": "zorg",
}


class TaskLike(Protocol):
    @property
    def uuid(self) -> UUID: ...
    @property
    def domain(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def due_date(self) -> dt.date | None: ...


class DeadlineLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def due(self) -> dt.date: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class ProposedItem:
    """One proposed agenda item. `key` identifies it in a form ("taak:<uuid>",
    "termijn:<code>", "vrij:<n>")."""

    title: str
    source: str
    source_ref: str = ""
    domain: str = GENERAL
    organisation_id: int | None = None
    due: dt.date | None = None
    late: bool = False

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_ref}"


def agenda_proposal(
    open_tasks: Iterable[TaskLike],
    due_deadlines: Iterable[DeadlineLike],
    *,
    until: dt.date | None = None,
) -> list[ProposedItem]:
    """The proposed agenda (see the module docstring). `until`: deadlines due after it are
    left out (None: all open ones)."""
    deadline_items = []
    for deadline in due_deadlines:
        if deadline.code in ROLLING or deadline.status not in (LATE, OPEN):
            continue
        if deadline.status == OPEN and until is not None and deadline.due > until:
            continue
        late = deadline.status == LATE
        title = deadline.label
        if late:
            title = _("%(label)s (te laat: uiterlijk %(date)s)") % {
                "label": deadline.label,
                "date": f"{deadline.due:%d-%m-%Y}",
            }
        else:
            title = _("%(label)s (uiterlijk %(date)s)") % {
                "label": deadline.label,
                "date": f"{deadline.due:%d-%m-%Y}",
            }
        deadline_items.append(
            ProposedItem(
                title=title,
                source=AgendaSource.DEADLINE,
                source_ref=deadline.code,
                domain=DEADLINE_DOMAINS.get(deadline.code, GENERAL),
                due=deadline.due,
                late=late,
            )
        )
    deadline_items.sort(key=lambda i: (not i.late, i.due or dt.date.max))
    task_items = [
        ProposedItem(
            title=task.what,
            source=AgendaSource.TASK,
            source_ref=str(task.uuid),
            domain=task.domain,
            organisation_id=task.organisation_id,
            due=task.due_date,
        )
        for task in open_tasks
        if task.status != PlanTaskStatus.DONE
    ]
    task_items.sort(
        key=lambda i: (DOMAIN_ORDER.get(i.domain, 99), i.due is None, i.due or dt.date.max)
    )
    closing = ProposedItem(title=_("Rondvraag"), source=AgendaSource.FREE, source_ref="rondvraag")
    return [*deadline_items, *task_items, closing]
