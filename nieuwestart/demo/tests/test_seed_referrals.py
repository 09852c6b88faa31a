"""Demo referrals: a realistic share of the trajectories, waiting lists that run past the
release, care by probation, nothing twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.demo.seed_referrals import seed_referrals
from nieuwestart.demo.services import demo_data_load
from nieuwestart.referrals.models import Referral
from nieuwestart.referrals.selectors import waiting_list

pytestmark = pytest.mark.django_db


def test_seeding_referrals_shows_waiting_lists_and_is_idempotent():
    demo_data_load(trajectories=60)  # runs seed_referrals
    count = Referral.objects.count()
    assert count >= 10
    assert Referral.objects.values("trajectory").distinct().count() >= 8
    kinds = set(Referral.objects.values_list("kind", flat=True))
    assert {"beschermd-wonen", "begeleid-wonen"} & kinds
    assert kinds & {"zorg", "behandeling"}
    # Care is referred by probation, who sees care content.
    care = Referral.objects.filter(condition="zorg").select_related("organisation")
    assert {r.organisation.kind for r in care} == {"reclassering"}
    # Some housing places start only after the release date: the signal shows in the demo.
    signals = {
        item.referral.assessment.main_signal.code
        for user in User.objects.filter(username__in=["nazorg.enschede", "rn.oost", "svg.zuid"])
        for item in waiting_list(user, timezone.localdate())
        if item.referral.assessment.main_signal is not None
    }
    assert "dreigt-vrijlating-zonder-plek" in signals

    again = seed_referrals()
    assert again == {"referrals": 0, "trajectories": 0}
    assert Referral.objects.count() == count
