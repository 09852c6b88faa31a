"""The stored open deadlines the work lists read (`deadlines.index`): always what the rules
give now, read without recomputing once current.

Jan de Vries (conftest `trajectory`) arrived on Monday 2 November 2026 at PI Almelo; release
is expected on 15 March 2027. The screening is due on 16 November (10 working days).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nieuwestart.deadlines import index
from nieuwestart.deadlines.models import DeadlineConfig, DeadlineIndex, ExtraNonWorkingDay
from nieuwestart.deadlines.selectors import deadlines_for, terms
from nieuwestart.screening.models import Screening
from nieuwestart.trajectories.models import Phase, Trajectory
from nieuwestart.worklists import selectors
from tests.concurrency import held_before_commit, other_session, run_together

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 5)


def _stored(trajectory: Trajectory, today: dt.date = TODAY) -> dict[str, dt.date]:
    rows = index.open_deadlines([trajectory.pk], today, terms())
    return {code: due for code, _, due in rows.get(trajectory.pk, [])}


def _by_rules(trajectory: Trajectory, today: dt.date = TODAY) -> dict[str, dt.date]:
    return {d.code: d.due for d in deadlines_for(trajectory, today) if not d.is_met}


def test_the_stored_rows_are_the_rules_open_deadlines_and_are_read_without_recomputing(
    trajectory: Any, alice: Any
) -> None:
    key = index.terms_key(terms())
    assert index._current([trajectory.pk], TODAY, key) == set(), "written since: stale"
    first = [(i.deadline.code, i.deadline.due) for i in selectors.due_for_user(alice, TODAY)]
    assert dict(first) == {
        code: due
        for code, due in _by_rules(trajectory).items()
        if code not in {"voor-vrijlating-id", "voor-vrijlating-uitkering"}
        and code not in {"voor-vrijlating-huisvesting", "reclassering-ontmoeting"}
    }, "the casemanager sees every open PI deadline, no one else's"
    assert DeadlineIndex.objects.get().terms_key == index.terms_key(terms())

    with CaptureQueriesContext(connection) as queries:
        again = [(i.deadline.code, i.deadline.due) for i in selectors.due_for_user(alice, TODAY)]
    assert again == first
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "screening_domainassessment" not in read, "current rows are not recomputed"


def test_every_write_the_rules_read_is_seen_by_the_next_read(trajectory: Any, alice: Any) -> None:
    from nieuwestart.infosheet.services import infosheet_send
    from nieuwestart.infosheet.tests.case import screen
    from nieuwestart.screening.services import screening_complete

    assert "screening" in _stored(trajectory)
    screening_complete(actor=alice, trajectory=trajectory)
    assert "screening" not in _stored(trajectory)

    infosheet_send(actor=alice, trajectory=trajectory)
    stored = _stored(trajectory)
    assert "gemeente-gecontacteerd" not in stored and "gemeente-reactie" in stored

    screen(alice, trajectory, zorg={"status": "in-orde"})
    assert "voor-vrijlating-zorg" not in _stored(trajectory)

    trajectory.expected_end_date = dt.date(2027, 5, 3)
    trajectory.save()
    assert _stored(trajectory)["voor-vrijlating-id"] == dt.date(2027, 5, 3)
    assert _stored(trajectory) == _by_rules(trajectory)


def test_a_screening_save_that_leaves_its_completion_keeps_the_stored_deadlines(
    trajectory: Any, alice: Any
) -> None:
    """Only the completion of the screening row is a fact of the rules: saving the
    detainee's own words needs no recompute, completing the screening does."""
    from nieuwestart.screening.services import (
        screening_complete,
        screening_get_or_create,
        screening_update,
    )

    screening = screening_get_or_create(actor=alice, trajectory=trajectory)
    stored = _stored(trajectory)
    key = index.terms_key(terms())
    assert index._current([trajectory.pk], TODAY, key) == {trajectory.pk}

    screening = screening_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=screening.version,
        lvb="nee",
        first_detention="ja",
        language_needs="",
        reading_needs=False,
        own_words="Ik wil na mijn vrijlating bij mijn zus wonen.",
        domains={},
    )
    assert screening.own_words.startswith("Ik wil")
    assert index._current([trajectory.pk], TODAY, key) == {trajectory.pk}, "still current"
    assert _stored(trajectory) == stored == _by_rules(trajectory)

    screening_complete(actor=alice, trajectory=trajectory)
    assert index._current([trajectory.pk], TODAY, key) == set(), "the completion is a fact"
    assert "screening" not in _stored(trajectory)
    assert _stored(trajectory) == _by_rules(trajectory)

    # A direct save that changes the completion is seen too, also back to not completed.
    completed = Screening.objects.get(pk=screening.pk)
    completed.completed_at = completed.completed_by = None
    completed.save()
    assert index._current([trajectory.pk], TODAY, key) == set()
    assert _stored(trajectory) == _by_rules(trajectory)


