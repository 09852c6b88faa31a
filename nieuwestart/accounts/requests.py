"""The signed-in user of a request, typed: for views and API views behind a sign-in check."""

from __future__ import annotations

from typing import Any

from nieuwestart.accounts.models import User


def signed_in_user(request: Any) -> User:
    """`request.user` as a `User` (Django's HttpRequest or DRF's Request). Only call it behind
    `login_required` or an authenticated API permission: an anonymous user is a programming
    error here, not a user's mistake."""
    user = request.user
    assert isinstance(user, User)
    return user
