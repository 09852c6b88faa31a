"""Cross-cutting HTTP response headers (NL API Design Rules and OWASP ASVS).

Under /api/ every response, errors included, carries:

- `API-Version` with the full version (ADR /core/version-header);
- the ADR /core/transport/security-headers set for responses that are never HTML:
  `Cache-Control: no-store` (personal data must not stay in caches),
  `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` (the page policy would
  allow our own scripts; an API answer needs nothing), `Referrer-Policy: no-referrer`,
  `X-Content-Type-Options: nosniff` and `X-Frame-Options: DENY`;
- on the OpenAPI document only, `Access-Control-Allow-Origin: *`: it is public and must be
  readable by documentation tools on other sites (ADR /core/publish-openapi). No other API
  answer allows other origins.

Pages for a signed-in user get `Cache-Control: no-store, private` (the browser keeps no copy of
a case file); the page CSP (settings.SECURE_CSP, without 'unsafe-inline'), nosniff,
Referrer-Policy, X-Frame-Options and, in production, Strict-Transport-Security come from
Django's own middleware, which keeps what is set here. Tests: tests/security/test_headers.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

API_PREFIX = "/api/"
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
API_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class ApiVersionMiddleware:
    """The response headers above. (Named after its first job; settings.MIDDLEWARE uses it.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = settings.API_VERSION
            for header, value in API_SECURITY_HEADERS.items():
                response[header] = value
            if request.path.endswith("/openapi.json"):
                response["Access-Control-Allow-Origin"] = "*"
        elif _signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
