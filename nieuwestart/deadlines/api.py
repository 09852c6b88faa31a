"""`GET /api/v1/trajecten/{id}/termijnen`: the trajectory's deadlines (issue 4, API).

Through the access chokepoint: not involved 404 (logged as refused), anonymous 401. A read is
logged with categories `detentie` and `basisvoorwaarden` (the deadlines show the detention
dates and whether basic conditions are in order). Paginated like the other list endpoints:
{"count", "next", "previous", "results"}, sorted by due date.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.deadlines import rules
from nieuwestart.deadlines.selectors import DeadlineView, deadlines_for

PURPOSE = "termijnen"
CATEGORIES = (Category.DETENTION, Category.CONDITIONS)


class TermijnSerializer(serializers.Serializer):
    soort = serializers.ChoiceField(
        choices=list(rules.CODES), source="code", help_text="Vaste code van de termijn."
    )
    omschrijving = serializers.CharField(source="label")
    uiterlijk = serializers.DateField(source="due")
    status = serializers.ChoiceField(choices=[rules.OPEN, rules.MET, rules.LATE])
    gehaaldOp = serializers.DateField(source="met_on", allow_null=True)
    gehaaldDoor = serializers.CharField(source="met_by", allow_blank=True)
    toelichting = serializers.CharField(source="explanation")
    verantwoordelijke = serializers.ChoiceField(
        source="responsible", choices=[rules.PRISON, rules.MUNICIPALITY, rules.PROBATION]
    )
    werkdagenOver = serializers.IntegerField(
        source="days_left",
        allow_null=True,
        help_text="Werkdagen tot de uiterlijke datum; negatief als de termijn verstreken is, "
        "null als hij gehaald is.",
    )


class TermijnenPaginaSerializer(serializers.Serializer):
    """Eén pagina termijnen: count, next, previous en results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TermijnSerializer(many=True)


class TermijnenView(APIView):
    @extend_schema(
        operation_id="termijnen_list",
        summary="Termijnen van een traject",
        description=(
            "De afgesproken termijnen (handreiking), berekend op werkdagen uit de feiten van "
            "het traject: open, gehaald (wanneer en door wie) of te laat. Niet opgeslagen: ze "
            "veranderen vanzelf mee met bijvoorbeeld een nieuwe einddatum."
        ),
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={200: TermijnenPaginaSerializer, **problem_responses(400, 404)},
        tags=["termijnen"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_trajectory(
            user, traject_id, purpose=PURPOSE, channel=Channel.API, categories=CATEGORIES
        )
        items: list[DeadlineView] = deadlines_for(trajectory)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(TermijnSerializer(page, many=True).data)
