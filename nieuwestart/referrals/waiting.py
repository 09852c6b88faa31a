"""Waiting lists as pure functions of the facts and `today` (no database).

Rules (issue 4, item 6; report §4.5: "wachtlijsten voor begeleid en beschermd wonen lopen op
tot een jaar", so people leave prison to family or the homeless shelter):
- Days waiting: from the date referred until the actual start, or until today while the
  referral is open (aangemeld, op de wachtlijst). A rejected or withdrawn referral has none.
- The release date is the actual end date when there is one, else the expected end date.
- An open referral signals, most urgent first:
  1. `vrijgelaten-zonder-plek`: the person has been released and the place has not started.
  2. `dreigt-vrijlating-zonder-plek`: before release, the expected start falls after the
     release date, or the expected start is still unknown while release is at most
     RELEASE_NEAR_DAYS (6 weeks) away.
  3. `start-verlopen`: the expected start has passed and nobody registered the start: ask the
     provider and update the referral.
  4. `lang-wachten`: waiting for LONG_WAIT_DAYS (13 weeks) or longer.
- A referral that started, was rejected or was withdrawn signals nothing.
- Dates are checked here too (`validate`), so the web form and the API say the same thing:
  referred on not in the future and not more than a year before the trajectory (detention)
  started; an expected or actual start not before the referral and not more than 3 years
  after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nieuwestart.referrals.models import OPEN_STATUSES, ReferralKind, ReferralStatus

RELEASE_NEAR_DAYS = 42
LONG_WAIT_DAYS = 91
# Sanity limits on the dates (a typing error such as 0001-01-01 or 9999-12-31 is refused):
# a referral may be made before detention starts (e.g. by probation during a pre-trial
# period), but not more than a year before; a place or a start more than three years after the
# referral is not a waiting list but a mistake.
REFERRED_BEFORE_START_DAYS = 365
MAX_START_AFTER_REFERRAL_DAYS = 3 * 365 + 1

RELEASED_WITHOUT_PLACE = "vrijgelaten-zonder-plek"
NO_PLACE_AT_RELEASE = "dreigt-vrijlating-zonder-plek"
START_PASSED = "start-verlopen"
LONG_WAIT = "lang-wachten"
SIGNAL_CODES = (RELEASED_WITHOUT_PLACE, NO_PLACE_AT_RELEASE, START_PASSED, LONG_WAIT)
# Sort key of a referral without any signal (after all signals).
NO_SIGNAL_RANK = len(SIGNAL_CODES)


@dataclass(frozen=True)
class WaitFacts:
    """What the waiting-list rules need to know about one referral and its trajectory."""

    kind: str
    status: str
    referred_on: dt.date
    expected_start: dt.date | None
    actual_start: dt.date | None
    release_date: dt.date | None
    released: bool = False


@dataclass(frozen=True)
class Signal:
    code: str
    label: str
    explanation: str

    @property
    def rank(self) -> int:
        return SIGNAL_CODES.index(self.code)


@dataclass(frozen=True)
class Assessment:
    days_waiting: int | None
    release_date: dt.date | None
    signals: list[Signal] = field(default_factory=list)

    @property
    def rank(self) -> int:
        """0 = released without a place, ... NO_SIGNAL_RANK = nothing to worry about."""
        return min((s.rank for s in self.signals), default=NO_SIGNAL_RANK)

    @property
    def at_risk(self) -> bool:
        """A release without a place has happened or threatens."""
        return self.rank <= 1

    @property
    def main_signal(self) -> Signal | None:
        return min(self.signals, key=lambda s: s.rank) if self.signals else None


def is_released(release_date: dt.date | None, phase_after_release: bool, today: dt.date) -> bool:
    """Released: the trajectory is past detention, or its release date has passed."""
    return phase_after_release or (release_date is not None and release_date < today)


def days_waiting(facts: WaitFacts, today: dt.date) -> int | None:
    if facts.status == ReferralStatus.STARTED and facts.actual_start is not None:
        return max((facts.actual_start - facts.referred_on).days, 0)
    if facts.status in OPEN_STATUSES:
        return max((today - facts.referred_on).days, 0)
    return None


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _without(kind: str) -> tuple[str, str]:
    """The signal's words: supervision has a start, the others a place."""
    if kind == ReferralKind.SUPERVISION:
        return _("Vrijgelaten zonder start toezicht"), _("Dreigt vrijlating zonder toezicht")
    return _("Vrijgelaten zonder plek"), _("Dreigt vrijlating zonder plek")


