"""The unread-notification count in the page header ("Berichten, 3 ongelezen").

Runs only when a page is rendered with a request context: one COUNT query for a signed-in user
in a case role, shared with the page itself (`unread_for_request`; the notifications page shows
the same number). Users outside case roles get no notifications and no link.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.accounts.models import User
from nieuwestart.notify.selectors import unread_count

_COUNTED = "_nieuwestart_unread"


def unread_for_request(request: HttpRequest, user: User) -> int:
    """The user's unread count, counted once per request."""
    counted = getattr(request, _COUNTED, None)
    if counted is None:
        counted = unread_count(user)
        setattr(request, _COUNTED, counted)
    return int(counted)


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or user.role not in CASE_ROLES or user.organisation_id is None:
        return {"notify_enabled": False, "notify_unread": 0}
    return {"notify_enabled": True, "notify_unread": unread_for_request(request, user)}
