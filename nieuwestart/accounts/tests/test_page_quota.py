"""A quota per account on pages read in the browser (ASVS 2.4.1): a signed-in script cannot
copy the chain's cases page by page, a person clicking through cases never notices it, and a
form post is never refused, so nothing a user typed is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from nieuwestart.accounts.models import RateCounter

WAIT_PAGE = "Even wachten, te veel pagina"


@pytest.fixture(autouse=True)
def _counting_window(clock: Any) -> None:
    """Inside one counting window (conftest `clock`)."""


@pytest.fixture
def quota(settings: Any) -> int:
    settings.REQUIRE_SECOND_FACTOR = False
    settings.WEB_QUOTA_PER_MINUTE = 3
    return 3


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_after_the_quota_waits_with_a_dutch_explanation(
    quota: int, alice: Any, bob: Any, trajectory: Any, clock: Any
) -> None:
    alice_browser, bob_browser = _signed_in(alice), _signed_in(bob)
    page = f"/trajecten/{trajectory.uuid}"

    assert [alice_browser.get(page).status_code for _ in range(quota)] == [200] * quota
    refused = alice_browser.get(page)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    text = refused.content.decode()
    assert WAIT_PAGE in text and "Wat u heeft opgeslagen, blijft bewaard" in text
    assert bob_browser.get(page).status_code == 200  # another person is not held up

    clock.shift(dt.timedelta(seconds=60))  # the next minute: reading again
    assert alice_browser.get(page).status_code == 200


@pytest.mark.django_db
def test_a_form_post_over_the_quota_still_reaches_the_form(
    quota: int, alice: Any, trajectory: Any
) -> None:
    browser = _signed_in(alice)
    for _ in range(quota):
        browser.get("/")
    assert browser.get("/").status_code == 429

    response = browser.post(f"/trajecten/{trajectory.uuid}/screening", {})

    # The form answers (here: what is missing), not the quota: a real save goes through too.
    assert response.status_code in (200, 302)
    assert WAIT_PAGE not in response.content.decode()


@pytest.mark.django_db
def test_api_calls_health_checks_and_signed_out_visitors_do_not_count(
    quota: int, alice: Any, api: Any, client: Any
) -> None:
    token_client = api(alice)
    for _ in range(quota + 2):
        assert token_client.get("/api/v1/trajecten").status_code == 200
        assert client.get("/gezond/leeft").status_code == 200
        client.get("/account/inloggen")
    assert not RateCounter.objects.filter(key__startswith="web:").exists()

    assert _signed_in(alice).get("/").status_code == 200


@pytest.mark.django_db
def test_the_default_is_generous_for_a_person_and_zero_switches_it_off(
    settings: Any, alice: Any
) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
    assert settings.WEB_QUOTA_PER_MINUTE == 300  # a page every 0.2 seconds, all minute long
    settings.WEB_QUOTA_PER_MINUTE = 0
    browser = _signed_in(alice)
    assert all(browser.get("/").status_code == 200 for _ in range(5))
    assert not RateCounter.objects.filter(key__startswith="web:").exists()


@pytest.mark.django_db
def test_a_large_quota_is_counted_in_batches_and_still_refuses_at_the_same_page(
    settings: Any, alice: Any, trajectory: Any
) -> None:
    """Far from the quota a process writes one count per batch (`QUOTA_BATCH`), not one per page;
    close to it every page again, so the page after the quota is the one refused."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REQUIRE_SECOND_FACTOR = False
    settings.QUOTA_BATCH = batch = 10
    settings.WEB_QUOTA_PER_MINUTE = allowed = 4 * batch + 3
    browser = _signed_in(alice)
    writes = []
    for _ in range(allowed):
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/").status_code == 200
        writes.append(sum("accounts_ratecounter" in q["sql"] for q in queries.captured_queries))
    counter = RateCounter.objects.get(key=f"web:user:{alice.pk}")
    assert counter.hits == allowed  # everything written by the last page before the quota
    assert sum(1 for n in writes if n) < allowed / 2  # far fewer writes than pages
    assert all(writes[-batch:])  # close to the quota: every page written

    assert browser.get("/").status_code == 429
    assert RateCounter.objects.get(pk=counter.pk).hits == allowed + 1
