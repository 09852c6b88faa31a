"""Helpers of the referral tests. The clock stands on Monday 23 November 2026; the shared
trajectory (conftest.py) started on 2 November 2026 and expects release on 15 March 2027."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def refer(trajectory: Any) -> Callable[..., Any]:
    """Register a referral through the service: refer(actor, kind, **fields)."""
    from nieuwestart.referrals.services import referral_register

    def make(actor: Any, kind: str = "begeleid-wonen", **fields: Any) -> Any:
        fields.setdefault("referred_on", dt.date(2026, 11, 9))
        if kind not in ("zorg", "behandeling"):
            fields.setdefault("provider", "Stichting Domus Twente")
        return referral_register(
            actor=actor, trajectory=fields.pop("on", trajectory), kind=kind, **fields
        )

    return make
