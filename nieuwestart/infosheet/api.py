"""The information sheet API under /api/v1/trajecten/{id}/informatieblad.

- `GET .../informatieblad`: the sheet as generated now, with `versies` (what was sent, received
  and acknowledged) and `nieuweVersieBeschikbaar`. With `Accept: application/pdf` the same sheet
  as a tagged PDF (content negotiation; any other media type: 406 problem+json).
- `POST .../informatieblad/versturen`: the PI sends the current sheet as the next version (201).
  Nothing changed since the last version: 409.
- `GET .../informatieblad/{nummer}`: a sent version as it was (JSON or PDF).
- `POST .../informatieblad/{nummer}/ontvangstbevestiging`: the municipality acknowledges (200).

Views only translate HTTP: access through the chokepoint, changes through the services. Every
read is logged (a PDF as an export), every write by its service. The serializers document the
shapes for OpenAPI; the sheet itself is the plain dict of `selectors.build_sheet`, and a test
checks that the serializer describes every key of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.infosheet import selectors
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.infosheet.pdf import render_pdf
from nieuwestart.infosheet.selectors import SHEET_CATEGORIES
from nieuwestart.infosheet.services import (
    PURPOSE,
    InfoSheetError,
    infosheet_acknowledge,
    infosheet_send,
)
from nieuwestart.infosheet.views import render_dutch, sheet_context
from nieuwestart.trajectories.models import Trajectory

PDF = "application/pdf"


class PDFRenderer(renderers.BaseRenderer):
    """Passes a rendered PDF through. Error bodies (dicts) are written as problem+json: the
    exception handler sets that content type."""

    media_type = PDF
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


# --- Serializers (OpenAPI documentation of the shapes) ----------------------------------------


class BladCodeNaamSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class BladPersoonSerializer(serializers.Serializer):
    naam = serializers.CharField()
    voornamen = serializers.CharField()
    voorvoegsel = serializers.CharField(allow_blank=True)
    geslachtsnaam = serializers.CharField()
    geboortedatum = serializers.DateField()
    bsn = serializers.CharField()


class BladDetentieSerializer(serializers.Serializer):
    inrichting = BladCodeNaamSerializer()
    afdeling = serializers.CharField(allow_blank=True)
    startdatum = serializers.DateField()
    verwachteEinddatum = serializers.DateField(allow_null=True)
    einddatum = serializers.DateField(allow_null=True)
    fase = serializers.CharField()
    faseOmschrijving = serializers.CharField()


class BladCasemanagerSerializer(serializers.Serializer):
    centraalContactpunt = serializers.BooleanField(
        help_text="true: er is nog geen casemanager; dit is het centraal contactpunt van de PI."
    )
    naam = serializers.CharField()
    telefoon = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    bereikbaar = serializers.CharField(allow_blank=True)
    organisatie = BladCodeNaamSerializer()


class BladContactpuntSerializer(serializers.Serializer):
    telefoon = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    bereikbaar = serializers.CharField(allow_blank=True)


class BladContactpersoonSerializer(serializers.Serializer):
    naam = serializers.CharField()
    telefoon = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class BladNazorgcoordinatorSerializer(BladContactpersoonSerializer):
    organisatie = BladCodeNaamSerializer()


class BladReclasseringSerializer(serializers.Serializer):
    betrokken = serializers.BooleanField()
    omschrijving = serializers.CharField()
    organisatie = BladCodeNaamSerializer(allow_null=True)
    contactpunt = BladContactpuntSerializer(allow_null=True)
    contactpersoon = BladContactpersoonSerializer(allow_null=True)


class BladTerugkeergemeenteSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    bevestigd = serializers.BooleanField()
    nazorgcoordinator = BladNazorgcoordinatorSerializer(allow_null=True)


class BladRegieSerializer(serializers.Serializer):
    casusregie = BladCodeNaamSerializer()
    procesregie = BladCodeNaamSerializer()


class BladKenmerkenSerializer(serializers.Serializer):
    lvb = serializers.CharField(help_text="ja, nee of onbekend (nog niet gevraagd).")
    eersteDetentie = serializers.CharField(help_text="ja, nee of onbekend.")
    kortVerblijf = serializers.BooleanField(help_text="Korter dan 3 maanden (uit de datums).")
    zeerKortVerblijf = serializers.BooleanField(help_text="Korter dan 28 dagen.")
    taalbehoeften = serializers.CharField(allow_blank=True)
    leesbehoeften = serializers.BooleanField()


class BladFeitSerializer(serializers.Serializer):
    naam = serializers.CharField()
    waarde = serializers.CharField()


class BladPartnerSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    toelichting = serializers.CharField(allow_blank=True)


class BladBasisvoorwaardeSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    status = serializers.CharField(help_text="in-orde, aandacht, hulp-nodig of onbekend.")
    statusOmschrijving = serializers.CharField()
    hulpvraag = serializers.CharField(
        allow_blank=True, help_text="Bij zorg alleen 'Zorg nodig na vrijlating.' of leeg."
    )
    feiten = BladFeitSerializer(many=True)
    uitvoerendePartner = BladPartnerSerializer(allow_null=True)
    zorgNodigNaVrijlating = serializers.BooleanField(
        required=False, help_text="Alleen bij zorg: het signaal, nooit de inhoud."
    )


class BladHulpvraagSerializer(serializers.Serializer):
    basisvoorwaarde = serializers.CharField()
    basisvoorwaardeNaam = serializers.CharField()
    hulpvraag = serializers.CharField()


class BladTaakSerializer(serializers.Serializer):
    basisvoorwaarde = serializers.CharField()
    basisvoorwaardeNaam = serializers.CharField()
    wat = serializers.CharField()
    organisatie = serializers.CharField()
    persoon = serializers.CharField(allow_blank=True)
    uiterlijk = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    statusOmschrijving = serializers.CharField()


class BladVraagAanGemeenteSerializer(serializers.Serializer):
    hulpvragen = BladHulpvraagSerializer(many=True)
    taken = BladTaakSerializer(many=True)


class BladAfspraakSerializer(serializers.Serializer):
    naam = serializers.CharField()
    tekst = serializers.CharField()


class BladPlanSamenvattingSerializer(serializers.Serializer):
    status = serializers.CharField()
    statusOmschrijving = serializers.CharField()
    vastgesteldeVersie = serializers.IntegerField(allow_null=True)
    overlegElkeWeken = serializers.IntegerField(allow_null=True)
    afspraken = BladAfspraakSerializer(many=True)


class InformatiebladInhoudSerializer(serializers.Serializer):
    persoon = BladPersoonSerializer()
    detentie = BladDetentieSerializer()
    casemanager = BladCasemanagerSerializer()
    reclassering = BladReclasseringSerializer()
    terugkeergemeente = BladTerugkeergemeenteSerializer()
    regie = BladRegieSerializer()
    kenmerken = BladKenmerkenSerializer()
    basisvoorwaarden = BladBasisvoorwaardeSerializer(many=True)
    vraagAanGemeente = BladVraagAanGemeenteSerializer()
    plan = BladPlanSamenvattingSerializer()


class BladDoorSerializer(serializers.Serializer):
    naam = serializers.CharField()
    organisatie = BladCodeNaamSerializer()


class BladVersieSerializer(serializers.Serializer):
    nummer = serializers.IntegerField()
    status = serializers.CharField(
        help_text="ontvangen (staat in de werklijst van de gemeente) of bevestigd."
    )
    verstuurdOp = serializers.DateTimeField()
    verstuurdDoor = BladDoorSerializer()
    ontvanger = BladCodeNaamSerializer()
    ontvangenOp = serializers.DateTimeField()
    bevestigdOp = serializers.DateTimeField(allow_null=True)
    bevestigdDoor = BladDoorSerializer(allow_null=True)
    url = serializers.CharField()


class BladVersieMetInhoudSerializer(BladVersieSerializer):
    inhoud = InformatiebladInhoudSerializer()


class InformatiebladSerializer(InformatiebladInhoudSerializer):
    nieuweVersieBeschikbaar = serializers.BooleanField(
        help_text="Het blad wijkt af van de laatst verstuurde versie (of is nog nooit verstuurd)."
    )
    versies = BladVersieSerializer(many=True)


# --- Representations -------------------------------------------------------------------------


def _code_name(organisation: Any) -> dict[str, str] | None:
    if organisation is None:
        return None
    return {"code": organisation.code, "naam": organisation.name}


def version_representation(sheet: InfoSheet, *, with_content: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nummer": sheet.number,
        "status": sheet.status.value,
        "verstuurdOp": sheet.sent_at.isoformat(),
        "verstuurdDoor": {
            "naam": sheet.sent_by.display_name,
            "organisatie": _code_name(sheet.sent_by_organisation),
        },
        "ontvanger": _code_name(sheet.recipient),
        "ontvangenOp": sheet.received_at.isoformat(),
        "bevestigdOp": sheet.acknowledged_at.isoformat() if sheet.acknowledged_at else None,
        "bevestigdDoor": {
            "naam": sheet.acknowledged_by.display_name,
            "organisatie": _code_name(sheet.acknowledged_organisation),
        }
        if sheet.acknowledged_by is not None
        else None,
        "url": reverse(
            "api:infosheet_version",
            kwargs={"traject_id": sheet.trajectory.uuid, "nummer": sheet.number},
        ),
    }
    if with_content:
        data["inhoud"] = sheet.content
    return data


def _problem(status_code: int, detail: str) -> Response:
    return Response(
        problem(status_code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


ERROR_STATUS = {
    "unchanged": 409,
    "already_acknowledged": 409,
    "not_found": 404,
    "not_recipient": 403,
}


def _read(request: Request, traject_id: str, *, export: str) -> Trajectory:
    """The trajectory for this reader: logged as a read, or as an export for a PDF."""
    user = signed_in_user(request)
    as_pdf = request.accepted_renderer.format == "pdf"
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.API,
        categories=SHEET_CATEGORIES,
        detail=True,
        export=export if as_pdf else "",
    )
    return trajectory


def _pdf(request: Request, content: dict[str, Any], version: InfoSheet | None) -> Response:
    html = render_dutch(
        "infosheet/sheet_pdf.html",
        {**sheet_context(content, version), "printed_at": timezone.now()},
    )
    response = Response(render_pdf(html), content_type=PDF)
    response["Cache-Control"] = "no-store"
    return response


PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="Het informatieblad als PDF/UA")


class InformatiebladView(APIView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="informatieblad_read",
        summary="Het informatieblad zoals het nu is, met de verstuurde versies",
        description=(
            "Gemaakt uit wat is vastgelegd; zoals de gemeente het mag zien (geen zorginhoud, "
            "geen delict of gedrag). Met `Accept: application/pdf` als toegankelijke PDF."
        ),
        parameters=[API_VERSION_HEADER],
        responses={
            (200, "application/json"): InformatiebladSerializer,
            (200, PDF): PDF_RESPONSE,
            **problem_responses(404, 406),
        },
        tags=["informatieblad"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _read(request, traject_id, export="informatieblad als PDF")
        state = selectors.sheet_state(trajectory)
        if request.accepted_renderer.format == "pdf":
            return _pdf(request, state.content, None)
        return Response(
            {
                **state.content,
                "nieuweVersieBeschikbaar": state.new_version_available,
                "versies": [version_representation(v) for v in state.versions],
            }
        )


class InformatiebladVersturenView(APIView):
    @extend_schema(
        operation_id="informatieblad_versturen",
        summary="Het informatieblad als nieuwe versie naar de gemeente sturen (alleen de PI)",
        request=None,
        parameters=[API_VERSION_HEADER],
        responses={201: BladVersieMetInhoudSerializer, **problem_responses(403, 404, 409)},
        tags=["informatieblad"],
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose=PURPOSE,
            channel=Channel.API,
            action=Action.INFOSHEET_SEND,
            categories=SHEET_CATEGORIES,
            log_read=False,
        )
        try:
            sent = infosheet_send(actor=user, trajectory=trajectory, channel=Channel.API)
        except InfoSheetError as exc:
            return _problem(ERROR_STATUS.get(exc.code, 400), exc.message)
        body = version_representation(sent, with_content=True)
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = body["url"]
        return response


class InformatiebladVersieView(APIView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="informatieblad_versie_read",
        summary="Een verstuurde versie van het informatieblad, zoals die is verstuurd",
        parameters=[API_VERSION_HEADER],
        responses={
            (200, "application/json"): BladVersieMetInhoudSerializer,
            (200, PDF): PDF_RESPONSE,
            **problem_responses(404, 406),
        },
        tags=["informatieblad"],
    )
    def get(self, request: Request, traject_id: str, nummer: int) -> Response:
        trajectory = _read(request, traject_id, export=f"informatieblad versie {nummer} als PDF")
        found = selectors.version(trajectory, nummer)
        if found is None:
            return _problem(404, f"Er is geen informatieblad met versie {nummer}.")
        if request.accepted_renderer.format == "pdf":
            return _pdf(request, found.content, found)
        return Response(version_representation(found, with_content=True))


class OntvangstbevestigingView(APIView):
    @extend_schema(
        operation_id="informatieblad_ontvangst_bevestigen",
        summary="De gemeente bevestigt dat zij deze versie heeft ontvangen",
        request=None,
        parameters=[API_VERSION_HEADER],
        responses={200: BladVersieSerializer, **problem_responses(403, 404, 409)},
        tags=["informatieblad"],
    )
    def post(self, request: Request, traject_id: str, nummer: int) -> Response:
        user = signed_in_user(request)
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose=PURPOSE,
            channel=Channel.API,
            action=Action.INFOSHEET_ACKNOWLEDGE,
            categories=SHEET_CATEGORIES,
            log_read=False,
        )
        try:
            sheet = infosheet_acknowledge(
                actor=user, trajectory=trajectory, number=nummer, channel=Channel.API
            )
        except InfoSheetError as exc:
            return _problem(ERROR_STATUS.get(exc.code, 400), exc.message)
        return Response(version_representation(sheet))
