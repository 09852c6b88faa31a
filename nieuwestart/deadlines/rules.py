"""The agreed timeline as pure functions of the facts and today (DOMAIN.md, "The timeline").

No database: `deadlines(facts, settings, calendar, today)` takes a frozen `TrajectoryFacts`, the
agreed terms (`DeadlineSettings`), a `WorkingCalendar` and today's date and returns the
trajectory's deadlines. The rules are the only source: a new release date, a transfer or a
completed screening changes the deadlines the next time they are read. The work lists read the
open ones from a stored index that is recomputed from these rules whenever a fact, the terms or
`index.RULES_VERSION` change (`index.py`, docs/decisions/0016-stored-open-deadlines.md).

The rules, per stable code (the API's `soort`):

- `screening`: the screening of the basic conditions is completed within 10 working days of
  arrival (the arrival day is day 0). Met when the screening is completed. PI.
- `gemeente-gecontacteerd`: the municipality is contacted within 10 working days of arrival:
  met when the first information sheet is sent. PI.
- `gemeente-reactie`: once the first information sheet is sent, the municipality reacts
  (acknowledges a sheet) within `infosheet_reaction_working_days` (default 5) working days.
  Met by the first acknowledgement. Municipality; when late, the PI's staffunctionaris gets the
  signal in its escalations (report §3.4: municipalities that never react).
- `plan-vastgesteld`: joint meeting held and D&R-plan established within 4 weeks of arrival
  (art. 18a Pbw). Met by the first established version. PI.
- `mdo`: an MDO every 6 weeks, counted from the start or from the last held MDO (a meeting of
  kind `mdo` whose minutes are recorded in the meetings app; `mdo_dates`). Rolling: there is
  always one, the next one due, so it is never met, only open or late. PI.
- `trajectoverleg`: a trajectory meeting at the frequency agreed in the plan, counted from the
  plan's establishment or the last held trajectory meeting (`trajectory_meeting_dates`). Only
  once the plan is established with a frequency. Rolling like the MDO. PI (casusregie during
  detention).
- `voorbereiding-vrijlating`: the partners coordinate the warm handover 6 weeks before the
  expected release (the working day on or before; never before the first working day after
  arrival). Met by the first held meeting of kind `voorbereiding-vrijlating` that falls in the
  pre-release window (`pre_release_met_on`): on or after the release date minus twice the
  term (default 12 weeks before the release) and on or before the release date. A meeting
  months earlier coordinated a release that was further away (or has moved since): it does not
  count, because what must continue or start after the release is agreed close to it
  (DOMAIN.md, "Before release"). For a short stay the window starts before arrival, so every
  pre-release meeting during the stay counts. PI.
- `voor-vrijlating-id`, `-uitkering`, `-huisvesting` (municipality) and `-zorg` (PI): due on the
  release date; met when the screening has that basic condition `in-orde` (when and by whom:
  the last change of that condition).
- `reclassering-ontmoeting`: only when supervision follows (judicial title conditional release
  or conditional sentence) and probation is involved: probation has met the detainee before the
  release. Met by the first held meeting (any kind) at which a professional of a probation
  organisation and the detainee were both recorded as present, held on or before the release
  date (the end date, else the expected one; the release day is the last day of detention):
  a meeting after the release is supervision, not meeting the detainee during detention
  (`TrajectoryFacts.probation_met_on`). Probation.

Week terms that end on a weekend or holiday move to the next working day (Algemene
termijnenwet art. 1); "before release" terms move to the working day before.

Short stay (expected stay shorter than `short_stay_days`, default 90 days): no deadline falls
on or after the release date: every due date is clamped to the last working day before it. The
4-week plan, the MDO and the trajectory meeting give way to the quick wins `snelle-winst-id`,
`snelle-winst-betalingsregeling` (finances), `snelle-winst-woning-behouden` (housing) and
`snelle-winst-uitkering` (income), each met when that basic condition is `in-orde`; they replace
the ID, benefit and housing pre-release items they cover. Care and probation stay.

For other stays no deadline falls after the release date either: one-off terms are clamped to
it, and a rolling term (MDO, trajectory meeting) whose next date falls after it is left out.

Without an expected release date there are no release deadlines (and the stay is not short).

After release (an end date, or phase `na-detentie`/`afgesloten`): the release date is the end
date (else the expected one). Deadlines are shown as they ended: met, or late when not met by
now; nothing new appears, because nothing is due after the release date.

Status: `gehaald` when met (also when met after the due date: the explanation says so),
`te-laat` when not met and today is after the due date, otherwise `open`. `days_left` counts
working days from today to the due date, negative when late, None when met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import setting_changed
from django.utils.translation import get_language, gettext, gettext_noop

from nieuwestart.deadlines.calendar import WorkingCalendar

# Translations of the rules' texts, per language: a work list computes every deadline of
# hundreds of trajectories, with a dozen texts each, and Django's `gettext` costs a few
# microseconds a call (the active-language lookup and the catalog chain). The catalog of a
# language does not change while the process runs; a change of settings (tests) empties this.
_TRANSLATED: dict[str | None, dict[str, str]] = {}


def _translator() -> Callable[[str], str]:
    """`gettext` for the active language, remembered (see `_TRANSLATED`). Taken once per
    `deadlines` call: asking for the active language costs about as much as the lookup."""
    texts = _TRANSLATED.setdefault(get_language(), {})

    def translate(message: str) -> str:
        text = texts.get(message)
        if text is None:
            text = texts[message] = gettext(message)
        return text

    return translate


def _forget_translations(**kwargs: Any) -> None:
    _TRANSLATED.clear()


setting_changed.connect(_forget_translations, dispatch_uid="deadlines.rules.translations")

OPEN = "open"
MET = "gehaald"
LATE = "te-laat"

PRISON = "inrichting"
MUNICIPALITY = "gemeente"
PROBATION = "reclassering"

IN_ORDER = "in-orde"
RELEASED_PHASES = frozenset({"na-detentie", "afgesloten"})
SUPERVISION_TITLES = frozenset({"vi", "voorwaardelijke-straf"})

# Stable codes, in the order they are shown when due on the same day.
CODES: tuple[str, ...] = (
    "screening",
    "gemeente-gecontacteerd",
    "gemeente-reactie",
    "plan-vastgesteld",
    "mdo",
    "trajectoverleg",
    "snelle-winst-id",
    "snelle-winst-betalingsregeling",
    "snelle-winst-woning-behouden",
    "snelle-winst-uitkering",
    "voorbereiding-vrijlating",
    "voor-vrijlating-id",
    "voor-vrijlating-uitkering",
    "voor-vrijlating-huisvesting",
    "voor-vrijlating-zorg",
    "reclassering-ontmoeting",
)

# What each deadline asks, in Dutch (translated where shown): the trajectory page, the work
# lists and the stored index (`index.py`) all name a deadline by this text.
LABELS: dict[str, str] = {
    "screening": gettext_noop("Screening basisvoorwaarden afgerond"),
    "gemeente-gecontacteerd": gettext_noop("Gemeente gecontacteerd (informatieblad verstuurd)"),
    "gemeente-reactie": gettext_noop("Gemeente heeft gereageerd op het informatieblad"),
    "plan-vastgesteld": gettext_noop("Gezamenlijk overleg gehouden en D&R-plan vastgesteld"),
    "mdo": gettext_noop("MDO over het plan"),
    "trajectoverleg": gettext_noop("Trajectoverleg"),
    "snelle-winst-id": gettext_noop("Snelle winst: geldig identiteitsbewijs"),
    "snelle-winst-betalingsregeling": gettext_noop("Snelle winst: betalingsregelingen"),
    "snelle-winst-woning-behouden": gettext_noop("Snelle winst: woning behouden"),
    "snelle-winst-uitkering": gettext_noop("Snelle winst: uitkering aangevraagd"),
    "voorbereiding-vrijlating": gettext_noop("Voorbereiding vrijlating afgestemd"),
    "voor-vrijlating-id": gettext_noop("Geldig identiteitsbewijs"),
    "voor-vrijlating-uitkering": gettext_noop(
        "Uitkering voorbereid, gaat in op de dag van vrijlating"
    ),
    "voor-vrijlating-huisvesting": gettext_noop("Huisvesting geregeld"),
    "voor-vrijlating-zorg": gettext_noop("Zorg loopt door na vrijlating"),
    "reclassering-ontmoeting": gettext_noop("Reclassering heeft de gedetineerde ontmoet"),
}


@dataclass(frozen=True)
class DeadlineSettings:
    """The agreed terms (admin-editable through `models.DeadlineConfig`)."""

    screening_working_days: int = 10
    municipality_contact_working_days: int = 10
    plan_weeks: int = 4
    mdo_weeks: int = 6
    pre_release_weeks: int = 6
    escalation_grace_working_days: int = 3
    infosheet_reaction_working_days: int = 5
    short_stay_days: int = 90


DEFAULTS = DeadlineSettings()


@dataclass(frozen=True)
class ConditionFact:
    """One basic condition of the screening: status and its last change."""

    status: str = "onbekend"  # in-orde | aandacht | hulp-nodig | onbekend
    updated_on: dt.date | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class TrajectoryFacts:
    start_date: dt.date
    expected_end_date: dt.date | None = None
    end_date: dt.date | None = None
    phase: str = "instroom"
    screening_completed_at: dt.date | None = None
    screening_completed_by: str = ""
    first_infosheet_sent_at: dt.date | None = None
    first_infosheet_sent_by: str = ""
    first_infosheet_acknowledged_at: dt.date | None = None
    first_infosheet_acknowledged_by: str = ""
    plan_established_at: dt.date | None = None  # the first established version
    plan_established_by: str = ""
    meeting_frequency_weeks: int | None = None
    # Held meetings (meetings app), sorted: the days of held MDOs, trajectory meetings and
    # pre-release meetings, and the days of held meetings where probation and the detainee
    # were both present. The rules decide which of them count (see the module docstring).
    mdo_dates: tuple[dt.date, ...] = ()
    trajectory_meeting_dates: tuple[dt.date, ...] = ()
    pre_release_meeting_dates: tuple[dt.date, ...] = ()
    probation_met_dates: tuple[dt.date, ...] = ()
    probation_involved: bool = False
    judicial_title: str = "onbekend"
    # Screening domain code (identiteit, huisvesting, inkomen, financien, zorg, ...) -> fact.
    conditions: Mapping[str, ConditionFact] = field(default_factory=dict)

    @property
    def released(self) -> bool:
        return self.end_date is not None or self.phase in RELEASED_PHASES

    @property
    def release_date(self) -> dt.date | None:
        return self.end_date or self.expected_end_date

    @property
    def probation_met_on(self) -> dt.date | None:
        """The first day probation met the detainee during detention: on or before the
        release date (all days when there is none yet)."""
        release = self.release_date
        return min(
            (d for d in self.probation_met_dates if release is None or d <= release),
            default=None,
        )


def pre_release_met_on(
    facts: TrajectoryFacts, settings: DeadlineSettings = DEFAULTS
) -> dt.date | None:
    """The first held pre-release meeting in the window: on or after the release date minus
    twice `pre_release_weeks`, and on or before the release date. None without a release
    date."""
    release = facts.release_date
    if release is None:
        return None
    opens = release - dt.timedelta(weeks=2 * settings.pre_release_weeks)
    return min((d for d in facts.pre_release_meeting_dates if opens <= d <= release), default=None)


@dataclass(frozen=True)
class DeadlineSpec:
    code: str
    label: str
    due: dt.date
    status: str  # open | gehaald | te-laat
    met_on: dt.date | None
    met_by: str
    explanation: str
    responsible: str  # inrichting | gemeente | reclassering
    days_left: int | None  # working days from today; negative when late; None when met


def is_short_stay(facts: TrajectoryFacts, settings: DeadlineSettings = DEFAULTS) -> bool:
    if facts.expected_end_date is None:
        return False
    return (facts.expected_end_date - facts.start_date).days < settings.short_stay_days


def escalation_date(
    spec: DeadlineSpec, settings: DeadlineSettings, cal: WorkingCalendar
) -> dt.date:
    """When a late deadline escalates (staffunctionaris or contact point): after the grace."""
    return cal.add_working_days(spec.due, settings.escalation_grace_working_days)


def _d(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


@dataclass
class _Builder:
    facts: TrajectoryFacts
    settings: DeadlineSettings
    cal: WorkingCalendar
    today: dt.date
    short: bool
    cap: dt.date | None  # no due date after this day
    tr: Callable[[str], str]  # `_translator()`
    specs: list[DeadlineSpec] = field(default_factory=list)

    def add(
        self,
        code: str,
        label: str,
        due: dt.date,
        explanation: str,
        responsible: str,
        met_on: dt.date | None = None,
        met_by: str = "",
        met: bool = False,
    ) -> None:
        _ = self.tr
        notes = [explanation]
        if self.cap is not None and due > self.cap:
            due = self.cap
            if self.short:
                notes.append(_("Kort verblijf: uiterlijk de laatste werkdag voor de vrijlating."))
            else:
                notes.append(_("De termijn valt niet na de vrijlating."))
        met = met or met_on is not None
        if met:
            status = MET
            if met_on is not None and met_on > due:
                notes.append(_("Gehaald na de termijn."))
        elif self.facts.released or self.today > due:
            status = LATE
        else:
            status = OPEN
        days_left = None if met else self.cal.working_days_between(self.today, due)
        self.specs.append(
            DeadlineSpec(
                code=code,
                label=label,
                due=due,
                status=status,
                met_on=met_on,
                met_by=met_by,
                explanation=" ".join(notes),
                responsible=responsible,
                days_left=days_left,
            )
        )

    def condition(
        self, code: str, label: str, due: dt.date, domain: str, domain_label: str, text: str
    ) -> None:
        _ = self.tr
        fact = self.facts.conditions.get(domain, ConditionFact())
        in_order = fact.status == IN_ORDER
        explanation = (
            text
            + " "
            + _("Gehaald als de basisvoorwaarde %(domain)s in de screening op 'In orde' staat.")
            % {"domain": domain_label}
        )
        self.add(
            code,
            label,
            due,
            explanation,
            MUNICIPALITY if domain != "zorg" else PRISON,
            met_on=fact.updated_on if in_order else None,
            met_by=fact.updated_by if in_order else "",
            met=in_order,
        )

    def rolling(
        self,
        code: str,
        label: str,
        anchor: dt.date,
        weeks: int,
        held: tuple[dt.date, ...],
        explanation: str,
    ) -> None:
        _ = self.tr
        last = max(held, default=None)
        due = self.cal.on_or_after((last or anchor) + dt.timedelta(weeks=weeks))
        if self.cap is not None and due > self.cap:
            return  # the next one would fall after the release: nothing new
        if last is not None:
            explanation += " " + _("Laatst gehouden: %(date)s.") % {"date": _d(last)}
        else:
            explanation += " " + _("Er is nog geen gehouden overleg vastgelegd.")
        explanation += " " + _(
            "De volgende termijn begint als het verslag van een overleg is vastgelegd."
        )
        self.add(code, label, due, explanation, PRISON)


def deadlines(
    facts: TrajectoryFacts,
    settings: DeadlineSettings,
    cal: WorkingCalendar,
    today: dt.date,
) -> list[DeadlineSpec]:
    """The trajectory's deadlines on `today`, sorted by due date (see the module docstring)."""
    _ = _translator()
    start = facts.start_date
    release = facts.release_date
    if facts.released and release is None:
        release = today
    short = is_short_stay(facts, settings)
    cap: dt.date | None = None
    if release is not None:
        cap = max(cal.last_working_day_before(release), start) if short else release
    b = _Builder(facts, settings, cal, today, short, cap, _)
    arrival = _("aankomst op %(date)s; de aankomstdag telt niet mee") % {"date": _d(start)}

    n = settings.screening_working_days
    by = facts.screening_completed_by
    b.add(
        "screening",
        _(LABELS["screening"]),
        cal.add_working_days(start, n),
        _("Binnen %(n)d werkdagen na aankomst (%(arrival)s).") % {"n": n, "arrival": arrival},
        PRISON,
        met_on=facts.screening_completed_at,
        met_by=by,
    )
    n = settings.municipality_contact_working_days
    b.add(
        "gemeente-gecontacteerd",
        _(LABELS["gemeente-gecontacteerd"]),
        cal.add_working_days(start, n),
        _(
            "Binnen %(n)d werkdagen na aankomst (%(arrival)s) stuurt de inrichting het "
            "informatieblad naar de gemeente."
        )
        % {"n": n, "arrival": arrival},
        PRISON,
        met_on=facts.first_infosheet_sent_at,
        met_by=facts.first_infosheet_sent_by,
    )
    if facts.first_infosheet_sent_at is not None:
        n = settings.infosheet_reaction_working_days
        b.add(
            "gemeente-reactie",
            _(LABELS["gemeente-reactie"]),
            cal.add_working_days(facts.first_infosheet_sent_at, n),
            _(
                "Binnen %(n)d werkdagen nadat het informatieblad is verstuurd (%(date)s) "
                "bevestigt de gemeente de ontvangst."
            )
            % {"n": n, "date": _d(facts.first_infosheet_sent_at)},
            MUNICIPALITY,
            met_on=facts.first_infosheet_acknowledged_at,
            met_by=facts.first_infosheet_acknowledged_by,
        )

    if short:
        for code, label, domain, domain_label in (
            (
                "snelle-winst-id",
                _(LABELS["snelle-winst-id"]),
                "identiteit",
                _("Identiteitsbewijs"),
            ),
            (
                "snelle-winst-betalingsregeling",
                _(LABELS["snelle-winst-betalingsregeling"]),
                "financien",
                _("Financiën en schulden"),
            ),
            (
                "snelle-winst-woning-behouden",
                _(LABELS["snelle-winst-woning-behouden"]),
                "huisvesting",
                _("Huisvesting"),
            ),
            (
                "snelle-winst-uitkering",
                _(LABELS["snelle-winst-uitkering"]),
                "inkomen",
                _("Werk en inkomen"),
            ),
        ):
            assert release is not None  # a short stay has an expected release date
            b.condition(
                code,
                label,
                release,
                domain,
                domain_label,
                _("Kort verblijf (korter dan %(days)d dagen): snelle winst voor de vrijlating.")
                % {"days": settings.short_stay_days},
            )
    else:
        weeks = settings.plan_weeks
        b.add(
            "plan-vastgesteld",
            _(LABELS["plan-vastgesteld"]),
            cal.on_or_after(start + dt.timedelta(weeks=weeks)),
            _(
                "Binnen %(weeks)d weken na aankomst bespreken de partners en de gedetineerde het "
                "plan en stelt de inrichting het vast (art. 18a Pbw)."
            )
            % {"weeks": weeks},
            PRISON,
            met_on=facts.plan_established_at,
            met_by=facts.plan_established_by,
        )
        b.rolling(
            "mdo",
            _(LABELS["mdo"]),
            start,
            settings.mdo_weeks,
            facts.mdo_dates,
            _("Elke %(weeks)d weken bespreekt het MDO het plan, gerekend vanaf de aankomst.")
            % {"weeks": settings.mdo_weeks},
        )
        if facts.plan_established_at is not None and facts.meeting_frequency_weeks:
            b.rolling(
                "trajectoverleg",
                _(LABELS["trajectoverleg"]),
                facts.plan_established_at,
                facts.meeting_frequency_weeks,
                facts.trajectory_meeting_dates,
                _(
                    "Elke %(weeks)d weken, zoals afgesproken in het D&R-plan (vastgesteld op "
                    "%(date)s)."
                )
                % {"weeks": facts.meeting_frequency_weeks, "date": _d(facts.plan_established_at)},
            )

    if release is None:
        return _sorted(b.specs)

    released_on = _d(release)
    pre = cal.on_or_before(release - dt.timedelta(weeks=settings.pre_release_weeks))
    pre = max(pre, cal.add_working_days(start, 1))
    b.add(
        "voorbereiding-vrijlating",
        _(LABELS["voorbereiding-vrijlating"]),
        pre,
        _(
            "%(weeks)d weken voor de vrijlating (%(date)s) stemmen de partners af wat na de "
            "vrijlating doorloopt of start (warme overdracht)."
        )
        % {"weeks": settings.pre_release_weeks, "date": released_on}
        + " "
        + _(
            "Gehaald als een overleg 'Voorbereiding vrijlating' is gehouden en het verslag is "
            "vastgelegd, in de %(window)d weken voor de vrijlating."
        )
        % {"window": 2 * settings.pre_release_weeks},
        PRISON,
        met_on=pre_release_met_on(facts, settings),
    )
    before = _("Voor de vrijlating (%(date)s).") % {"date": released_on}
    items = [
        ("voor-vrijlating-zorg", _(LABELS["voor-vrijlating-zorg"]), "zorg", _("Zorg")),
    ]
    if not short:
        items = [
            (
                "voor-vrijlating-id",
                _(LABELS["voor-vrijlating-id"]),
                "identiteit",
                _("Identiteitsbewijs"),
            ),
            (
                "voor-vrijlating-uitkering",
                _(LABELS["voor-vrijlating-uitkering"]),
                "inkomen",
                _("Werk en inkomen"),
            ),
            (
                "voor-vrijlating-huisvesting",
                _(LABELS["voor-vrijlating-huisvesting"]),
                "huisvesting",
                _("Huisvesting"),
            ),
            *items,
        ]
    for code, label, domain, domain_label in items:
        b.condition(code, label, release, domain, domain_label, before)

    if facts.judicial_title in SUPERVISION_TITLES and facts.probation_involved:
        b.add(
            "reclassering-ontmoeting",
            _(LABELS["reclassering-ontmoeting"]),
            release,
            _(
                "Na de vrijlating volgt toezicht: de reclassering ontmoet de gedetineerde tijdens "
                "de detentie. Gehaald als de reclassering en de gedetineerde allebei aanwezig "
                "waren bij een overleg dat voor of op de dag van de vrijlating is gehouden."
            ),
            PROBATION,
            met_on=facts.probation_met_on,
        )
    return _sorted(b.specs)


def _sorted(specs: list[DeadlineSpec]) -> list[DeadlineSpec]:
    return sorted(specs, key=lambda s: (s.due, CODES.index(s.code)))
