from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests


@pytest.fixture(autouse=True)
def _no_cached_figures() -> None:
    """The counts are cached per refresh; facts made by hand in a frozen clock share one
    `refreshed_at`, so every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
