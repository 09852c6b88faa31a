"""Absolute session lifetime (ASVS 7.3.2): however busy, a session ends SESSION_MAX_HOURS after the
sign-in, with a message on the login page that says why. The idle timeout stays as it was.

Alice signs in for real (the password form, or her organisation through the stub OpenID provider);
"ten hours later" is made by moving the sign-in time stored in her session back, because the rule
compares that time with the clock.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nieuwestart.accounts.models import OidcIdentity
from nieuwestart.accounts.session_lifetime import SIGNED_IN_AT_KEY
from nieuwestart.accounts.tests.test_oidc import claims, sign_in

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen"
PASSWORD = "een-lang-testwachtwoord"
HOUR = 3600
ENDED = "U bent automatisch uitgelogd, omdat u al 10 uur geleden bent ingelogd."


def _age(client: Any, seconds: int) -> None:
    """Move the sign-in time of the client's session `seconds` into the past."""
    session = client.session
    session[SIGNED_IN_AT_KEY] = session[SIGNED_IN_AT_KEY] - seconds
    session.save()


@pytest.fixture
def signed_in(client: Any, settings: Any, alice: Any) -> Any:
    """Alice, signed in with her password (no second factor, which has its own tests)."""
    settings.REQUIRE_SECOND_FACTOR = False
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_sign_in_time_is_stored_at_a_password_sign_in(signed_in):
    stored = signed_in.session[SIGNED_IN_AT_KEY]
    assert abs(stored - time.time()) < 60


def test_a_busy_session_still_works_just_before_the_limit(signed_in):
    _age(signed_in, 10 * HOUR - 60)
    response = signed_in.get("/")
    assert response.status_code == 200
    assert "_auth_user_id" in signed_in.session


def test_after_ten_hours_the_session_ends_and_the_login_page_says_why(signed_in, caplog):
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")
    _age(signed_in, 10 * HOUR)

    response = signed_in.get("/werk/?tab=mijn")

    assert response.status_code == 302
    assert response["Location"] == "/account/inloggen?next=/werk/%3Ftab%3Dmijn"
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert ENDED in page
    # Once: reloading the login page does not repeat it.
    assert ENDED not in signed_in.get(LOGIN).content.decode()
    [record] = [r.signin for r in caplog.records if r.name == "nieuwestart.signin"]
    assert record["event"] == "session_ended" and record["reason"] == "max_lifetime"
    assert record["username"] == "alice"


def test_a_form_post_on_an_old_session_changes_nothing(signed_in, trajectory):
    _age(signed_in, 10 * HOUR)
    response = signed_in.post(f"/trajecten/{trajectory.uuid}/screening", {"anything": "x"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in signed_in.session


def test_the_limit_is_a_setting(signed_in, settings):
    settings.SESSION_MAX_HOURS = 2
    _age(signed_in, 2 * HOUR + 1)
    assert signed_in.get("/").status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_a_session_from_before_this_rule_is_ended(signed_in):
    session = signed_in.session
    del session[SIGNED_IN_AT_KEY]
    session.save()
    assert signed_in.get("/").status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_the_idle_timeout_is_unchanged():
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 30 * 60
    assert live.SESSION_MAX_HOURS == 10


def test_an_api_call_with_an_old_session_gets_401_problem_json(signed_in):
    _age(signed_in, 10 * HOUR)
    response = signed_in.get("/api/v1/trajecten")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "_auth_user_id" not in signed_in.session


def test_a_token_call_from_a_browser_with_an_old_session_still_works(signed_in, alice, trajectory):
    from nieuwestart.accounts.services import api_token_create

    _age(signed_in, 10 * HOUR)
    token = api_token_create(user=alice)
    response = signed_in.get(
        f"/api/v1/trajecten/{trajectory.uuid}", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 200  # the token decides; the old session is gone
    assert "_auth_user_id" not in signed_in.session


def test_the_second_factor_does_not_restart_the_clock(client, settings, alice):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    _age(client, 10 * HOUR - 30)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post("/account/tweede-factor", {"code": f"{code:06d}"}).status_code == 302
    assert client.get("/").status_code == 200
    _age(client, 60)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_organisation_sign_in_stores_the_time_and_ends_the_same_way(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims()
    assert sign_in(client, oidc).status_code == 302
    assert abs(client.session[SIGNED_IN_AT_KEY] - time.time()) < 60
    assert client.get("/").status_code == 200

    _age(client, 10 * HOUR)

    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert ENDED in client.get(response["Location"]).content.decode()
