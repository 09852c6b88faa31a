"""Who sees which data, and who may do what: the sharing policy as data, in one place.

Rule (DOMAIN.md, "Sharing personal data"; art. 18a Pbw, art. 20d Penitentiaire maatregel,
art. 5 and 10 AVG): only organisations involved in a trajectory see it at all. Within a
trajectory each piece of data belongs to a category; each category has a legal basis and, per
organisation kind, a level of visibility. Roles can narrow that level (the casemanager sees care
continuity, not care content). Every change to this table is a change to docs/access-policy.md,
which a test compares with it.

Actions that change a trajectory are listed in ACTIONS with the organisation kinds and roles
that may perform them; an involved user outside that list gets 403, never a hidden button only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from nieuwestart.accounts.models import Role
from nieuwestart.organisations.models import OrganisationKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Category(models.TextChoices):
    IDENTITY = "identiteit", _("Identiteit")
    DETENTION = "detentie", _("Detentie")
    CONTACTS = "contacten", _("Contactgegevens betrokkenen")
    CONDITIONS = "basisvoorwaarden", _("Basisvoorwaarden")
    PLAN = "plan", _("D&R-plan")
    RISK = "risico", _("Risicosignaal")
    CARE_DETAILS = "zorginhoud", _("Zorginhoud")
    OFFENCE_BEHAVIOUR = "delict-en-gedrag", _("Delict en gedrag")
    INTERNAL_NOTES = "interne-notities", _("Interne notities")


class Visibility(models.TextChoices):
    FULL = "volledig", _("ziet alles")
    SUMMARY = "samenvatting", _("ziet een samenvatting")
    SIGNAL = "signaal", _("ziet alleen het signaal")
    OWN_ORGANISATION = "eigen-organisatie", _("ziet alleen notities van de eigen organisatie")
    NONE = "geen", _("ziet dit niet")


PI = OrganisationKind.PRISON
PROBATION = OrganisationKind.PROBATION
MUNICIPALITY = OrganisationKind.MUNICIPALITY
SAFETY_HOUSE = OrganisationKind.SAFETY_HOUSE

ART_18A = _("art. 18a Penitentiaire beginselenwet en art. 20d Penitentiaire maatregel")


@dataclass(frozen=True)
class CategoryRule:
    category: Category
    examples: StrOrPromise
    legal_basis: StrOrPromise
    by_kind: dict[str, Visibility]
    # Narrower visibility for particular roles within an organisation kind.
    by_role: dict[str, Visibility] = field(default_factory=dict)


POLICY: dict[Category, CategoryRule] = {
    rule.category: rule
    for rule in (
        CategoryRule(
            Category.IDENTITY,
            _("naam, geboortedatum, BSN, terugkeergemeente"),
            ART_18A,
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.FULL},
        ),
        CategoryRule(
            Category.DETENTION,
            _("inrichting, afdeling, startdatum, verwachte einddatum, fase, verlof"),
            ART_18A,
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.FULL},
        ),
        CategoryRule(
            Category.CONTACTS,
            _("betrokken professionals en hoe u ze bereikt"),
            ART_18A,
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.FULL},
        ),
        CategoryRule(
            Category.CONDITIONS,
            _("status en hulpvraag per basisvoorwaarde, kenmerken zoals LVB en kort verblijf"),
            ART_18A,
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.FULL},
        ),
        CategoryRule(
            Category.PLAN,
            _("doelen, activiteiten, taken, afspraken, overleggen"),
            ART_18A,
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.SUMMARY},
        ),
        CategoryRule(
            Category.RISK,
            _("signaal van risico op geweld of een zedendelict"),
            _("art. 18b Penitentiaire beginselenwet"),
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.SIGNAL},
        ),
        CategoryRule(
            Category.CARE_DETAILS,
            _("diagnoses en inhoud van behandeling"),
            _("art. 9 en 10 AVG met art. 18a Pbw: alleen wat nodig is (noodzakelijkheid)"),
            {PI: Visibility.SIGNAL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.SIGNAL},
        ),
        CategoryRule(
            Category.OFFENCE_BEHAVIOUR,
            _("delict, gedrag tijdens detentie"),
            _("art. 10 AVG met art. 18a Pbw"),
            {PI: Visibility.FULL, PROBATION: Visibility.FULL, MUNICIPALITY: Visibility.NONE},
        ),
        CategoryRule(
            Category.INTERNAL_NOTES,
            _("werkaantekeningen"),
            _("art. 5 AVG: doelbinding; alleen voor de eigen organisatie"),
            {
                PI: Visibility.OWN_ORGANISATION,
                PROBATION: Visibility.OWN_ORGANISATION,
                MUNICIPALITY: Visibility.OWN_ORGANISATION,
            },
        ),
    )
}

# A safety house that coordinates for a municipality sees what the municipality sees.
KIND_ALIASES: dict[str, str] = {SAFETY_HOUSE: MUNICIPALITY}


def visibility(category: Category, organisation_kind: str, role: str = "") -> Visibility:
    """The visibility of one category for one organisation kind and role. Default: none."""
    rule = POLICY[category]
    if role in rule.by_role:
        return rule.by_role[role]
    kind = KIND_ALIASES.get(organisation_kind, organisation_kind)
    return rule.by_kind.get(kind, Visibility.NONE)


class Action(models.TextChoices):
    CHANGE_RETURN_MUNICIPALITY = "terugkeergemeente-wijzigen", _("terugkeergemeente wijzigen")
    ASSIGN_PRISON_STAFF = "pi-medewerker-toewijzen", _("casemanager of mentor toewijzen")
    ASSIGN_PROBATION = "reclassering-toewijzen", _("reclasseringsorganisatie toewijzen")
    ASSIGN_PROBATION_OFFICER = "reclasseringswerker-toewijzen", _("reclasseringswerker toewijzen")
    ASSIGN_AFTERCARE = "nazorgcoordinator-toewijzen", _("nazorgcoördinator toewijzen")
    CHANGE_PHASE = "fase-wijzigen", _("fase wijzigen")
    SCREENING_EDIT = "screening-bewerken", _("screening basisvoorwaarden bewerken")
    PLAN_EDIT = "plan-bewerken", _("D&R-plan bewerken")
    PLAN_ESTABLISH = "plan-vaststellen", _("D&R-plan vaststellen")
    PROBATION_ADVICE = "reclasseringsadvies", _("reclasseringsadvies geven")
    INFOSHEET_SEND = "informatieblad-versturen", _("informatieblad versturen")
    INFOSHEET_ACKNOWLEDGE = (
        "informatieblad-ontvangst-bevestigen",
        _("ontvangst van het informatieblad bevestigen"),
    )
    MEETING_EDIT = "overleg-plannen", _("overleg plannen, verslag en aanwezigheid vastleggen")
    REFERRAL_EDIT = "verwijzing-registreren", _("verwijzing of wachtlijst registreren")
    RELEASE = "vrijlaten", _("vrijlating vastleggen")
    HANDOVER_EDIT = (
        "overdracht-vastleggen",
        _("overdracht en uitkomst per basisvoorwaarde vastleggen"),
    )
    CLOSE = "traject-afsluiten", _("traject afsluiten")


PI_CASE_ROLES = frozenset({Role.CASEMANAGER, Role.STAFF_OFFICER})
# The working roles of all three partners.
CASE_PARTNERS: dict[str, frozenset[str]] = {
    PI: frozenset({Role.CASEMANAGER, Role.STAFF_OFFICER, Role.MENTOR}),
    PROBATION: frozenset({Role.PROBATION_OFFICER}),
    MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
    SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
}

# Who may do what, once their organisation is involved: organisation kind -> roles.
ACTIONS: dict[Action, dict[str, frozenset[str]]] = {
    Action.CHANGE_RETURN_MUNICIPALITY: {PI: PI_CASE_ROLES},
    Action.ASSIGN_PRISON_STAFF: {PI: PI_CASE_ROLES},
    Action.ASSIGN_PROBATION: {PI: PI_CASE_ROLES},
    Action.ASSIGN_PROBATION_OFFICER: {PROBATION: frozenset({Role.PROBATION_OFFICER})},
    Action.ASSIGN_AFTERCARE: {
        MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
        SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
    },
    Action.CHANGE_PHASE: {PI: PI_CASE_ROLES},
    # Every partner adds what it knows to the one screening instead of screening again.
    Action.SCREENING_EDIT: {
        PI: frozenset({Role.CASEMANAGER, Role.STAFF_OFFICER, Role.MENTOR}),
        PROBATION: frozenset({Role.PROBATION_OFFICER}),
        MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
        SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
    },
    # Each partner writes the parts of the D&R-plan it owns (plans.sections.SECTION_EDITORS);
    # only the PI establishes it (art. 18a Pbw); only probation writes its advice.
    Action.PLAN_EDIT: {
        PI: frozenset({Role.CASEMANAGER, Role.STAFF_OFFICER, Role.MENTOR}),
        PROBATION: frozenset({Role.PROBATION_OFFICER}),
        MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
        SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
    },
    Action.PLAN_ESTABLISH: {PI: PI_CASE_ROLES},
    Action.PROBATION_ADVICE: {PROBATION: frozenset({Role.PROBATION_OFFICER})},
    Action.INFOSHEET_SEND: {PI: PI_CASE_ROLES},
    Action.INFOSHEET_ACKNOWLEDGE: {
        MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
        SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
    },
    # All three partners plan meetings and write their minutes (MDO, trajectory meetings).
    Action.MEETING_EDIT: CASE_PARTNERS,
    # Whoever refers someone registers the referral and its waiting list.
    Action.REFERRAL_EDIT: CASE_PARTNERS,
    # The PI releases (by hand when no `einde` notification comes).
    Action.RELEASE: {PI: PI_CASE_ROLES},
    # The handover checklist and the outcome per basic condition at release.
    Action.HANDOVER_EDIT: CASE_PARTNERS,
    # Closing is for the organisation that holds casusregie (checked by the service).
    Action.CLOSE: {
        PI: PI_CASE_ROLES,
        PROBATION: frozenset({Role.PROBATION_OFFICER}),
        MUNICIPALITY: frozenset({Role.AFTERCARE_COORDINATOR}),
        SAFETY_HOUSE: frozenset({Role.PROCESS_DIRECTOR, Role.AFTERCARE_COORDINATOR}),
    },
}


def action_allowed(action: Action, organisation_kind: str, role: str) -> bool:
    return role in ACTIONS[action].get(organisation_kind, frozenset())


# Roles that work in case files. Others (privacy officer, system, administrator) never see
# case content through the trajectory screens, even if their organisation were involved.
CASE_ROLES = frozenset(
    {
        Role.CASEMANAGER,
        Role.MENTOR,
        Role.STAFF_OFFICER,
        Role.PROBATION_OFFICER,
        Role.AFTERCARE_COORDINATOR,
        Role.PROCESS_DIRECTOR,
    }
)
