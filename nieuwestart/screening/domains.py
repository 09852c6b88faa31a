"""The facts the screening asks per basic condition, as data, with their data category.

Rule (issue 3, item 1; DOMAIN.md, "The basic conditions"): per domain only the few structured
facts that matter, each asked once. Every fact belongs to a data category of the sharing policy:
most are `basisvoorwaarden` (every involved partner sees them); the content of care (addiction,
mental health, care provider and treatment) is `zorginhoud`, which only users who see that
category in full (probation) read or write. Everyone else sees only the signal "care is needed
after release" (`care_signal`).

The codes are the Dutch camelCase names of the API (`feiten`); the web form uses the same codes.
Values are stored as JSON: `true` for a ticked box (not ticked is not stored: false is the
default), choice codes, text, ISO dates and money as a decimal string in euros ("1500.00").
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nieuwestart.access.policy import Category
from nieuwestart.screening.models import STATUSES_NEEDING_HELP, Answer, Domain, Partner, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FactType(enum.StrEnum):
    BOOL = "bool"
    CHOICE = "choice"
    TEXT = "text"
    DATE = "date"
    MONEY = "money"


@dataclass(frozen=True)
class Fact:
    code: str
    label: StrOrPromise
    type: FactType
    category: Category = Category.CONDITIONS
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    help_text: StrOrPromise = ""


@dataclass(frozen=True)
class DomainSpec:
    domain: Domain
    short_label: StrOrPromise  # for the condensed status row in the work list
    example: StrOrPromise  # an example help question, in words
    facts: tuple[Fact, ...]

    @property
    def label(self) -> StrOrPromise:
        return self.domain.label

    def fact(self, code: str) -> Fact | None:
        return next((f for f in self.facts if f.code == code), None)


ANSWERS: tuple[tuple[str, StrOrPromise], ...] = tuple(Answer.choices)
CARE = Category.CARE_DETAILS

SCHEMA: dict[str, DomainSpec] = {
    spec.domain.value: spec
    for spec in (
        DomainSpec(
            Domain.ID,
            gettext_lazy("ID"),
            gettext_lazy(
                "Paspoort verlopen. Nieuwe ID-kaart aanvragen bij de gemeente voor vrijlating."
            ),
            (
                Fact(
                    "geldigDocument",
                    gettext_lazy("Heeft een geldig identiteitsbewijs"),
                    FactType.CHOICE,
                    choices=ANSWERS,
                ),
                Fact(
                    "soortDocument",
                    gettext_lazy("Soort identiteitsbewijs"),
                    FactType.CHOICE,
                    choices=(
                        ("paspoort", gettext_lazy("Paspoort")),
                        ("id-kaart", gettext_lazy("Identiteitskaart")),
                        ("rijbewijs", gettext_lazy("Rijbewijs")),
                        ("verblijfsdocument", gettext_lazy("Verblijfsdocument")),
                    ),
                ),
                Fact("geldigTot", gettext_lazy("Geldig tot"), FactType.DATE),
            ),
        ),
        DomainSpec(
            Domain.HOUSING,
            gettext_lazy("Wonen"),
            gettext_lazy("Huur doorbetalen tijdens detentie, zodat hij de woning houdt."),
            (
                Fact(
                    "woonsituatie",
                    gettext_lazy("Woonsituatie voor de detentie"),
                    FactType.CHOICE,
                    choices=(
                        ("eigen-woning", gettext_lazy("Eigen woning (koop)")),
                        ("huurwoning", gettext_lazy("Huurwoning")),
                        ("bij-familie", gettext_lazy("Bij familie of vrienden")),
                        ("dakloos", gettext_lazy("Dakloos, geen vaste woonplek")),
                        ("instelling", gettext_lazy("Instelling of opvang")),
                        ("onbekend", gettext_lazy("Onbekend")),
                    ),
                ),
                Fact(
                    "woningBehouden",
                    gettext_lazy("Kan de woning blijven?"),
                    FactType.CHOICE,
                    choices=ANSWERS,
                    help_text=gettext_lazy("De gemeente kan de huur tot 6 maanden doorbetalen."),
                ),
                Fact(
                    "ingeschrevenWoningzoekende",
                    gettext_lazy("Ingeschreven als woningzoekende"),
                    FactType.BOOL,
                ),
                Fact(
                    "beschermdWonenNodig",
                    gettext_lazy("Beschermd wonen nodig"),
                    FactType.BOOL,
                    help_text=gettext_lazy(
                        "Vraag het op tijd aan: de wachtlijst kan een jaar zijn."
                    ),
                ),
            ),
        ),
        DomainSpec(
            Domain.INCOME,
            gettext_lazy("Inkomen"),
            gettext_lazy("Bijstand aanvragen zodat die ingaat op de dag van vrijlating."),
            (
                Fact("werkVoorDetentie", gettext_lazy("Had werk voor de detentie"), FactType.BOOL),
                Fact("werkOmschrijving", gettext_lazy("Welk werk"), FactType.TEXT),
                Fact(
                    "uitkeringStoppen",
                    gettext_lazy("Uitkering die moet stoppen"),
                    FactType.TEXT,
                    help_text=gettext_lazy("Welke uitkering, en bij welke instantie."),
                ),
                Fact(
                    "uitkeringAanvragen",
                    gettext_lazy("Uitkering aanvragen voor de dag van vrijlating"),
                    FactType.TEXT,
                ),
                Fact("digidNodig", gettext_lazy("DigiD nodig"), FactType.BOOL),
                Fact("bankrekeningNodig", gettext_lazy("Bankrekening nodig"), FactType.BOOL),
            ),
        ),
        DomainSpec(
            Domain.FINANCES,
            gettext_lazy("Schulden"),
            gettext_lazy("Schulden in kaart brengen en een betalingsregeling treffen."),
            (
                Fact(
                    "schuldenBekend",
                    gettext_lazy("Heeft schulden"),
                    FactType.CHOICE,
                    choices=ANSWERS,
                ),
                Fact(
                    "schuldenSchatting",
                    gettext_lazy("Schatting van de schulden (euro)"),
                    FactType.MONEY,
                    help_text=gettext_lazy("Een bedrag in hele euro's is genoeg, zoals 2500."),
                ),
                Fact("schuldeisers", gettext_lazy("Schuldeisers"), FactType.TEXT),
                Fact(
                    "betalingsregeling", gettext_lazy("Heeft een betalingsregeling"), FactType.BOOL
                ),
                Fact(
                    "bewindvoering",
                    gettext_lazy("Staat onder bewind (bewindvoering)"),
                    FactType.BOOL,
                ),
            ),
        ),
        DomainSpec(
            Domain.CARE,
            gettext_lazy("Zorg"),
            gettext_lazy("Afspraak bij de huisarts en de ggz regelen voor de week na vrijlating."),
            (
                Fact("lopendeZorg", gettext_lazy("Krijgt nu zorg"), FactType.BOOL),
                Fact(
                    "zorgcontinuiteitNodig",
                    gettext_lazy("Zorg moet doorlopen na vrijlating"),
                    FactType.BOOL,
                ),
                Fact("verslaving", gettext_lazy("Verslaving"), FactType.TEXT, category=CARE),
                Fact(
                    "psychischeGezondheid",
                    gettext_lazy("Psychische gezondheid"),
                    FactType.TEXT,
                    category=CARE,
                ),
                Fact(
                    "zorgaanbieder",
                    gettext_lazy("Zorgaanbieder en behandeling"),
                    FactType.TEXT,
                    category=CARE,
                ),
            ),
        ),
        DomainSpec(
            Domain.SOCIAL_NETWORK,
            gettext_lazy("Netwerk"),
            gettext_lazy("Contact met zijn zus herstellen; zij wil helpen bij wonen."),
            (
                Fact(
                    "steunpersonen",
                    gettext_lazy("Steunpersonen"),
                    FactType.TEXT,
                    help_text=gettext_lazy("Wie helpt, en hoe bereikt u die persoon?"),
                ),
                Fact("contactFamilie", gettext_lazy("Heeft contact met familie"), FactType.BOOL),
            ),
        ),
    )
}

DOMAIN_CODES: tuple[str, ...] = tuple(SCHEMA)


@dataclass(frozen=True)
class Flag:
    """A flag of the whole screening: API code, model field, label, type."""

    code: str
    field: str
    label: StrOrPromise
    type: FactType
    help_text: StrOrPromise = ""


FLAGS: tuple[Flag, ...] = (
    Flag(
        "lvb",
        "lvb",
        gettext_lazy("Licht verstandelijke beperking (LVB)"),
        FactType.CHOICE,
        gettext_lazy("Dan zijn extra uitleg, eenvoudige taal en plaatjes nodig."),
    ),
    Flag("eersteDetentie", "first_detention", gettext_lazy("Eerste detentie"), FactType.CHOICE),
    Flag(
        "taalbehoeften",
        "language_needs",
        gettext_lazy("Tolk of andere taal nodig"),
        FactType.TEXT,
        gettext_lazy("Bijvoorbeeld: tolk Arabisch. Laat leeg als dat niet nodig is."),
    ),
    Flag("leesbehoeften", "reading_needs", gettext_lazy("Heeft moeite met lezen"), FactType.BOOL),
)
OWN_WORDS_LABEL = gettext_lazy("Wat wil de gedetineerde zelf? In eigen woorden")

# Field names inside one domain, API code -> model field.
DOMAIN_FIELDS: dict[str, str] = {
    "status": "status",
    "hulpvraag": "help_question",
    "actiePartner": "acting_partner",
    "toelichtingActie": "acting_note",
}
DOMAIN_FIELD_LABELS: dict[str, StrOrPromise] = {
    "status": gettext_lazy("Status"),
    "hulpvraag": gettext_lazy("Hulpvraag"),
    "actiePartner": gettext_lazy("Wie pakt het op?"),
    "toelichtingActie": gettext_lazy("Toelichting bij wie het oppakt"),
}


def fact_visible(fact: Fact, *, care_details: bool) -> bool:
    """May a user who sees care content (`care_details`) or not see and write this fact?"""
    return fact.category != CARE or care_details


# --- Display ----------------------------------------------------------------------------------


def display_value(kind: FactType, value: Any, choices: tuple[tuple[str, Any], ...] = ()) -> str:
    """A stored value as the user reads it (Dutch, or the active language)."""
    if value is None or value == "":
        return ""
    if kind == FactType.BOOL:
        return str(_("ja") if value else _("nee"))
    if kind == FactType.CHOICE:
        return str(dict(choices).get(value, value))
    if kind == FactType.DATE:
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if kind == FactType.MONEY:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        places = 0 if amount == amount.to_integral_value() else 2
        return "€ " + formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    return str(value)


def display_fact(fact: Fact, value: Any) -> str:
    return display_value(fact.type, value, fact.choices)


def care_signal(status: str, facts: Mapping[str, Any]) -> bool:
    """ "Care is needed after release": the one thing about care that every partner sees.

    True when care is running, continuity is needed, any care content is recorded, or the
    care domain asks for attention or help. It reveals that there is something, never what.
    """
    if status in STATUSES_NEEDING_HELP:
        return True
    if facts.get("lopendeZorg") or facts.get("zorgcontinuiteitNodig"):
        return True
    spec = SCHEMA[Domain.CARE]
    return any(facts.get(f.code) for f in spec.facts if f.category == CARE)


@dataclass(frozen=True)
class ChangeLine:
    """One changed field, described for one reader."""

    label: str
    value: str
    category: Category


def describe_change(path: str, value: Any) -> ChangeLine | None:
    """Label, display value and category of an API path such as `domeinen.zorg.feiten.verslaving`."""
    parts = path.split(".")
    if parts[0] == "eigenWoorden":
        return ChangeLine(str(OWN_WORDS_LABEL), str(value or _("leeg")), Category.CONDITIONS)
    if parts[0] == "afgerond":
        return ChangeLine(str(_("Screening afgerond")), str(_("ja")), Category.CONDITIONS)
    if parts[0] == "kenmerken" and len(parts) == 2:
        flag = next((f for f in FLAGS if f.code == parts[1]), None)
        if flag is None:
            return None
        shown = display_value(flag.type, value, tuple(Answer.choices)) or str(_("leeg"))
        return ChangeLine(str(flag.label), shown, Category.CONDITIONS)
    if parts[0] != "domeinen" or len(parts) < 3 or parts[1] not in SCHEMA:
        return None
    spec = SCHEMA[parts[1]]
    if parts[2] == "feiten" and len(parts) == 4:
        fact = spec.fact(parts[3])
        if fact is None:
            return None
        shown = display_fact(fact, value) or str(_("leeg"))
        return ChangeLine(f"{spec.label}: {fact.label}", shown, fact.category)
    if parts[2] not in DOMAIN_FIELD_LABELS:
        return None
    label = f"{spec.label}: {str(DOMAIN_FIELD_LABELS[parts[2]]).lower()}"
    if parts[2] == "status":
        shown = str(dict(Status.choices).get(value, value))
    elif parts[2] == "actiePartner":
        shown = str(dict(Partner.choices).get(value, value)) if value else str(_("niemand"))
    else:
        shown = str(value or _("leeg"))
    return ChangeLine(label, shown, Category.CONDITIONS)
