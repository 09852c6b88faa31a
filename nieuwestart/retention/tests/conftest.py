"""Retention tests: Jan's trajectory, closed on 5 January 2027, and three others to leave alone.

The runs happen in February 2029: Jan's terms (24 months, care 6 months) have passed; the
"recent" trajectory closed on 1 December 2028 is within every term; the "open" one is not
closed; the "held" one closed with Jan but is on legal hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from nieuwestart.retention.tests.case import CLOSED_ON, another, at, develop
from nieuwestart.trajectories.models import Trajectory

DRY_RUN_AT = dt.datetime(2029, 2, 1, 2, 0, tzinfo=dt.UTC)
APPLY_AT = DRY_RUN_AT + dt.timedelta(days=8)


@dataclass
class World:
    jan: Trajectory
    recent: Trajectory
    open: Trajectory
    held: Trajectory


@pytest.fixture
def world(
    trajectory: Any, payload: Any, justid: Any, alice: Any, bob: Any, carol: Any, priya: Any
) -> World:
    from nieuwestart.retention.services import legal_hold_place

    people = {"payload": payload, "justid": justid, "alice": alice, "bob": bob, "carol": carol}
    jan = develop(trajectory, alice=alice, bob=bob, carol=carol, bsn="999993653")
    recent = another(1, close_on=dt.date(2028, 12, 1), **people)
    still_open = another(2, close_on=None, **people)
    held = another(3, close_on=CLOSED_ON, **people)
    with at("2028-06-01"):
        legal_hold_place(actor=priya, trajectory=held, reason="klacht", reference="NO-2028-17")
    return World(jan=jan, recent=recent, open=still_open, held=held)


@pytest.fixture
def short_log_term() -> Iterator[None]:
    """On PostgreSQL, the database's log term (audit migration 0005) at its minimum of 12 months.

    The tests date log entries in 2023 and run in 2029, but the database counts its term from
    its own clock: with the default 60 months it would refuse their cut-offs. Restored after
    the test (the table is not rolled back by a transactional test, nor flushed).
    """
    from django.db import connection

    from nieuwestart.audit.selectors import log_purge_term
    from nieuwestart.audit.services import log_purge_term_set

    if connection.vendor != "postgresql":
        yield
        return
    before = log_purge_term()
    log_purge_term_set(months=12)
    yield
    if log_purge_term() is not None:  # a test may have migrated the table away and back
        log_purge_term_set(months=before.months if before is not None else 60)
