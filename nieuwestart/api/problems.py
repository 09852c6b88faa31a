"""Errors as application/problem+json (RFC 9457), as the NL API Design Rules require.

Invalid input is a 400 that names every invalid field at once in `invalidParams`, each with a
`name` (dotted path, e.g. `persoon.bsn`), a `code` and a `reason` in plain Dutch.

The body and the Django-level answer are built in `nieuwestart.core.problems` (the middleware
needs them too and may not import this layer); they are re-exported here. `Refused`, raised in
a view, is answered here as its problem.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from nieuwestart.core.problems import (
    _TITLES,
    PROBLEM_CONTENT_TYPE,
    Refused,
    problem,
    problem_json_response,
    title_for,
)


def flatten_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error dict into invalidParams with dotted names."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else "nonFieldErrors"
            params.extend(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(detail, list):
        if detail and all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            for item in detail:
                params.append(
                    {"name": prefix or "body", "code": item.code or "invalid", "reason": str(item)}
                )
        else:
            for index, item in enumerate(detail):
                params.extend(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, exceptions.ErrorDetail):
        params.append(
            {"name": prefix or "body", "code": detail.code or "invalid", "reason": str(detail)}
        )
    return params


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Refused):
        return _problem_response(exc.body, exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ParseError):
        body = problem(
            400,
            _("De inhoud is geen geldige JSON. Controleer komma's, haakjes en aanhalingstekens."),
            invalid_params=[{"name": "body", "code": "parse_error", "reason": str(exc.detail)}],
        )
        return _problem_response(body, 400)
    if isinstance(exc, exceptions.ValidationError):
        params = flatten_errors(exc.detail)
        body = problem(
            400,
            _("Niet alle gegevens zijn goed ingevuld. Kijk bij invalidParams wat er mis is."),
            invalid_params=params,
        )
        return _problem_response(body, 400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    body = problem(response.status_code, str(detail or title_for(response.status_code)))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _problem_response(body: dict[str, Any], status_code: int) -> Response:
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "_TITLES",
    "Refused",
    "exception_handler",
    "problem",
    "problem_json_response",
    "status",
    "title_for",
]
