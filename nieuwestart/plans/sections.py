"""The sections of the D&R-plan: their names, who writes them, and what a partner sees.

Rules (DOMAIN.md, "The D&R-plan" and "Sharing personal data"):
- The PI writes the goals, activities, leave and guidance, and may record the agreements.
- Probation and the municipality (or its safety house) record the agreements of the joint
  meeting and add and update tasks, like the PI. Nobody else writes in the plan.
- Probation's advice is its own section that only probation writes (`Action.PROBATION_ADVICE`).
- The municipality sees the plan as a summary (policy: `plan` = `samenvatting`): tasks and
  agreements in full, but of the behaviour goals, the guidance (which holds care) and probation's
  advice only whether they are there. Of care tasks it sees only that care continues, unless the
  task is its own (policy: `zorginhoud` = `signaal`).

A section's `key` is its name everywhere outside Python: API field, form field and snapshot key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from nieuwestart.access.policy import KIND_ALIASES, Action, Category, Visibility
from nieuwestart.access.trajectories import category_visibility, may
from nieuwestart.accounts.models import User
from nieuwestart.organisations.models import OrganisationKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GOALS = "doelen"
AGREEMENTS = "afspraken"
ADVICE = "advies"

TEXT = "tekst"
NUMBER = "getal"
DATE = "datum"


@dataclass(frozen=True)
class Section:
    """key: API, form and snapshot name; field: the Plan model field; label: its name in
    lists and messages; question: the form label when it differs from the label."""

    key: str
    field: str
    label: StrOrPromise
    group: str
    kind: str = TEXT
    help_text: StrOrPromise = ""
    question: StrOrPromise = ""

    @property
    def form_label(self) -> StrOrPromise:
        return self.question or self.label


SECTIONS: tuple[Section, ...] = (
    Section(
        "reintegratiedoelen",
        "reintegration_goals",
        _("Re-integratiedoelen"),
        GOALS,
        help_text=_("Wat wil de persoon bereiken voor de terugkeer? Bijvoorbeeld werk of wonen."),
    ),
    Section(
        "gedragsdoelen",
        "behaviour_goals",
        _("Gedragsdoelen"),
        GOALS,
        help_text=_("De gemeente ziet alleen dat er gedragsdoelen zijn, niet de tekst."),
    ),
    Section(
        "activiteiten",
        "activities",
        _("Activiteiten"),
        GOALS,
        help_text=_("Bijvoorbeeld werk, scholing of een training in de inrichting."),
    ),
    Section(
        "verlof",
        "leave",
        _("Verlof"),
        GOALS,
        help_text=_("Welk verlof kan de persoon verdienen met goed gedrag?"),
    ),
    Section(
        "begeleiding",
        "guidance",
        _("Begeleiding en zorg"),
        GOALS,
        help_text=_(
            "Het individuele begeleidingsplan. Schrijf alleen welke zorg nodig is en wie die "
            "voortzet, geen diagnoses. De gemeente ziet alleen dat er een begeleidingsplan is."
        ),
    ),
    Section(
        "gezamenlijkOverlegOp",
        "meeting_held_on",
        _("Gezamenlijk overleg"),
        AGREEMENTS,
        DATE,
        help_text=_("Het overleg van de partners met de persoon, binnen 4 weken na binnenkomst."),
        question=_("Datum van het gezamenlijk overleg"),
    ),
    Section(
        "afspraken",
        "agreements",
        _("Afspraken"),
        AGREEMENTS,
        help_text=_("Wat de partners in het overleg afspraken. De taken zelf staan hieronder."),
        question=_("Afspraken: wie doet wat?"),
    ),
    Section(
        "afspraakCasusregie",
        "case_lead_agreement",
        _("Afspraak over casusregie"),
        AGREEMENTS,
        help_text=_("Wie leidt de zaak, en wanneer gaat dat over naar een andere partner?"),
    ),
    Section(
        "monitoring",
        "monitoring",
        _("Voortgang volgen"),
        AGREEMENTS,
        help_text=_("Bijvoorbeeld: bespreken in het MDO, elke 6 weken."),
        question=_("Hoe volgen de partners de voortgang?"),
    ),
    Section(
        "trajectoverlegElkeWeken",
        "meeting_frequency_weeks",
        _("Trajectoverleg"),
        AGREEMENTS,
        NUMBER,
        help_text=_("Aantal weken. Dit is nodig om het plan vast te stellen."),
        question=_("Trajectoverleg: elke hoeveel weken?"),
    ),
    Section("reclasseringsadvies", "probation_advice", _("Advies van de reclassering"), ADVICE),
)

SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
SECTION_BY_FIELD: dict[str, Section] = {s.field: s for s in SECTIONS}
# What plan_update may change; the advice has its own service.
PLAN_FIELDS: tuple[str, ...] = tuple(s.field for s in SECTIONS if s.group != ADVICE)

# Which groups each organisation kind writes (a safety house writes what a municipality does).
SECTION_EDITORS: dict[str, frozenset[str]] = {
    OrganisationKind.PRISON: frozenset({GOALS, AGREEMENTS}),
    OrganisationKind.PROBATION: frozenset({AGREEMENTS}),
    OrganisationKind.MUNICIPALITY: frozenset({AGREEMENTS}),
}

# Sections a reader with `samenvatting` for the plan sees only as a sentence: (filled, empty).
SUMMARIES: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "gedragsdoelen": (
        _("Er zijn gedragsdoelen afgesproken."),
        _("Er zijn nog geen gedragsdoelen afgesproken."),
    ),
    "begeleiding": (
        _("Er is een begeleidingsplan. Wat daarin over zorg staat, ziet uw organisatie niet."),
        _("Er is nog geen begeleidingsplan."),
    ),
    "reclasseringsadvies": (
        _("De reclassering heeft advies gegeven."),
        _("De reclassering heeft nog geen advies gegeven."),
    ),
}
HIDDEN_CARE_TASK = _("Vervolg van zorg na detentie")


def _kind(user: User) -> str:
    kind = user.organisation.kind if user.organisation is not None else ""
    return KIND_ALIASES.get(kind, kind)


def editable_fields(user: User) -> frozenset[str]:
    """Model fields of the plan this user may change with plan_update."""
    if not may(user, Action.PLAN_EDIT):
        return frozenset()
    groups = SECTION_EDITORS.get(_kind(user), frozenset())
    return frozenset(s.field for s in SECTIONS if s.group in groups)


def editable_keys(user: User) -> frozenset[str]:
    return frozenset(SECTION_BY_FIELD[f].key for f in editable_fields(user))


def may_edit_tasks(user: User) -> bool:
    return may(user, Action.PLAN_EDIT)


def plan_visibility(user: User) -> Visibility:
    return category_visibility(user, Category.PLAN)


def summarised_keys(user: User) -> frozenset[str]:
    """Section keys this user sees only as a summary sentence (all of them without access)."""
    level = plan_visibility(user)
    if level == Visibility.FULL:
        return frozenset()
    if level == Visibility.SUMMARY:
        return frozenset(SUMMARIES)
    return frozenset(s.key for s in SECTIONS)


def summary_text(key: str, filled: bool) -> str:
    full, empty = SUMMARIES.get(key, (_("Deze gegevens ziet uw organisatie niet."),) * 2)
    return str(full if filled else empty)


def care_task_hidden(user: User, domain: str, organisation_id: int | None) -> bool:
    """A care task's content is hidden from a summary reader, unless the task is theirs."""
    if domain != "zorg" or plan_visibility(user) == Visibility.FULL:
        return False
    return organisation_id is None or organisation_id != user.organisation_id


def care_tasks_hidden_except(user: User) -> str | None:
    """For redact_changes: None when the user sees care tasks, else their organisation code."""
    if plan_visibility(user) == Visibility.FULL:
        return None
    return user.organisation.code if user.organisation is not None else ""
