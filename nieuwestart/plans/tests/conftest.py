"""Helpers for the D&R-plan tests: write through the API as a persona would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def plan_url(trajectory: Any) -> str:
    return f"/api/v1/trajecten/{trajectory.uuid}/plan"


@pytest.fixture
def etag_of(api: Callable[[Any], Any], plan_url: str) -> Callable[[Any], str]:
    """The current ETag of the plan, as `user` gets it."""

    def etag(user: Any) -> str:
        return api(user).get(plan_url)["ETag"]

    return etag


@pytest.fixture
def write(api: Callable[[Any], Any], plan_url: str, etag_of: Callable[[Any], str]) -> Any:
    """`write(user, method, path, body)`: a write on the plan with a fresh If-Match."""

    def do(user: Any, method: str, path: str = "", body: Any = None, expect: int = 200) -> Any:
        response = getattr(api(user), method)(
            plan_url + path, body or {}, format="json", HTTP_IF_MATCH=etag_of(user)
        )
        assert response.status_code == expect, response.content[:500]
        return response

    return do


@pytest.fixture
def web(client: Any, settings: Any) -> Callable[[Any], Any]:
    """A browser session for the persona (second factor off: it has its own tests)."""
    settings.REQUIRE_SECOND_FACTOR = False

    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login
