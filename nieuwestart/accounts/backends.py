"""Password sign-in with a lockout after repeated failures.

After LOGIN_FAILURE_LIMIT wrong passwords in a row the account is locked for
LOGIN_LOCKOUT_MINUTES, whatever password is tried next. A good password resets the counter.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery

# Read on every request: its SQL is kept per process (core.compiled).
_SESSION_USER: CompiledQuery[User] = CompiledQuery(
    "signed-in user",
    lambda user_id: User.objects.select_related("organisation").filter(pk=user_id),
)


def user_for_session(backend: ModelBackend, user_id: Any) -> User | None:
    """The signed-in user of a session, with their organisation in the same query: every page
    reads it (the access check, the header). Inactive accounts lose their session, as in
    Django's own backend."""
    rows = _SESSION_USER(user_id)
    user = rows[0] if rows else None
    return user if user is not None and backend.user_can_authenticate(user) else None


class LockoutModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        return user_for_session(self, user_id)

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.is_locked():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
            until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
        return None
