"""Handover tests run on 22 November 2026, three weeks after the fixture trajectory started."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.REQUIRE_SECOND_FACTOR = False
