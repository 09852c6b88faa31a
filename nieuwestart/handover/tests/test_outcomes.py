"""The outcome per basic condition at release, counted for the indicators (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.access.trajectories import visible_trajectories
from nieuwestart.handover.selectors import outcomes_at_release, outcomes_for
from nieuwestart.handover.services import handover_check_record
from nieuwestart.handover.tests.case import end_notification, screen
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.trajectories.models import Trajectory


@pytest.mark.django_db
def test_counts_per_condition_with_every_condition_present(
    trajectory, alice, carol, dave, justid, payload
):
    assert [c.total for c in outcomes_at_release()] == [0] * len(SCHEMA)
    screen(alice, trajectory, identiteit="in-orde", huisvesting="hulp-nodig")
    handover_check_record(
        actor=carol, trajectory=trajectory, condition="inkomen", state="geregeld", note="Bijstand"
    )
    end_notification(justid, payload)

    counts = {c.code: c for c in outcomes_at_release(Trajectory.objects.all())}

    assert list(counts) == list(SCHEMA)
    assert (counts["identiteit"].in_order, counts["identiteit"].total) == (1, 1)
    assert counts["inkomen"].arranged == 1
    assert counts["huisvesting"].not_in_order == 1
    assert counts["identiteit"].in_order_share == 1.0
    # Limited to what the reader may count: Amsterdam is not involved.
    assert sum(c.total for c in outcomes_at_release(visible_trajectories(dave))) == 0
    # Limited by release date (20 November 2026).
    assert outcomes_at_release(released_from=dt.date(2026, 11, 21))[0].total == 0
    assert outcomes_at_release(released_to=dt.date(2026, 11, 20))[0].total == 1


@pytest.mark.django_db
def test_counting_is_one_query(trajectory, justid, payload, django_assert_num_queries):
    end_notification(justid, payload)
    with django_assert_num_queries(1):
        outcomes_at_release()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reader", "reads_note"), [("bob", True), ("alice", False), ("carol", False)]
)
def test_a_care_note_at_release_stays_with_probation_and_its_author(
    trajectory, bob, justid, payload, reader, reads_note, request
):
    handover_check_record(
        actor=bob, trajectory=trajectory, condition="zorg", state="geregeld", note="Ggz-intake 2/12"
    )
    end_notification(justid, payload)

    outcome = next(
        o for o in outcomes_for(trajectory, request.getfixturevalue(reader)) if o.code == "zorg"
    )
    assert outcome.outcome == "geregeld"  # every partner sees the outcome
    assert outcome.note == ("Ggz-intake 2/12" if reads_note else "")
    assert outcome.note_hidden is not reads_note


@pytest.mark.django_db
def test_the_pi_reads_its_own_care_note_at_release(trajectory, alice, justid, payload):
    handover_check_record(
        actor=alice, trajectory=trajectory, condition="zorg", state="geregeld", note="Medicatie mee"
    )
    end_notification(justid, payload)

    outcome = next(o for o in outcomes_for(trajectory, alice) if o.code == "zorg")
    assert outcome.note == "Medicatie mee" and not outcome.note_hidden
