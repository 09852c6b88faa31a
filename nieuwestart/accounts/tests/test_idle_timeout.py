"""The idle timeout (ASVS 7.3.1): a session ends 30 minutes after its last request, one in use
does not, and renewing it does not cost a database write on every page.

Alice signs in with her password; the clock is moved with time-machine, which Django's session
expiry and the renewal both read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen"
PASSWORD = "een-lang-testwachtwoord"
MINUTE = 60


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC), tick=False) as t:
        yield t


@pytest.fixture
def signed_in(client: Any, settings: Any, alice: Any, clock: Any) -> Any:
    settings.REQUIRE_SECOND_FACTOR = False
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302
    return client


def _session_writes(client: Any, path: str = "/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return status, len(writes)


def _expires(client: Any) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_idle_session_ends_after_30_minutes(signed_in, clock):
    # Two pages first: the session row is then read with kept SQL (accounts.sessions), whose
    # "not expired" must use the time of each read, not of the first.
    assert signed_in.get("/").status_code == signed_in.get("/").status_code == 200
    clock.shift(30 * MINUTE + 1)
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_session_in_use_lasts_as_long_as_it_is_used(signed_in, clock):
    for _ in range(12):  # two hours, a page every ten minutes
        clock.shift(10 * MINUTE)
        assert signed_in.get("/").status_code == 200


def test_pages_within_a_minute_do_not_write_the_session(signed_in, clock):
    first_expiry = _expires(signed_in)
    for _ in range(5):
        clock.shift(10)
        assert _session_writes(signed_in) == (200, 0)
    assert _expires(signed_in) == first_expiry

    clock.shift(15)  # 65 seconds since the sign-in wrote the session
    assert _session_writes(signed_in) == (200, 1)
    assert _expires(signed_in) == first_expiry + dt.timedelta(seconds=65)


def test_an_unrenewed_request_still_keeps_the_session_for_29_minutes(signed_in, clock):
    clock.shift(59)  # not renewed: the sign-in wrote it 59 seconds ago
    assert _session_writes(signed_in) == (200, 0)
    clock.shift(29 * MINUTE)  # 29 minutes after the last request, 29:59 after the last write
    assert signed_in.get("/").status_code == 200
