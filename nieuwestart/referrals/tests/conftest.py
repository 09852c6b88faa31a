"""Helpers of the referral tests. The clock stands on Monday 23 November 2026; the shared
trajectory (conftest.py) started on 2 November 2026 and expects release on 15 March 2027."""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
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


MARK = "[vertaald] "


class _MarkingTranslation(gettext_module.NullTranslations):
    """A 'language' that prefixes every translated message: an unmarked message was not
    wrapped in gettext and would stay Dutch in the English interface."""

    def gettext(self, message: str) -> str:
        return MARK + message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MARK + (singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return MARK + message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return MARK + (singular if n == 1 else plural)

    def to_language(self) -> str:
        return "nl"


@pytest.fixture
def marked_translation(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every language (also the one a request activates) becomes the marking translation."""
    from django.utils import translation
    from django.utils.translation import trans_real

    marker = _MarkingTranslation()
    monkeypatch.setattr(trans_real, "translation", lambda language: marker)
    translation.activate("en")
    yield MARK
    translation.deactivate()
