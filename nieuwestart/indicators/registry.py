"""The indicators as data: code, definition, cohort, numerator and denominator (issue 5).

Rule (DOMAIN.md, "What managers and the inspectorate need to see"): every indicator is a share
of trajectories. It states exactly which trajectories count (the denominator), which of those
count as a success (the numerator) and which date puts a trajectory in a month of the period
(the cohort date). The definition text on the dashboard, in the exports and in the API comes
from here, so what is shown and what is counted cannot drift apart.

A trajectory counts in the denominator only once its term has ended (the due date lies before
today), so a month whose terms are still running is not shown as failing.

Adding an indicator (e.g. when meetings, handover or referrals are recorded) is: add its dates
to `models.TrajectoryFact`, fill them in `services._fact_values`, and add one `Indicator` here.
`PENDING` lists the indicators that wait for those apps; they are shown as "not yet available"
and are never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Cohort dates (fields of TrajectoryFact).
ARRIVAL = "arrival_date"
SHEET_SENT = "contact_done"
RELEASE = "release_date"

COHORT_LABELS: dict[str, StrOrPromise] = {
    ARRIVAL: _("aankomst in de inrichting"),
    SHEET_SENT: _("eerste informatieblad verstuurd"),
    RELEASE: _("vrijlating"),
}

TERMS = _("termijnen")
SHEET = _("informatieblad")
RELEASED = _("vrijlating")


@dataclass(frozen=True)
class Indicator:
    code: str
    title: StrOrPromise
    numerator_text: StrOrPromise
    denominator_text: StrOrPromise
    cohort: str
    denominator: Callable[[dt.date], Q]  # today -> which facts count
    numerator: Q  # which of those are a success
    section: StrOrPromise
    higher_is_better: bool = True
    source: str = ""

    @property
    def period_text(self) -> StrOrPromise:
        return _("Een traject telt mee in de maand van: %(cohort)s.") % {
            "cohort": COHORT_LABELS[self.cohort]
        }


def _term_ended(due: str) -> Callable[[dt.date], Q]:
    def denominator(today: dt.date) -> Q:
        return Q(**{f"{due}__isnull": False, f"{due}__lt": today})

    return denominator


def _released(field: str) -> Callable[[dt.date], Q]:
    def denominator(today: dt.date) -> Q:
        return Q(release_date__isnull=False, release_date__lte=today, **{f"{field}__isnull": False})

    return denominator


def _sheet_sent(today: dt.date) -> Q:
    return Q(contact_done__isnull=False, sheet_with_contact__isnull=False)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "screening-op-tijd",
        _("Screening binnen 10 werkdagen"),
        _(
            "Trajecten waarvan de screening van de basisvoorwaarden is afgerond op of voor de "
            "uiterlijke datum (10 werkdagen na aankomst; bij kort verblijf uiterlijk de laatste "
            "werkdag voor de vrijlating)."
        ),
        _("Trajecten die in de periode aankwamen en waarvan de termijn voor vandaag afliep."),
        ARRIVAL,
        _term_ended("screening_due"),
        Q(screening_done__lte=F("screening_due")),
        TERMS,
        source="screening",
    ),
    Indicator(
        "gemeente-gecontacteerd-op-tijd",
        _("Gemeente binnen 10 werkdagen gecontacteerd"),
        _(
            "Trajecten waarvan het eerste informatieblad naar de gemeente is verstuurd op of voor "
            "de uiterlijke datum (10 werkdagen na aankomst)."
        ),
        _("Trajecten die in de periode aankwamen en waarvan de termijn voor vandaag afliep."),
        ARRIVAL,
        _term_ended("contact_due"),
        Q(contact_done__lte=F("contact_due")),
        TERMS,
        source="infosheet",
    ),
    Indicator(
        "plan-op-tijd",
        _("D&R-plan binnen 4 weken vastgesteld"),
        _(
            "Trajecten waarvan de eerste versie van het D&R-plan is vastgesteld op of voor de "
            "uiterlijke datum (4 weken na aankomst, de eerstvolgende werkdag)."
        ),
        _(
            "Trajecten zonder kort verblijf die in de periode aankwamen en waarvan de termijn "
            "voor vandaag afliep. Bij kort verblijf geldt deze termijn niet."
        ),
        ARRIVAL,
        _term_ended("plan_due"),
        Q(plan_done__lte=F("plan_due")),
        TERMS,
        source="plans",
    ),
    Indicator(
        "gemeente-reactie-op-tijd",
        _("Gemeente reageert op tijd op het informatieblad"),
        _(
            "Trajecten waarvan de gemeente de ontvangst van een informatieblad heeft bevestigd "
            "op of voor de uiterlijke datum (5 werkdagen na het eerste informatieblad)."
        ),
        _(
            "Trajecten waarvan het eerste informatieblad in de periode is verstuurd en waarvan "
            "de termijn voor vandaag afliep."
        ),
        SHEET_SENT,
        _term_ended("reaction_due"),
        Q(reaction_done__lte=F("reaction_due")),
        SHEET,
        source="infosheet",
    ),
    Indicator(
        "informatieblad-met-contactgegevens",
        _("Informatieblad noemt de casemanager met contactgegevens"),
        _(
            "Trajecten waarvan het eerste informatieblad een casemanager noemt met telefoonnummer "
            "of e-mailadres (niet alleen het centrale contactpunt)."
        ),
        _("Trajecten waarvan het eerste informatieblad in de periode is verstuurd."),
        SHEET_SENT,
        _sheet_sent,
        Q(sheet_with_contact=True),
        SHEET,
        source="infosheet",
    ),
    *(
        Indicator(
            f"vrijgelaten-zonder-{code}",
            title,
            _(
                "Vrijgelaten trajecten waarvan de basisvoorwaarde '%(condition)s' op de dag van "
                "vrijlating niet 'In orde' was in de screening."
            )
            % {"condition": condition},
            _("Trajecten die in de periode zijn vrijgelaten."),
            RELEASE,
            _released(field),
            Q(**{field: False}),
            RELEASED,
            higher_is_better=False,
            source="screening",
        )
        for code, field, title, condition in (
            (
                "identiteitsbewijs",
                "release_id_ok",
                _("Vrijgelaten zonder geldig identiteitsbewijs"),
                _("Identiteitsbewijs"),
            ),
            (
                "huisvesting",
                "release_housing_ok",
                _("Vrijgelaten zonder huisvesting"),
                _("Huisvesting"),
            ),
            (
                "inkomen",
                "release_income_ok",
                _("Vrijgelaten zonder werk of inkomen"),
                _("Werk en inkomen"),
            ),
            (
                "financien",
                "release_finances_ok",
                _("Vrijgelaten zonder geregelde financiën"),
                _("Financiën en schulden"),
            ),
            ("zorg", "release_care_ok", _("Vrijgelaten zonder geregelde zorg"), _("Zorg")),
        )
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class PendingIndicator:
    code: str
    title: StrOrPromise
    definition: StrOrPromise
    pending_on: str  # the app whose records it needs


PENDING: tuple[PendingIndicator, ...] = (
    PendingIndicator(
        "gezamenlijk-overleg-op-tijd",
        _("Gezamenlijk overleg binnen 4 weken"),
        _(
            "Teller: trajecten zonder kort verblijf met een overleg van inrichting, gemeente, "
            "gedetineerde (en reclassering als die betrokken is) binnen 4 weken na aankomst. "
            "Noemer: trajecten zonder kort verblijf die in de periode aankwamen en waarvan de "
            "termijn afliep."
        ),
        "meetings",
    ),
    PendingIndicator(
        "mdo-elke-6-weken",
        _("MDO elke 6 weken gehouden"),
        _(
            "Teller: trajecten waarvan elk MDO dat in de periode moest plaatsvinden binnen 6 "
            "weken na het vorige (of na aankomst) is gehouden. Noemer: trajecten die in de "
            "periode in detentie waren en waarvoor in de periode een MDO moest plaatsvinden."
        ),
        "meetings",
    ),
    PendingIndicator(
        "trajectoverleg-gehouden",
        _("Trajectoverleggen gehouden zoals afgesproken"),
        _(
            "Teller: trajecten waarvan elk trajectoverleg dat in de periode moest plaatsvinden "
            "(frequentie uit het D&R-plan) op tijd is gehouden. Noemer: trajecten met een "
            "vastgesteld plan met een afgesproken frequentie en een trajectoverleg dat in de "
            "periode moest plaatsvinden."
        ),
        "meetings",
    ),
    PendingIndicator(
        "trajectoverleg-aanwezigheid",
        _("Wie was bij het trajectoverleg"),
        _(
            "Per partij (inrichting, reclassering, gemeente, gedetineerde). Teller: trajecten "
            "met een trajectoverleg in de periode waarbij die partij aanwezig was (ook online). "
            "Noemer: trajecten met een trajectoverleg in de periode."
        ),
        "meetings",
    ),
    PendingIndicator(
        "regie-na-vrijlating-benoemd-en-ontmoet",
        _("Regie na vrijlating benoemd en tijdens detentie ontmoet"),
        _(
            "Teller: vrijgelaten trajecten waarbij bij de overdracht een persoon is benoemd van "
            "de organisatie die na vrijlating casusregie heeft, en die de gedetineerde tijdens "
            "de detentie heeft ontmoet. Noemer: trajecten die in de periode zijn vrijgelaten."
        ),
        "handover",
    ),
    PendingIndicator(
        "vrijgelaten-met-basisvoorwaarden-overdracht",
        _("Vrijgelaten zonder basisvoorwaarde in orde (uit de overdracht)"),
        _(
            "Zoals 'Vrijgelaten zonder ...' hierboven, maar uit de uitkomst per "
            "basisvoorwaarde die bij de vrijlating is vastgelegd, in plaats van uit de "
            "screening."
        ),
        "handover",
    ),
    PendingIndicator(
        "vrijlating-tot-uitkering",
        _("Tijd van vrijlating tot uitkering"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de eerste dag van "
            "de uitkering, over trajecten die in de periode zijn vrijgelaten met een uitkering "
            "als inkomen. Ook: aandeel met een uitkering vanaf de dag van vrijlating."
        ),
        "handover",
    ),
    PendingIndicator(
        "wachttijd-toezicht",
        _("Wachttijd van vrijlating tot start toezicht"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de start van het "
            "toezicht door de reclassering, over trajecten die in de periode zijn vrijgelaten "
            "met een justitiële titel (v.i. of voorwaardelijke straf)."
        ),
        "referrals",
    ),
    PendingIndicator(
        "wachttijd-beschermd-wonen",
        _("Wachttijd van vrijlating tot beschermd wonen"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de start van "
            "beschermd wonen, over trajecten die in de periode zijn vrijgelaten met een "
            "verwijzing naar beschermd wonen; ook het aantal dat nog op de wachtlijst staat."
        ),
        "referrals",
    ),
)