def assess(facts: WaitFacts, today: dt.date) -> Assessment:
    waited = days_waiting(facts, today)
    release = facts.release_date
    if facts.status not in OPEN_STATUSES:
        return Assessment(days_waiting=waited, release_date=release)
    released_label, threat_label = _without(facts.kind)
    signals: list[Signal] = []
    expected = facts.expected_start
    if facts.released:
        signals.append(
            Signal(
                RELEASED_WITHOUT_PLACE,
                released_label,
                _("De persoon is vrij, maar de verwijzing is nog niet gestart."),
            )
        )
    elif release is not None and expected is not None and expected > release:
        gap = (expected - release).days
        signals.append(
            Signal(
                NO_PLACE_AT_RELEASE,
                threat_label,
                ngettext(
                    "De verwachte start (%(start)s) is %(days)d dag na de vrijlating (%(release)s).",
                    "De verwachte start (%(start)s) is %(days)d dagen na de vrijlating "
                    "(%(release)s).",
                    gap,
                )
                % {"start": _day(expected), "days": gap, "release": _day(release)},
            )
        )
    elif release is not None and expected is None and (release - today).days <= RELEASE_NEAR_DAYS:
        signals.append(
            Signal(
                NO_PLACE_AT_RELEASE,
                threat_label,
                _("De vrijlating is op %(release)s en de verwachte start is nog onbekend.")
                % {"release": _day(release)},
            )
        )
    if expected is not None and expected < today:
        signals.append(
            Signal(
                START_PASSED,
                _("Verwachte start is voorbij"),
                _(
                    "De start was verwacht op %(start)s. Vraag de aanbieder hoe het staat en "
                    "pas de verwijzing aan."
                )
                % {"start": _day(expected)},
            )
        )
    if waited is not None and waited >= LONG_WAIT_DAYS:
        signals.append(
            Signal(
                LONG_WAIT,
                _("Lang op de wachtlijst"),
                ngettext("Wacht al %(weeks)d week.", "Wacht al %(weeks)d weken.", waited // 7)
                % {"weeks": waited // 7},
            )
        )
    return Assessment(days_waiting=waited, release_date=release, signals=signals)


# --- Checks on the dates and the status (the same for web and API) ---------------------------

REFERRED_ON = "aangemeldOp"
EXPECTED_START = "verwachteStart"
ACTUAL_START = "werkelijkeStart"
STATUS = "status"


def validate(
    *,
    status: str,
    referred_on: dt.date,
    expected_start: dt.date | None,
    actual_start: dt.date | None,
    today: dt.date,
    trajectory_start: dt.date | None,
) -> list[tuple[str, str]]:
    """Every problem at once, as (field, message in plain Dutch).

    `trajectory_start` is the start of the trajectory (of the detention): a referral is not
    dated more than `REFERRED_BEFORE_START_DAYS` before it. Dates are compared by subtraction,
    so extreme dates (year 1, year 9999) never overflow.
    """
    errors: list[tuple[str, str]] = []
    referred_on_ok = True
    if referred_on > today:
        referred_on_ok = False
        errors.append(
            (
                REFERRED_ON,
                _(
                    "Deze datum ligt in de toekomst. Vul de datum in waarop de aanmelding is gedaan."
                ),
            )
        )
    elif (
        trajectory_start is not None
        and (trajectory_start - referred_on).days > REFERRED_BEFORE_START_DAYS
    ):
        referred_on_ok = False
        errors.append(
            (
                REFERRED_ON,
                _(
                    "Deze datum ligt meer dan een jaar vóór het begin van de detentie "
                    "(%(start)s). Vul de datum in waarop de aanmelding is gedaan."
                )
                % {"start": _day(trajectory_start)},
            )
        )
    if expected_start is not None and expected_start < referred_on:
        errors.append(
            (EXPECTED_START, _("De verwachte start kan niet vóór de datum van aanmelding liggen."))
        )
    elif (
        expected_start is not None
        and referred_on_ok
        and (expected_start - referred_on).days > MAX_START_AFTER_REFERRAL_DAYS
    ):
        errors.append(
            (
                EXPECTED_START,
                _(
                    "De verwachte start ligt meer dan 3 jaar na de aanmelding. Kijk of de datum "
                    "klopt. Weet de aanbieder het nog niet? Laat dit veld dan leeg."
                ),
            )
        )
    if actual_start is not None:
        if status != ReferralStatus.STARTED:
            errors.append(
                (
                    ACTUAL_START,
                    _(
                        "Vul de werkelijke start alleen in als de plaatsing of start er is "
                        "geweest. Kies dan ook de status 'Geplaatst of gestart'."
                    ),
                )
            )
        elif actual_start < referred_on:
            errors.append(
                (
                    ACTUAL_START,
                    _("De werkelijke start kan niet vóór de datum van aanmelding liggen."),
                )
            )
        elif actual_start > today:
            errors.append(
                (
                    ACTUAL_START,
                    _(
                        "Deze datum ligt in de toekomst. Is de start nog niet geweest? Vul dan "
                        "de verwachte start in."
                    ),
                )
            )
        elif referred_on_ok and (actual_start - referred_on).days > MAX_START_AFTER_REFERRAL_DAYS:
            errors.append(
                (
                    ACTUAL_START,
                    _(
                        "De werkelijke start ligt meer dan 3 jaar na de aanmelding. Kijk of de "
                        "datum klopt."
                    ),
                )
            )
    elif status == ReferralStatus.STARTED:
        errors.append((ACTUAL_START, _("Vul in op welke datum de plaatsing of start was.")))
    return errors
