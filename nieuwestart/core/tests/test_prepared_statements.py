"""PostgreSQL binds the parameters and prepares the statements that run often (decision 0018).

What a user gets from it is speed (docs/benchmarks.md), which a test cannot time without
flaking; what these tests hold is that the setting is on where it should be, can be switched
off, and that PostgreSQL really answers the trajectory page from prepared statements with the
same page as a result.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from tests.fresh_settings import run_django

READ_OPTIONS = (
    "import json\n"
    "from django.conf import settings as s\n"
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))\n"
)
PRODUCTION = {"DJANGO_SECRET_KEY": "x" * 50}
POSTGRES_URL = "postgres://nieuwestart@127.0.0.1:5432/nieuwestart"


def _options(env: dict[str, str]) -> dict[str, object]:
    return json.loads(run_django(env, READ_OPTIONS).stdout.strip().splitlines()[-1])


def test_postgresql_binds_and_prepares_by_default() -> None:
    options = _options({**PRODUCTION, "DATABASE_URL": POSTGRES_URL})
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_switched_off_for_an_old_pooler() -> None:
    options = _options({**PRODUCTION, "DATABASE_URL": POSTGRES_URL, "NIEUWESTART_DB_PREPARED": "0"})
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_sqlite_keeps_its_own_options() -> None:
    options = _options({**PRODUCTION, "DATABASE_URL": "sqlite://:memory:"})
    assert "server_side_binding" not in options


def _prepared_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_trajectory_page_is_served_from_prepared_statements(trajectory, alice, web) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        pytest.skip("switched off in this run (NIEUWESTART_DB_PREPARED=0)")
    client = web(alice)
    url = reverse("trajectories:detail", args=[trajectory.uuid])
    first = client.get(url)
    assert first.status_code == 200
    before = _prepared_count()
    pages = [client.get(url) for _ in range(6)]
    # From the fifth run on, psycopg asks PostgreSQL to prepare each statement that repeats.
    assert _prepared_count() > before
    # And the page stays the page: the same person, the same sections, for every request.
    for page in pages:
        assert page.status_code == 200
        assert trajectory.person.full_name in page.content.decode()
    assert pages[-1].content.decode().count("<section") == first.content.decode().count("<section")
