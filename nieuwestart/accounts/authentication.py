"""API authentication with `Authorization: Token <token>`; tokens are stored hashed.

Failed token authentications are rate limited per client address
(nieuwestart.accounts.ratelimits): past the limit, every token from that address gets 429 with
Retry-After until the minute is over, a good one too, so a guess that happens to be right does
not get through either. The check costs no extra query for a good token: the counter is read in
the same query as the token.

The quota on requests per token (and on downloads per account) is not here but in the DRF
throttles of nieuwestart.accounts.ratelimits, which run after authentication and permissions.
"""

from __future__ import annotations

from django.db.models import QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from nieuwestart.accounts.models import ApiToken, RateCounter, User, hash_token
from nieuwestart.accounts.ratelimits import (
    API_TOKEN_FAILURE,
    TooManyRequests,
    address_key,
    counter_key,
    current_window,
    rate_limit_hit,
    seconds_to_next_window,
)
from nieuwestart.core.compiled import CompiledQuery


def _throttled(wait: int) -> TooManyRequests:
    return TooManyRequests(
        wait=wait,
        detail=ngettext(
            "Er zijn vanaf uw adres te veel verzoeken met een onbekende of ingetrokken token "
            "gedaan. Wacht %(seconds)s seconde en probeer het dan opnieuw met een geldige token.",
            "Er zijn vanaf uw adres te veel verzoeken met een onbekende of ingetrokken token "
            "gedaan. Wacht %(seconds)s seconden en probeer het dan opnieuw met een geldige token.",
            wait,
        )
        % {"seconds": wait},
    )


def _token(key_hash: str) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .order_by("pk")[:1]
    )


def _token_with_failures(key_hash: str, who: str, window: int) -> QuerySet[ApiToken]:
    """The token, and the failed token sign-ins counted for the client address this window."""
    failures = RateCounter.objects.filter(key=who, window_start=window).values("hits")[:1]
    return _token(key_hash).annotate(recent_failures=Subquery(failures))


# Every API request: the SQL is kept per process (core.compiled).
_TOKEN: CompiledQuery[ApiToken] = CompiledQuery("API token", _token)
_TOKEN_WITH_FAILURES: CompiledQuery[ApiToken] = CompiledQuery(
    "API token and failures", _token_with_failures
)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        who = address_key(request._request)
        if len(header) != 2:
            self._count_failure(who)
            raise exceptions.AuthenticationFailed(
                _("De token in de Authorization-header klopt niet.")
            )
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            self._count_failure(who)
            raise exceptions.AuthenticationFailed(_("De token bevat ongeldige tekens.")) from exc
        limit = API_TOKEN_FAILURE.allowed
        if limit > 0:
            found = _TOKEN_WITH_FAILURES(
                hash_token(key), counter_key(API_TOKEN_FAILURE, who), current_window()
            )
        else:
            found = _TOKEN(hash_token(key))
        token = found[0] if found else None
        if token is None or not token.user.is_active:
            self._count_failure(who)
            raise exceptions.AuthenticationFailed(_("Deze token is onbekend of ingetrokken."))
        if limit > 0 and (getattr(token, "recent_failures", None) or 0) >= limit:
            raise _throttled(seconds_to_next_window())
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def _count_failure(self, who: str) -> None:
        wait = rate_limit_hit(limit=API_TOKEN_FAILURE, who=who)
        if wait:
            raise _throttled(wait)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
