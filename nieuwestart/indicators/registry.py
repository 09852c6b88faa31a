"""The indicators as data: code, definition, cohort, numerator and denominator (issue 5).

Rule (DOMAIN.md, "What managers and the inspectorate need to see"): an indicator states
exactly which trajectories count (the denominator), which of those count as a success (the
numerator) and which date puts a trajectory in a month of the period (the cohort date). The
definition text on the dashboard, in the exports and in the API comes from here, so what is
shown and what is counted cannot drift apart.

Two kinds:
- `Indicator`, a share of trajectories. Most count one row per trajectory (`TrajectoryFact`).
  The rolling meeting terms and the trajectory-meeting attendance count child rows
  (`MeetingTermFact`, `MeetingAttendanceFact`) but still trajectories: `every_on_time` means
  a trajectory counts as a success in a month only when every term due in it was met on time.
- `DurationIndicator`, the median and mean number of days, with the count of trajectories
  behind them (and, where it applies, the number still waiting). Suppression applies to the
  count.

A trajectory counts in the denominator only once its term has ended (the due date lies before
today), so a month whose terms are still running is not shown as failing.

Adding an indicator is: add its dates to `models.TrajectoryFact`, fill them in
`services._fact_values`, and add one `Indicator` or `DurationIndicator` here. `PENDING` lists
indicators that wait for data not yet recorded; they are shown as "not yet available" and are
never counted (today: none).
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

# Cohort dates (fields of TrajectoryFact, or of its child rows).
ARRIVAL = "arrival_date"
SHEET_SENT = "contact_done"
RELEASE = "release_date"
TERM_DUE = "due"  # MeetingTermFact
MEETING_HELD = "held_on"  # MeetingAttendanceFact

# Which rows an indicator counts.
FACTS = "facts"  # TrajectoryFact, one per trajectory
TERM_ROWS = "terms"  # MeetingTermFact
MEETING_ROWS = "meetings"  # MeetingAttendanceFact

COHORT_LABELS: dict[str, StrOrPromise] = {
    ARRIVAL: _("aankomst in de inrichting"),
    SHEET_SENT: _("eerste informatieblad verstuurd"),
    RELEASE: _("vrijlating"),
    TERM_DUE: _("de uiterlijke datum van het overleg"),
    MEETING_HELD: _("de dag van het trajectoverleg"),
}

TERMS = _("termijnen")
SHEET = _("informatieblad")
MEETINGS = _("overleggen")
RELEASED = _("vrijlating")
AFTER_RELEASE = _("na de vrijlating")

SHARE = "aandeel"
DURATION = "duur"


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
    rows: str = FACTS  # which rows are counted (always as distinct trajectories)
    # Child rows: a trajectory is a success only when none of its rows in the month (or the
    # whole period) fails; `numerator` is then the failure. Otherwise any row that meets
    # `numerator` makes the trajectory a success.
    every_on_time: bool = False
    kind: str = SHARE

    @property
    def period_text(self) -> StrOrPromise:
        return _("Een traject telt mee in de maand van: %(cohort)s.") % {
            "cohort": COHORT_LABELS[self.cohort]
        }


@dataclass(frozen=True)
class DurationIndicator:
    """Median and mean days from the release to a start, over the trajectories that started."""

    code: str
    title: StrOrPromise
    measure_text: StrOrPromise  # shown where a share shows its numerator
    population_text: StrOrPromise  # shown where a share shows its denominator
    days_field: str  # TrajectoryFact field, days after release
    waiting_field: str  # TrajectoryFact field, True while still waiting ("" when none)
    waiting_label: StrOrPromise
    section: StrOrPromise
    source: str = ""
    cohort: str = RELEASE
    higher_is_better: bool = False  # fewer days is better
    kind: str = DURATION

    @property
    def numerator_text(self) -> StrOrPromise:
        return self.measure_text

    @property
    def denominator_text(self) -> StrOrPromise:
        return self.population_text

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


def _term_rows(kind: str) -> Callable[[dt.date], Q]:
    def denominator(today: dt.date) -> Q:
        return Q(kind=kind, due__lt=today)

    return denominator


def _any_meeting(today: dt.date) -> Q:
    return Q(held_on__lte=today)


def _meeting_with_probation(today: dt.date) -> Q:
    return Q(held_on__lte=today, fact__probation__isnull=False)


def _released_only(today: dt.date) -> Q:
    return Q(release_date__isnull=False, release_date__lte=today)


def _attendance(party: str, field: str, probation: bool = False) -> Indicator:
    return Indicator(
        f"trajectoverleg-aanwezigheid-{party}",
        {
            "inrichting": _("Trajectoverleg: inrichting aanwezig"),
            "reclassering": _("Trajectoverleg: reclassering aanwezig"),
            "gemeente": _("Trajectoverleg: gemeente aanwezig"),
            "gedetineerde": _("Trajectoverleg: gedetineerde aanwezig"),
        }[party],
        {
            "inrichting": _(
                "Trajecten met een gehouden trajectoverleg in de maand waarbij een professional "
                "van de inrichting aanwezig was (ook online)."
            ),
            "reclassering": _(
                "Trajecten met een gehouden trajectoverleg in de maand waarbij een professional "
                "van de reclassering aanwezig was (ook online)."
            ),
            "gemeente": _(
                "Trajecten met een gehouden trajectoverleg in de maand waarbij een professional "
                "van de gemeente of het zorg- en veiligheidshuis aanwezig was (ook online)."
            ),
            "gedetineerde": _(
                "Trajecten met een gehouden trajectoverleg in de maand waarbij de gedetineerde "
                "aanwezig was."
            ),
        }[party],
        _(
            "Trajecten waarbij de reclassering betrokken is en waarvoor in de maand een "
            "trajectoverleg is gehouden (het verslag is vastgelegd). Over de hele periode: "
            "trajecten met minstens één zo'n overleg, en de teller telt een traject als die "
            "partij bij minstens één ervan aanwezig was."
        )
        if probation
        else _(
            "Trajecten waarvoor in de maand een trajectoverleg is gehouden (het verslag is "
            "vastgelegd). Over de hele periode: trajecten met minstens één zo'n overleg, en de "
            "teller telt een traject als die partij bij minstens één ervan aanwezig was."
        ),
        MEETING_HELD,
        _meeting_with_probation if probation else _any_meeting,
        Q(**{field: True}),
        MEETINGS,
        source="meetings",
        rows=MEETING_ROWS,
    )


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
        "gezamenlijk-overleg-op-tijd",
        _("Gezamenlijk overleg binnen 4 weken"),
        _(
            "Trajecten met een gehouden overleg (elke soort) op of voor de uiterlijke datum (4 "
            "weken na aankomst, de eerstvolgende werkdag) waarbij een professional van de "
            "inrichting, een professional van de gemeente (of het zorg- en veiligheidshuis), "
            "de gedetineerde en, als de reclassering betrokken is, een professional van de "
            "reclassering aanwezig waren (ook online)."
        ),
        _(
            "Trajecten zonder kort verblijf die in de periode aankwamen en waarvan de termijn "
            "voor vandaag afliep."
        ),
        ARRIVAL,
        _term_ended("plan_due"),
        Q(joint_meeting_on__lte=F("plan_due")),
        MEETINGS,
        source="meetings",
    ),
    Indicator(
        "mdo-elke-6-weken",
        _("MDO elke 6 weken gehouden"),
        _(
            "Trajecten waarvan elk MDO dat in de maand uiterlijk moest plaatsvinden op tijd is "
            "gehouden. Het eerste MDO is uiterlijk 6 weken na aankomst, elk volgend uiterlijk 6 "
            "weken na het vorige gehouden MDO (de eerstvolgende werkdag). Is er geen MDO "
            "gehouden, dan telt de volgende termijn 6 weken na de gemiste. Over de hele "
            "periode: elk MDO in de periode op tijd."
        ),
        _(
            "Trajecten zonder kort verblijf waarvoor in de maand een MDO uiterlijk moest "
            "plaatsvinden, voor de vrijlating, en waarvan die datum voor vandaag ligt."
        ),
        TERM_DUE,
        _term_rows("mdo"),
        Q(held_on__isnull=True) | Q(held_on__gt=F("due")),
        MEETINGS,
        source="meetings",
        rows=TERM_ROWS,
        every_on_time=True,
    ),
    Indicator(
        "trajectoverleg-gehouden",
        _("Trajectoverleggen gehouden zoals afgesproken"),
        _(
            "Trajecten waarvan elk trajectoverleg dat in de maand uiterlijk moest plaatsvinden "
            "op tijd is gehouden. De frequentie komt uit het D&R-plan; het eerste overleg is "
            "uiterlijk die frequentie na de vaststelling van het plan, elk volgend na het vorige "
            "gehouden overleg (of de gemiste termijn). Over de hele periode: elk overleg in de "
            "periode op tijd."
        ),
        _(
            "Trajecten zonder kort verblijf met een vastgesteld D&R-plan met een afgesproken "
            "frequentie, waarvoor in de maand een trajectoverleg uiterlijk moest plaatsvinden, "
            "voor de vrijlating, en waarvan die datum voor vandaag ligt."
        ),
        TERM_DUE,
        _term_rows("trajectoverleg"),
        Q(held_on__isnull=True) | Q(held_on__gt=F("due")),
        MEETINGS,
        source="meetings",
        rows=TERM_ROWS,
        every_on_time=True,
    ),
    _attendance("inrichting", "prison_present"),
    _attendance("reclassering", "probation_present", probation=True),
    _attendance("gemeente", "municipality_present"),
    _attendance("gedetineerde", "detainee_present"),
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
                "vrijlating niet in orde was: in de uitkomst bij vrijlating (overdracht) 'Niet "
                "in orde', of 'Geregeld' met een datum 'gaat in op' na de vrijlating. Voor "
                "vrijlatingen zonder vastgelegde uitkomst (van voor de overdracht in Nieuwe "
                "Start) telt de screening: niet 'In orde' op de dag van vrijlating."
            )
            % {"condition": condition},
            _("Trajecten die in de periode zijn vrijgelaten."),
            RELEASE,
            _released(field),
            Q(**{field: False}),
            RELEASED,
            higher_is_better=False,
            source="handover",
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
    Indicator(
        "regie-na-vrijlating-benoemd-en-ontmoet",
        _("Regie na vrijlating kende de gedetineerde al"),
        _(
            "Vrijgelaten trajecten waarbij een professional (met naam als deelnemer "
            "vastgelegd) van de organisatie die na de vrijlating casusregie heeft, samen met de "
            "gedetineerde aanwezig was bij een gehouden overleg op of voor de dag van "
            "vrijlating (ook online)."
        ),
        _("Trajecten die in de periode zijn vrijgelaten."),
        RELEASE,
        _released_only,
        Q(lead_met_on__isnull=False),
        RELEASED,
        source="handover",
    ),
)

DURATIONS: tuple[DurationIndicator, ...] = (
    DurationIndicator(
        "vrijlating-tot-uitkering",
        _("Dagen van vrijlating tot inkomen (uitkering of werk)"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de dag waarop het "
            "inkomen (uitkering of werk) ingaat, zoals vóór de vrijlating vastgelegd bij "
            "'Werk en inkomen' in de overdracht: 'In orde' telt als 0 dagen, 'Geregeld' telt "
            "tot de datum 'gaat in op' (0 als die op of voor de vrijlating ligt). Het is de "
            "afgesproken datum, niet een gecontroleerde eerste betaling."
        ),
        _(
            "Trajecten die in de periode zijn vrijgelaten met een vastgelegde uitkomst bij "
            "vrijlating voor 'Werk en inkomen' van 'In orde', of 'Geregeld' met een datum. "
            "'Niet in orde' of 'Geregeld' zonder datum telt niet mee (zie 'Vrijgelaten zonder "
            "werk of inkomen'); vrijlatingen zonder vastgelegde uitkomst ook niet."
        ),
        "income_days",
        "",
        "",
        AFTER_RELEASE,
        source="handover",
    ),
    DurationIndicator(
        "wachttijd-toezicht",
        _("Wachttijd van vrijlating tot start toezicht"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de werkelijke "
            "start van de eerste gestarte verwijzing 'Start reclasseringstoezicht' (0 als die "
            "op of voor de vrijlating ligt)."
        ),
        _(
            "Trajecten die in de periode zijn vrijgelaten met een justitiële titel (v.i. of "
            "voorwaardelijke straf) en een gestarte verwijzing naar reclasseringstoezicht. "
            "Apart: het aantal met zo'n titel bij wie nog geen start van het toezicht is "
            "vastgelegd; zij tellen niet mee in de mediaan."
        ),
        "supervision_days",
        "supervision_waiting",
        _("nog geen start toezicht vastgelegd"),
        AFTER_RELEASE,
        source="referrals",
    ),
    DurationIndicator(
        "wachttijd-beschermd-wonen",
        _("Wachttijd van vrijlating tot beschermd of begeleid wonen"),
        _(
            "Mediaan en gemiddelde van het aantal dagen van de vrijlating tot de werkelijke "
            "start van de eerste gestarte verwijzing naar beschermd wonen of begeleid wonen (0 "
            "als die op of voor de vrijlating ligt)."
        ),
        _(
            "Trajecten die in de periode zijn vrijgelaten met een gestarte verwijzing naar "
            "beschermd of begeleid wonen. Apart: het aantal vrijgelatenen van wie zo'n "
            "verwijzing nog loopt (aangemeld of op de wachtlijst); zij tellen niet mee in de "
            "mediaan."
        ),
        "housing_days",
        "housing_waiting",
        _("nog op de wachtlijst"),
        AFTER_RELEASE,
        source="referrals",
    ),
)

ALL: tuple[Indicator | DurationIndicator, ...] = (*INDICATORS, *DURATIONS)

BY_CODE: dict[str, Indicator | DurationIndicator] = {indicator.code: indicator for indicator in ALL}


@dataclass(frozen=True)
class PendingIndicator:
    code: str
    title: StrOrPromise
    definition: StrOrPromise
    pending_on: str  # the app whose records it needs


# Every indicator of issue 5 is built; new ones that wait for data go here.
PENDING: tuple[PendingIndicator, ...] = ()
