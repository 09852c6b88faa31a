"""Shared test fixtures: reference data, named personas and a trajectory they share.

Personas (healthchecks style): Alice is casemanager at PI Almelo, Bob a probation officer at
Reclassering Nederland, Carol the aftercare coordinator of Enschede (the return municipality),
Dave the aftercare coordinator of Amsterdam (not involved), Mia a mentor at PI Almelo (involved,
but may not change the return municipality), Priya the privacy officer and JustID the system
account. `trajectory` is Alice's, Bob's and Carol's case; Dave must not learn it exists.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("NIEUWESTART_TESTING", "1")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from nieuwestart.organisations.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db: Any) -> None:
    """Reference data for tests that flush the database (live_server, transactional_db)."""
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.organisations.services import reference_data_load

    if not Organisation.objects.filter(code="GM0363").exists():
        reference_data_load()


def _org(code: str) -> Any:
    from nieuwestart.organisations.models import Organisation

    return Organisation.objects.get(code=code)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from nieuwestart.accounts.models import User

    def make(username: str, org_code: str, role: str, **extra: Any) -> User:
        user = User.objects.create_user(
            username=username,
            password="een-lang-testwachtwoord",
            organisation=_org(org_code),
            role=role,
            first_name=extra.pop("first_name", username.capitalize()),
            last_name=extra.pop("last_name", "Test"),
            email=f"{username}@test.example",
            phone="06 0000 0000",
            **extra,
        )
        return user

    return make


@pytest.fixture
def chain_org(db: Any) -> Any:
    from nieuwestart.organisations.models import Organisation, OrganisationKind

    org, _ = Organisation.objects.get_or_create(
        code="KETEN-TEST", defaults={"kind": OrganisationKind.CHAIN, "name": "Ketenbeheer test"}
    )
    return org


@pytest.fixture
def alice(make_user: Any) -> Any:
    return make_user("alice", "PI-ALMELO", "casemanager")


@pytest.fixture
def mia(make_user: Any) -> Any:
    return make_user("mia", "PI-ALMELO", "mentor")


@pytest.fixture
def bob(make_user: Any) -> Any:
    return make_user("bob", "RN", "reclasseringswerker")


@pytest.fixture
def carol(make_user: Any) -> Any:
    return make_user("carol", "GM0153", "nazorgcoordinator")


@pytest.fixture
def dave(make_user: Any) -> Any:
    return make_user("dave", "GM0363", "nazorgcoordinator")


@pytest.fixture
def priya(make_user: Any, chain_org: Any) -> Any:
    return make_user("priya", "KETEN-TEST", "privacyfunctionaris")


@pytest.fixture
def justid(make_user: Any, chain_org: Any) -> Any:
    return make_user("justid", "KETEN-TEST", "systeem")


@pytest.fixture
def admin_user(make_user: Any, chain_org: Any) -> Any:
    return make_user("beheer", "KETEN-TEST", "beheerder")


def notification_payload(**overrides: Any) -> dict[str, Any]:
    """A valid 'aanvang' notification; override any top-level key or persoon.* key."""
    person = {
        "bsn": "999993653",
        "voornamen": "Jan",
        "voorvoegsel": "de",
        "geslachtsnaam": "Vries",
        "geboortedatum": "1990-04-01",
    }
    person.update(overrides.pop("persoon", {}))
    data: dict[str, Any] = {
        "meldingId": "JUSTID-2026-000001",
        "soort": "aanvang",
        "persoon": person,
        "inrichting": "PI-ALMELO",
        "startdatum": "2026-11-02",
        "verwachteEinddatum": "2027-03-15",
        "gemeenteVanInschrijving": "GM0153",
    }
    data.update(overrides)
    return data


@pytest.fixture
def payload() -> Callable[..., dict[str, Any]]:
    return notification_payload


@pytest.fixture
def trajectory(justid: Any, alice: Any, bob: Any, carol: Any) -> Any:
    """Jan de Vries at PI Almelo, returning to Enschede, with Reclassering Nederland."""
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import (
        notification_receive,
        trajectory_assign,
        trajectory_assign_probation,
    )

    notification = validate_notification(notification_payload(), today=dt.date(2026, 11, 22))
    trajectory, _ = notification_receive(actor=justid, notification=notification)
    trajectory_assign(actor=alice, trajectory=trajectory, role="casemanager", user=alice)
    trajectory = trajectory_assign_probation(
        actor=alice, trajectory=trajectory, organisation=_org("RN")
    )
    trajectory_assign(actor=bob, trajectory=trajectory, role="reclasseringswerker", user=bob)
    trajectory_assign(actor=carol, trajectory=trajectory, role="nazorgcoordinator", user=carol)
    trajectory.refresh_from_db()
    return trajectory


@pytest.fixture
def api(db: Any) -> Callable[[Any], Any]:
    """An API client authenticated with a real token for the given user."""
    from rest_framework.test import APIClient

    from nieuwestart.accounts.services import api_token_create

    def client_for(user: Any | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return client_for


@pytest.fixture
def web(client: Any, settings: Any) -> Callable[[Any], Any]:
    """`web(alice)`: the browser session (Django's test client) signed in as that persona.

    One client per test: signing in another persona replaces the session. The second factor is
    off (it has its own tests in accounts). A test module or folder may define its own `web`.
    """
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _no_unwritten_request_counts() -> Any:
    """Quota counts a process has not written yet belong to the test that made them: the next
    test starts from an empty counter table (accounts.ratelimits, QUOTA_BATCH)."""
    from nieuwestart.accounts.ratelimits import forget_unwritten_counts

    forget_unwritten_counts()
    yield
    forget_unwritten_counts()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness protects real accounts, not test personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _flushable_processing_log(request: pytest.FixtureRequest) -> Any:
    """Let transactional tests empty the database although the log refuses DELETE.

    A transactional test (live server, browser) ends with a flush of every table, which the
    processing log's append-only trigger rightly refuses. The trigger is (re)installed before
    such a test and removed just before its flush; other tests keep it throughout.
    """
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        yield
        return
    import importlib

    from django.db import connection

    request.getfixturevalue("transactional_db")
    migration = importlib.import_module("nieuwestart.audit.migrations.0002_append_only_trigger")
    with connection.schema_editor() as editor:
        migration.backwards(None, editor)
        migration.forwards(None, editor)
    yield
    with connection.schema_editor() as editor:
        migration.backwards(None, editor)


@pytest.fixture(autouse=True)
def _reset_language() -> Any:
    """Django keeps the last request's language active; every test starts in Dutch."""
    yield
    from django.utils import translation

    translation.activate("nl")
