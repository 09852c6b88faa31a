"""Outside demo mode every signed-in professional must have passed a second factor.

That is a TOTP code, or a sign-in through the organisation at a strong enough level (its `acr`,
see nieuwestart.accounts.oidc), which verifies the session through django-otp as well.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Connects the sign-in log to Django's sign-in signals. This module is loaded with the middleware,
# before any request; AccountsConfig.ready() would be the usual place.

# Pages a user may open before the second factor: signing in (here or through the organisation),
# setting it up, static files.
_OPEN_PREFIXES = ("/account/", "/oidc/", "/static/", "/api/", "/gezond/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_SECOND_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect("accounts:second_factor")
        return self.get_response(request)
