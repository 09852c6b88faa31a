"""Django's database sessions, with the read of the session row kept as SQL (core.compiled):
every page reads it.

Only the read differs from `django.contrib.sessions.backends.db`: the same row, the same
condition (not expired), the same result when there is none (a new, empty session). Saving,
deleting and clearing expired sessions are Django's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from nieuwestart.core.compiled import CompiledQuery


def _current(session_key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_SESSION: CompiledQuery[Session] = CompiledQuery("session", _current)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        rows = _SESSION(self.session_key, timezone.now())
        if rows:
            return rows[0]
        self._session_key = None
        return None
