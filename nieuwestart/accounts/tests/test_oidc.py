"""Sign-in through the organisation (OpenID Connect) against a real stub provider on 127.0.0.1.

The browser's part goes through Django's test client and one real HTTP call to the stub's
authorize endpoint; the relying party's own calls (token, JWKS, userinfo) go over loopback to the
stub as they would in production. Alice (casemanager, PI Almelo) has a local account; the
provider says who signs in through `oidc.user`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nieuwestart.accounts.models import OidcIdentity, User
from tests.oidc_provider import StubProvider, new_rsa_key

LOGIN = "/account/inloggen"
START = "/oidc/authenticate/"
SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
LOW = "http://eidas.europa.eu/LoA/low"
REFUSED = "U kunt niet inloggen via uw organisatie"


def claims(**extra: Any) -> dict[str, Any]:
    """Alice as PI Almelo's provider knows her."""
    return {
        "sub": "almelo-4711",
        "email": "alice@test.example",
        "email_verified": True,
        "organisation_code": "PI-ALMELO",
        "acr": SUBSTANTIAL,
        **extra,
    }


def authorize(client: Any, provider: StubProvider, next_url: str = "") -> str:
    """Start at our side, let the provider answer; return our callback URL (path and query)."""
    start = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.endpoints()["authorization_endpoint"])
    answer = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == "http://testserver"
    return f"{back.path}?{back.query}"


def sign_in(client: Any, provider: StubProvider, next_url: str = "") -> Any:
    return client.get(authorize(client, provider, next_url))


def refusal_on_login_page(client: Any, response: Any) -> str:
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    page = client.get(LOGIN).content.decode()
    assert REFUSED in page
    return page


def signed_in_as(client: Any) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def signin_records(caplog: Any) -> list[dict[str, Any]]:
    return [r.signin for r in caplog.records if r.name == "nieuwestart.signin"]


