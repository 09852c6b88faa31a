"""The demo data is made relative to today, with a fixed random seed: what it shows (how many
waiting referrals, how many outcomes not in order) then shifts a little from day to day. The
tests check the shares on one fixed day, so they do not pass or fail with the calendar; the
clock runs on from there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

DEMO_DAY = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _demo_day() -> Iterator[Any]:
    with time_machine.travel(DEMO_DAY, tick=True) as traveller:
        yield traveller
