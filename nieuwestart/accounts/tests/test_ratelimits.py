"""Rate limits (ASVS 2.4.1): sign-in posts, the second factor, the organisation's callback and
failed API tokens, counted in the database so every app replica shares them.

An attacker at 203.0.113.7 tries passwords, codes and tokens; Alice works from 198.51.100.20.
Limits are set low here (settings) so a few requests reach them.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from nieuwestart.accounts.models import RateCounter, User
from nieuwestart.accounts.ratelimits import (
    SIGN_IN,
    current_window,
    rate_limit_hit,
)
from nieuwestart.accounts.services import api_token_create
from tests.concurrency import run_together

LOGIN = "/account/inloggen"
PASSWORD = "een-lang-testwachtwoord"
ATTACKER = "203.0.113.7"
ALICE_AT_WORK = "198.51.100.20"
WAIT_PAGE = "Even wachten, te veel pogingen"


def _assert_retry_after(response: Any) -> None:
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.fixture(autouse=True)
def _counting_window(clock: Any) -> None:
    """Inside one counting window (conftest `clock`)."""


@pytest.mark.django_db
def test_sign_in_posts_from_one_address_are_limited(client, settings, alice):
    settings.RATE_SIGNIN_PER_MINUTE = 3
    for _ in range(3):
        wrong = client.post(LOGIN, {"username": "bob", "password": "x"}, REMOTE_ADDR=ATTACKER)
        assert wrong.status_code == 200  # the form with its error

    refused = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)

    assert refused.status_code == 429
    _assert_retry_after(refused)
    assert WAIT_PAGE in refused.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password waits
    # Someone at another address is not affected.
    settings.REQUIRE_SECOND_FACTOR = False
    other = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ALICE_AT_WORK
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_good_sign_ins_from_one_address_are_never_held_up(client, settings, alice, bob, carol):
    """A whole PI or municipality signs in from one address at the start of the day: only
    failed attempts count."""
    settings.RATE_SIGNIN_PER_MINUTE = 2
    settings.REQUIRE_SECOND_FACTOR = False
    for _ in range(3):
        for user in ("alice", "bob", "carol"):
            signed_in = client.post(
                LOGIN, {"username": user, "password": PASSWORD}, REMOTE_ADDR=ALICE_AT_WORK
            )
            assert signed_in.status_code == 302
            client.logout()
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_the_admin_signs_in_through_the_application_not_the_admin_form(client, settings):
    """Django's own admin login form would skip the rate limit and the second factor."""
    settings.RATE_SIGNIN_PER_MINUTE = 1
    form = client.get("/beheer/login/?next=/beheer/")
    assert form.status_code == 302
    assert form["Location"] == f"{LOGIN}?next=/beheer/"
    for _ in range(3):
        posted = client.post("/beheer/login/", {"username": "x", "password": "y"})
        assert posted.status_code == 302 and posted["Location"].startswith(LOGIN)
    assert client.get("/beheer/")["Location"].startswith("/beheer/login/")


@pytest.mark.django_db
def test_the_per_account_lockout_still_works_next_to_it(client, settings, alice):
    settings.RATE_SIGNIN_PER_MINUTE = 100
    settings.LOGIN_FAILURE_LIMIT = 3
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):  # spread over addresses
        client.post(LOGIN, {"username": "alice", "password": "fout"}, REMOTE_ADDR=address)
    assert User.objects.get(username="alice").is_locked()


@pytest.mark.django_db
def test_the_login_page_itself_is_not_counted(client, settings):
    settings.RATE_SIGNIN_PER_MINUTE = 1
    for _ in range(5):
        assert client.get(LOGIN, REMOTE_ADDR=ATTACKER).status_code == 200


@pytest.mark.django_db
def test_zero_switches_a_limit_off(client, settings):
    settings.RATE_SIGNIN_PER_MINUTE = 0
    for _ in range(5):
        response = client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_behind_the_ingress_the_last_forwarded_hop_counts(client, settings):
    settings.RATE_SIGNIN_PER_MINUTE = 2
    settings.BEHIND_PROXY = True
    ingress = "10.42.0.9"
    for spoofed in ("1.1.1.1", "2.2.2.2"):  # what the client wrote itself does not matter
        client.post(
            LOGIN,
            {"username": "x", "password": "y"},
            REMOTE_ADDR=ingress,
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {ATTACKER}",
        )
    third = client.post(
        LOGIN,
        {"username": "x", "password": "y"},
        REMOTE_ADDR=ingress,
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert third.status_code == 429
    other = client.post(
        LOGIN,
        {"username": "x", "password": "y"},
        REMOTE_ADDR=ingress,
        HTTP_X_FORWARDED_FOR=ALICE_AT_WORK,
    )
    assert other.status_code == 200  # not everyone behind the ingress at once


@pytest.mark.django_db
def test_without_the_proxy_switch_forwarded_headers_are_ignored(client, settings):
    settings.RATE_SIGNIN_PER_MINUTE = 2
    settings.BEHIND_PROXY = False
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        response = client.post(
            LOGIN,
            {"username": "x", "password": "y"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=spoofed,
        )
    assert response.status_code == 429


@pytest.mark.django_db
def test_ipv6_addresses_count_per_64_block(client, settings):
    settings.RATE_SIGNIN_PER_MINUTE = 2
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"):
        response = client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR=host)
    assert response.status_code == 429
    elsewhere = client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR="2001:db8:9::1")
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_second_factor_codes_are_limited_per_account(client, settings, alice):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own slow-down, tested there
    settings.RATE_SECOND_FACTOR_PER_MINUTE = 3
    TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    for code in ("000001", "000002", "000003"):
        page = client.post(
            "/account/tweede-factor", {"code": code}, REMOTE_ADDR=f"192.0.2.{code[-1]}"
        )
        assert "Deze code klopt niet" in page.content.decode()

    refused = client.post("/account/tweede-factor", {"code": "000004"}, REMOTE_ADDR="192.0.2.9")

    assert refused.status_code == 429  # per account: another address does not help
    _assert_retry_after(refused)
    assert WAIT_PAGE in refused.content.decode()