def authenticator_app(user: User) -> TOTPDevice:
    """The TOTP device the person set up earlier (with a password sign-in)."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


# -- off by default ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_the_setting_there_is_no_organisation_sign_in(client, settings):
    assert settings.NIEUWESTART_OIDC_ENABLED is False
    assert "Inloggen via uw organisatie" not in client.get(LOGIN).content.decode()
    assert client.get(START).status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


# -- success -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_offers_the_organisation_first(client, oidc):
    page = client.get(LOGIN + "?next=/werk/").content.decode()
    assert "Inloggen via uw organisatie" in page
    assert 'href="/oidc/authenticate/?next=%2Fwerk%2F"' in page
    assert page.index("Inloggen via uw organisatie") < page.index('name="password"')


@pytest.mark.django_db
def test_a_linked_account_signs_in_and_lands_on_the_work_list(client, oidc, alice, caplog):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims(email="iets-anders@almelo.example")  # the link counts, not the address
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")

    response = sign_in(client, oidc)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == "alice"
    assert client.get("/").status_code == 200  # no TOTP step: the provider's acr was enough
    [record] = signin_records(caplog)
    assert record["result"] == "succeeded" and record["method"] == "organisatie"
    assert record["username"] == "alice" and record["acr"] == SUBSTANTIAL
    assert record["second_factor"] == "organisatie"


@pytest.mark.django_db
def test_the_relying_party_uses_pkce_s256_state_nonce_and_basic_client_auth(client, oidc, alice):
    oidc.user = claims()
    sign_in(client, oidc)

    [request] = oidc.authorize_requests
    assert request["response_type"] == "code"
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) == 43
    assert len(request["state"]) >= 22 and len(request["nonce"]) >= 22  # >= 128 bits
    [token_call] = oidc.token_requests
    assert token_call["status"] == 200
    assert 43 <= len(token_call["form"]["code_verifier"]) <= 128
    assert "client_secret" not in token_call["form"]  # in the Basic header only


@pytest.mark.django_db
def test_the_first_sign_in_links_by_verified_email_once(client, oidc, alice, caplog):
    oidc.user = claims()
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")

    sign_in(client, oidc)

    assert signed_in_as(client) == "alice"
    identity = OidcIdentity.objects.get(user=alice)
    assert (identity.issuer, identity.subject) == (oidc.issuer, "almelo-4711")
    assert signin_records(caplog)[0]["linked"] == "yes"

    # Later the address may change at the provider: the stored pair still finds Alice.
    client.post("/account/uitloggen")
    oidc.user = claims(email="alice.nieuw@almelo.example")
    sign_in(client, oidc)
    assert signed_in_as(client) == "alice"
    assert OidcIdentity.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_private_key_jwt_client_authentication(client, oidc, alice, settings, tmp_path):
    key = new_rsa_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "rp.pem").write_bytes(pem)
    settings.OIDC_RP_CLIENT_AUTH = "private_key_jwt"
    settings.OIDC_RP_CLIENT_PRIVATE_KEY_FILE = str(tmp_path / "rp.pem")
    oidc.client_auth = "private_key_jwt"
    oidc.client_public_key = key.public_key()
    oidc.user = claims()

    sign_in(client, oidc)

    assert signed_in_as(client) == "alice"
    assert oidc.token_requests[0]["form"]["client_assertion_type"].endswith("jwt-bearer")

    # A key the provider does not know is refused at the token endpoint.
    client.post("/account/uitloggen")
    oidc.client_public_key = new_rsa_key().public_key()
    refusal_on_login_page(client, sign_in(client, oidc))
    assert oidc.token_requests[-1]["error"] == "invalid_client"


# -- the second factor ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_low_acr_still_needs_the_local_second_factor(client, oidc, alice, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = authenticator_app(alice)
    oidc.user = claims(acr=LOW)

    response = sign_in(client, oidc)

    assert response.status_code == 302
    assert signed_in_as(client) == "alice"
    blocked = client.get("/")
    assert blocked.status_code == 302 and blocked["Location"] == "/account/tweede-factor"
    step = client.get("/account/tweede-factor")
    assert step.context["enrolling"] is False  # a code from the app set up earlier, no new one
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post("/account/tweede-factor", {"code": f"{code:06d}"})
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_no_acr_at_all_also_needs_the_local_second_factor(client, oidc, alice):
    authenticator_app(alice)
    oidc.user = {key: value for key, value in claims().items() if key != "acr"}
    sign_in(client, oidc)
    assert client.get("/")["Location"] == "/account/tweede-factor"


@pytest.mark.django_db
def test_an_acr_from_userinfo_does_not_count(client, oidc, alice, caplog):
    # The ID token says nothing about the level; only userinfo (not signed) claims a strong one.
    authenticator_app(alice)
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")
    oidc.user = {key: value for key, value in claims().items() if key != "acr"}
    oidc.userinfo_overrides = {"acr": SUBSTANTIAL}

    sign_in(client, oidc)

    assert signed_in_as(client) == "alice"
    assert client.get("/")["Location"] == "/account/tweede-factor"
    [record] = signin_records(caplog)
    assert record["second_factor"] == "totp" and record["acr"] == ""


@pytest.mark.django_db
def test_a_low_acr_without_an_authenticator_app_is_refused(client, oidc, alice, caplog):
    # Setting up the app now would let the provider's password alone give a verified session.
    oidc.user = claims(acr=LOW)

    page = refusal_on_login_page(client, sign_in(client, oidc))

    assert "nog geen tweede factor ingesteld" in page
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not OidcIdentity.objects.exists()
    [record] = signin_records(caplog)
    assert record["reason"] == "no_second_factor" and record["acr"] == LOW
    assert client.get("/account/tweede-factor")["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_the_app_cannot_be_set_up_in_a_session_from_the_organisation(client, oidc, alice):
    # The app existed at sign-in and was removed afterwards: the second-factor page must not
    # offer a new one to this session.
    device = authenticator_app(alice)
    oidc.user = claims(acr=LOW)
    sign_in(client, oidc)
    assert signed_in_as(client) == "alice"
    device.delete()

    response = client.get("/account/tweede-factor")

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert signed_in_as(client) is None
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert "nog geen tweede factor ingesteld" in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_the_acr_list_is_a_setting(client, oidc, alice, settings):
    authenticator_app(alice)
    settings.NIEUWESTART_OIDC_ACR_SECOND_FACTOR = ["http://eidas.europa.eu/LoA/high"]
    oidc.user = claims(acr=SUBSTANTIAL)
    sign_in(client, oidc)
    assert client.get("/")["Location"] == "/account/tweede-factor"


# -- refusals: who may not sign in ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_person_is_refused_and_no_account_is_made(client, oidc, alice, caplog):
    oidc.user = claims(sub="onbekend-1", email="nieuw@almelo.example")
    users_before = User.objects.count()

    page = refusal_on_login_page(client, sign_in(client, oidc))

    assert "wij vinden geen account dat bij u hoort" in page
    assert User.objects.count() == users_before
    assert not OidcIdentity.objects.exists()
    [record] = signin_records(caplog)
    assert record["result"] == "refused" and record["reason"] == "unknown_account"
    assert record["subject"] == "onbekend-1" and record["organisation"] == "PI-ALMELO"


@pytest.mark.django_db
def test_an_unverified_email_address_does_not_link(client, oidc, alice, caplog):
    oidc.user = claims(email_verified=False)
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "niet bevestigd" in page
    assert not OidcIdentity.objects.exists()
    assert signin_records(caplog)[0]["reason"] == "email_not_verified"


@pytest.mark.django_db
def test_email_verified_as_a_string_is_not_enough(client, oidc, alice):
    oidc.user = claims(email_verified="true")
    refusal_on_login_page(client, sign_in(client, oidc))
    assert not OidcIdentity.objects.exists()


@pytest.mark.django_db
def test_an_inactive_account_is_refused(client, oidc, alice, caplog):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    oidc.user = claims()
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "uw account staat uit" in page
    assert not OidcIdentity.objects.exists()  # no link for an account that may not sign in
    assert signin_records(caplog)[0]["reason"] == "inactive"


@pytest.mark.django_db
def test_a_linked_but_inactive_account_is_refused(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    oidc.user = claims()
    refusal_on_login_page(client, sign_in(client, oidc))


@pytest.mark.django_db
def test_a_locked_account_is_refused(client, oidc, alice, caplog):
    import datetime as dt

    from django.utils import timezone

    User.objects.filter(pk=alice.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    oidc.user = claims()
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "tijdelijk geblokkeerd" in page
    assert signin_records(caplog)[0]["reason"] == "locked"


@pytest.mark.django_db
def test_an_account_of_another_organisation_is_refused(client, oidc, alice, caplog):
    # Alice's address, but the provider says she signs in for Amsterdam.
    oidc.user = claims(organisation_code="GM0363")
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "andere organisatie" in page
    assert not OidcIdentity.objects.exists()
    assert signin_records(caplog)[0]["reason"] == "other_organisation"


@pytest.mark.django_db
def test_a_linked_account_is_refused_for_another_organisation(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims(organisation_code="RN")
    refusal_on_login_page(client, sign_in(client, oidc))


@pytest.mark.django_db
def test_without_an_organisation_claim_nobody_signs_in(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = {key: value for key, value in claims().items() if key != "organisation_code"}
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "niet doorgegeven bij welke organisatie" in page


@pytest.mark.django_db
def test_a_second_person_cannot_take_over_a_linked_account(client, oidc, alice):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims(sub="almelo-9999")  # same verified address, another person
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "al gekoppeld" in page
    assert OidcIdentity.objects.get(user=alice).subject == "almelo-4711"


# -- refusals: answers that are not to be trusted ------------------------------------------------


@pytest.mark.django_db
def test_a_changed_state_is_refused(client, oidc, alice, caplog):
    oidc.user = claims()
    callback = authorize(client, oidc)
    query = parse_qs(urlsplit(callback).query)
    forged = f"/oidc/callback/?code={query['code'][0]}&state=vervalst&iss={query['iss'][0]}"

    page = refusal_on_login_page(client, client.get(forged))

    assert "klopt niet of is verlopen" in page
    assert oidc.token_requests == []  # the code was never exchanged
    assert signin_records(caplog)[0]["reason"] == "bad_state"


@pytest.mark.django_db
def test_a_state_is_good_once(client, oidc, alice):
    oidc.user = claims()
    callback = authorize(client, oidc)
    client.get(callback)
    client.post("/account/uitloggen")
    refusal_on_login_page(client, client.get(callback))


@pytest.mark.django_db
def test_a_state_is_used_up_even_when_the_callback_fails_with_a_server_error(
    client, oidc, alice, settings, tmp_path
):
    # A broken configuration (the key file is missing) makes the callback answer 500 after it
    # took the state. Django does not save the session after a 5xx answer, so the state must
    # have been stored as used already.
    oidc.user = claims()
    callback = authorize(client, oidc)
    settings.OIDC_RP_CLIENT_AUTH = "private_key_jwt"
    settings.OIDC_RP_CLIENT_PRIVATE_KEY_FILE = str(tmp_path / "ontbreekt.pem")
    client.raise_request_exception = False

    assert client.get(callback).status_code == 500
    assert client.session.get("oidc_states") == {}

    settings.OIDC_RP_CLIENT_AUTH = "client_secret_basic"
    refusal_on_login_page(client, client.get(callback))
    assert oidc.token_requests == []


@pytest.mark.django_db
def test_a_wrong_pkce_verifier_is_refused_by_the_provider(client, oidc, alice, caplog):
    oidc.user = claims()
    callback = authorize(client, oidc)
    session = client.session
    for entry in session["oidc_states"].values():
        entry["code_verifier"] = "x" * 64  # not the one behind the challenge
    session.save()

    refusal_on_login_page(client, client.get(callback))

    assert oidc.token_requests[0]["error"] == "invalid_grant"
    assert signin_records(caplog)[0]["reason"] == "token_refused"


@pytest.mark.django_db
def test_a_wrong_client_secret_is_refused_by_the_provider(client, oidc, alice, settings):
    settings.OIDC_RP_CLIENT_SECRET = "niet-het-geheim"
    oidc.user = claims()
    refusal_on_login_page(client, sign_in(client, oidc))
    assert oidc.token_requests[0]["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nonce": "een-andere-nonce"}, "bad_nonce"),
        ({"iss": "http://127.0.0.1:9/nep"}, "wrong_issuer"),
        ({"aud": "een-andere-client"}, "wrong_audience"),
        ({"exp": 1_000_000_000}, "expired"),
    ],
)
@pytest.mark.django_db
def test_an_id_token_with_wrong_claims_is_refused(client, oidc, alice, caplog, overrides, reason):
    oidc.user = claims()
    oidc.id_token_overrides = overrides
    refusal_on_login_page(client, sign_in(client, oidc))
    assert signin_records(caplog)[0]["reason"] == reason
    assert not OidcIdentity.objects.exists()


@pytest.mark.parametrize(
    ("sign_with", "reason"),
    [("other-key", "bad_signature"), ("none", "bad_algorithm"), ("HS256", "bad_algorithm")],
)
@pytest.mark.django_db
def test_an_id_token_not_signed_by_the_provider_is_refused(
    client, oidc, alice, caplog, sign_with, reason
):
    OidcIdentity.objects.create(user=alice, issuer=oidc.issuer, subject="almelo-4711")
    oidc.user = claims()
    oidc.sign_with = sign_with
    refusal_on_login_page(client, sign_in(client, oidc))
    assert signin_records(caplog)[0]["reason"] == reason


@pytest.mark.django_db
def test_ps256_is_accepted(client, oidc, alice):
    oidc.algorithm = "PS256"
    oidc.user = claims()
    sign_in(client, oidc)
    assert signed_in_as(client) == "alice"


@pytest.mark.django_db
def test_userinfo_about_someone_else_is_refused(client, oidc, alice, caplog):
    oidc.user = claims()
    oidc.userinfo_overrides = {"sub": "iemand-anders"}
    refusal_on_login_page(client, sign_in(client, oidc))
    assert signin_records(caplog)[0]["reason"] == "userinfo_mismatch"


@pytest.mark.django_db
def test_a_provider_error_is_refused_with_a_message(client, oidc, alice, caplog):
    oidc.authorize_error = "access_denied"
    page = refusal_on_login_page(client, sign_in(client, oidc))
    assert "afgebroken of niet gelukt" in page
    assert signin_records(caplog)[0]["reason"] == "provider_error"


@pytest.mark.django_db
def test_an_unreachable_provider_is_refused_with_a_message(client, oidc, alice):
    oidc.user = claims()
    callback = authorize(client, oidc)
    oidc.stop()
    page = refusal_on_login_page(client, client.get(callback))
    assert "niet bereikbaar" in page


# -- logging and signing out ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_password_sign_in_with_an_unknown_username_does_not_log_it(
    client, settings, alice, caplog
):
    # People type a BSN or their password into the username field.
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")
    client.post(LOGIN, {"username": "999999990", "password": "fout"})
    client.post(LOGIN, {"username": "mijn-wachtwoord-1", "password": "fout"})

    unknown_bsn, unknown_text = signin_records(caplog)
    for record in (unknown_bsn, unknown_text):
        assert record["reason"] == "unknown_username"
        assert record["username"] == "" and record["user_id"] == ""
    logged = " ".join(r.getMessage() + str(getattr(r, "signin", "")) for r in caplog.records)
    assert "999999990" not in logged and "mijn-wachtwoord-1" not in logged


@pytest.mark.django_db
def test_local_sign_ins_are_logged_the_same_way(client, settings, alice, caplog):
    settings.REQUIRE_SECOND_FACTOR = False
    caplog.set_level(logging.INFO, logger="nieuwestart.signin")
    client.post(LOGIN, {"username": "alice", "password": "fout"})
    client.post(LOGIN, {"username": "alice", "password": "een-lang-testwachtwoord"})

    refused, succeeded = signin_records(caplog)
    assert (refused["result"], refused["method"], refused["username"]) == (
        "refused",
        "wachtwoord",
        "alice",
    )
    assert (refused["reason"], refused["user_id"]) == ("bad_credentials", alice.pk)
    assert (succeeded["result"], succeeded["method"]) == ("succeeded", "wachtwoord")
    assert all("fout" not in str(record) for record in (refused, succeeded))


@pytest.mark.django_db
def test_signing_out_ends_the_session_here_and_at_the_provider(client, oidc, alice):
    oidc.user = claims()
    sign_in(client, oidc)
    id_token = client.session["oidc_id_token"]

    response = client.post("/account/uitloggen")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc.url}/logout"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/account/inloggen"]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_switching_organisation_sign_in_off_ends_its_sessions_and_its_routes(
    client, oidc, alice, settings
):
    oidc.user = claims()
    sign_in(client, oidc)
    assert client.get("/").status_code == 200
    local = type(client)()
    local.force_login(alice, backend="nieuwestart.accounts.backends.LockoutModelBackend")
    settings.REQUIRE_SECOND_FACTOR = False

    settings.NIEUWESTART_OIDC_ENABLED = False

    assert client.get("/")["Location"].startswith(LOGIN)  # the provider's session has ended
    assert local.get("/").status_code == 200  # a local session has not
    assert client.get("/oidc/logout/").status_code == 404
    assert client.post("/oidc/logout/").status_code == 404


@pytest.mark.django_db
def test_the_library_logout_route_works_while_switched_on(client, oidc, alice):
    oidc.user = claims()
    sign_in(client, oidc)
    assert client.get("/oidc/logout/").status_code == 405
    response = client.post("/oidc/logout/")
    assert response.status_code == 302 and response["Location"].startswith(f"{oidc.url}/logout")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signing_out_of_a_local_session_stays_here(client, oidc, alice):
    client.force_login(alice)
    response = client.post("/account/uitloggen")
    assert response["Location"] == LOGIN


# -- settings: checked when the application starts ------------------------------------------------


def load_settings(**env: str) -> Any:
    """Start Python with these variables and read the settings, as a server would."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OIDC_", "NIEUWESTART_", "DJANGO_"))
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([str(v) for v in settings.SECURE_CSP['form-action']]))"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "nieuwestart.settings", **env},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
    )


