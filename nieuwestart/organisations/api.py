"""Organisations and their contact points, for every signed-in user and client.

Contact points are not personal data: they are how partners reach each other (report §3.4).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.organisations.models import Organisation, OrganisationKind

PUBLIC_KINDS = [
    OrganisationKind.PRISON,
    OrganisationKind.PROBATION,
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.SAFETY_HOUSE,
]


class ContactpuntSerializer(serializers.Serializer):
    telefoon = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")
    bereikbaar = serializers.CharField(source="contact_hours")


class OrganisatieSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    code = serializers.CharField()
    naam = serializers.CharField(source="name")
    soort = serializers.ChoiceField(choices=[k.value for k in PUBLIC_KINDS], source="kind")
    plaats = serializers.CharField(source="place")
    contactpunt = ContactpuntSerializer(source="*")


class OrganisatiesView(APIView):
    @extend_schema(
        operation_id="organisatie_list",
        summary="Organisaties in de keten met hun contactpunt",
        parameters=[
            OpenApiParameter("soort", str, enum=[k.value for k in PUBLIC_KINDS], required=False),
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(OrganisatieSerializer, "OrganisatiesPagina"),
            **problem_responses(400),
        },
        tags=["organisaties"],
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("soort", "")
        qs = Organisation.objects.filter(kind__in=PUBLIC_KINDS, active=True).order_by(
            "kind", "name"
        )
        if kind:
            if kind not in PUBLIC_KINDS:
                raise ValidationError(
                    {"soort": [f"Kies uit: {', '.join(k.value for k in PUBLIC_KINDS)}."]}
                )
            qs = qs.filter(kind=kind)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response(OrganisatieSerializer(page, many=True).data)
