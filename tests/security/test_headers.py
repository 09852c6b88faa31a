"""Security headers on real responses, and pages that a strict CSP does not break.

The NL API Design Rules (/core/transport/security-headers, /core/version-header,
/core/publish-openapi) name the headers every API answer carries; OWASP ASVS 5.0 V3.4 names the
browser security headers of pages. These tests send real requests through the whole middleware
stack: an HTML page, an API answer, API errors (404 and 401, problem+json), the OpenAPI
document, and PDF downloads (the web download and the API's application/pdf). Production's
Strict-Transport-Security is checked with production's HSTS settings on an HTTPS request.

The page CSP allows script and style from our own origin only ('self'), with no
'unsafe-inline' and no 'unsafe-eval'. That only works if no page needs inline code, so the last
test renders the main pages as Alice and looks for inline <script>, <style>, style="..." and
on...= handlers.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

API_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "API-Version": "1.0.0",
}


def _assert_api_headers(response: Any) -> None:
    for header, value in API_HEADERS.items():
        assert response.get(header) == value, (header, response.get(header))
    assert "Access-Control-Allow-Origin" not in response


def _directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def _assert_page_headers(response: Any) -> None:
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    sources = " ".join(" ".join(values) for values in policy.values())
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "*" not in sources.split()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_an_api_answer_with_personal_data_carries_the_adr_headers(api, alice, trajectory):
    response = api(alice).get(f"/api/v1/trajecten/{trajectory.uuid}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    _assert_api_headers(response)


def test_api_errors_are_problem_json_with_the_same_headers(api, alice, client):
    unknown = api(alice).get("/api/v1/bestaat-niet")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    _assert_api_headers(unknown)
    anonymous = client.get("/api/v1/trajecten")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    assert anonymous["WWW-Authenticate"] == "Token"
    _assert_api_headers(anonymous)


def test_the_openapi_document_is_public_readable_cross_origin_and_names_the_version(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Security-Policy"] == API_HEADERS["Content-Security-Policy"]
    assert response["API-Version"] == response.json()["info"]["version"]


def test_an_api_pdf_download_carries_the_adr_headers(api, alice, trajectory):
    response = api(alice).get(
        f"/api/v1/trajecten/{trajectory.uuid}/informatieblad", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    _assert_api_headers(response)


def test_a_page_for_a_signed_in_user_is_not_cached_and_has_the_strict_csp(web, alice, trajectory):
    response = web(alice).get(f"/trajecten/{trajectory.uuid}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    _assert_page_headers(response)
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache


def test_a_pdf_download_from_the_web_is_not_cached(web, alice, trajectory):
    response = web(alice).get(f"/trajecten/{trajectory.uuid}/informatieblad.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_sign_in_page_has_the_strict_csp(client):
    response = client.get("/account/inloggen")
    assert response.status_code == 200
    _assert_page_headers(response)


def test_strict_transport_security_in_production_mode(settings, alice, trajectory, api, client):
    """The production defaults (settings.py: HSTS for a year, subdomains, preload) on HTTPS."""
    from django.test import Client

    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    expected = "max-age=31536000; includeSubDomains; preload"
    page = Client().get("/account/inloggen", secure=True)
    assert page["Strict-Transport-Security"] == expected
    token_client = api(alice)
    answer = token_client.get(f"/api/v1/trajecten/{trajectory.uuid}", secure=True)
    assert answer.status_code == 200
    assert answer["Strict-Transport-Security"] == expected


class _InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))
        for name, value in attrs:
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} on <{tag}>")


def test_main_pages_need_no_inline_script_or_style(web, alice, trajectory):
    browser = web(alice)
    base = f"/trajecten/{trajectory.uuid}"
    pages = [
        "/",
        "/werk/",
        "/berichten/",
        base,
        f"{base}/screening",
        f"{base}/plan",
        f"{base}/informatieblad",
        f"{base}/overleggen",
        f"{base}/overleggen/nieuw",
        f"{base}/verwijzingen/nieuw",
        f"{base}/overdracht",
    ]
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "no-store" in response["Cache-Control"], url
        parser = _InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], (url, parser.found)
