"""Sessions of signed-in professionals: an absolute lifetime, and a second factor outside demo mode.

SessionLifetimeMiddleware ends a session SESSION_MAX_HOURS after its sign-in (or one without a
sign-in time, made before that rule), however active it is: see
nieuwestart.accounts.session_lifetime. A page request then goes to the login page, which says
why; an API request just continues without the session (the API takes tokens only, so without
one it answers 401 problem+json).

IdleSessionMiddleware renews a session in use so that it ends only after SESSION_COOKIE_AGE
without requests (the idle timeout), writing it at most once per SESSION_RENEW_SECONDS.

ResolvedUserMiddleware replaces `request.user`, which Django and django-otp each wrap in a lazy
proxy, by the user it stands for (see its docstring).

SecondFactorMiddleware: a second factor is a TOTP code, or a sign-in through the organisation at
a strong enough level (its `acr`, see nieuwestart.accounts.oidc), which verifies the session
through django-otp as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.functional import LazyObject, empty

from nieuwestart.accounts.ratelimits import WEB_QUOTA, page_quota_page, rate_limit_hit
from nieuwestart.accounts.session_lifetime import SESSION_ENDED_KEY, session_too_old
from nieuwestart.accounts.signins import log_session_ended

# Pages a user may open before the second factor: signing in (here or through the organisation),
# setting it up, static files.
_OPEN_PREFIXES = ("/account/", "/oidc/", "/static/", "/api/", "/gezond/", "/i18n/")
# Requests that need no session: after ending one they carry on, without a redirect.
_SESSIONLESS_PREFIXES = ("/api/", "/static/", "/gezond/")


# When the session was last renewed (saved), in seconds since the epoch.
RENEWED_AT_KEY = "nieuwestart_renewed_at"


class IdleSessionMiddleware(SessionMiddleware):
    """The idle timeout without a database write on every page.

    A session row expires SESSION_COOKIE_AGE after it was last saved. Saving it on every request
    (`SESSION_SAVE_EVERY_REQUEST`) cost an UPDATE and a commit per page. Here a session that is
    in use is saved again once SESSION_RENEW_SECONDS have passed since its last save, and
    whenever something in it changed, so an idle session ends between SESSION_COOKIE_AGE minus
    SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request. A failed request
    (status 500) renews nothing, as in Django's own middleware.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            renewed_at = session.get(RENEWED_AT_KEY)
            stale = (
                not isinstance(renewed_at, int)
                or not 0 <= now - renewed_at < settings.SESSION_RENEW_SECONDS
            )
            if session.modified or stale:
                session[RENEWED_AT_KEY] = now
        return super().process_response(request, response)


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY not in session or not session_too_old(session):
            return self.get_response(request)
        log_session_ended(request, reason="max_lifetime")
        logout(request)
        if request.path.startswith(_SESSIONLESS_PREFIXES):
            return self.get_response(request)
        request.session[SESSION_ENDED_KEY] = True
        if request.path == resolve_url(settings.LOGIN_URL):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path())


class ResolvedUserMiddleware:
    """`request.user` as the user itself, not behind two lazy proxies.

    AuthenticationMiddleware puts the user in a SimpleLazyObject and django-otp wraps that in a
    second one. Every attribute read through such a proxy goes through Python code that first
    raises and catches an AttributeError, and a template's `{{ user.role }}` first tries
    `user["role"]`, which fails the same way in both layers: hundreds of times a page. The
    middleware after this one read the user on nearly every request anyway (the second factor,
    the page quota), so resolving it here costs no query that was not made already; a request
    without a session gets the anonymous user without one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            while isinstance(user, LazyObject):
                if user._wrapped is empty:
                    user._setup()
                user = user._wrapped
            request.user = user
        return self.get_response(request)


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


# Not pages: the API (its own quota per token), the benchmark-only naive endpoints, static
# files, health checks, the language switch.
_NOT_PAGES = ("/api/", "/naief/", "/static/", "/gezond/", "/i18n/")


class PageQuotaMiddleware:
    """A quota per account on pages read in the browser (ASVS 2.4.1; accounts.ratelimits):
    `WEB_QUOTA_PER_MINUTE` GET or HEAD requests a minute, generous for a person clicking
    through cases, not for a script copying them. Over it: 429 with Retry-After and a Dutch
    page. Posts are never counted or refused: what a user typed is saved, quota or not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method in ("GET", "HEAD")
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_NOT_PAGES)
        ):
            wait = rate_limit_hit(limit=WEB_QUOTA, who=f"user:{user.pk}")
            if wait:
                return page_quota_page(request, wait)
        return self.get_response(request)
