"""Quotas on reading and exporting (ASVS 2.4.1): one stolen token or one scraping account cannot
pull the chain's data out fast.

Alice (PI) and Bob (probation) read through the API with their tokens; Carol (municipality)
downloads information sheets; a chain analyst downloads the indicator figures. The quotas are
set low here (settings), so a few requests reach them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path

from nieuwestart import urls as project_urls
from nieuwestart.accounts.models import RateCounter

ROOT = Path(__file__).resolve().parents[3]
API_LIST = "/api/v1/trajecten"
WAIT_PAGE = "Even wachten, te veel downloads"

# The project's URLs plus the benchmark-only naive endpoints, as nieuwestart/urls.py mounts them
# with NIEUWESTART_BENCHMARK_NAIVE (used through ROOT_URLCONF in one test).
urlpatterns = [
    *project_urls.urlpatterns,
    path("naief/", include("nieuwestart.api.naive_urls")),
]


@pytest.fixture(autouse=True)
def _counting_window(clock: Any) -> None:
    """Inside one counting window (conftest `clock`)."""


@pytest.fixture
def web(settings: Any) -> Any:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests

    def signed_in(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def _retry_after(response: Any) -> int:
    return int(response["Retry-After"])


# --- The API quota, per token -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_is_refused_past_its_quota_per_minute(api, settings, alice, trajectory):
    settings.API_QUOTA_PER_MINUTE = 3
    client = api(alice)
    for _ in range(3):
        assert client.get(API_LIST).status_code == 200

    refused = client.get(f"{API_LIST}/{trajectory.uuid}")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= _retry_after(refused) <= 60
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Te veel verzoeken."
    assert body["detail"] == (
        "Met deze token zijn in deze minuut meer dan 3 verzoeken gedaan. "
        f"Wacht {_retry_after(refused)} seconden en probeer het dan opnieuw."
    )
    # Refused requests give nothing away, however many: still 429, never data.
    assert client.get(f"{API_LIST}/{trajectory.uuid}").status_code == 429


@pytest.mark.django_db
def test_other_tokens_and_other_people_are_not_affected(api, settings, alice, bob, trajectory):
    settings.API_QUOTA_PER_MINUTE = 2
    scraper = api(alice)
    for _ in range(3):
        scraper.get(API_LIST)
    assert scraper.get(API_LIST).status_code == 429

    assert api(bob).get(API_LIST).status_code == 200
    # The quota is per token: Alice's other token (another client of hers) still works.
    assert api(alice).get(API_LIST).status_code == 200


@pytest.mark.django_db
def test_without_a_token_the_account_is_counted(settings, alice, bob):
    """An API call authenticated another way (no token: DRF's force_authenticate stands in for
    a session) counts against the account."""
    from rest_framework.test import APIClient

    settings.API_QUOTA_PER_MINUTE = 2
    client = APIClient()
    client.force_authenticate(user=alice)
    for _ in range(2):
        assert client.get(API_LIST).status_code == 200

    refused = client.get(API_LIST)

    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "Met dit account zijn in deze minuut meer dan 2 verzoeken gedaan."
    )
    assert RateCounter.objects.get(key=f"api:user:{alice.pk}").hits == 3
    other = APIClient()
    other.force_authenticate(user=bob)
    assert other.get(API_LIST).status_code == 200


@pytest.mark.django_db
def test_the_quota_starts_again_in_the_next_minute(api, settings, alice, clock):
    settings.API_QUOTA_PER_MINUTE = 2
    client = api(alice)
    for _ in range(2):
        assert client.get(API_LIST).status_code == 200
    refused = client.get(API_LIST)
    assert refused.status_code == 429

    clock.shift(_retry_after(refused))

    assert client.get(API_LIST).status_code == 200


@pytest.mark.django_db
def test_reaching_the_quota_is_logged_once_per_window(api, settings, alice, caplog):
    settings.API_QUOTA_PER_MINUTE = 1
    caplog.set_level(logging.WARNING, logger="nieuwestart.signin")
    client = api(alice)
    statuses = [client.get(API_LIST).status_code for _ in range(4)]

    assert statuses == [200, 429, 429, 429]
    [record] = [r for r in caplog.records if r.name == "nieuwestart.signin"]
    token_pk = alice.api_tokens.get().pk
    assert record.signin == {"event": "rate_limited", "scope": "api", "who": f"token:{token_pk}"}


@pytest.mark.django_db
def test_zero_switches_the_api_quota_off(api, settings, alice):
    settings.API_QUOTA_PER_MINUTE = 0
    client = api(alice)
    for _ in range(5):
        assert client.get(API_LIST).status_code == 200
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_requests_without_a_valid_token_are_not_counted_against_a_quota(client, settings):
    settings.API_QUOTA_PER_MINUTE = 1
    settings.RATE_API_TOKEN_FAILURES_PER_MINUTE = 0  # that limit has its own tests
    for _ in range(3):
        assert client.get(API_LIST).status_code == 401
        assert client.get(API_LIST, HTTP_AUTHORIZATION="Token wrong").status_code == 401
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_the_naive_benchmark_endpoints_are_not_counted(api, settings, alice, trajectory):
    """They exist to measure what the access policy costs; the real endpoints next to them are
    counted."""
    settings.ROOT_URLCONF = __name__
    settings.API_QUOTA_PER_MINUTE = 2
    client = api(alice)
    for _ in range(5):
        assert client.get("/naief/werklijst").status_code == 200
        assert client.get(f"/naief/trajecten/{trajectory.uuid}").status_code == 200

    assert client.get(f"{API_LIST}/{trajectory.uuid}").status_code == 200
    assert client.get(f"{API_LIST}/{trajectory.uuid}").status_code == 200
    assert client.get(f"{API_LIST}/{trajectory.uuid}").status_code == 429


# --- The export quota, per account, web and API together ----------------------------------------


@pytest.mark.django_db
def test_downloads_are_refused_past_the_quota_per_hour(web, settings, carol, dave, trajectory):
    settings.EXPORT_QUOTA_PER_HOUR = 2
    carol_web = web(carol)
    sheet = f"/trajecten/{trajectory.uuid}/informatieblad"
    for _ in range(2):
        downloaded = carol_web.get(f"{sheet}.pdf")
        assert downloaded.status_code == 200
        assert downloaded["Content-Type"] == "application/pdf"

    refused = carol_web.get(f"{sheet}.pdf")

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    assert 3500 < _retry_after(refused) <= 3600  # the hour, not a minute
    page = refused.content.decode()
    assert WAIT_PAGE in page
    assert "meer dan 2 bestanden gedownload" in page
    assert "Over 60 minuten kunt u weer downloaden." in page
    # Reading on the screen is not an export and still works.
    assert carol_web.get(sheet).status_code == 200
    # Someone else downloads as usual (Dave may not see this trajectory: 404, not 429).
    assert web(dave).get(f"{sheet}.pdf").status_code == 404


@pytest.mark.django_db
def test_the_export_quota_starts_again_in_the_next_hour(web, settings, carol, trajectory, clock):
    settings.EXPORT_QUOTA_PER_HOUR = 1
    carol_web = web(carol)
    pdf = f"/trajecten/{trajectory.uuid}/informatieblad.pdf"
    assert carol_web.get(pdf).status_code == 200
    refused = carol_web.get(pdf)
    assert refused.status_code == 429

    clock.shift(_retry_after(refused))

    # A new sign-in: an hour without a request ended the session.
    assert web(carol).get(pdf).status_code == 200
    # The hour's counter row of the ended window is gone, the new one counts 1.
    exports = RateCounter.objects.filter(key__startswith="export:")
    assert list(exports.values_list("key", "hits")) == [(f"export:user:{carol.pk}", 1)]


@pytest.mark.django_db
def test_web_and_api_downloads_share_one_quota(api, web, settings, carol, trajectory):
    settings.EXPORT_QUOTA_PER_HOUR = 2
    sheet_api = f"{API_LIST}/{trajectory.uuid}/informatieblad"
    carol_api = api(carol)
    assert web(carol).get(f"/trajecten/{trajectory.uuid}/informatieblad.pdf").status_code == 200
    # JSON answers are reads, not exports: they count only towards the per-minute quota.
    for _ in range(3):
        assert carol_api.get(sheet_api).status_code == 200
    pdf = carol_api.get(sheet_api, HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    refused = carol_api.get(sheet_api, HTTP_ACCEPT="application/pdf")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 3500 < _retry_after(refused) <= 3600
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Te veel verzoeken."
    assert body["detail"] == (
        "U heeft in dit uur meer dan 2 bestanden opgevraagd. "
        "Over 60 minuten kunt u weer bestanden opvragen."
    )
    assert carol_api.get(sheet_api).status_code == 200  # reading goes on


@pytest.mark.django_db
@pytest.mark.parametrize(
    "download",
    [
        "/indicatoren/export.csv",
        "/indicatoren/export.xlsx",
        "/trajecten/{id}/informatieblad.pdf",
        "/trajecten/{id}/informatieblad/1.pdf",
        "/trajecten/{id}/mijn-plan.pdf",
        "/trajecten/{id}/overleggen/{meeting}/pakket.pdf",
    ],
)
def test_every_download_counts(web, settings, alice, trajectory, download):
    """Each way data leaves as a file is counted, also a request that ends in 403 or 404
    (trying identifiers is reading too): the second one past a quota of 1 is refused."""
    settings.EXPORT_QUOTA_PER_HOUR = 1
    url = download.format(id=trajectory.uuid, meeting=uuid.uuid4())
    client = web(alice)
    assert client.get(url).status_code != 429
    refused = client.get(url)
    assert refused.status_code == 429
    assert WAIT_PAGE in refused.content.decode()


@pytest.mark.django_db
def test_indicator_figures_count_as_downloads(web, settings, make_user):
    settings.EXPORT_QUOTA_PER_HOUR = 2
    analyst = web(make_user("keten", "GM0363", "ketenanalist"))
    query = "van=2026-11&tot=2026-11"
    assert analyst.get(f"/indicatoren/export.csv?{query}").status_code == 200
    assert analyst.get(f"/indicatoren/export.xlsx?{query}").status_code == 200
    assert analyst.get(f"/indicatoren/?{query}").status_code == 200  # the dashboard is not

    assert analyst.get(f"/indicatoren/export.csv?{query}").status_code == 429


@pytest.mark.django_db
def test_signed_out_downloads_go_to_the_sign_in_uncounted(client, settings, trajectory):
    settings.EXPORT_QUOTA_PER_HOUR = 1
    for _ in range(3):
        response = client.get(f"/trajecten/{trajectory.uuid}/informatieblad.pdf")
        assert response.status_code == 302
    assert not RateCounter.objects.exists()


# --- Settings -----------------------------------------------------------------------------------


def test_production_defaults_are_generous_and_on():
    """Read in a fresh interpreter with production's environment (no test mode, no overrides):
    600 API requests per token per minute, 120 downloads per account per hour."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NIEUWESTART_", "DJANGO_"))}
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.API_QUOTA_PER_MINUTE, s.EXPORT_QUOTA_PER_HOUR, "
        "s.REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES']]))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "nieuwestart.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "nieuwestart.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[600, 120, ["nieuwestart.accounts.ratelimits.ApiQuota", '
        '"nieuwestart.accounts.ratelimits.ExportQuota"]]'
    )
