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
def test_a_care_note_at_release_stays_with_pi_and_probation(
    trajectory, alice, bob, carol, justid, payload
):
    handover_check_record(
        actor=bob, trajectory=trajectory, condition="zorg", state="geregeld", note="Ggz-intake 2/12"
    )
    end_notification(justid, payload)

    for_carol = next(o for o in outcomes_for(trajectory, carol) if o.code == "zorg")
    for_alice = next(o for o in outcomes_for(trajectory, alice) if o.code == "zorg")
    assert for_carol.outcome == "geregeld" and for_carol.note == "" and for_carol.note_hidden
    assert for_alice.note == "Ggz-intake 2/12"
