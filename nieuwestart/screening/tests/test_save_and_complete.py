"""Saving the screening and marking it done in one request is one write (issue 6, found by
the two-server test): another user's save cannot come in between, and a refusal stores
nothing. Before, the save was committed first and the completion then reported a conflict
(412 over the API, an error on the form) for a save that had been stored after all."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection

from nieuwestart.screening import api as screening_api
from nieuwestart.screening import services
from nieuwestart.screening.models import Screening
from nieuwestart.screening.tests.test_screening_api import FULL, _url
from tests.concurrency import other_session

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second database session writing in between"
)


@pytest.fixture
def save_between(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Just before the completion, another session (another replica) saves the same screening,
    waiting at most a second for its lock. What happened to that save is returned."""
    outcome: list[str] = []

    def other_save_first(complete: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            table = Screening._meta.db_table
            with other_session(autocommit=True) as other:
                other.execute("SET lock_timeout = '1s'")
                try:
                    cursor = other.execute(
                        f"UPDATE {table} SET version = version + 1, "  # noqa: S608
                        "own_words = 'van een ander' WHERE trajectory_id = %s",
                        [kwargs["trajectory"].pk],
                    )
                    outcome.append("stored" if cursor.rowcount == 1 else "no screening to save")
                except psycopg.errors.LockNotAvailable:
                    outcome.append("waited for the lock")
            return complete(*args, **kwargs)

        return wrapped

    # The completion step of a save (`_complete`), and the service the view called by name
    # before screening_save existed; so the test shows the old bug.
    monkeypatch.setattr(services, "_complete", other_save_first(services._complete))
    monkeypatch.setattr(
        screening_api,
        "screening_complete",
        other_save_first(services.screening_complete),
        raising=False,
    )
    return outcome


def test_a_save_that_completes_holds_the_screening_until_it_is_done(
    transactional_db: Any,
    reference_data: Any,  # a transactional test before this one emptied the database
    api: Any,
    trajectory: Any,
    alice: Any,
    save_between: list[str],
) -> None:
    text = "Ik wil mijn dochter weer zien, en werk."
    first = api(alice).put(_url(trajectory), {**FULL, "versie": 0}, format="json")
    assert first.status_code == 200 and save_between == []

    response = api(alice).put(
        _url(trajectory),
        {**FULL, "eigenWoorden": text, "versie": 1, "afgerond": True},
        format="json",
    )

    stored = Screening.objects.get(trajectory=trajectory)
    # Before: 409 "Uw invoer is nog niet opgeslagen" over a save that had been stored.
    assert response.status_code == 200, response.content
    assert save_between == ["waited for the lock"]
    assert (stored.own_words, stored.version, stored.completed_by) == (text, 3, alice)
