"""HTTPS for the API and `__Host-` cookies (OWASP ASVS 4.1.2, 3.3.1, 3.3.3).

- With SECURE_SSL_REDIRECT on (production's default), web pages are still redirected to https,
  but a plain-HTTP API call is refused with 403 problem+json that says to use https, before the
  token is read: a redirect would let a client keep sending its token unencrypted unnoticed.
- With secure cookies (production's default) the session and CSRF cookies are called
  `__Host-sessionid` and `__Host-csrftoken`, Secure, for path / and without a Domain, so a sibling
  host cannot set or overwrite them. Over plain HTTP (demo, tests) the plain names stay.

Production's values are read from the settings module in a fresh interpreter with production's
environment (no demo, debug or testing switch: tests/fresh_settings.py, which
nieuwestart/core/tests/test_logging.py uses too); the behaviour is then checked on real requests
with those values.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.test import Client

from nieuwestart.accounts.models import ApiToken, RateCounter
from nieuwestart.accounts.services import api_token_create
from tests.fresh_settings import run_django

PASSWORD = "een-lang-testwachtwoord"

pytestmark = pytest.mark.django_db

READ_SETTINGS = (
    "import json\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({name: getattr(s, name) for name in ("
    "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    "'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN',"
    "'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', 'SESSION_MAX_HOURS',"
    "'RATE_SIGNIN_PER_MINUTE')}))\n"
)


def _settings_with(env: dict[str, str]) -> dict[str, Any]:
    return json.loads(run_django(env, READ_SETTINGS).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    return _settings_with({"DJANGO_SECRET_KEY": "x" * 50})


def test_production_uses_host_prefixed_secure_cookies(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    # What the prefix demands of the cookie, or browsers drop it.
    assert production["SESSION_COOKIE_PATH"] == production["CSRF_COOKIE_PATH"] == "/"
    assert production["SESSION_COOKIE_DOMAIN"] is None and production["CSRF_COOKIE_DOMAIN"] is None


def test_production_redirects_pages_but_not_the_api(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert "^api/" in production["SECURE_REDIRECT_EXEMPT"]


def test_production_defaults_for_the_session_lifetime_and_rate_limits(production):
    assert production["SESSION_MAX_HOURS"] == 10
    assert production["RATE_SIGNIN_PER_MINUTE"] == 30


@pytest.mark.parametrize(
    "env",
    [{"NIEUWESTART_DEMO": "1"}, {"NIEUWESTART_TESTING": "1"}],
    ids=["demo", "tests"],
)
def test_plain_http_modes_keep_the_plain_cookie_names(env):
    values = _settings_with(env)
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_turning_secure_cookies_on_turns_the_prefix_on():
    values = _settings_with({"NIEUWESTART_DEMO": "1", "DJANGO_SECURE_COOKIES": "1"})
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


@pytest.fixture
def production_transport(settings: Any, production: dict[str, Any]) -> None:
    """This process's settings set to production's HTTPS and cookie values."""
    for name in (
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
    ):
        setattr(settings, name, production[name])
    settings.REQUIRE_SECOND_FACTOR = False


def _set_cookies(response: Any) -> dict[str, Any]:
    """The cookies as the browser reads them from the Set-Cookie lines."""
    jar: SimpleCookie = SimpleCookie()
    for morsel in response.cookies.values():
        jar.load(morsel.OutputString())
    return dict(jar.items())


def test_a_real_sign_in_over_https_sets_host_cookies(production_transport, alice):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/account/inloggen", secure=True)
    assert page.status_code == 200
    csrf = browser.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    token = page.context["csrf_token"]

    response = browser.post(
        "/account/inloggen",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/account/inloggen",
    )

    assert response.status_code == 302
    session = _set_cookies(response)["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"]
    assert "sessionid" not in browser.cookies
    assert browser.get("/", secure=True).status_code == 200


def test_a_web_page_over_plain_http_is_still_redirected(production_transport):
    response = Client().get("/account/inloggen")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/account/inloggen"


def test_a_plain_http_api_call_is_refused_before_the_token_is_read(
    production_transport, alice, trajectory
):
    token = api_token_create(user=alice)
    response = Client().get(
        f"/api/v1/trajecten/{trajectory.uuid}", HTTP_AUTHORIZATION=f"Token {token}"
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 403 and body["instance"] == f"/api/v1/trajecten/{trajectory.uuid}"
    assert "https://" in body["detail"] and "alleen via een beveiligde verbinding" in body["detail"]
    assert "Location" not in response
    # The API's security headers are on this answer too, and no personal data is in it.
    assert response["Cache-Control"] == "no-store"
    assert response["API-Version"] == "1.0.0"
    assert str(trajectory.uuid) not in response.content.decode().replace(body["instance"], "")
    # The token was never looked at: not marked as used.
    assert ApiToken.objects.get(user=alice).last_used_at is None


def test_a_wrong_token_over_plain_http_is_not_counted_either(production_transport):
    response = Client().get("/api/v1/trajecten", HTTP_AUTHORIZATION="Token geraden")
    assert response.status_code == 403
    assert not RateCounter.objects.exists()


def test_the_same_api_call_over_https_works(production_transport, alice, trajectory):
    token = api_token_create(user=alice)
    response = Client().get(
        f"/api/v1/trajecten/{trajectory.uuid}",
        HTTP_AUTHORIZATION=f"Token {token}",
        secure=True,
    )
    assert response.status_code == 200


def test_behind_the_ingress_its_https_header_counts(production_transport, settings, alice):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    token = api_token_create(user=alice)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/trajecten", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/api/v1/trajecten", HTTP_X_FORWARDED_PROTO="http").status_code == 403


def test_without_the_redirect_plain_http_api_calls_work(settings, alice):
    """Demo and tests run over plain HTTP on loopback: nothing is refused there."""
    settings.SECURE_SSL_REDIRECT = False
    token = api_token_create(user=alice)
    response = Client().get("/api/v1/trajecten", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
