"""The handover checklist as a pure function of the facts: no database.

Rule, per basic condition (issue 4, item 5; DOMAIN.md, "Before release"):
1. A partner has confirmed or corrected the state before release (`CheckFacts`): that state
   counts, with the partner's note and, for `geregeld`, the day it is in place.
2. Otherwise the screening says `in-orde`: `in-orde`.
3. Otherwise every task in the D&R-plan for that condition is done (at least one): `geregeld`.
   The work is done, but nobody has said it is in place yet (the benefit starts on the day of
   release, the ID card is collected after release).
4. Otherwise: `niet-in-orde`, with what the screening says and how far the plan's tasks are.

The explanation is short plain Dutch (B1). It never contains the help question or any note
itself, so it can be stored as the outcome's note and shown to every partner; the caller adds
the help question or note where the reader may see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from nieuwestart.handover.models import ConditionState

# The status badge (core/templatetags/ns_components.py) per state; the text goes with it.
BADGES: dict[str, str] = {
    ConditionState.IN_ORDER: "in-orde",
    ConditionState.ARRANGED: "aandacht",
    ConditionState.NOT_IN_ORDER: "hulp-nodig",
}

# The deadline of the timeline that belongs to each condition: (before release, quick win).
DEADLINE_CODES: dict[str, tuple[str, ...]] = {
    "identiteit": ("voor-vrijlating-id", "snelle-winst-id"),
    "inkomen": ("voor-vrijlating-uitkering", "snelle-winst-uitkering"),
    "huisvesting": ("voor-vrijlating-huisvesting", "snelle-winst-woning-behouden"),
    "financien": ("snelle-winst-betalingsregeling",),
    "zorg": ("voor-vrijlating-zorg",),
}


@dataclass(frozen=True)
class CheckFacts:
    """A partner's confirmation or correction."""

    state: str
    in_place_on: dt.date | None
    by: str  # "Alice Test, PI Almelo"
    at: dt.datetime


@dataclass(frozen=True)
class ConditionFacts:
    code: str
    screening_status: str  # in-orde | aandacht | hulp-nodig | onbekend
    screening_status_label: str
    screening_by: str  # who last changed the condition in the screening, or ""
    screening_at: dt.datetime | None
    tasks_total: int = 0
    tasks_done: int = 0
    task_organisations: tuple[str, ...] = ()
    check: CheckFacts | None = None


@dataclass(frozen=True)
class Derived:
    state: str
    explanation: str
    arranged_by: str
    confirmed: bool
    in_place_on: dt.date | None
    # The screening changed after the partner's confirmation: worth a second look.
    screening_changed_since: bool


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def _tasks(facts: ConditionFacts) -> str:
    if not facts.tasks_total:
        return _("Er staan geen taken voor in het D&R-plan.")
    return _("%(done)d van %(total)d taken in het D&R-plan zijn klaar.") % {
        "done": facts.tasks_done,
        "total": facts.tasks_total,
    }


def derive(facts: ConditionFacts) -> Derived:
    """The state of one condition (see the module docstring for the rule)."""
    check = facts.check
    if check is not None:
        text = {
            ConditionState.IN_ORDER: _("Een partner heeft bevestigd dat dit in orde is."),
            ConditionState.ARRANGED: _("Een partner heeft bevestigd dat dit geregeld is."),
            ConditionState.NOT_IN_ORDER: _("Een partner heeft vastgelegd dat dit niet in orde is."),
        }[ConditionState(check.state)]
        if check.state == ConditionState.ARRANGED and check.in_place_on is not None:
            text += " " + _("Het gaat in op %(date)s.") % {"date": _date(check.in_place_on)}
        return Derived(
            state=check.state,
            explanation=text,
            arranged_by=check.by,
            confirmed=True,
            in_place_on=check.in_place_on if check.state == ConditionState.ARRANGED else None,
            screening_changed_since=facts.screening_at is not None
            and facts.screening_at > check.at,
        )
    if facts.screening_status == ConditionState.IN_ORDER:
        return Derived(
            state=ConditionState.IN_ORDER,
            explanation=_("Volgens de screening is dit in orde."),
            arranged_by=facts.screening_by,
            confirmed=False,
            in_place_on=None,
            screening_changed_since=False,
        )
    if facts.tasks_total and facts.tasks_done == facts.tasks_total:
        return Derived(
            state=ConditionState.ARRANGED,
            explanation=_(
                "Alle taken in het D&R-plan zijn klaar (%(n)d), maar de screening staat nog "
                "niet op in orde. Controleer of het op de dag van vrijlating geregeld is."
            )
            % {"n": facts.tasks_total},
            arranged_by=", ".join(facts.task_organisations),
            confirmed=False,
            in_place_on=None,
            screening_changed_since=False,
        )
    if facts.screening_status == "onbekend":
        first = _("Nog niet gescreend: niemand heeft vastgelegd hoe het ervoor staat.")
    else:
        first = _("Volgens de screening: %(status)s.") % {
            "status": facts.screening_status_label.lower()
        }
    return Derived(
        state=ConditionState.NOT_IN_ORDER,
        explanation=f"{first} {_tasks(facts)}",
        arranged_by="",
        confirmed=False,
        in_place_on=None,
        screening_changed_since=False,
    )
