"""Validating a detention notification (detentiemelding) from JustID, API or file alike.

One validator for both channels, so a row in an import file is refused for exactly the same
reasons, in the same words, as the same notification posted to the API. It reports every
problem at once, each with the dotted field name, a code and a reason in plain Dutch (B1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nieuwestart.core.bsn import is_acceptable_bsn
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.trajectories.models import NotificationKind


@dataclass(frozen=True)
class PersonData:
    bsn: str
    given_names: str
    surname_prefix: str
    surname: str
    birth_date: dt.date


@dataclass(frozen=True)
class ValidNotification:
    message_id: str
    kind: NotificationKind
    person: PersonData
    prison: Organisation
    start_date: dt.date
    expected_end_date: dt.date | None
    registration_municipality: Organisation
    end_date: dt.date | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class FieldError:
    name: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}


class InvalidNotification(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.name}: {e.reason}" for e in errors))
        self.errors = errors


KIND_VALUES = frozenset(NotificationKind.values)  # `.values` builds a new list on every call
REQUIRED = "required"
INVALID = "invalid"


class OrganisationLookup:
    """Open prisons and municipalities by code, each read once.

    One lookup per notification does the same two queries as always. The bulk import shares
    one, preloaded, over many rows: two queries for a whole file instead of two per row. An
    organisation closed during the import is still accepted by that import.
    """

    def __init__(self, *, preload: bool = False) -> None:
        self._prisons: dict[str, Organisation | None] = {}
        self._municipalities: dict[str, Organisation | None] = {}
        self._complete = False
        if preload:  # every open prison and municipality in two queries; unknown codes are None
            self._prisons.update(
                (o.code, o)
                for o in Organisation.objects.filter(kind=OrganisationKind.PRISON, active=True)
            )
            self._municipalities.update(
                (o.code, o)
                for o in Organisation.objects.select_related("safety_house").filter(
                    kind=OrganisationKind.MUNICIPALITY
                )
            )
            self._complete = True

    def prison(self, code: str) -> Organisation | None:
        if code not in self._prisons and not self._complete:
            self._prisons[code] = Organisation.objects.filter(
                code=code, kind=OrganisationKind.PRISON, active=True
            ).first()
        return self._prisons.get(code)

    def municipality(self, code: str) -> Organisation | None:
        if code not in self._municipalities and not self._complete:
            self._municipalities[code] = (
                Organisation.objects.select_related("safety_house")
                .filter(code=code, kind=OrganisationKind.MUNICIPALITY)
                .first()
            )
        return self._municipalities.get(code)


def _text(
    data: dict[str, Any], key: str, name: str, errors: list[FieldError], *, max_length: int
) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(FieldError(name, REQUIRED, "Dit veld is verplicht."))
        return ""
    if not isinstance(value, str):
        errors.append(FieldError(name, INVALID, "Dit moet tekst zijn."))
        return ""
    if len(value.strip()) > max_length:
        errors.append(
            FieldError(name, "max_length", f"Dit mag hoogstens {max_length} tekens zijn.")
        )
        return ""
    return value.strip()


def _date(
    data: dict[str, Any], key: str, name: str, errors: list[FieldError], *, required: bool
) -> dt.date | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.append(FieldError(name, REQUIRED, "Dit veld is verplicht."))
        return None
    if not isinstance(value, str):
        errors.append(FieldError(name, INVALID, "Geef een datum als JJJJ-MM-DD."))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, INVALID, "Geef een bestaande datum als JJJJ-MM-DD."))
        return None


def validate_notification(
    data: Any, *, today: dt.date, organisations: OrganisationLookup | None = None
) -> ValidNotification:
    """Return the validated notification or raise InvalidNotification with every error.

    `organisations` lets a caller that validates many notifications share the lookups.
    """
    lookup = organisations if organisations is not None else OrganisationLookup()
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        raise InvalidNotification(
            [FieldError("body", INVALID, "Stuur één melding als JSON-object.")]
        )

    message_id = _text(data, "meldingId", "meldingId", errors, max_length=100)

    kind_value = data.get("soort")
    kind: NotificationKind | None = None
    if kind_value is None or kind_value == "":
        errors.append(FieldError("soort", REQUIRED, "Dit veld is verplicht."))
    elif not isinstance(kind_value, str) or kind_value not in KIND_VALUES:
        errors.append(FieldError("soort", INVALID, "Kies aanvang, wijziging of einde."))
    else:
        kind = NotificationKind(kind_value)

    person_data = data.get("persoon")
    person: PersonData | None = None
    if not isinstance(person_data, dict):
        errors.append(
            FieldError(
                "persoon", REQUIRED if person_data is None else INVALID, "Geef de persoon mee."
            )
        )
    else:
        bsn = person_data.get("bsn")
        if bsn is None or bsn == "":
            errors.append(FieldError("persoon.bsn", REQUIRED, "Dit veld is verplicht."))
        elif not isinstance(bsn, str) or len(bsn) != 9 or not bsn.isdigit():
            errors.append(FieldError("persoon.bsn", INVALID, "Een BSN heeft precies 9 cijfers."))
        elif not is_acceptable_bsn(bsn):
            errors.append(
                FieldError(
                    "persoon.bsn",
                    "elfproef",
                    "Dit BSN bestaat niet: het klopt niet met de elfproef.",
                )
            )
        given = _text(person_data, "voornamen", "persoon.voornamen", errors, max_length=200)
        prefix_value = person_data.get("voorvoegsel") or ""
        if not isinstance(prefix_value, str) or len(prefix_value) > 20:
            errors.append(
                FieldError(
                    "persoon.voorvoegsel", INVALID, "Een voorvoegsel is kort, zoals 'van der'."
                )
            )
            prefix_value = ""
        surname = _text(
            person_data, "geslachtsnaam", "persoon.geslachtsnaam", errors, max_length=200
        )
        birth = _date(person_data, "geboortedatum", "persoon.geboortedatum", errors, required=True)
        if birth is not None and birth > today:
            errors.append(
                FieldError(
                    "persoon.geboortedatum", INVALID, "De geboortedatum ligt in de toekomst."
                )
            )
        if (
            isinstance(bsn, str)
            and given
            and surname
            and birth
            and not any(e.name.startswith("persoon.") for e in errors)
        ):
            person = PersonData(bsn, given, prefix_value.strip(), surname, birth)

    prison_code = data.get("inrichting")
    prison: Organisation | None = None
    if prison_code is None or prison_code == "":
        errors.append(FieldError("inrichting", REQUIRED, "Dit veld is verplicht."))
    elif not isinstance(prison_code, str):
        errors.append(FieldError("inrichting", INVALID, "Geef de code van de inrichting."))
    else:
        prison = lookup.prison(prison_code)
        if prison is None:
            errors.append(
                FieldError(
                    "inrichting",
                    "unknown",
                    f"Er is geen open inrichting met code '{prison_code[:40]}'.",
                )
            )

    start = _date(data, "startdatum", "startdatum", errors, required=True)
    expected_end = _date(data, "verwachteEinddatum", "verwachteEinddatum", errors, required=False)
    if start and expected_end and expected_end < start:
        errors.append(
            FieldError(
                "verwachteEinddatum",
                "before_start",
                "De verwachte einddatum ligt vóór de startdatum.",
            )
        )

    municipality_code = data.get("gemeenteVanInschrijving")
    municipality: Organisation | None = None
    if municipality_code is None or municipality_code == "":
        errors.append(FieldError("gemeenteVanInschrijving", REQUIRED, "Dit veld is verplicht."))
    elif not isinstance(municipality_code, str):
        errors.append(
            FieldError("gemeenteVanInschrijving", INVALID, "Geef een CBS-code zoals GM0363.")
        )
    else:
        municipality = lookup.municipality(municipality_code)
        if municipality is None:
            errors.append(
                FieldError(
                    "gemeenteVanInschrijving",
                    "unknown",
                    f"Er is geen gemeente met CBS-code '{municipality_code[:40]}'.",
                )
            )

    end = _date(data, "einddatum", "einddatum", errors, required=kind == NotificationKind.END)
    if start and end and end < start:
        errors.append(
            FieldError("einddatum", "before_start", "De einddatum ligt vóór de startdatum.")
        )

    if errors:
        raise InvalidNotification(errors)
    assert kind is not None and person is not None and prison is not None
    assert start is not None and municipality is not None
    return ValidNotification(
        message_id=message_id,
        kind=kind,
        person=person,
        prison=prison,
        start_date=start,
        expected_end_date=expected_end,
        registration_municipality=municipality,
        end_date=end,
        raw=data,
    )
