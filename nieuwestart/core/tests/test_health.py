"""Health endpoints for Kubernetes: liveness says the process answers, readiness says it may get
traffic (database reachable and fully migrated), so a rolling upgrade waits for the migrations
job."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from nieuwestart.core import views


@pytest.fixture
def fresh_readiness() -> Iterator[None]:
    """Readiness remembers a complete schema per process; these tests need it to look again."""
    views._migrations_complete = False
    yield
    views._migrations_complete = False


def test_liveness_answers_without_touching_the_database(client: Any) -> None:
    # No `db` fixture: pytest-django blocks the database, so any query would fail this test.
    response = client.get("/gezond/leeft")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_ok_on_a_migrated_database(
    client: Any, db: Any, fresh_readiness: None
) -> None:
    response = client.get("/gezond/klaar")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_while_a_migration_is_not_applied(
    client: Any, db: Any, fresh_readiness: None
) -> None:
    # The database looks as before `migrate` ran the last audit migration: the row that records
    # it is gone (the test transaction puts it back).
    recorder = MigrationRecorder(connection)
    last = (
        recorder.migration_qs.filter(app="audit").order_by("-applied", "-id").values_list("name")
    )[0][0]
    recorder.record_unapplied("audit", last)

    response = client.get("/gezond/klaar")

    assert response.status_code == 503
    assert response.json() == {"status": "database niet bijgewerkt", "ontbrekendeMigraties": 1}

    recorder.record_applied("audit", last)
    response = client.get("/gezond/klaar")

    assert response.status_code == 200


def test_readiness_stays_cheap_once_the_schema_was_complete(
    client: Any, db: Any, fresh_readiness: None, django_assert_max_num_queries: Any
) -> None:
    assert client.get("/gezond/klaar").status_code == 200

    with django_assert_max_num_queries(1):
        response = client.get("/gezond/klaar")

    assert response.status_code == 200


def test_health_endpoints_are_not_redirected_to_https(client: Any, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/gezond/leeft").status_code == 200
