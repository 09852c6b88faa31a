"""Two hosts running `retention_run --apply` at the same moment (PostgreSQL only: SQLite has a
single writer). Each trajectory is handled by one of them: every removal is done and logged
exactly once, and a crash in the middle leaves a trajectory either done or untouched."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.retention import removal
from nieuwestart.retention.models import ItemStatus, RetentionItem
from nieuwestart.retention.services import retention_run
from nieuwestart.retention.tests.case import CLOSED_ON, another, develop
from nieuwestart.retention.tests.conftest import APPLY_AT, DRY_RUN_AT
from nieuwestart.trajectories.models import Person, Trajectory
from tests.concurrency import run_together

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def many_closed(
    transactional_db: Any,
    reference_data: Any,
    trajectory: Any,
    payload: Any,
    justid: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> list[Trajectory]:
    people = {"payload": payload, "justid": justid, "alice": alice, "bob": bob, "carol": carol}
    closed = [develop(trajectory, alice=alice, bob=bob, carol=carol, bsn="999993653")]
    closed += [another(n, close_on=CLOSED_ON, **people) for n in range(4, 12)]
    return closed


@postgres_only
def test_two_concurrent_runs_log_every_removal_once(many_closed: list[Trajectory]) -> None:
    retention_run(apply=False, now=DRY_RUN_AT)
    expected = RetentionItem.objects.filter(status=ItemStatus.PROPOSED).count()
    assert expected == 6 * len(many_closed)

    reports = run_together(2, lambda: retention_run(apply=True, now=APPLY_AT))

    removals = Counter(
        (e.trajectory_uuid, e.categories)
        for e in ProcessingLogEntry.objects.filter(purpose="bewaartermijn verstreken").exclude(
            categories="verwerkingenlog"
        )
    )
    assert len(removals) == expected
    assert set(removals.values()) == {1}
    assert RetentionItem.objects.filter(status=ItemStatus.DONE).count() == expected
    done = sum(r.summary[c]["uitgevoerd"] for r in reports for c in r.summary)
    assert done == expected


@pytest.mark.django_db
def test_a_failure_halfway_leaves_the_trajectory_untouched_and_a_rerun_finishes(
    world: Any,
) -> None:
    """A real database error in the last step (identity), after five categories ran: the
    placeholder person's number is taken, so creating it violates the unique BSN."""
    retention_run(apply=False, now=DRY_RUN_AT)
    blocker = Person.objects.create(
        bsn=removal._placeholder_bsn(world.jan), given_names="", surname="", birth_date=CLOSED_ON
    )

    failed = retention_run(apply=True, now=APPLY_AT)

    assert failed.errors == [{"traject": str(world.jan.uuid), "fout": "IntegrityError"}]
    assert Person.objects.filter(bsn="999993653").exists()
    jan_items = RetentionItem.objects.filter(trajectory_uuid=world.jan.uuid)
    assert not jan_items.filter(status=ItemStatus.DONE).exists()
    assert not ProcessingLogEntry.objects.filter(purpose="bewaartermijn verstreken").exists()
    jan = Trajectory.objects.get(pk=world.jan.pk)
    assert jan.screening.own_words  # the steps before identity were rolled back too

    blocker.delete()
    again = retention_run(apply=True, now=APPLY_AT + dt.timedelta(hours=1))

    assert again.errors == []
    assert not Person.objects.filter(bsn="999993653").exists()
    assert jan_items.filter(status=ItemStatus.DONE).count() == 6
