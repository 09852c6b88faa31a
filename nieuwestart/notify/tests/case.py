"""Dates and helpers shared by the notification tests (see conftest.py for the story)."""

from __future__ import annotations

import datetime as dt
from typing import Any

SOON = dt.date(2026, 11, 12)
LATE = dt.date(2026, 11, 20)


def kinds(user: Any) -> dict[str, int]:
    from collections import Counter

    from nieuwestart.notify.models import Notification

    return dict(Counter(Notification.objects.filter(recipient=user).values_list("kind", flat=True)))
