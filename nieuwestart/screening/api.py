"""The screening API: `GET`/`PUT /api/v1/trajecten/{id}/screening` and
`POST /api/v1/trajecten/{id}/screening/bijdragen`.

Views only translate HTTP: access through the chokepoint, changes through the services. Field
names are Dutch camelCase (NL API Design Rules). `serializers.py` documents the shapes for
OpenAPI; validation is the services' (the same rules and messages as the web form), so every
invalid field comes back at once in `invalidParams`, named by its path
(`domeinen.huisvesting.hulpvraag`).

Concurrency: GET answers with `ETag: "<traject-uuid>-s<versie>"`. A PUT must say which version
it changes: `If-Match` with that ETag (stale: 412) or the body's `versie` (stale: 409). Without
either the answer is 428: a blind overwrite of somebody else's work is not possible.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.screening.domains import SCHEMA, FactType, fact_visible
from nieuwestart.screening.models import Answer, Contribution, Domain
from nieuwestart.screening.selectors import ScreeningRows, ScreeningView, screening_view
from nieuwestart.screening.serializers import (
    CARE_NOTE,
    ScreeningBijdrageSerializer,
    ScreeningSerializer,
)
from nieuwestart.screening.services import (
    PURPOSE,
    ScreeningConflict,
    ScreeningInvalid,
    screening_contribute,
    screening_errors,
    screening_save,
    sees_care_details,
)
from nieuwestart.trajectories.models import Trajectory

# Keys a client may send back unchanged from a GET; they are ignored.
READ_ONLY_TOP = {
    "traject",
    "afgerondOp",
    "afgerondDoor",
    "gewijzigdOp",
    "gewijzigdDoor",
    "gewijzigdDoorOrganisatie",
}
WRITABLE_TOP = {"versie", "kenmerken", "eigenWoorden", "afgerond", "domeinen"}
READ_ONLY_FLAGS = {"kortVerblijf", "zeerKortVerblijf"}
WRITABLE_FLAGS = {"lvb", "eersteDetentie", "taalbehoeften", "leesbehoeften"}
READ_ONLY_DOMAIN = {
    "naam",
    "statusOmschrijving",
    "bijdragen",
    "gewijzigdDoor",
    "gewijzigdDoorOrganisatie",
    "gewijzigdOp",
    "zorgNodigNaVrijlating",
}
DOMAIN_KEYS = {
    "status": "status",
    "hulpvraag": "help_question",
    "actiePartner": "acting_partner",
    "toelichtingActie": "acting_note",
    "feiten": "facts",
}

# --- Representation ---------------------------------------------------------------------------


def etag(trajectory: Trajectory, version: int) -> str:
    return f'"{trajectory.uuid}-s{version}"'


def _read_version(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({field: ["Geef de versie als geheel getal, zoals 3."]})
    return value


VERSION = VersionRule(
    etag=re.compile(r'(?:W/)?"(?P<uuid>[0-9a-fA-F-]{36})-s(?P<version>\d+)"'),
    foreign="Deze ETag hoort niet bij deze screening. Haal de screening opnieuw op.",
    missing="Geef mee welke versie u hebt gelezen: de ETag in de header If-Match, of het veld "
    "versie. Zo overschrijft u nooit ongemerkt de wijziging van een ander.",
    missing_title="Versie ontbreekt.",
    body_version=_read_version,
    lenient=True,
)


def screening_representation(trajectory: Trajectory, view: ScreeningView) -> dict[str, Any]:
    domains: dict[str, Any] = {}
    for domain in view.domains:
        spec = SCHEMA[domain.code]
        body: dict[str, Any] = {
            "naam": domain.label,
            "status": domain.status,
            "statusOmschrijving": domain.status_label,
            "hulpvraag": domain.help_question,
            "actiePartner": domain.acting_partner,
            "toelichtingActie": domain.acting_note,
            # As stored: true for a ticked box (false when not), code, text, ISO date, euros.
            "feiten": {
                fact.code: domain.fact_values.get(
                    fact.code, False if fact.type == FactType.BOOL else None
                )
                for fact in spec.facts
                if fact_visible(fact, care_details=view.care_details_visible)
            },
            "bijdragen": [
                {
                    "id": c.uuid,
                    "tekst": c.text,
                    "auteur": c.author,
                    "organisatie": c.organisation,
                    "datum": c.created_at.isoformat(),
                }
                for c in domain.contributions
            ],
            "gewijzigdDoor": domain.updated_by,
            "gewijzigdDoorOrganisatie": domain.updated_by_organisation,
            "gewijzigdOp": domain.updated_at.isoformat() if domain.updated_at else None,
        }
        if domain.code == Domain.CARE:
            body["zorgNodigNaVrijlating"] = domain.care_signal
        domains[domain.code] = body
    return {
        "traject": str(trajectory.uuid),
        "versie": view.version,
        "kenmerken": {
            "lvb": view.lvb,
            "eersteDetentie": view.first_detention,
            "kortVerblijf": view.short_stay,
            "zeerKortVerblijf": view.very_short_stay,
            "taalbehoeften": view.language_needs,
            "leesbehoeften": view.reading_needs,
        },
        "eigenWoorden": view.own_words,
        "afgerond": view.completed_at is not None,
        "afgerondOp": view.completed_at.isoformat() if view.completed_at else None,
        "afgerondDoor": view.completed_by,
        "gewijzigdOp": view.updated_at.isoformat() if view.updated_at else None,
        "gewijzigdDoor": view.updated_by,
        "gewijzigdDoorOrganisatie": view.updated_by_organisation,
        "domeinen": domains,
    }


def _screening_response(
    trajectory: Trajectory, user: User, *, rows: ScreeningRows | None = None
) -> Response:
    """The screening as `user` may see it; `rows`: as a save just stored it (not read again)."""
    view = screening_view(trajectory, user, rows=rows)
    response = Response(screening_representation(trajectory, view))
    response["ETag"] = etag(trajectory, view.version)
    return response


def _problem(code: int, detail: str, **extra: Any) -> Response:
    body = problem(code, detail)
    body.update(extra)
    return Response(body, status=code, content_type=PROBLEM_CONTENT_TYPE)


# --- Parsing the PUT body ---------------------------------------------------------------------


def _unknown(keys: Any, allowed: set[str], ignored: set[str], prefix: str) -> dict[str, list[str]]:
    return {
        f"{prefix}{key}": ["Dit veld bestaat niet of kunt u niet wijzigen."]
        for key in keys
        if key not in allowed and key not in ignored
    }


def _object(value: Any, path: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors[path] = ["Geef dit als een object."]
        return {}
    return value


def parse_screening_body(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Service arguments from a PUT body (a full replacement), and the errors in its shape."""
    errors = _unknown(data, WRITABLE_TOP, READ_ONLY_TOP, "")
    flags = _object(data.get("kenmerken"), "kenmerken", errors)
    errors |= _unknown(flags, WRITABLE_FLAGS, READ_ONLY_FLAGS, "kenmerken.")
    reading = flags.get("leesbehoeften", False)
    if not isinstance(reading, bool):
        errors["kenmerken.leesbehoeften"] = ["Kies ja of nee (true of false)."]
        reading = False
    domeinen = _object(data.get("domeinen"), "domeinen", errors)
    domains: dict[str, dict[str, Any]] = {}
    for code in [*SCHEMA, *(c for c in domeinen if c not in SCHEMA)]:
        raw = _object(domeinen.get(code), f"domeinen.{code}", errors)
        errors |= _unknown(raw, set(DOMAIN_KEYS), READ_ONLY_DOMAIN, f"domeinen.{code}.")
        domains[code] = {field: raw.get(key) for key, field in DOMAIN_KEYS.items()}
    arguments = {
        "lvb": flags.get("lvb") or Answer.UNKNOWN,
        "first_detention": flags.get("eersteDetentie") or Answer.UNKNOWN,
        "language_needs": flags.get("taalbehoeften") or "",
        "reading_needs": reading,
        "own_words": data.get("eigenWoorden") or "",
        "domains": domains,
    }
    if data.get("afgerond") not in (None, True, False):
        errors["afgerond"] = ["Kies true of false."]
    return arguments, errors


