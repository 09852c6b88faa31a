"""Sign-in: password, lockout after repeated failures, TOTP outside demo mode (issue 2, item 7)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nieuwestart.accounts.models import User

LOGIN = "/account/inloggen"
PASSWORD = "een-lang-testwachtwoord"


@pytest.mark.django_db
def test_wrong_password_gives_a_dutch_error(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "fout"})
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, settings, alice):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "alice", "password": "fout"})

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session
    assert User.objects.get(username="alice").is_locked()


@pytest.mark.django_db
def test_a_good_login_resets_the_failure_count(client, settings, alice):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.REQUIRE_SECOND_FACTOR = False
    client.post(LOGIN, {"username": "alice", "password": "fout"})
    client.post(LOGIN, {"username": "alice", "password": "fout"})
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="alice").failed_logins == 0


@pytest.mark.django_db
def test_outside_demo_mode_a_second_factor_is_required_and_set_up_on_first_login(
    client, settings, alice
):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries down after a wrong code
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    blocked = client.get("/")
    assert blocked.status_code == 302 and blocked["Location"] == "/account/tweede-factor"
    enrol = client.get("/account/tweede-factor")
    assert "<svg" in enrol.content.decode()  # the QR code, inline

    device = TOTPDevice.objects.get(user=alice)
    good = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    wrong = client.post("/account/tweede-factor", {"code": f"{(good + 1) % 1_000_000:06d}"})
    assert "Deze code klopt niet" in wrong.content.decode()
    done = client.post("/account/tweede-factor", {"code": f"{good:06d}"})

    assert done.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_logout_is_post_only(client, settings, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    assert client.get("/account/uitloggen").status_code == 405
    assert client.post("/account/uitloggen").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_password_only_session_cannot_reach_the_api(client, settings, alice, trajectory):
    """The API takes tokens only, so nobody gets around the second factor through it."""
    settings.REQUIRE_SECOND_FACTOR = True
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert client.get("/").status_code == 302  # the web asks for the second factor
    assert client.get("/api/v1/trajecten").status_code == 401


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/account/inloggen")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_request_carries_the_signed_in_account_itself(client, settings, alice):
    """The middleware resolves `request.user` once (ResolvedUserMiddleware): pages get Alice's
    own account, with django-otp's second-factor state on it, and a visitor who is not signed
    in is anonymous, without a proxy in front of either."""
    from django.contrib.auth.models import AnonymousUser

    settings.REQUIRE_SECOND_FACTOR = False
    visitor = client.get(LOGIN).wsgi_request.user
    assert type(visitor) is AnonymousUser
    client.force_login(alice)
    response = client.get("/")
    user = response.wsgi_request.user
    assert type(user) is User and user.pk == alice.pk
    assert user.organisation == alice.organisation
    assert user.is_verified() is False and user.otp_device is None
    assert alice.display_name in response.content.decode()
