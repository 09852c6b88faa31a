"""Fixtures for organisation sign-in: a real stub OpenID provider on 127.0.0.1 (tests/oidc_provider.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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
