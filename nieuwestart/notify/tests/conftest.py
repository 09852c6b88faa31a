"""Personas and helpers of the notification tests.

Jan de Vries (conftest `trajectory`) arrived on Monday 2 November 2026 at PI Almelo: the
screening and the first contact with the municipality are due on Monday 16 November. Alice is
his casemanager, Bob his probation officer, Carol his aftercare coordinator in Enschede. Sven
is the staffunctionaris of PI Almelo; Dave (Amsterdam) is not involved.

- SOON (Thursday 12 November): both PI deadlines are due within 3 working days.
- LATE (Friday 20 November): both are 4 working days late, past the grace of 3: escalation.
"""

from __future__ import annotations

import gettext as gettext_module
import socket
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def sven(make_user: Any) -> Any:
    return make_user("sven", "PI-ALMELO", "staffunctionaris")


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused, like a mail server that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mail_server_down(settings: Any, closed_port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
        }
    }


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
