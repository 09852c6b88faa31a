"""Fixtures for organisation sign-in: a real stub OpenID provider on 127.0.0.1 (tests/oidc_provider.py)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tests.oidc_provider import StubProvider

# Django's test client calls itself "testserver"; the provider only sends people back there.
CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture
def oidc_provider() -> Iterator[StubProvider]:
    provider = StubProvider(redirect_uris={CALLBACK}).start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(settings: Any, oidc_provider: StubProvider) -> StubProvider:
    """Organisation sign-in switched on against the stub, with the second factor required."""
    for name, value in oidc_provider.django_settings().items():
        setattr(settings, name, value)
    settings.REQUIRE_SECOND_FACTOR = True
    return oidc_provider


@pytest.fixture
def clock() -> Iterator[Any]:
    """The test starts 5 seconds into an hour (so also into a minute), with the clock running.
    Rate limits and quotas count per minute or per hour: a test whose requests straddled a
    window edge would start counting again. `clock.shift(...)` moves on to the next window."""
    now = time.time()
    start = now - now % 3600 + 3605
    with time_machine.travel(dt.datetime.fromtimestamp(start, tz=dt.UTC), tick=True) as traveller:
        yield traveller
