"""The demo shows the indicators: management of PI Almelo and the chain-wide account see
figures computed from the demo trajectories; running the seed twice adds nothing."""

from __future__ import annotations

import pytest

from nieuwestart.accounts.models import User
from nieuwestart.demo.seed_indicators import seed_indicators
from nieuwestart.demo.services import demo_data_load
from nieuwestart.indicators.models import TrajectoryFact
from nieuwestart.trajectories.models import Trajectory


@pytest.mark.django_db
def test_seed_indicators_is_idempotent_and_shows_figures(api, settings):
    settings.NIEUWESTART_DEMO = True
    demo_data_load(trajectories=80)  # intake, plan and some in detention; ends with the seed
    again = seed_indicators()

    assert again["accounts"] == 0
    assert TrajectoryFact.objects.count() == Trajectory.objects.count() == again["facts"]
    assert User.objects.filter(username__in=["mt.almelo", "keten"]).count() == 2

    keten = User.objects.get(username="keten")
    body = api(keten).get("/api/v1/indicatoren").json()
    screening = next(r for r in body["results"] if r["code"] == "screening-op-tijd")
    # Trajectories whose screening term has ended are counted (shown, or withheld when small).
    assert screening["onderdrukt"] or screening["noemer"] >= 5
    manager = User.objects.get(username="mt.almelo")
    assert api(manager).get("/api/v1/indicatoren").status_code == 200


@pytest.mark.django_db
def test_demo_fills_the_meeting_handover_and_referral_indicators(api, settings):
    from nieuwestart.indicators import registry
    from nieuwestart.indicators.models import MeetingAttendanceFact, MeetingTermFact

    settings.NIEUWESTART_DEMO = True
    demo_data_load(trajectories=80)  # loads the meetings, handover and referral demo too

    # The demo's meetings, outcomes at release and referrals reach the facts.
    assert MeetingTermFact.objects.filter(kind="mdo", held_on__isnull=False).exists()
    assert MeetingAttendanceFact.objects.exists()
    assert TrajectoryFact.objects.filter(joint_meeting_on__isnull=False).exists()
    # Released demo trajectories have outcomes at release (seed_handover): no fallback.
    released = TrajectoryFact.objects.filter(release_date__isnull=False)
    assert not released.exclude(release_source="overdracht").exists()
    keten = User.objects.get(username="keten")
    body = api(keten).get("/api/v1/indicatoren?paginaGrootte=100").json()
    codes = [r["code"] for r in body["results"]]
    assert codes == [indicator.code for indicator in registry.ALL]
    assert not registry.PENDING
