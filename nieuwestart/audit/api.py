"""The processing log of one trajectory, for the privacy officer only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.trajectories import access_processing_log
from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.audit.selectors import entries_for_trajectory


class LogregelSerializer(serializers.Serializer):
    tijdstip = serializers.DateTimeField(source="timestamp")
    gebruiker = serializers.CharField(source="username")
    naam = serializers.CharField(source="user_display")
    organisatie = serializers.CharField(source="organisation_name")
    organisatiecode = serializers.CharField(source="organisation_code")
    rol = serializers.CharField(source="role")
    actie = serializers.CharField(source="action")
    categorieen = serializers.ListField(child=serializers.CharField(), source="category_list")
    doel = serializers.CharField(source="purpose")
    resultaat = serializers.CharField(source="result")
    kanaal = serializers.CharField(source="channel")


class LogboekView(APIView):
    @extend_schema(
        operation_id="traject_logboek",
        summary="Wie heeft dit dossier verwerkt (alleen privacyfunctionaris)",
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(LogregelSerializer, "LogregelsPagina"),
            **problem_responses(400, 403, 404),
        },
        tags=["trajecten"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_processing_log(user, traject_id, channel=Channel.API)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            entries_for_trajectory(trajectory.uuid), request, view=self
        )
        return paginator.get_paginated_response(LogregelSerializer(page or [], many=True).data)
