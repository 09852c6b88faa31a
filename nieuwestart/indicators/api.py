"""`GET /api/v1/indicatoren`: every indicator with its definition, numerator, denominator and
value, with the same filters as the dashboard and suppression applied.

Only the roles `management` (own organisation; asking for another is 403) and `ketenanalist`
(everything) get an answer; every other role 403, anonymous 401. Invalid filters: 400 with
`invalidParams`. The list is a fixed, short set, paginated like every list
(`count`, `next`, `previous`, `results`); each result carries its trend (`verloop`).
A withheld figure (fewer than 5 trajectories) is `null` with `onderdrukt: true`.

Two kinds (`soort`): `aandeel` (a share: `teller`, `noemer`, `waarde` in percent) and `duur`
(days from release to a start: `aantal` trajectories behind `mediaanDagen` and
`gemiddeldeDagen`, and `nogWachtend` where it applies). The fields of the other kind are null.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.indicators import selectors
from nieuwestart.indicators.forms import FilterForm


class IndicatorCelSerializer(serializers.Serializer):
    teller = serializers.IntegerField(source="numerator", allow_null=True)
    noemer = serializers.IntegerField(source="denominator", allow_null=True)
    waarde = serializers.FloatField(
        source="value", allow_null=True, help_text="Percentage, één decimaal; null als onderdrukt."
    )
    onderdrukt = serializers.BooleanField(
        source="suppressed", help_text="Minder dan 5 trajecten: cijfers weggelaten."
    )


AANTAL = "Duur: aantal trajecten achter de mediaan en het gemiddelde; null als onderdrukt."
WACHTEND = "Duur: aantal dat nog wacht (niet in de mediaan); null als onderdrukt of n.v.t."


class IndicatorVerloopSerializer(serializers.Serializer):
    periode = serializers.CharField(source="bucket.label", help_text="jjjj-mm of jjjj Kn.")
    vanaf = serializers.DateField(source="bucket.start")
    teller = serializers.IntegerField(source="cell.numerator", allow_null=True)
    noemer = serializers.IntegerField(source="cell.denominator", allow_null=True)
    waarde = serializers.FloatField(source="cell.value", allow_null=True)
    aantal = serializers.IntegerField(source="cell.count", allow_null=True, help_text=AANTAL)
    mediaanDagen = serializers.FloatField(source="cell.median", allow_null=True)
    gemiddeldeDagen = serializers.FloatField(source="cell.mean", allow_null=True)
    nogWachtend = serializers.IntegerField(
        source="cell.waiting", allow_null=True, help_text=WACHTEND
    )
    onderdrukt = serializers.BooleanField(source="cell.suppressed")


class IndicatorDefinitieSerializer(serializers.Serializer):
    teller = serializers.CharField(source="numerator_text")
    noemer = serializers.CharField(source="denominator_text")
    periode = serializers.CharField(source="period_text")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    titel = serializers.CharField(source="indicator.title")
    soort = serializers.CharField(
        source="indicator.kind", help_text="aandeel (percentage) of duur (dagen)."
    )
    definitie = IndicatorDefinitieSerializer(source="indicator")
    hogerIsBeter = serializers.BooleanField(source="indicator.higher_is_better")
    teller = serializers.IntegerField(source="total.numerator", allow_null=True)
    noemer = serializers.IntegerField(source="total.denominator", allow_null=True)
    waarde = serializers.FloatField(
        source="total.value", allow_null=True, help_text="Aandeel: percentage, één decimaal."
    )
    aantal = serializers.IntegerField(source="total.count", allow_null=True, help_text=AANTAL)
    mediaanDagen = serializers.FloatField(source="total.median", allow_null=True)
    gemiddeldeDagen = serializers.FloatField(source="total.mean", allow_null=True)
    nogWachtend = serializers.IntegerField(
        source="total.waiting", allow_null=True, help_text=WACHTEND
    )
    onderdrukt = serializers.BooleanField(source="total.suppressed")
    verloop = IndicatorVerloopSerializer(source="trend", many=True)


class IndicatorenPaginaSerializer(serializers.Serializer):
    """Eén pagina indicatoren: count, next, previous en results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = IndicatorSerializer(many=True)


def _parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("van", str, required=False, description="Eerste maand, jjjj-mm."),
        OpenApiParameter("tot", str, required=False, description="Laatste maand, jjjj-mm."),
        OpenApiParameter("per", str, required=False, enum=["maand", "kwartaal"]),
        OpenApiParameter("inrichting", str, required=False, description="Code van de PI."),
        OpenApiParameter("gemeente", str, required=False, description="CBS-code, GMxxxx."),
        OpenApiParameter("grootteklasse", str, required=False, enum=["klein", "middel", "groot"]),
        OpenApiParameter("reclassering", str, required=False, description="RN, SVG of LJR."),
        OpenApiParameter("kortVerblijf", str, required=False, enum=["ja", "nee"]),
        OpenApiParameter("lvb", str, required=False, enum=["ja", "nee", "onbekend"]),
        OpenApiParameter("pagina", int, required=False),
        OpenApiParameter("paginaGrootte", int, required=False),
    ]


class IndicatorenView(APIView):
    @extend_schema(
        operation_id="indicatoren_list",
        summary="Indicatoren (alleen totalen)",
        description=(
            "Per indicator de definitie, teller, noemer en waarde over de gekozen periode, met "
            "het verloop per maand of kwartaal. Cellen met minder dan 5 trajecten zijn "
            "onderdrukt. Management ziet alleen de eigen organisatie."
        ),
        parameters=[*_parameters(), API_VERSION_HEADER],
        responses={200: IndicatorenPaginaSerializer, **problem_responses(400, 403)},
        tags=["indicatoren"],
    )
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        scope = selectors.scope_for(user)
        params: dict[str, Any] = {
            k: v for k, v in request.query_params.items() if k not in ("pagina", "paginaGrootte")
        }
        form = FilterForm(params)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        filters = selectors.filters_from(form.cleaned_data, scope, params)
        results = selectors.indicator_results(filters, timezone.localdate())
        paginator = Pagination()
        page = paginator.paginate_queryset(results, request, view=self) or []
        response = paginator.get_paginated_response(IndicatorSerializer(page, many=True).data)
        response["Cache-Control"] = "no-store"
        return response
