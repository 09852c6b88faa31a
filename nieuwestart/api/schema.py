"""OpenAPI description of how clients authenticate (`Authorization: Token <token>`) and of the
error answers (application/problem+json, `problem_responses`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from nieuwestart.api.problems import _TITLES, PROBLEM_CONTENT_TYPE


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "nieuwestart.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Gebruik de vorm `Token <token>`. Een token maakt u met "
            "`python manage.py apitoken GEBRUIKERSNAAM`.",
        }


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Het veld, met punten voor geneste velden: persoon.bsn.")
    code = serializers.CharField(help_text="Vaste code van de fout, zoals required of elfproef.")
    reason = serializers.CharField(help_text="Wat er mis is, in gewoon Nederlands.")


# An error as application/problem+json (RFC 9457), the shape of `api.problems.problem`. A
# comment, not a docstring: drf-spectacular would publish it as the (Dutch) schema description.
class ProbleemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI die het soort probleem aanduidt.")
    title = serializers.CharField(help_text="Korte omschrijving van het soort probleem.")
    status = serializers.IntegerField(help_text="De HTTP-statuscode.")
    detail = serializers.CharField(help_text="Uitleg bij dit geval.")
    instance = serializers.CharField(required=False, help_text="Het pad van het verzoek.")
    invalidParams = InvalidParamSerializer(
        many=True, required=False, help_text="Bij 400: elk ongeldig veld, allemaal tegelijk."
    )


def problem_responses(*status_codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The documented error answers of an operation, each application/problem+json.

    401 (no or an unknown token) is added to every operation: all of them need a token; and
    429, which any operation can answer before it looks at the request: too many failed tokens
    from the client's address, or the token's (or account's) requests per minute or downloads
    per hour used up (`accounts.ratelimits`); the answer says when to try again
    (`Retry-After`).
    """
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ProbleemSerializer, description=_TITLES.get(code, "Fout.")
        )
        for code in sorted({401, 429, *status_codes})
    }


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The documented envelope of one page (`api.pagination.Pagination`) of `item`s.

    `name` becomes the OpenAPI component name, for example `BerichtenPagina`.
    """
    fields: dict[str, Any] = {
        "__doc__": "Eén pagina: count, next, previous en results.",
        "__module__": item.__module__,
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(f"{name}Serializer", (serializers.Serializer,), fields)


# Every response under /api/ carries the full version (core.middleware.ApiVersionMiddleware,
# NL API Design Rules /core/version-header). Listed in each operation's `parameters`.
API_VERSION_HEADER = OpenApiParameter(
    "API-Version",
    str,
    location=OpenApiParameter.HEADER,
    response=True,
    description="De volledige versie van de API, zoals 1.0.0.",
)
