"""Checking the input of the screening before anything is saved (no database).

Rules: every error is reported at once, keyed by its API path (`kenmerken.lvb`,
`domeinen.huisvesting.hulpvraag`, `domeinen.identiteit.feiten.geldigTot`), with a plain-Dutch
message that says what to do. A status that asks for help ("aandacht", "hulp-nodig") needs the
help question in words, because a yes or no is not enough (report §3.1). Facts are checked
against `domains.SCHEMA`; care content written by somebody who may not see it is an error, never
silently dropped. Money is in euros with at most two decimals and may be typed the Dutch way
("2.500", "1.500,50").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from nieuwestart.screening.domains import DOMAIN_CODES, SCHEMA, Fact, FactType, fact_visible
from nieuwestart.screening.models import STATUSES_NEEDING_HELP, Answer, Partner, Status

TEXT_MAX = 1000
MONEY_MAX = Decimal("10000000")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
LANGUAGE_NEEDS_MAX = 200
OWN_WORDS_MAX = 4000
HELP_QUESTION_MAX = 2000
ACTING_NOTE_MAX = 200
CONTRIBUTION_MAX = 2000


# --- Facts ---------------------------------------------------------------------------------


def clean_fact(fact: Fact, value: Any) -> tuple[Any, str]:
    """(stored value or None for empty, error message or "")."""
    if value is None or value == "":
        return None, ""
    if fact.type == FactType.BOOL:
        # A tick box: only "yes" is stored. No means not ticked, and is the default.
        if isinstance(value, bool):
            return (True if value else None), ""
        return None, _("Kies ja of nee (true of false).")
    if fact.type == FactType.CHOICE:
        codes = [code for code, _label in fact.choices]
        if isinstance(value, str) and value in codes:
            return value, ""
        return None, _("Kies uit: %(choices)s.") % {"choices": ", ".join(codes)}
    if fact.type == FactType.TEXT:
        if not isinstance(value, str):
            return None, _("Schrijf dit als tekst.")
        text = value.strip()
        if len(text) > TEXT_MAX:
            return None, _("Gebruik hooguit %(max)d tekens.") % {"max": TEXT_MAX}
        return text or None, ""
    if fact.type == FactType.DATE:
        return _clean_date(value)
    return _clean_money(value)


def _clean_date(value: Any) -> tuple[Any, str]:
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat(), ""
        except ValueError:
            pass
    return None, _("Vul een datum in, zoals 2027-03-15.")


def parse_money(value: Any) -> Decimal | None:
    """Euros from a number or Dutch text ("1.500,50", "€ 2500"); None if it is no amount."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    elif isinstance(value, str):
        text = value.replace("€", "").replace(" ", "").strip()
        if "," in text:  # Dutch: "1.500,50"
            text = text.replace(".", "").replace(",", ".")
        elif THOUSANDS.match(text):  # "2.500" is 2500 euros (money has at most 2 decimals)
            text = text.replace(".", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not amount.is_finite():
        return None
    return amount


def _clean_money(value: Any) -> tuple[Any, str]:
    amount = parse_money(value)
    message = _("Vul een bedrag in euro's in, zoals 2500 of 2500,50.")
    if amount is None or amount < 0 or amount > MONEY_MAX:
        return None, message
    if amount != amount.quantize(Decimal("0.01")):
        return None, message
    return str(amount.quantize(Decimal("0.01"))), ""


def clean_facts(
    domain: str, raw: Any, *, care_details: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate the facts of one domain that the user may write.

    Returns (facts to store, errors per fact code). Empty values are left out. A fact the user
    may not see is an error, never silently dropped.
    """
    spec = SCHEMA[domain]
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        return {}, {"": _("Geef de feiten als een object met per feit een waarde.")}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for code, value in raw.items():
        fact = spec.fact(str(code))
        if fact is None:
            errors[str(code)] = _("Dit gegeven hoort niet bij %(domain)s.") % {"domain": spec.label}
            continue
        if not fact_visible(fact, care_details=care_details):
            if value not in (None, ""):
                errors[fact.code] = _("Dit gegeven mag uw organisatie niet zien of invullen.")
            continue
        stored, error = clean_fact(fact, value)
        if error:
            errors[fact.code] = error
        elif stored is not None:
            cleaned[fact.code] = stored
    return cleaned, errors


def help_question_error(status: str, help_question: str) -> str:
    if status in STATUSES_NEEDING_HELP and not help_question.strip():
        return _("Schrijf de hulpvraag op: wat is er nodig, en waarvoor? Ja of nee is niet genoeg.")
    return ""


# --- The whole screening --------------------------------------------------------------------


@dataclass(frozen=True)
class DomainValues:
    status: str
    help_question: str
    acting_partner: str
    acting_note: str
    facts: dict[str, Any]


def clean_text(value: Any, path: str, limit: int, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[path] = [_("Schrijf dit als tekst.")]
        return ""
    if len(value.strip()) > limit:
        errors[path] = [_("Gebruik hooguit %(max)d tekens.") % {"max": limit}]
        return ""
    return value.strip()


def clean_choice(value: Any, path: str, choices: list[str], errors: dict[str, list[str]]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    errors[path] = [_("Kies uit: %(choices)s.") % {"choices": ", ".join(choices)}]
    return ""


def _validate_domain(
    code: str, raw: Mapping[str, Any], *, care_details: bool, errors: dict[str, list[str]]
) -> DomainValues:
    prefix = f"domeinen.{code}"
    status = raw.get("status") or Status.UNKNOWN
    status = clean_choice(status, f"{prefix}.status", list(Status.values), errors)
    help_question = clean_text(
        raw.get("help_question"), f"{prefix}.hulpvraag", HELP_QUESTION_MAX, errors
    )
    message = help_question_error(status, help_question)
    if message and f"{prefix}.hulpvraag" not in errors:
        errors[f"{prefix}.hulpvraag"] = [message]
    partner = raw.get("acting_partner") or ""
    if partner:
        partner = clean_choice(partner, f"{prefix}.actiePartner", list(Partner.values), errors)
    note = clean_text(raw.get("acting_note"), f"{prefix}.toelichtingActie", ACTING_NOTE_MAX, errors)
    facts, fact_errors = clean_facts(code, raw.get("facts"), care_details=care_details)
    for fact_code, message in fact_errors.items():
        path = f"{prefix}.feiten.{fact_code}" if fact_code else f"{prefix}.feiten"
        errors[path] = [message]
    return DomainValues(status, help_question, partner, note, facts)


@dataclass(frozen=True)
class ScreeningValues:
    flags: dict[str, Any]  # API code -> value
    own_words: str
    domains: dict[str, DomainValues]


def validate_screening(
    *,
    care_details: bool,
    lvb: Any,
    first_detention: Any,
    language_needs: Any,
    reading_needs: Any,
    own_words: Any,
    domains: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> ScreeningValues:
    answers = list(Answer.values)
    flags = {
        "lvb": clean_choice(lvb or Answer.UNKNOWN, "kenmerken.lvb", answers, errors),
        "eersteDetentie": clean_choice(
            first_detention or Answer.UNKNOWN, "kenmerken.eersteDetentie", answers, errors
        ),
        "taalbehoeften": clean_text(
            language_needs, "kenmerken.taalbehoeften", LANGUAGE_NEEDS_MAX, errors
        ),
        "leesbehoeften": reading_needs is True,
    }
    if not isinstance(reading_needs, bool):
        errors["kenmerken.leesbehoeften"] = [_("Kies ja of nee (true of false).")]
    words = clean_text(own_words, "eigenWoorden", OWN_WORDS_MAX, errors)
    values: dict[str, DomainValues] = {}
    for code, raw in domains.items():
        if code not in SCHEMA:
            errors[f"domeinen.{code}"] = [
                _("Dit domein bestaat niet. Kies uit: %(choices)s.")
                % {"choices": ", ".join(DOMAIN_CODES)}
            ]
            continue
        if not isinstance(raw, Mapping):
            errors[f"domeinen.{code}"] = [_("Geef dit domein als een object.")]
            continue
        values[code] = _validate_domain(code, raw, care_details=care_details, errors=errors)
    return ScreeningValues(flags, words, values)
