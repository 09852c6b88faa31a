"""OpenAPI description of how clients authenticate: `Authorization: Token <token>`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
