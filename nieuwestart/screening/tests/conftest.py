"""Helpers for the screening tests: a signed-in web client and complete form and API bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

DOMAINS = ["identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk"]


def web_form(version: int = 0, **fields: Any) -> dict[str, Any]:
    """What the browser posts for an untouched form, plus `fields` (None removes a field)."""
    data: dict[str, Any] = {
        "versie": str(version),
        "lvb": "onbekend",
        "eersteDetentie": "onbekend",
        "taalbehoeften": "",
        "eigenWoorden": "",
    }
    for domain in DOMAINS:
        data[f"{domain}__status"] = "onbekend"
        data[f"{domain}__hulpvraag"] = ""
        data[f"{domain}__actiePartner"] = ""
        data[f"{domain}__toelichtingActie"] = ""
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def web(db: Any, settings: Any) -> Callable[[Any], Any]:
    """`web(alice)`: a Django test client of its own, signed in as that persona."""
    from django.test import Client

    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests

    def signed_in(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        return client

    return signed_in
