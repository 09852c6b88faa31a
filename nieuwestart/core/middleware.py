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

Plain HTTP to the API is refused, not redirected (OWASP ASVS 4.1.2): when SECURE_SSL_REDIRECT is
on, pages still go to https, but /api/ is exempt from that redirect (settings
SECURE_REDIRECT_EXEMPT) and a request to it over plain HTTP gets 403 problem+json saying to use
https. A redirect would hide the mistake: the client would follow it and keep sending its token
unencrypted first. This runs before the view, so before anything reads the token. 403 and not
400: the request itself may be well formed; it is the channel that is not allowed (as IIS's
"403.4 SSL required"). Tests: tests/security/test_transport.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from nieuwestart.core.problems import problem_json_response

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
        response = _refuse_plain_http_api(request) or self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = settings.API_VERSION
            for header, value in API_SECURITY_HEADERS.items():
                response[header] = value
            if request.path.endswith("/openapi.json"):
                response["Access-Control-Allow-Origin"] = "*"
        elif _signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _refuse_plain_http_api(request: HttpRequest) -> HttpResponse | None:
    if not (
        settings.SECURE_SSL_REDIRECT
        and request.path.startswith(API_PREFIX)
        and not request.is_secure()
    ):
        return None
    # This runs before LocaleMiddleware, hence the explicit language.
    with translation.override(translation.get_language_from_request(request)):
        return problem_json_response(
            request,
            403,
            _(
                "De API werkt alleen via een beveiligde verbinding. Stuur uw verzoek opnieuw naar "
                "het adres dat met https:// begint. Heeft u een token meegestuurd? Die is "
                "onversleuteld verstuurd: vraag de functioneel beheerder om een nieuwe token."
            ),
            title=_("Alleen via https."),
        )


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
