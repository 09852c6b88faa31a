"""The processing log stays append-only for everyone, except the retention run removing entries
past the log's term, after announcing them; entries about a trajectory on legal hold stay.
On PostgreSQL the purge function also refuses a cut-off inside the term the database owner set
(audit migration 0005). On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from nieuwestart.audit.models import ImmutableLogError, LogPurgePermit, ProcessingLogEntry
from nieuwestart.audit.selectors import log_purge_term
from nieuwestart.audit.services import log_entries_purge, log_purge_term_set
from nieuwestart.retention.services import legal_hold_place, retention_run
from nieuwestart.retention.tests.conftest import APPLY_AT, DRY_RUN_AT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("short_log_term")]

TABLE = ProcessingLogEntry._meta.db_table
OLD = dt.datetime(2023, 3, 1, 12, 0, tzinfo=dt.UTC)  # past 60 months in February 2029
YOUNG = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)  # within the term


def _entry(when: dt.datetime, trajectory: Any = None, purpose: str = "test") -> ProcessingLogEntry:
    entry = ProcessingLogEntry(
        timestamp=when,
        username="alice",
        trajectory_uuid=trajectory.uuid if trajectory is not None else None,
        person_id=trajectory.person_id if trajectory is not None else None,
        action="raadplegen",
        purpose=purpose,
        result="toegestaan",
        channel="web",
    )
    entry.save()
    return entry


def _database_term(months: int) -> None:
    """PostgreSQL: set the owner's term (the test's role owns everything); SQLite: no such term."""
    if connection.vendor == "postgresql":
        log_purge_term_set(months=months)


def _raw_delete(pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608


def test_an_ordinary_delete_of_an_old_entry_is_still_refused() -> None:
    old = _entry(OLD)
    with pytest.raises(ImmutableLogError):
        ProcessingLogEntry.objects.filter(pk=old.pk).delete()
    with pytest.raises(DatabaseError):
        _raw_delete(old.pk)
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()


def test_the_gate_closes_after_the_purge_in_the_same_transaction() -> None:
    gone, stays = _entry(OLD), _entry(OLD)
    with transaction.atomic():
        # Only the selected rows go: limit 1.
        assert log_entries_purge(before=OLD + dt.timedelta(days=1), limit=1) == 1
        with pytest.raises(DatabaseError):
            _raw_delete(stays.pk)
    assert not ProcessingLogEntry.objects.filter(pk=gone.pk).exists()
    assert ProcessingLogEntry.objects.filter(pk=stays.pk).exists()
    assert not LogPurgePermit.objects.exists()


def test_the_database_refuses_to_purge_entries_younger_than_a_year() -> None:
    """Even through the gate: a wrong cut-off in the code cannot empty the recent log."""
    recent = _entry(dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=30))
    with pytest.raises(DatabaseError):
        log_entries_purge(before=dt.datetime.now(tz=dt.UTC))
    assert ProcessingLogEntry.objects.filter(pk=recent.pk).exists()


def test_the_run_removes_old_entries_only_after_announcing_them(
    trajectory: Any, priya: Any
) -> None:
    old, young = _entry(OLD, purpose="oud"), _entry(YOUNG, purpose="jong")
    held_old = _entry(OLD, trajectory, purpose="oud, bewaarplicht")
    legal_hold_place(actor=priya, trajectory=trajectory, reason="procedure")

    not_announced = retention_run(apply=True, now=DRY_RUN_AT)
    assert (not_announced.log_due, not_announced.log_removed) == (1, 0)
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()

    report = retention_run(apply=True, now=APPLY_AT)

    assert report.log_removed == 1
    remaining = set(ProcessingLogEntry.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {young.pk, held_old.pk} <= remaining
    purge = ProcessingLogEntry.objects.filter(
        purpose="bewaartermijn verstreken", categories="verwerkingenlog"
    ).get()
    assert (purge.username, purge.action) == ("systeem:planner", "verwijderen")
    assert purge.detail.startswith("1 verwerkingen")


def test_the_dry_run_removes_no_log_entry() -> None:
    old = _entry(OLD)
    retention_run(apply=False, now=DRY_RUN_AT)
    report = retention_run(apply=False, now=APPLY_AT)
    assert report.log_due == 1
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()


def test_the_audit_migration_0003_is_reversible(transactional_db: Any, reference_data: Any) -> None:
    """Back to 0002: the gate is gone and even the purge is refused; forward again: it works."""
    from django.core.management import call_command

    old = _entry(OLD)
    call_command("migrate", "audit", "0002", verbosity=0)
    with pytest.raises(DatabaseError):
        log_entries_purge(before=OLD + dt.timedelta(days=1))
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()

    call_command("migrate", "audit", verbosity=0)
    _database_term(12)  # migration 0005 wrote the configured 60 months again

    assert log_entries_purge(before=OLD + dt.timedelta(days=1)) == 1
    with pytest.raises(DatabaseError):
        _raw_delete(_entry(OLD).pk)


# --- PostgreSQL: the purge function is the only gate (audit migration 0004) --------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the purge function exists on PostgreSQL only"
)


def _delete_with_the_old_switches(pk: int) -> None:
    """What any session of the application role could do before migration 0004."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('nieuwestart.retentie', 'aan', true), "
            "set_config('nieuwestart.retentie_grens', %s, true)",
            [(OLD + dt.timedelta(days=1)).isoformat()],
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608


