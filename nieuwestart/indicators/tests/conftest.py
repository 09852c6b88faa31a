from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests
