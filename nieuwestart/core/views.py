"""Health endpoints and error pages. Under /api/ errors are problem+json, elsewhere HTML."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from nieuwestart.core.problems import problem_json_response


@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers. Says nothing about the database: a database outage must not make
    Kubernetes restart every replica."""
    return JsonResponse({"status": "ok"})


# Once this process has seen every migration applied it stops checking: the code of a running
# process does not change, and migrations only move forward during a deployment.
_migrations_complete = False


def unapplied_migrations() -> int:
    """How many of this code's migrations the database lacks (0 once all were seen applied)."""
    global _migrations_complete
    if _migrations_complete:
        return 0
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        _migrations_complete = True
    return len(plan)


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers and has every migration of this code.

    During a rolling upgrade new pods stay out of the Service until the migrations job has run
    (deploy/helm: a pre-upgrade hook), so no request meets a schema it does not expect.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        missing = unapplied_migrations()
    except DatabaseError:
        return JsonResponse({"status": "database niet bereikbaar"}, status=503)
    if missing:
        return JsonResponse(
            {"status": "database niet bijgewerkt", "ontbrekendeMigraties": missing}, status=503
        )
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