@postgres_only
def test_setting_the_retention_switches_outside_the_function_opens_nothing() -> None:
    old = _entry(OLD)
    with pytest.raises(DatabaseError):
        _delete_with_the_old_switches(old.pk)
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()
    # The function itself removes it, and says how many.
    assert log_entries_purge(before=OLD + dt.timedelta(days=1)) == 1
    assert not ProcessingLogEntry.objects.filter(pk=old.pk).exists()


@postgres_only
def test_a_temporary_permit_table_does_not_open_the_gate() -> None:
    """The trigger reads the permit table by its schema, not through the session's search_path."""
    old = _entry(OLD)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {LogPurgePermit._meta.db_table} (cutoff timestamptz)"
        )
        cursor.execute(
            f"INSERT INTO {LogPurgePermit._meta.db_table} (cutoff) VALUES (%s)",  # noqa: S608
            [OLD + dt.timedelta(days=1)],
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [old.pk])  # noqa: S608
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()


@postgres_only
def test_the_purge_function_runs_as_its_owner_and_not_for_everyone() -> None:
    """What lets the operator take DELETE on the log away from the application role."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosecdef, proconfig, proacl::text FROM pg_proc WHERE proname = 'audit_log_purge'"
        )
        definer, config, acl = cursor.fetchone()
    assert definer is True
    assert "search_path=pg_catalog, pg_temp" in config
    # No "=X/owner" entry: PUBLIC may not execute it; only the owner (and whom it grants).
    assert acl is not None and not any(part.startswith("=") for part in acl.strip("{}").split(","))


@postgres_only
def test_the_purge_keeps_held_trajectories_and_the_limit(trajectory: Any) -> None:
    held, free, other = _entry(OLD, trajectory), _entry(OLD), _entry(OLD)
    cutoff = OLD + dt.timedelta(days=1)
    assert log_entries_purge(before=cutoff, keep_trajectories=[trajectory.uuid], limit=1) == 1
    assert not ProcessingLogEntry.objects.filter(pk=free.pk).exists()  # the oldest id first
    assert log_entries_purge(before=cutoff, keep_trajectories=[trajectory.uuid]) == 1
    assert log_entries_purge(before=cutoff, keep_trajectories=[trajectory.uuid]) == 0
    remaining = set(ProcessingLogEntry.objects.values_list("pk", flat=True))
    assert held.pk in remaining and other.pk not in remaining


@postgres_only
def test_the_audit_migration_0004_is_reversible(transactional_db: Any, reference_data: Any) -> None:
    """Back to 0003: the switches open the gate again and the function is gone; forward again:
    the switches open nothing and the function purges."""
    from django.core.management import call_command

    call_command("migrate", "audit", "0003", verbosity=0)
    _delete_with_the_old_switches(_entry(OLD).pk)  # the weakness of 0003, back again
    with pytest.raises(DatabaseError):
        log_entries_purge(before=OLD + dt.timedelta(days=1))

    call_command("migrate", "audit", verbosity=0)
    _database_term(12)

    old = _entry(OLD)
    with pytest.raises(DatabaseError):
        _delete_with_the_old_switches(old.pk)
    assert log_entries_purge(before=OLD + dt.timedelta(days=1)) == 1


# --- PostgreSQL: the purge function enforces the owner's term (audit migration 0005) ------------

VERY_OLD = dt.datetime(2020, 6, 1, 12, 0, tzinfo=dt.UTC)  # older than 60 months on any day now


@postgres_only
def test_the_purge_function_refuses_a_cut_off_inside_the_database_term() -> None:
    """With the default 60 months, entries from 2023 stay, whatever cut-off the caller asks."""
    _database_term(60)
    inside, beyond = _entry(OLD), _entry(VERY_OLD)
    with pytest.raises(DatabaseError, match="binnen de bewaartermijn van 60 maanden"):
        log_entries_purge(before=OLD + dt.timedelta(days=1))
    assert ProcessingLogEntry.objects.filter(pk=inside.pk).exists()

    assert log_entries_purge(before=VERY_OLD + dt.timedelta(days=1)) == 1
    assert not ProcessingLogEntry.objects.filter(pk=beyond.pk).exists()
    assert ProcessingLogEntry.objects.filter(pk=inside.pk).exists()


@postgres_only
def test_the_run_purges_only_as_far_as_the_database_term(settings: Any) -> None:
    """Configured 24 months, database 60: the run keeps working and stops at the database's
    limit, and says why; nothing fails."""
    _database_term(60)
    settings.RETENTION_LOG_MONTHS = 24
    inside, beyond = _entry(OLD), _entry(VERY_OLD)
    now = dt.datetime.now(tz=dt.UTC)
    retention_run(apply=False, now=now - dt.timedelta(days=8))
    lines: list[str] = []

    report = retention_run(apply=True, now=now, out=lines.append)

    assert report.errors == [] and report.log_removed == 1
    assert ProcessingLogEntry.objects.filter(pk=inside.pk).exists()
    assert not ProcessingLogEntry.objects.filter(pk=beyond.pk).exists()
    assert any("termijn van 60 maanden aan, ingesteld is 24" in line for line in lines)


@postgres_only
def test_the_audit_migration_0005_is_reversible(transactional_db: Any, reference_data: Any) -> None:
    """Back to 0004: no term table and only the 365-day floor; forward again: the configured
    60 months are written and enforced."""
    from django.core.management import call_command

    call_command("migrate", "audit", "0004", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audit_log_purge_term')")
        assert cursor.fetchone()[0] is None
    gone = _entry(OLD)
    assert log_entries_purge(before=OLD + dt.timedelta(days=1)) == 1  # the gap of 0004
    assert not ProcessingLogEntry.objects.filter(pk=gone.pk).exists()

    call_command("migrate", "audit", verbosity=0)

    term = log_purge_term()
    assert term is not None and term.months == 60
    old = _entry(OLD)
    with pytest.raises(DatabaseError):
        log_entries_purge(before=OLD + dt.timedelta(days=1))
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()


@postgres_only
def test_the_command_shows_and_sets_the_database_term(settings: Any) -> None:
    from django.core.management import call_command

    settings.RETENTION_LOG_MONTHS = 72
    out = io.StringIO()
    call_command("retention_log_term", stdout=out)
    assert "database: 12 maanden" in out.getvalue() and "ingesteld: 72 maanden" in out.getvalue()
    assert "let op: de twee verschillen" in out.getvalue()

    call_command("retention_log_term", "--sync", stdout=io.StringIO())
    assert log_purge_term().months == 72  # type: ignore[union-attr]
    call_command("retention_log_term", "--set", "36", stdout=io.StringIO())
    assert log_purge_term().months == 36  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="minstens 12"):
        call_command("retention_log_term", "--set", "11", stdout=io.StringIO())


def test_sqlite_has_no_database_term() -> None:
    """SQLite has no roles: nothing to enforce against, and the command says so."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from django.core.management import call_command

    out = io.StringIO()
    call_command("retention_log_term", stdout=out)
    assert "sqlite kent geen databasetermijn" in out.getvalue()
    assert log_purge_term() is None
    with pytest.raises(CommandError):
        call_command("retention_log_term", "--set", "24", stdout=io.StringIO())