def test_a_change_of_the_terms_or_the_calendar_moves_every_due_date_at_once(
    trajectory: Any,
) -> None:
    assert _stored(trajectory)["screening"] == dt.date(2026, 11, 16)
    DeadlineConfig(screening_working_days=5).save()
    assert _stored(trajectory)["screening"] == dt.date(2026, 11, 9)
    ExtraNonWorkingDay.objects.create(date=dt.date(2026, 11, 9), reason="Brugdag")
    assert _stored(trajectory)["screening"] == dt.date(2026, 11, 10)


def test_a_new_version_of_the_rules_makes_every_row_stale(
    trajectory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stored(trajectory)
    old = index.terms_key(terms())
    monkeypatch.setattr(index, "RULES_VERSION", index.RULES_VERSION + 1)
    assert index.terms_key(terms()) != old
    assert index._current([trajectory.pk], TODAY, index.terms_key(terms())) == set()


def test_a_released_trajectory_without_a_release_date_is_recomputed_every_day(
    trajectory: Any,
) -> None:
    """The rules take today as its release date: nothing falls after today, a rolling MDO
    appears only once due. Stored for one day, then recomputed."""
    Trajectory.objects.filter(pk=trajectory.pk).update(
        phase=Phase.AFTER_RELEASE, expected_end_date=None
    )
    trajectory.refresh_from_db()
    day = dt.date(2026, 11, 10)
    assert _stored(trajectory, day) == _by_rules(trajectory, day)
    dues = set(_stored(trajectory, day).values())
    assert max(dues) == day and "mdo" not in _stored(trajectory, day), "nothing after today"
    assert DeadlineIndex.objects.get().valid_until == day

    later = dt.date(2026, 12, 28)
    assert _stored(trajectory, later) == _by_rules(trajectory, later)
    assert "mdo" in _stored(trajectory, later)


def test_a_write_that_bypasses_save_is_reported_and_corrected_by_the_nightly_rebuild(
    trajectory: Any, alice: Any
) -> None:
    from nieuwestart.screening.services import screening_get_or_create

    screening_get_or_create(actor=alice, trajectory=trajectory)
    assert "screening" in _stored(trajectory)
    # Not through save(): no signal, the stored rows still count as current.
    Screening.objects.filter(trajectory=trajectory).update(completed_at=timezone.now())
    assert "screening" in _stored(trajectory), "the index did not see it"

    with pytest.raises(SystemExit) as exit_:
        call_command("deadlines_index")
    assert exit_.value.code == 3
    assert "screening" not in _stored(trajectory)
    assert index.rebuild(today=TODAY).differed == 0


def test_the_nightly_rebuild_stores_what_a_bulk_load_left_and_drops_closed_ones(
    trajectory: Any,
) -> None:
    _stored(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(phase=Phase.CLOSED)
    check = index.rebuild(today=TODAY)
    assert (check.trajectories, check.differed) == (0, 0)
    assert not DeadlineIndex.objects.exists()

    Trajectory.objects.filter(pk=trajectory.pk).update(phase=Phase.INTAKE)
    assert index.rebuild(today=TODAY).trajectories == 1
    assert DeadlineIndex.objects.get().terms_key == index.terms_key(terms())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks of another session")
def test_a_trajectory_locked_by_another_transaction_is_computed_and_not_waited_for(
    transactional_db: Any, reference_data: Any, trajectory: Any, alice: Any
) -> None:
    """A write marking the trajectory stale holds its index row until it commits: a reader
    at that moment neither waits nor stores, and gives what the rules give."""
    from nieuwestart.screening.services import screening_complete

    _stored(trajectory)
    screening_complete(actor=alice, trajectory=trajectory)
    expected = _by_rules(trajectory)
    with other_session() as writer:
        writer.execute(
            f"SELECT 1 FROM {DeadlineIndex._meta.db_table} "  # noqa: S608
            "WHERE trajectory_id = %s FOR UPDATE",
            [trajectory.pk],
        )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # fail, not hang, if it would wait
        assert _stored(trajectory) == expected
        assert DeadlineIndex.objects.get().terms_key == "", "not stored while held"
        writer.rollback()
    assert _stored(trajectory) == expected
    assert DeadlineIndex.objects.get().terms_key == index.terms_key(terms())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent readers")
def test_readers_at_once_on_new_trajectories_neither_fail_nor_disagree(
    transactional_db: Any, reference_data: Any, trajectory: Any, justid: Any, payload: Any
) -> None:
    """Four replicas open the same organisation list at the same moment, right after a bulk
    import: every trajectory is new to the index. None fails (no deadlock on the new rows,
    each stored once), all four give what the rules give, and afterwards all are current."""
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    ids = [trajectory.pk]
    for n, bsn in enumerate(["999900171", "999900183", "999900195", "999900201", "999900213"]):
        data = payload(
            meldingId=f"IX-{bsn}",
            persoon={"bsn": bsn, "geslachtsnaam": f"Naam{n}", "voornamen": "Piet"},
        )
        notification = validate_notification(data, today=dt.date(2026, 11, 22))
        ids.append(notification_receive(actor=justid, notification=notification)[0].pk)
    current = terms()
    expected = {
        pk: sorted(c.rows) for pk, c in index._compute(ids, TODAY, current).items() if c.rows
    }
    turn = iter(range(4))

    def read() -> dict[int, list[index.Row]]:
        order = ids if next(turn) % 2 else list(reversed(ids))
        found = index.open_deadlines(order, TODAY, current)
        return {pk: sorted(rows) for pk, rows in found.items()}

    results = run_together(4, read)
    assert results == [expected] * 4
    assert index._current(ids, TODAY, index.terms_key(current)) == set(ids)
    assert index.rebuild(today=TODAY).differed == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks of another session")
@pytest.mark.parametrize("row", ["missing", "stale"])
def test_a_read_during_a_write_never_stores_what_it_read_before_the_write_as_current(
    transactional_db: Any, reference_data: Any, trajectory: Any, alice: Any, row: str
) -> None:
    """A service completes the screening and has not committed yet; a work list is read at
    that moment. It shows the screening as still open (it is, until the commit), and after
    the commit the next read shows it met: the read did not store the old answer as current,
    also when the trajectory's index row did not exist yet or was stale already."""
    from nieuwestart.deadlines.signals import mark_stale
    from nieuwestart.screening.services import screening_complete, screening_get_or_create

    screening_get_or_create(actor=alice, trajectory=trajectory)
    if row == "stale":
        _stored(trajectory)
        mark_stale([trajectory.pk])
    else:
        DeadlineIndex.objects.all().delete()
    # The real service, in its own session, held before its commit.
    with held_before_commit(lambda: screening_complete(actor=alice, trajectory=trajectory)):
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # fail, not hang, if it would wait
        assert "screening" in _stored(trajectory), "not committed yet: still open"
    assert "screening" not in _stored(trajectory)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks of another session")
def test_a_read_does_not_wait_for_a_service_that_holds_the_trajectory(
    transactional_db: Any, reference_data: Any, trajectory: Any
) -> None:
    """Services lock the trajectory row (FOR UPDATE) and then mark its index stale. A reader
    storing the index at that moment must not wait for the trajectory (no foreign key to
    check): otherwise the two wait for each other."""
    from nieuwestart.deadlines.signals import mark_stale

    mark_stale([trajectory.pk])
    expected = _by_rules(trajectory)
    with other_session() as service:
        service.execute(
            f"SELECT 1 FROM {Trajectory._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
            [trajectory.pk],
        )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        assert _stored(trajectory) == expected
        assert DeadlineIndex.objects.get().terms_key == index.terms_key(terms())
        service.rollback()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once")
def test_a_meeting_planned_while_someone_is_assigned_both_succeed(
    transactional_db: Any, reference_data: Any, trajectory: Any, alice: Any, mia: Any
) -> None:
    """Planning a meeting marks the trajectory stale and checks its new row's reference to
    the trajectory when it commits; assigning someone locks the trajectory and then marks it.
    Both at once on one trajectory must not wait for each other: the services lock the
    trajectory FOR NO KEY UPDATE, which the reference check does not wait for."""
    import threading
    import time

    from django.db import connections

    from nieuwestart.meetings.tests.case import plan_meeting
    from nieuwestart.trajectories.services import trajectory_assign

    def plan() -> None:
        when = timezone.make_aware(dt.datetime(2026, 12, 1, 10))
        plan_meeting(trajectory, alice, users=[alice], starts_at=when)

    errors: list[BaseException] = []

    def assign() -> None:
        try:
            trajectory_assign(actor=alice, trajectory=trajectory, role="mentor", user=mia)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    # The assignment runs while the planner holds its index row (written, not committed).
    assigning = threading.Thread(target=assign)
    with held_before_commit(plan):
        assigning.start()
        time.sleep(0.5)  # the assignment now waits for the planner's mark
    assigning.join(10)
    assert not errors, errors
    assert trajectory.meetings.count() == 1
    assert trajectory.assignments.filter(role="mentor", user=mia, active=True).exists()


def test_working_days_left_are_counted_over_every_year_in_between() -> None:
    """A release years away, or a screening late for years: the days left on the list are
    those of the trajectory page, holidays of the years in between counted."""
    from nieuwestart.deadlines.rules import DEFAULTS
    from nieuwestart.deadlines.selectors import Terms

    current = Terms(settings=DEFAULTS, extra_days=frozenset())
    today = dt.date(2026, 3, 2)
    full = current.calendar(range(2019, 2032))
    for due in (dt.date(2029, 6, 1), dt.date(2021, 6, 1)):
        view = index.Views(today, current, [due]).view(
            ("mdo", "inrichting", due), is_released=False
        )
        assert view.days_left == full.working_days_between(today, due)


def _rules_fingerprint() -> str:
    import hashlib
    import random

    from nieuwestart.deadlines.calendar import WorkingCalendar
    from nieuwestart.deadlines.rules import DEFAULTS, deadlines
    from nieuwestart.deadlines.tests.test_rules_fast_paths import _random_facts

    calendar = WorkingCalendar.netherlands(range(2019, 2030), [dt.date(2023, 5, 19)])
    rng = random.Random(16)
    stored = []
    for _ in range(400):
        facts = _random_facts(rng)
        specs = deadlines(facts, DEFAULTS, calendar, dt.date(2027, 1, 1))
        stored.append([(s.code, s.responsible, s.due) for s in specs if s.status != "gehaald"])
    return hashlib.sha256(repr(stored).encode()).hexdigest()[:16]


# What the rules store for 400 random trajectories, and the rules version it was pinned with.
RULES_PIN = (1, "8c01921a2314dc21")


def test_a_change_of_what_the_rules_store_comes_with_a_new_rules_version() -> None:
    """Stored rows of a trajectory nobody writes to are only recomputed when the rules'
    version changes: a change of the rules that changes their answer must raise it."""
    assert (index.RULES_VERSION, _rules_fingerprint()) == RULES_PIN, (
        "The rules now store other deadlines: raise deadlines.index.RULES_VERSION and pin "
        "the new version and fingerprint in RULES_PIN."
    )


def test_each_kind_of_partner_reads_its_own_current_rows_in_one_statement(
    trajectory: Any,
) -> None:
    """A work list reads only its own kind of partner's deadlines. A current trajectory
    without any of them is left out, and not recomputed."""
    current = terms()
    everything = index.open_deadlines([trajectory.pk], TODAY, current)[trajectory.pk]
    kinds = {who for _, who, _ in everything}
    assert {"inrichting", "gemeente"} <= kinds
    for kind in kinds:
        with CaptureQueriesContext(connection) as queries:
            got = index.open_deadlines([trajectory.pk], TODAY, current, responsible=[kind])
        assert sorted(got[trajectory.pk]) == sorted(r for r in everything if r[1] == kind)
        assert len(queries.captured_queries) == 1, "current: read, not recomputed"
    missing = Trajectory.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    with CaptureQueriesContext(connection) as queries:
        assert index.open_deadlines([trajectory.pk], TODAY, current, responsible=["x"]) == {}
        assert index.open_deadlines([trajectory.pk], TODAY, current, responsible=[]) == {}
    assert len(queries.captured_queries) == 2
    both = index.open_deadlines([missing, trajectory.pk], TODAY, current)
    assert list(both) == [trajectory.pk], "an id without a trajectory has no deadlines"


def test_the_stored_rows_of_one_organisation_are_read_by_key_on_postgresql(
    trajectory: Any,
) -> None:
    """With national-shaped statistics (many stored rows of other trajectories), the read of
    an organisation's 500 trajectories looks up their rows by the index. Joined without the list on the
    rows' side, PostgreSQL read every stored row (a sequential scan): twice the time."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL")
    from nieuwestart.deadlines.models import OpenDeadline

    key = index.terms_key(terms())
    # Stored rows of 10,000 other trajectories, 500 of them the organisation's (neither table
    # has a database constraint on the trajectory).
    start = trajectory.pk + 10_000
    ids = [start + n for n in range(0, 10_000, 20)]
    OpenDeadline.objects.bulk_create(
        OpenDeadline(trajectory_id=start + n, code=code, responsible=who, due=TODAY)
        for n in range(10_000)
        for code, who in (("screening", "inrichting"), ("gemeente-contact", "gemeente"))
    )
    DeadlineIndex.objects.bulk_create(
        DeadlineIndex(trajectory_id=start + n, terms_key=key, refreshed_at=timezone.now())
        for n in range(10_000)
    )
    sql, params = index._stored_sql(ids, TODAY, key, ["gemeente"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deadlines_opendeadline, deadlines_deadlineindex")
        cursor.execute(f"EXPLAIN {sql}", params)  # nosec B608  # the module's own SQL
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on deadlines_opendeadline" not in plan, plan