STUB_ENV = {
    "NIEUWESTART_OIDC_ENABLED": "1",
    "OIDC_OP_ISSUER": "https://login.pi.example",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.pi.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.pi.example/token",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.pi.example/jwks",
    "OIDC_OP_END_SESSION_ENDPOINT": "https://login.pi.example/logout",
    "OIDC_RP_CLIENT_ID": "nieuwestart",
    "OIDC_RP_CLIENT_AUTH": "client_secret_basic",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "DJANGO_SECRET_KEY": "x" * 50,
}


def test_settings_let_the_logout_form_reach_the_end_session_endpoint():
    result = load_settings(**STUB_ENV)
    assert result.returncode == 0, result.stderr
    assert "https://login.pi.example" in result.stdout


def test_settings_refuse_to_start_without_the_client_credential():
    result = load_settings(**{**STUB_ENV, "OIDC_RP_CLIENT_SECRET": ""})
    assert result.returncode != 0 and "OIDC_RP_CLIENT_SECRET" in result.stderr
    result = load_settings(**{**STUB_ENV, "OIDC_RP_CLIENT_AUTH": "private_key_jwt"})
    assert result.returncode != 0 and "OIDC_RP_CLIENT_PRIVATE_KEY_FILE" in result.stderr


def test_settings_refuse_hmac_or_none_for_id_tokens():
    result = load_settings(**{**STUB_ENV, "OIDC_RP_ID_TOKEN_ALGORITHMS": "RS256,HS256"})
    assert result.returncode != 0 and "RS256 en PS256" in result.stderr


def test_settings_refuse_plain_http_to_the_provider_in_production():
    plain = {**STUB_ENV, "OIDC_OP_TOKEN_ENDPOINT": "http://login.pi.example/token"}
    assert load_settings(**plain).returncode != 0
    assert load_settings(**plain, NIEUWESTART_TESTING="1").returncode == 0
