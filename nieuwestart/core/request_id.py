"""Request id and the access log: one log line per request, with an id that ties lines together.

Business rule: every request gets an id. A sane incoming `X-Request-ID` (set by the ingress or a
calling system: 16 to 128 letters, digits and `._:=+/-`) is kept, so a request can be followed
from the ingress through the app; anything else is replaced by a new uuid4. The id is returned in
the response's `X-Request-ID` header and is on every log record written while the request is
handled (nieuwestart.core.logging.request_id_var).

The access line holds method, path without query string, the matched route, status, duration
in milliseconds and the numeric user id. Never the user's name, and never the query string
(search terms may be names or BSNs). Successful health probes (/gezond/) are logged at DEBUG
level, so the kubelet's probes every few seconds do not flood the log; failing ones at INFO.

This middleware is the first in settings.MIDDLEWARE, so it sees every response, including
redirects, static files served by WhiteNoise and errors turned into 500 pages.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from nieuwestart.core.logging import request_id_var

access_logger = logging.getLogger("nieuwestart.access")

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:=+/-]{16,128}")


def request_id_from(value: str | None) -> str:
    """The incoming id when it is sane, else a new uuid4."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return str(uuid.uuid4())


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's primary key, without loading the user just for the log."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    # AuthenticationMiddleware sets a lazy object; only read it when the request already did.
    if getattr(user, "_wrapped", None) is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


def _route(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            status = response.status_code
            level = (
                logging.DEBUG
                if request.path.startswith("/gezond/") and status < 400
                else logging.INFO
            )
            access_logger.log(
                level,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": _route(request),
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
