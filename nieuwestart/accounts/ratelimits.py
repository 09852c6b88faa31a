"""Rate limits on what attackers automate and people do rarely (OWASP ASVS 2.4.1).

Counted, each per minute and configurable (docs/configuration.md, 0 switches one off):

- failed sign-in form posts, per client address (the per-account lockout in backends.py
  stays); good sign-ins are not counted, so a whole PI behind one address can sign in at 08:00;
- second-factor posts, per account (django-otp also slows a device down after a wrong code);
- refused returns from the organisation's sign-in (the OpenID Connect callback), per client
  address;
- failed API token authentications, per client address. Once an address is over that limit,
  every token from it waits, a good one too: otherwise a lucky guess would still get through.

Over a limit: 429 with `Retry-After` (seconds to the next window), a Dutch page on the web and
problem+json on the API (via DRF's Throttled and nieuwestart.api.problems).

The counters are rows of RateCounter in the database, so every app replica and process shares
them; Django's default cache lives in one process and would let N replicas allow N times the
limit. A counter is a fixed window of one minute, written with one atomic upsert
(INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING, PostgreSQL and SQLite >= 3.35) that returns
the new count. A fixed window lets through at most twice the limit around a window edge; that is
enough to turn millions of guesses into dozens. The first hit of a key in a new window deletes
the rows of windows that have ended (an indexed range delete that finds little).

The client address is REMOTE_ADDR, or, with DJANGO_BEHIND_PROXY, the last X-Forwarded-For hop:
the one the ingress added for the peer it saw. Earlier hops come from the client and can be
anything. IPv6 addresses count per /64, the block one subscriber usually gets.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nieuwestart.accounts.models import RateCounter

WINDOW_SECONDS = 60
logger = logging.getLogger("nieuwestart.signin")

# Literal SQL (no formatting): the table and column names are RateCounter's, fixed in its Meta.
_UPSERT = (
    'INSERT INTO accounts_ratecounter ("key", "window_start", "hits") VALUES (%s, %s, 1) '
    'ON CONFLICT ("key", "window_start") DO UPDATE '
    'SET "hits" = accounts_ratecounter."hits" + 1 '
    'RETURNING "hits"'
)
_CLEANUP = 'DELETE FROM accounts_ratecounter WHERE "window_start" < %s'


@dataclass(frozen=True)
class Limit:
    """One kind of counted request: its name in the counter key and its setting."""

    scope: str
    setting: str

    @property
    def per_minute(self) -> int:
        return int(getattr(settings, self.setting))


SIGN_IN = Limit("signin", "RATE_SIGNIN_PER_MINUTE")
SECOND_FACTOR = Limit("second_factor", "RATE_SECOND_FACTOR_PER_MINUTE")
OIDC_CALLBACK = Limit("oidc_callback", "RATE_OIDC_CALLBACK_PER_MINUTE")
API_TOKEN_FAILURE = Limit("api_token_failure", "RATE_API_TOKEN_FAILURES_PER_MINUTE")


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as far as we can trust it (see the module docstring)."""
    candidate = ""
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        candidate = hops[-1] if hops else ""
    for value in (candidate, str(request.META.get("REMOTE_ADDR", ""))):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return "unknown"


def _who(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def address_key(request: HttpRequest) -> str:
    """What an address-based limit counts: the client address (IPv6: its /64)."""
    return _who(client_address(request))


def current_window(now: float | None = None) -> int:
    moment = int(time.time() if now is None else now)
    return moment - moment % WINDOW_SECONDS


def seconds_to_next_window(now: float | None = None) -> int:
    moment = time.time() if now is None else now
    return max(1, int(current_window(moment) + WINDOW_SECONDS - moment + 0.999))


def counter_key(limit: Limit, who: str) -> str:
    return f"{limit.scope}:{who}"[:120]


def _count(limit: Limit, who: str) -> int:
    """Add one to `who`'s counter of this window and return the new count.

    One statement, so atomic on its own (no transaction needed); concurrent requests on any
    replica each get their own count back.
    """
    window = current_window()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [counter_key(limit, who), window])
        row = cursor.fetchone()
        hits = int(row[0]) if row else 1
        if hits == 1:
            cursor.execute(_CLEANUP, [window])
    return hits


def _log_reached(limit: Limit, who: str) -> None:
    logger.warning(
        "rate limit %s reached for %s",
        limit.scope,
        who,
        extra={"signin": {"event": "rate_limited", "scope": limit.scope, "who": who}},
    )


def rate_limit_hit(*, limit: Limit, who: str) -> int:
    """Count one request of `who`; 0 when it is within the limit, else seconds to wait."""
    per_minute = limit.per_minute
    if per_minute <= 0:
        return 0
    hits = _count(limit, who)
    if hits <= per_minute:
        return 0
    if hits == per_minute + 1:  # once per window and key, not on every refused request
        _log_reached(limit, who)
    return seconds_to_next_window()


def rate_limit_reached(*, limit: Limit, who: str) -> int:
    """Seconds to wait when `who`'s failures of this window have reached the limit, else 0.

    Reads only. With `rate_limit_failure` this limits failed attempts, not attempts: many
    people behind one address (a PI's or a municipality's network) signing in at the start of
    the day are never held up by each other's good sign-ins."""
    per_minute = limit.per_minute
    if per_minute <= 0:
        return 0
    hits = (
        RateCounter.objects.filter(key=counter_key(limit, who), window_start=current_window())
        .values_list("hits", flat=True)
        .first()
    )
    return seconds_to_next_window() if hits is not None and hits >= per_minute else 0


def rate_limit_failure(*, limit: Limit, who: str) -> None:
    """Count one failed attempt of `who`; logged once, when it reaches the limit."""
    if limit.per_minute > 0 and _count(limit, who) == limit.per_minute:
        _log_reached(limit, who)


def rate_limited_page(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The web answer over a limit: 429, Retry-After and a Dutch page that says what to do."""
    response = render(
        request,
        "accounts/rate_limited.html",
        {"seconds": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
