"""`GET /api/v1/berichten` and `POST /api/v1/berichten/{id}/gelezen`: the user's own notifications.

Same rules as the web page (selectors): a user only ever sees their own notifications, and only
about trajectories they can still see; anything else is 404, exactly like a notification that
does not exist. The trajectories of the notifications returned are logged once each (purpose
"berichten"). Field names are Dutch (NL API Design Rules); errors are problem+json.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.serializers import Serializer
from nieuwestart.notify import selectors, services
from nieuwestart.notify.models import Notification, NotificationKind
from nieuwestart.notify.views import log_shown


class BerichtPersoonSerializer(Serializer):
    naam = serializers.CharField(source="full_name")


class BerichtSerializer(Serializer):
    id = serializers.UUIDField(source="uuid")
    soort = serializers.CharField(
        source="kind",
        help_text="Vaste code: " + ", ".join(NotificationKind.values) + ".",
    )
    titel = serializers.CharField(source="title")
    tekst = serializers.CharField(source="text")
    link = serializers.CharField(help_text="Pad in de webapplicatie, zoals /trajecten/{id}.")
    traject = serializers.UUIDField(source="trajectory.uuid", allow_null=True, default=None)
    persoon = BerichtPersoonSerializer(source="trajectory.person", allow_null=True, default=None)
    aangemaakt = serializers.DateTimeField(source="created_at")
    gelezenOp = serializers.DateTimeField(source="read_at", allow_null=True)


class BerichtenVraagSerializer(Serializer):
    ongelezen = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": gettext_lazy("Gebruik ongelezen=true of ongelezen=false.")},
    )


def _case_user(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role not in CASE_ROLES or user.organisation is None:
        raise PermissionDenied(_("Berichten zijn er alleen voor wie in dossiers werkt."))
    return user


class BerichtenView(APIView):
    @extend_schema(
        operation_id="berichten_list",
        summary="Uw berichten, nieuwste eerst",
        description=(
            "Alleen uw eigen berichten, en alleen over trajecten die u nu mag zien. "
            "ongelezen=true geeft alleen ongelezen berichten, ongelezen=false alleen gelezen."
        ),
        parameters=[
            OpenApiParameter("ongelezen", bool, required=False),
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(BerichtSerializer, "BerichtenPagina"),
            **problem_responses(400, 403),
        },
        tags=["berichten"],
    )
    def get(self, request: Request) -> Response:
        user = _case_user(request)
        query = BerichtenVraagSerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        items = selectors.notification_list(user, unread=query.validated_data["ongelezen"])
        paginator = Pagination()
        page: list[Notification] = paginator.paginate_queryset(items, request, view=self) or []
        log_shown(user, page, Channel.API)
        return paginator.get_paginated_response(BerichtSerializer(page, many=True).data)


class BerichtGelezenView(APIView):
    @extend_schema(
        operation_id="bericht_gelezen",
        summary="Markeer een bericht als gelezen",
        description="Nog een keer markeren mag; het tijdstip van de eerste keer blijft staan.",
        request=None,
        parameters=[API_VERSION_HEADER],
        responses={200: BerichtSerializer, **problem_responses(403, 404)},
        tags=["berichten"],
    )
    def post(self, request: Request, bericht_id: UUID) -> Response:
        user = _case_user(request)
        try:
            notification = services.notification_mark_read(actor=user, notification_uuid=bericht_id)
        except services.NotificationNotFound as exc:
            raise NotFound(exc.message) from exc
        log_shown(user, [notification], Channel.API)
        data: dict[str, Any] = BerichtSerializer(notification).data
        return Response(data)
