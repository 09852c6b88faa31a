"""Health endpoints and error pages. Under /api/ errors are problem+json, elsewhere HTML."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from nieuwestart.api.problems import problem_json_response


@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers. Says nothing about the database."""
    return JsonResponse({"status": "ok"})


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database niet bereikbaar"}, status=503)
    return JsonResponse({"status": "ok"})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_json_response(request, 400, "Het verzoek klopt niet.")
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_json_response(request, 403, "U mag dit niet doen.")
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_json_response(
            request, 404, "Deze URL bestaat niet. Let op: API-adressen eindigen niet op een '/'."
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_json_response(request, 500, "Er ging iets mis. Probeer het later opnieuw.")
    return render(request, "500.html", status=500)