# --- Views ------------------------------------------------------------------------------------


class TrajectScreeningView(APIView):
    @extend_schema(
        operation_id="screening_read",
        summary="Screening van de basisvoorwaarden",
        description=(
            "Kenmerken, eigen woorden en per basisvoorwaarde de status, hulpvraag, wie het "
            "oppakt, de feiten en de bijdragen van partners. " + CARE_NOTE + " Anderen zien "
            "alleen het signaal zorgNodigNaVrijlating. Zonder screening: versie 0, alles "
            "onbekend."
        ),
        parameters=[API_VERSION_HEADER],
        responses={200: ScreeningSerializer, **problem_responses(404)},
        tags=["screening"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        categories = [Category.CONDITIONS]
        if sees_care_details(user):
            categories.append(Category.CARE_DETAILS)
        trajectory = access_trajectory(
            user, traject_id, purpose=PURPOSE, channel=Channel.API, categories=categories
        )
        return _screening_response(trajectory, user)

    @extend_schema(
        operation_id="screening_update",
        summary="Screening opslaan (alles in één keer)",
        description=(
            "Vervangt de screening: wat u weglaat, wordt leeg of 'onbekend'. Feiten over "
            "zorginhoud die u niet mag zien, blijven zoals ze waren. Geef de versie die u las "
            "mee: If-Match met de ETag (verouderd: 412) of het veld versie (verouderd: 409). "
            "Zonder versie: 428."
        ),
        request=ScreeningSerializer,
        parameters=[
            OpenApiParameter("If-Match", str, location=OpenApiParameter.HEADER, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: ScreeningSerializer,
            **problem_responses(400, 403, 404, 409, 412, 428),
        },
        tags=["screening"],
    )
    def put(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose=PURPOSE,
            channel=Channel.API,
            action=Action.SCREENING_EDIT,
            log_read=False,
        )
        if not isinstance(request.data, dict):
            raise ValidationError({"body": ["Stuur de screening als JSON-object."]})
        data: dict[str, Any] = request.data
        if_match = request.headers.get("If-Match", "").strip()
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        arguments, errors = parse_screening_body(data)
        errors |= screening_errors(actor=user, **arguments)
        if errors:
            raise ValidationError(errors)
        try:
            saved = screening_save(
                actor=user,
                trajectory=trajectory,
                complete=data.get("afgerond") is True,
                expected_version=expected,
                channel=Channel.API,
                **arguments,
            )
        except ScreeningConflict as exc:
            return _problem(
                412 if if_match and if_match != "*" else 409,
                exc.message,
                wijzigingen=[
                    {
                        "veld": c.label,
                        "waarde": c.value,
                        "door": c.by,
                        "organisatie": c.organisation,
                    }
                    for c in exc.changed
                ],
            )
        except ScreeningInvalid as exc:
            raise ValidationError(exc.errors) from exc
        return _screening_response(trajectory, user, rows=saved)


class BijdragenView(APIView):
    @extend_schema(
        operation_id="screening_bijdrage_create",
        summary="Bijdrage aan de screening toevoegen",
        description=(
            "Wat uw organisatie weet over één basisvoorwaarde, met uw naam en organisatie "
            "erbij. Bijdragen over zorg lezen alleen wie zorginhoud mag zien en uw eigen "
            "organisatie."
        ),
        request=ScreeningBijdrageSerializer,
        parameters=[API_VERSION_HEADER],
        responses={201: ScreeningBijdrageSerializer, **problem_responses(400, 403, 404)},
        tags=["screening"],
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose=PURPOSE,
            channel=Channel.API,
            action=Action.SCREENING_EDIT,
            log_read=False,
        )
        data = request.data if isinstance(request.data, dict) else {}
        errors = _unknown(data, {"domein", "tekst"}, set(), "")
        domain, text = data.get("domein"), data.get("tekst")
        if not isinstance(domain, str) or domain not in SCHEMA:
            errors["domein"] = [f"Kies een basisvoorwaarde: {', '.join(SCHEMA)}."]
        if not isinstance(text, str) or not text.strip():
            errors["tekst"] = ["Schrijf op wat u weet."]
        if errors:
            raise ValidationError(errors)
        assert isinstance(domain, str) and isinstance(text, str)
        try:
            contribution = screening_contribute(
                actor=user, trajectory=trajectory, domain=domain, text=text, channel=Channel.API
            )
        except ScreeningInvalid as exc:
            raise ValidationError(exc.errors) from exc
        return Response(_contribution(contribution, domain), status=status.HTTP_201_CREATED)


def _contribution(contribution: Contribution, domain: str) -> dict[str, Any]:
    return {
        "id": str(contribution.uuid),
        "domein": domain,
        "tekst": contribution.text,
        "auteur": contribution.author.display_name,
        "organisatie": contribution.organisation.name,
        "datum": contribution.created_at.isoformat(),
    }
