"""The work lists in the API: what is due (`werklijst`), the municipality's inbox
(`werklijst/nieuw`) and the waiting lists (`werklijst/wachtlijsten`). Same rules as the web page (see selectors); every trajectory returned is
logged once with purpose "werklijst". Field names are Dutch (NL API Design Rules).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.access.trajectories import LIST_CATEGORIES, record_list_read
from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.serializers import Serializer
from nieuwestart.referrals.api import VerwijzingSerializer, referral_representation
from nieuwestart.worklists import selectors
from nieuwestart.worklists.views import DUE_CATEGORIES, PURPOSE, log_waiting_read

VOOR_CHOICES = ["mij", "organisatie"]


class WerklijstPersoonSerializer(Serializer):
    naam = serializers.CharField(source="full_name")


class WerklijstTermijnSerializer(Serializer):
    soort = serializers.CharField(source="code", help_text="Vaste code, zoals 'screening'.")
    omschrijving = serializers.CharField(source="label")
    uiterlijk = serializers.DateField(source="due")
    status = serializers.ChoiceField(choices=["open", "te-laat"])
    verantwoordelijke = serializers.ChoiceField(
        source="responsible", choices=["inrichting", "gemeente", "reclassering"]
    )
    werkdagenOver = serializers.IntegerField(
        source="days_left",
        allow_null=True,
        help_text="Werkdagen tot de termijn; negatief als hij te laat is.",
    )


class WerklijstItemSerializer(Serializer):
    traject = serializers.UUIDField(source="trajectory.uuid")
    persoon = WerklijstPersoonSerializer(source="trajectory.person")
    termijn = WerklijstTermijnSerializer(source="deadline")


def due_item_representation(item: selectors.DueItem) -> dict[str, Any]:
    """What `WerklijstItemSerializer` writes for a row, in plain Python, without three nested
    serializers per row (about 1 ms of an 11 ms answer, docs/benchmarks.md). The schema still
    comes from the serializer; `worklists/tests/test_worklists_api.py` compares the two."""
    trajectory, deadline = item.trajectory, item.deadline
    days_left = deadline.days_left
    return {
        "traject": str(trajectory.uuid),
        "persoon": {"naam": trajectory.person.full_name},
        "termijn": {
            "soort": str(deadline.code),
            "omschrijving": str(deadline.label),
            "uiterlijk": deadline.due.isoformat(),
            "status": str(deadline.status),
            "verantwoordelijke": str(deadline.responsible),
            "werkdagenOver": None if days_left is None else int(days_left),
        },
    }


class WerklijstInformatiebladSerializer(Serializer):
    ontvangen = serializers.BooleanField(source="sheet_received")
    bevestigd = serializers.BooleanField(source="sheet_acknowledged")


class WerklijstNieuwItemSerializer(Serializer):
    traject = serializers.UUIDField(source="trajectory.uuid")
    persoon = WerklijstPersoonSerializer(source="trajectory.person")
    startdatum = serializers.DateField(source="trajectory.start_date")
    inrichting = serializers.CharField(source="trajectory.prison.code")
    informatieblad = WerklijstInformatiebladSerializer(source="*")


class WerklijstVraagSerializer(Serializer):
    voor = serializers.ChoiceField(
        choices=VOOR_CHOICES,
        required=False,
        default="mij",
        error_messages={"invalid_choice": "Kies 'mij' of 'organisatie'."},
    )


def _case_user(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role not in CASE_ROLES or user.organisation is None:
        raise PermissionDenied("Werklijsten zijn er alleen voor wie in dossiers werkt.")
    return user


class WerklijstView(APIView):
    @extend_schema(
        operation_id="werklijst_list",
        summary="Termijnen die open of te laat zijn",
        description=(
            "Termijnen waarvoor uw soort organisatie verantwoordelijk is, vroegste eerst. "
            "voor=mij: trajecten waarop u bent ingezet; voor=organisatie: alle open trajecten "
            "van uw organisatie."
        ),
        parameters=[
            OpenApiParameter("voor", str, enum=VOOR_CHOICES, required=False),
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(WerklijstItemSerializer, "WerklijstPagina"),
            **problem_responses(400, 403),
        },
        tags=["werklijsten"],
    )
    def get(self, request: Request) -> Response:
        user = _case_user(request)
        query = WerklijstVraagSerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        today = timezone.localdate()
        if query.validated_data["voor"] == "organisatie":
            items = selectors.due_for_organisation(user, today)
        else:
            items = selectors.due_for_user(user, today)
        paginator = Pagination()
        page: list[Any] = paginator.paginate_queryset(items, request, view=self) or []
        record_list_read(
            user,
            selectors.unique_trajectories(page),
            purpose=PURPOSE,
            channel=Channel.API,
            categories=DUE_CATEGORIES,
        )
        return paginator.get_paginated_response([due_item_representation(i) for i in page])


class WerklijstNieuwView(APIView):
    @extend_schema(
        operation_id="werklijst_nieuw_list",
        summary="Nieuwe trajecten die de gemeente nog niet heeft opgepakt",
        description=(
            "Alleen voor gemeenten en zorg- en veiligheidshuizen: open trajecten zonder "
            "nazorgcoördinator, wie het langst wacht eerst."
        ),
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(WerklijstNieuwItemSerializer, "WerklijstNieuwPagina"),
            **problem_responses(400, 403),
        },
        tags=["werklijsten"],
    )
    def get(self, request: Request) -> Response:
        user = _case_user(request)
        if not selectors.is_municipal(user):
            raise PermissionDenied("Deze lijst is er alleen voor gemeenten.")
        paginator = Pagination()
        page: list[Any] = (
            paginator.paginate_queryset(selectors.municipality_inbox(user), request, view=self)
            or []
        )
        record_list_read(
            user,
            [item.trajectory for item in page],
            purpose=PURPOSE,
            channel=Channel.API,
            categories=LIST_CATEGORIES,
        )
        return paginator.get_paginated_response(WerklijstNieuwItemSerializer(page, many=True).data)


class WachtlijstItemSerializer(Serializer):
    traject = serializers.UUIDField()
    persoon = WerklijstPersoonSerializer()
    verwijzing = VerwijzingSerializer()


class WerklijstWachtlijstenView(APIView):
    @extend_schema(
        operation_id="werklijst_wachtlijsten_list",
        summary="Wachtlijsten: lopende verwijzingen, wie het meeste risico loopt eerst",
        description=(
            "Lopende verwijzingen (aangemeld, op de wachtlijst) van alle open trajecten van uw "
            "organisatie. Eerst wie zonder plek is vrijgelaten, dan wie dreigt vrij te komen "
            "zonder plek (vroegste vrijlating eerst), dan een verlopen verwachte start, dan lang "
            "wachten. Zorg en behandeling zonder aanbieder en toelichting voor wie zorginhoud "
            "alleen als signaal ziet."
        ),
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(WachtlijstItemSerializer, "WachtlijstenPagina"),
            **problem_responses(400, 403),
        },
        tags=["werklijsten"],
    )
    def get(self, request: Request) -> Response:
        user = _case_user(request)
        paginator = Pagination()
        items = selectors.waiting_lists(user, timezone.localdate())
        page: list[Any] = paginator.paginate_queryset(items, request, view=self) or []
        log_waiting_read(user, page, channel=Channel.API)
        return paginator.get_paginated_response(
            [
                {
                    "traject": str(item.trajectory.uuid),
                    "persoon": {"naam": item.trajectory.person.full_name},
                    "verwijzing": referral_representation(item.referral),
                }
                for item in page
            ]
        )
