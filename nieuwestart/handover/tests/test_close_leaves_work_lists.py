"""A closed trajectory leaves its organisations' work lists, which read their open trajectories
through the involvements of open trajectories (decision 0022); the file itself stays readable."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from nieuwestart.access.trajectories import (
    open_to_organisation,
    visible_open_trajectories,
    visible_trajectories,
)
from nieuwestart.handover.services import trajectory_close
from nieuwestart.handover.tests.case import TODAY, end_notification
from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.models import Involvement, Phase, Trajectory
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive
from nieuwestart.worklists.selectors import due_for_organisation, municipality_inbox


@pytest.fixture
def other(justid, payload):
    """A second person at PI Almelo, returning to Enschede, still detained."""
    notification = validate_notification(
        payload(meldingId="JUSTID-2026-000002", persoon={"bsn": "999990007"}), today=TODAY
    )
    return notification_receive(actor=justid, notification=notification)[0]


@pytest.fixture
def closed(trajectory, justid, payload, carol):
    """Jan de Vries released (Enschede leads) and closed by Enschede."""
    released = end_notification(justid, payload)
    return trajectory_close(actor=carol, trajectory=released, reason="nazorg-afgerond")


def _in_work_list(user, trajectory) -> bool:
    return trajectory.pk in {t.pk for t in selectors.worklist(user)}


def _due(user, trajectory) -> bool:
    return trajectory.pk in {item.trajectory.pk for item in due_for_organisation(user, TODAY)}


@pytest.mark.django_db
def test_closing_marks_every_involvement_of_that_trajectory_only(closed, other):
    kinds = set(Involvement.objects.filter(trajectory=closed).values_list("kind", flat=True))
    assert kinds >= {"inrichting", "terugkeergemeente", "reclassering"}
    assert not Involvement.objects.filter(trajectory=closed, trajectory_open=True).exists()
    assert Involvement.objects.filter(trajectory=other).count() >= 2
    assert not Involvement.objects.filter(trajectory=other, trajectory_open=False).exists()


@pytest.mark.django_db
def test_the_closed_file_leaves_the_work_lists_but_stays_readable(closed, other, carol, bob):
    for user in (carol, bob):
        assert not _in_work_list(user, closed)
        assert not _due(user, closed)
        # The involvement still stands: the closed file is read until retention removes it.
        assert visible_trajectories(user).filter(pk=closed.pk).exists()
    assert _in_work_list(carol, other)
    assert other.pk in {item.trajectory.pk for item in municipality_inbox(carol)}
    assert closed.pk not in {item.trajectory.pk for item in municipality_inbox(carol)}


@pytest.mark.django_db
def test_the_phase_decides_even_where_the_mark_was_missed(closed, carol, bob):
    """A row written on a closed trajectory with the default (open) shows nothing closed."""
    Involvement.objects.filter(trajectory=closed).update(trajectory_open=True)

    for user in (carol, bob):
        assert not visible_open_trajectories(user).filter(pk=closed.pk).exists()
        assert not _in_work_list(user, closed)
        assert not _due(user, closed)


@pytest.mark.django_db
def test_an_organisation_that_is_not_involved_sees_no_open_trajectory(trajectory, dave):
    assert visible_trajectories(dave).count() == 0
    assert visible_open_trajectories(dave).count() == 0


@pytest.mark.django_db
def test_the_migration_marks_the_trajectories_closed_before_it(closed, other):
    Involvement.objects.update(trajectory_open=True)  # as the new column starts
    migration = importlib.import_module("nieuwestart.trajectories.migrations.0005_involvement_open")

    migration.mark_closed(apps, None)

    assert Trajectory.objects.get(pk=closed.pk).phase == Phase.CLOSED
    assert not Involvement.objects.filter(trajectory=closed, trajectory_open=True).exists()
    assert not Involvement.objects.filter(trajectory=other, trajectory_open=False).exists()


def _prison_involved(trajectories, user, started_at, *, trajectory_open=True) -> None:
    """The user's prison involved in each of `trajectories` (rows written at once)."""
    Involvement.objects.bulk_create(
        Involvement(
            trajectory=trajectory,
            organisation_id=user.organisation_id,
            kind="inrichting",
            started_at=started_at,
            trajectory_open=trajectory_open,
        )
        for trajectory in trajectories
    )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_postgresql_reads_an_organisations_open_trajectories_from_the_index(other, alice):
    """The partial index's condition must match the query as Django writes it, or PostgreSQL
    cannot use it and reads every involvement of the organisation (docs/benchmarks.md). With
    statistics shaped like national data (most of an organisation's involvements on closed
    trajectories), the planner then chooses it."""
    closed = [
        Trajectory(
            **{
                f.attname: getattr(other, f.attname)
                for f in Trajectory._meta.concrete_fields
                if not f.primary_key and f.attname != "uuid"
            },
        )
        for _ in range(3000)
    ]
    for trajectory in closed:
        trajectory.phase = Phase.CLOSED
    Trajectory.objects.bulk_create(closed)
    _prison_involved(closed, alice, other.created_at, trajectory_open=False)
    sql, params = open_to_organisation(alice.organisation_id).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trajectories_trajectory, trajectories_involvement")
        cursor.execute(f"EXPLAIN {sql}", params)  # nosec B608  # Django's own SQL
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "involvement_open" in plan, plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_postgresql_reads_a_prisons_work_list_by_key_not_the_countrys_open_trajectories(
    other, alice
):
    """Shaped like the national data: the country's open trajectories are a tenth of all, and
    a prison is involved in a few of them. Left to the planner as a semi-join, the phase check
    looked selective, so PostgreSQL read every open trajectory of the country by its phase and
    kept the prison's (3.5 ms for a casemanager's work list, against 1.2 ms by key;
    docs/benchmarks.md). The list of the prison's open trajectories is read first, then the
    trajectories by key."""
    fields = {
        f.attname: getattr(other, f.attname)
        for f in Trajectory._meta.concrete_fields
        if not f.primary_key and f.attname != "uuid"
    }
    others = Trajectory.objects.bulk_create(
        [Trajectory(**fields) for _ in range(2000)]  # open, in another prison's work list
        + [Trajectory(**{**fields, "phase": Phase.CLOSED}) for _ in range(18000)]
    )
    ours = Trajectory.objects.bulk_create(Trajectory(**fields) for _ in range(100))
    _prison_involved(ours, alice, other.created_at)
    assert len(others) == 20000
    sql, params = selectors.worklist(alice)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trajectories_trajectory, trajectories_involvement")
        cursor.execute(f"EXPLAIN {sql}", params)  # nosec B608  # Django's own SQL
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using trajectories_trajectory_pkey" in plan, plan
    assert "Scan on trajectories_trajectory " not in plan.replace("Index Scan using", ""), plan
    assert selectors.worklist(alice).count() == 101  # the prison's own, and `other`
