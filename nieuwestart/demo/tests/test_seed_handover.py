"""Demo handover: outcomes for everyone released, a realistic mix, checks near release, and
nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.demo.seed_handover import seed_handover
from nieuwestart.demo.services import demo_data_load
from nieuwestart.handover.models import HandoverCheck, ReleaseOutcome
from nieuwestart.handover.selectors import outcomes_at_release
from nieuwestart.trajectories.models import Phase, Trajectory

pytestmark = pytest.mark.django_db


def test_seeding_handover_is_idempotent_and_shows_the_feature():
    demo_data_load(trajectories=70)  # the demo's mix, thinned: 14 after release, 7 closed
    # Trajectories released before the handover app existed have no outcomes yet.
    older = list(Trajectory.objects.filter(phase=Phase.CLOSED).values_list("pk", flat=True)[:5])
    ReleaseOutcome.objects.filter(trajectory_id__in=older).delete()

    first = seed_handover()

    released = Trajectory.objects.filter(phase__in=[Phase.AFTER_RELEASE, Phase.CLOSED])
    assert first["outcomes"] == 5 * 6
    assert released.count() >= 20
    with_outcomes = ReleaseOutcome.objects.values("trajectory").distinct().count()
    assert with_outcomes == released.count()
    counts = {c.code: c for c in outcomes_at_release()}
    for code in ("identiteit", "huisvesting"):  # often not in order, as the report found
        assert counts[code].not_in_order >= counts[code].total * 0.2
        assert counts[code].in_order > 0
    # demo_data_load already ran seed_handover (checks near release) and the checks before
    # each demo release.
    assert HandoverCheck.objects.values("handover__trajectory").distinct().count() >= 5
    assert HandoverCheck.objects.filter(state="geregeld", condition="inkomen").exists()

    checks, outcomes = HandoverCheck.objects.count(), ReleaseOutcome.objects.count()
    again = seed_handover()
    assert (again["checks"], again["outcomes"]) == (0, 0)
    assert (HandoverCheck.objects.count(), ReleaseOutcome.objects.count()) == (checks, outcomes)


def test_checks_only_near_release(trajectory, carol):
    Trajectory.objects.filter(pk=trajectory.pk).update(expected_end_date=dt.date(2027, 6, 1))
    assert seed_handover(today=dt.date(2026, 11, 22))["checks"] == 0
    assert not HandoverCheck.objects.exists()


def test_checks_before_release_make_arranged_outcomes(trajectory, justid, payload):
    from nieuwestart.demo.seed_handover import checks_before_release
    from nieuwestart.handover.tests.case import end_notification

    assert checks_before_release(trajectory) >= 1
    assert checks_before_release(trajectory) == 0
    end_notification(justid, payload)
    row = ReleaseOutcome.objects.get(trajectory=trajectory, condition="inkomen")
    assert (row.outcome, row.confirmed) == ("geregeld", True)