@pytest.mark.django_db
def test_returns_from_the_organisation_are_limited(client, settings, oidc):
    settings.RATE_OIDC_CALLBACK_PER_MINUTE = 2
    for _ in range(2):
        answer = client.get("/oidc/callback/?state=geraden&code=x", REMOTE_ADDR=ATTACKER)
        assert answer.status_code == 302  # refused as a bad state, back to the login page
    refused = client.get("/oidc/callback/?state=geraden&code=x", REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429
    _assert_retry_after(refused)


@pytest.mark.django_db
def test_failed_api_tokens_are_limited_per_address(api, settings, alice, trajectory):
    from rest_framework.test import APIClient

    settings.RATE_API_TOKEN_FAILURES_PER_MINUTE = 3
    guesser = APIClient(REMOTE_ADDR=ATTACKER)
    for guess in ("a", "b", "c"):
        wrong = guesser.get("/api/v1/trajecten", HTTP_AUTHORIZATION=f"Token {guess}")
        assert wrong.status_code == 401

    refused = guesser.get("/api/v1/trajecten", HTTP_AUTHORIZATION="Token d")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    _assert_retry_after(refused)
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Te veel verzoeken."
    assert "te veel verzoeken met een onbekende of ingetrokken token" in body["detail"]
    # A right guess from that address waits too; the same token from elsewhere works.
    token = api_token_create(user=alice)
    lucky = guesser.get("/api/v1/trajecten", HTTP_AUTHORIZATION=f"Token {token}")
    assert lucky.status_code == 429
    elsewhere = APIClient(REMOTE_ADDR=ALICE_AT_WORK)
    assert (
        elsewhere.get("/api/v1/trajecten", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    )


@pytest.mark.django_db
def test_good_tokens_are_never_counted(api, settings, alice):
    settings.RATE_API_TOKEN_FAILURES_PER_MINUTE = 1
    client = api(alice)
    for _ in range(5):
        assert client.get("/api/v1/trajecten").status_code == 200
    # The request quota counts good tokens too (test_quota.py); the failure limit does not.
    assert not RateCounter.objects.filter(key__startswith="api_token_failure:").exists()


@pytest.mark.django_db
def test_requests_without_a_token_are_not_counted(client, settings):
    settings.RATE_API_TOKEN_FAILURES_PER_MINUTE = 1
    for _ in range(3):
        assert client.get("/api/v1/trajecten").status_code == 401
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_old_windows_are_deleted_when_a_new_one_starts(settings):
    settings.RATE_SIGNIN_PER_MINUTE = 5
    now = current_window()
    RateCounter.objects.create(key="signin:192.0.2.1", window_start=now - 120, hits=9)
    RateCounter.objects.create(key="signin:192.0.2.2", window_start=now - 60, hits=9)

    rate_limit_hit(limit=SIGN_IN, who="192.0.2.3")

    assert list(RateCounter.objects.values_list("key", "window_start", "hits")) == [
        ("signin:192.0.2.3", now, 1)
    ]


@pytest.mark.django_db
def test_reaching_a_limit_is_logged_once(settings, caplog):
    settings.RATE_SIGNIN_PER_MINUTE = 1
    caplog.set_level(logging.WARNING, logger="nieuwestart.signin")
    waits = [rate_limit_hit(limit=SIGN_IN, who=ATTACKER) for _ in range(4)]
    assert waits[0] == 0 and all(1 <= w <= 60 for w in waits[1:])
    [record] = [r for r in caplog.records if r.name == "nieuwestart.signin"]
    assert record.signin == {"event": "rate_limited", "scope": "signin", "who": ATTACKER}


@pytest.mark.django_db
def test_a_quota_passed_by_another_process_s_batch_is_still_logged_once(
    settings, caplog, monkeypatch
):
    """Two processes count one token's API quota in batches: the first process's batch of 10
    goes from the quota straight past it. That write is refused and logged, once."""
    from nieuwestart.accounts import ratelimits

    settings.API_QUOTA_PER_MINUTE = 30
    settings.QUOTA_BATCH = 10
    caplog.set_level(logging.WARNING, logger="nieuwestart.signin")
    first, second = ratelimits._Pending(), ratelimits._Pending()

    def hit(process: Any) -> int:
        monkeypatch.setattr(ratelimits, "_pending", process)
        return rate_limit_hit(limit=ratelimits.API_QUOTA, who="token:7")

    assert [hit(first) for _ in range(10)] == [0] * 10  # 1 written, 9 only in memory
    while RateCounter.objects.get(key="api:token:7").hits < 30:
        assert hit(second) == 0
    assert hit(first) > 0  # its batch of 10 takes the counter from 30 to 40: refused
    assert RateCounter.objects.get(key="api:token:7").hits == 40
    assert hit(second) > 0 and hit(first) > 0
    reached = [r for r in caplog.records if getattr(r, "signin", {}).get("scope") == "api"]
    assert len(reached) == 1


def test_concurrent_requests_on_separate_connections_share_one_exact_count(
    transactional_db, settings
):
    """What two app replicas do: each request is its own database session. The upsert hands out
    every count exactly once, so N concurrent requests allow exactly the limit."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the concurrent case is PostgreSQL's")
    settings.RATE_SIGNIN_PER_MINUTE = 10

    def replica() -> list[int]:
        return [rate_limit_hit(limit=SIGN_IN, who=ATTACKER) for _ in range(5)]

    results = [wait for waits in run_together(8, replica) for wait in waits]

    assert len(results) == 40
    assert results.count(0) == 10  # exactly the limit got through
    [counter] = RateCounter.objects.all()
    assert counter.hits == 40
