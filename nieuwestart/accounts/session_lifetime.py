"""Absolute session lifetime (OWASP ASVS 7.3.2): a session ends SESSION_MAX_HOURS after sign-in.

The idle timeout (SESSION_COOKIE_AGE, renewed on every request) ends a session that is not used;
this ends one that is used all day, so a session taken over, or a browser left signed in on a
shared computer, does not last for ever. Every way in goes through `django.contrib.auth.login`
(the password form, the organisation's callback, the test client's `force_login`), which sends
`user_logged_in`; the receiver below writes the sign-in time into the session then. The second
factor does not restart the clock: it completes the same sign-in.

A signed-in session without that time was made before this rule existed, or by a path around
`login()`; it is ended as well (accounts/middleware.py, SessionLifetimeMiddleware).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest

SIGNED_IN_AT_KEY = "nieuwestart_signed_in_at"
# Set in the fresh session after an ended one, so the login page can say why.
SESSION_ENDED_KEY = "nieuwestart_session_ended"


@receiver(user_logged_in, dispatch_uid="nieuwestart.session_lifetime.signed_in")
def remember_sign_in_time(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT_KEY] = int(time.time())


def session_too_old(session: SessionBase) -> bool:
    """True when the session's sign-in is SESSION_MAX_HOURS ago or more, or has no time."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    if not isinstance(signed_in_at, int | float) or isinstance(signed_in_at, bool):
        return True
    return time.time() - signed_in_at >= settings.SESSION_MAX_HOURS * 3600
