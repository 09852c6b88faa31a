"""The trajectory page and the work lists read each row once: their query count is fixed,
however much the case holds (screenings saved again, contributions, plan versions, tasks,
information sheets, held meetings), and the blocks built from the shared record say exactly
what they said when each block read its own rows.

Jan de Vries (conftest `trajectory`) is grown round by round through the services: each round
saves the screening, adds a contribution and a plan task, establishes the plan, sends (and
acknowledges) a new information sheet and holds an MDO. His release is then moved close, so
the handover checklist shows on the page as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields as dt_fields
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nieuwestart.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inside_one_minute(settings):
    """Requests counted against a per-minute quota clean up the ended windows on the first
    hit of a minute: one query more. Each test starts a second into a minute, with the clock
    running, so all its requests fall in that minute; the first request of each user, made
    before measuring, carries the clean-up.

    The quota counter is written on every request here (`QUOTA_BATCH` 1): the pins below are
    the worst case. With batches (the default, 10) most requests skip that query, and which
    one writes depends on how many came before in the minute."""
    settings.QUOTA_BATCH = 1
    now = dt.datetime.now(tz=dt.UTC).replace(second=1, microsecond=0) + dt.timedelta(minutes=1)
    with time_machine.travel(now, tick=True):
        yield


# Queries of one request, the session, the user, the access check and its log row included.
# Before issue 6 the page took 31 queries for a new case and 51 once a sheet was sent and
# the release was near (docs/benchmarks.md); raise these only with a reason.
# Each page one more since the per-account page quota (accounts.middleware.PageQuotaMiddleware):
# its counter is one upsert per page read. Four fewer since the session is renewed at most once
# a minute instead of saved on every page (accounts.middleware.IdleSessionMiddleware: a
# savepoint, the update and its release) and the user comes with their organisation
# (accounts.backends.user_for_session). Measured after a warm-up request per session.
# One more on the trajectory page and the work list since the organisations a trajectory names
# are read by key after the rows instead of joined (trajectories.models.TrajectoryQuerySet):
# the five joins cost PostgreSQL 4 ms of planning per page, the extra query 0.1 ms.
TRAJECTORY_PAGE_MAX = 21
WORK_LIST_PAGE_MAX = 10
# Four fewer since the due lists read the stored open deadlines (deadlines.index): whether
# they are current and the rows, instead of the seven reads of every trajectory's facts; then
# the page's trajectories with their assignees.
DUE_LIST_PAGE_MAX = 11
# The notifications page: the unread count is counted once for the header and the page.
NOTIFICATIONS_PAGE_MAX = 6
# One more for the API than before: the per-token request quota's counter (accounts.ratelimits).
DUE_LIST_API_MAX = 9


def _round(trajectory: Any, alice: Any, bob: Any | None, carol: Any, n: int) -> None:
    """One round of work; without `bob` (probation not involved) his parts are left out."""
    from nieuwestart.deadlines.tests.test_deadlines_db import _hold
    from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send
    from nieuwestart.infosheet.tests.case import screen
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.plans.services import plan_establish, plan_task_add, plan_update
    from nieuwestart.screening.services import screening_contribute

    day = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC) + dt.timedelta(days=2 * n)
    with time_machine.travel(day, tick=False):
        screen(
            alice,
            trajectory,
            identiteit={
                "status": "hulp-nodig",
                "help_question": f"ID-kaart aanvragen ({n})",
                "acting_partner": "gemeente",
            },
            huisvesting={
                "status": "aandacht",
                "help_question": "Huur doorbetalen",
                "acting_partner": "gemeente",
            },
            zorg={
                "status": "hulp-nodig",
                "help_question": "Zorg regelen",
                "acting_partner": "reclassering",
                "acting_note": "Tactus Enschede",
            },
        )
        if bob is not None:
            screening_contribute(actor=bob, trajectory=trajectory, domain="zorg", text=f"Zorg {n}")
        plan_update(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            sections={"agreements": f"Afspraak {n}", "meeting_frequency_weeks": 6},
        )
        plan_task_add(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            domain="inkomen" if n % 2 else "zorg",
            what=f"Taak {n}",
            organisation=Organisation.objects.get(code="GM0153"),
            assignee=carol if n % 2 and bob is not None else None,
            due_date=dt.date(2027, 3, 1),
        )
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None)
        sheet = infosheet_send(actor=alice, trajectory=trajectory)
        infosheet_acknowledge(actor=carol, trajectory=trajectory, number=sheet.number)
    users = [alice, bob] if bob is not None else [alice]
    _hold(trajectory, alice, "mdo", {"users": users, "detainee": True}, day=day)


@pytest.fixture
def grow(alice: Any, bob: Any, carol: Any) -> Any:
    """grow(trajectory, rounds, probation=True): add `rounds` rounds of work, then move the
    release close. `probation=False` for a trajectory without Reclassering Nederland."""
    done: dict[int, int] = {}

    def run(trajectory: Any, rounds: int, probation: bool = True) -> Any:
        start = done.get(trajectory.pk, 0)
        for n in range(start, start + rounds):
            _round(trajectory, alice, bob if probation else None, carol, n)
        done[trajectory.pk] = start + rounds
        Trajectory.objects.filter(pk=trajectory.pk).update(
            expected_end_date=timezone.localdate() + dt.timedelta(weeks=3)
        )
        trajectory.refresh_from_db()
        return trajectory

    return run


@pytest.fixture
def new_trajectory(justid: Any, payload: Any) -> Any:
    """Another person at PI Almelo for Enschede, straight from JustID."""
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    def make(bsn: str, surname: str) -> Any:
        data = payload(
            meldingId=f"PQ-{bsn}",
            startdatum="2026-11-09",
            persoon={"bsn": bsn, "geslachtsnaam": surname, "voornamen": "Piet"},
        )
        notification = validate_notification(data, today=dt.date(2026, 11, 22))
        return notification_receive(actor=justid, notification=notification)[0]

    return make


def _get(client: Any, path: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response, len(queries.captured_queries)


def _warm(web: Any, user: Any, path: str) -> Any:
    """Signed in, after one request: the first of a minute may clean up the quota counters, and
    the first of a new session renews it (one write); the pins are for the requests after."""
    client = web(user)
    _get(client, path)
    return client


def test_the_trajectory_page_reads_each_row_once_however_full_the_case(
    web, alice, bob, carol, trajectory, grow, django_assert_max_num_queries
):
    path = f"/trajecten/{trajectory.uuid}"
    grow(trajectory, 1)
    small = {user.username: _get(_warm(web, user, path), path)[1] for user in (alice, bob, carol)}
    grow(trajectory, 2)
    for user in (alice, bob, carol):
        client = _warm(web, user, path)
        with django_assert_max_num_queries(TRAJECTORY_PAGE_MAX):
            response, full = _get(client, path)
        assert full == small[user.username], (
            f"{user.username}: {small[user.username]} queries after one round, {full} after three"
        )
    response = _get(web(alice), path)[0]
    text = response.content.decode()
    # The blocks built from the shared rows still show the case as it is.
    assert "Versie 3 is op" in text  # the third information sheet was sent
    assert "Ontvangst bevestigd" in text


def test_the_work_lists_cost_the_same_for_three_trajectories_as_for_six(
    web, api, alice, new_trajectory, trajectory, grow, django_assert_max_num_queries
):
    from nieuwestart.trajectories.services import trajectory_assign

    bsns = ["999900171", "999900183", "999900195", "999900201", "999900213"]
    rows = [trajectory]
    for index, bsn in enumerate(bsns):
        t = new_trajectory(bsn, f"Naam{index}")
        trajectory_assign(actor=alice, trajectory=t, role="casemanager", user=alice)
        rows.append(t)
    for t in rows[:3]:
        grow(t, 1, probation=t == trajectory)
    client = web(alice)
    token_client = api(alice)
    pages = [
        ("/", WORK_LIST_PAGE_MAX, client),
        ("/werk/", DUE_LIST_PAGE_MAX, client),
        ("/werk/?lijst=organisatie", DUE_LIST_PAGE_MAX, client),
        ("/berichten/", NOTIFICATIONS_PAGE_MAX, client),
        ("/api/v1/werklijst", DUE_LIST_API_MAX, token_client),
        ("/api/v1/werklijst?voor=organisatie", DUE_LIST_API_MAX, token_client),
    ]
    for path, _pin, c in pages:
        _get(c, path)  # the first request of a session or token may write (last use)
    small = {path: _get(c, path)[1] for path, _pin, c in pages}
    for t in rows[3:]:
        grow(t, 1, probation=False)
    grow(rows[0], 1)
    # The writes made the stored open deadlines of four trajectories stale: the first read
    # recomputes them (a fixed number of queries however many, test_real_deadlines_queries);
    # the pins are for the reads after, as a work list is read most of the time.
    _get(client, "/werk/?lijst=organisatie")
    for path, pin, c in pages:
        with django_assert_max_num_queries(pin):
            response, full = _get(c, path)
        assert full == small[path], f"{path}: {small[path]} queries for 3, {full} for 6"
    assert response.json()["results"], "the organisation has deadlines due"


def test_blocks_from_the_shared_record_equal_the_blocks_reading_their_own_rows(
    alice, bob, carol, trajectory, grow
):
    """Each block of the trajectory page, built from `trajectory_record`, is what the block
    reads by itself, for a PI, a probation and a municipal reader."""
    from nieuwestart.deadlines import selectors as deadlines
    from nieuwestart.handover import selectors as handover
    from nieuwestart.infosheet import selectors as infosheet
    from nieuwestart.meetings import selectors as meetings
    from nieuwestart.plans import selectors as plans
    from nieuwestart.screening import selectors as screening
    from nieuwestart.trajectories import selectors as trajectories

    grow(trajectory, 2)
    trajectory = Trajectory.objects.get(pk=trajectory.pk)
    record = deadlines.trajectory_record(trajectory)
    current = deadlines.terms()
    shared = deadlines.deadlines_for_records([record], terms_=current)[trajectory.pk]
    assert shared == deadlines.deadlines_for(trajectory)
    assert deadlines.record_facts(record) == deadlines.facts_for(trajectory)
    assert current.settings == deadlines.DeadlineConfig.load()
    assert infosheet.build_sheet(trajectory, rows=record) == infosheet.build_sheet(trajectory)
    assert infosheet.sheet_summary_from(
        trajectory, record.latest_sheet, rows=record
    ) == infosheet.sheet_summary(trajectory)
    assert plans.plan_summary_from(
        record.plan, record.versions, [t.status for t in record.tasks or []]
    ) == plans.plan_summary(trajectory)
    assert trajectories.involved_organisations(
        trajectory, involvements=record.involvements, assignments=record.assignments
    ) == trajectories.involved_organisations(trajectory)
    for user in (alice, bob, carol):
        assert screening.status_board(
            trajectory, user, assessments=record.assessments
        ) == screening.status_board(trajectory, user)
        assert screening.screening_view(trajectory, user, rows=record) == (
            screening.screening_view(trajectory, user)
        )
        assert plans.plan_view(trajectory, user, rows=record) == plans.plan_view(trajectory, user)
        block = handover.trajectory_block(
            trajectory, user, record=record, deadlines=shared, settings=current.settings
        )
        assert block["handover_items"], "the release is near: the checklist shows"
        assert block == handover.trajectory_block(trajectory, user)
        assert meetings.trajectory_block(
            trajectory, user, rows=record.meetings
        ) == meetings.trajectory_block(trajectory, user)


def test_terms_follow_the_administrators_change_at_once(trajectory):
    """Not cached between requests: a change made on another app server counts on the next
    read here."""
    from nieuwestart.deadlines.models import DeadlineConfig, ExtraNonWorkingDay
    from nieuwestart.deadlines.selectors import terms

    assert terms().settings.pre_release_weeks == 6
    DeadlineConfig.objects.update_or_create(pk=1, defaults={"pre_release_weeks": 8})
    ExtraNonWorkingDay.objects.create(date=dt.date(2026, 12, 24), reason="Brugdag")
    ExtraNonWorkingDay.objects.create(date=dt.date(2027, 12, 24), reason="Brugdag")
    current = terms()
    assert current.settings.pre_release_weeks == 8
    assert current.extra_days == {dt.date(2026, 12, 24), dt.date(2027, 12, 24)}
    assert not current.calendar([2026]).is_working_day(dt.date(2026, 12, 24))
    assert current.calendar([2026]).extra_days == {dt.date(2026, 12, 24)}


def _dump(obj: Any) -> Any:
    """A model instance as plain data: its fields and annotations, and the related rows it
    was read with (select_related), the same way down."""
    if isinstance(obj, list):
        return [_dump(item) for item in obj]
    if not hasattr(obj, "_state"):
        return obj
    data = {k: v for k, v in vars(obj).items() if k != "_state"}
    data["_related"] = {k: _dump(v) for k, v in obj._state.fields_cache.items()}
    return (type(obj).__name__, data)


def test_records_with_their_sql_kept_equal_the_records_read_plainly(
    settings, alice, trajectory, new_trajectory, grow
):
    """The record queries keep their SQL per process (core.compiled): for a full case, for a
    second case read after it with the same SQL, and for a work list of both, the records are
    field for field what Django's own queries read."""
    from nieuwestart.deadlines.selectors import TrajectoryRecord, trajectory_records
    from nieuwestart.trajectories.services import trajectory_assign

    grow(trajectory, 2)
    other = new_trajectory("999900171", "Bakker")
    trajectory_assign(actor=alice, trajectory=other, role="casemanager", user=alice)
    grow(other, 1, probation=False)
    trajectory, other = (
        Trajectory.objects.get(pk=trajectory.pk),
        Trajectory.objects.get(pk=other.pk),
    )
    names = [f.name for f in dt_fields(TrajectoryRecord) if f.name != "trajectory"]

    def read(rows: list[Any], page: bool, kept: bool) -> dict[int, Any]:
        settings.COMPILED_QUERIES = kept
        records = trajectory_records(rows, page=page)
        return {pk: {n: _dump(getattr(r, n)) for n in names} for pk, r in records.items()}

    for page in (True, False):
        for rows in ([trajectory], [other], [trajectory, other], [other, trajectory]):
            plain = read(rows, page, kept=False)
            assert read(rows, page, kept=True) == plain
            assert read(rows, page, kept=True) == plain  # the second time from the kept SQL
    full = read([trajectory], True, kept=True)[trajectory.pk]
    assert full["sheets"] and full["versions"] and full["tasks"] and full["meetings"], (
        "the case has every kind of row"
    )
