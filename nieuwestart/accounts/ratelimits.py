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
limit. A counter is a fixed window (a minute; the export quota an hour), written with one atomic
upsert (INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING, PostgreSQL and SQLite >= 3.35) that
returns the new count. A fixed window lets through at most twice the limit around a window edge;
that is enough to turn millions of guesses into dozens. The first hit of a key in a new window
deletes the rows of the same limit whose windows have ended (an indexed range delete that finds
little).

The client address is REMOTE_ADDR, or, with DJANGO_BEHIND_PROXY, the last X-Forwarded-For hop:
the one the ingress added for the peer it saw. Earlier hops come from the client and can be
anything. IPv6 addresses count per /64, the block one subscriber usually gets.

Quotas on reading and exporting data, so that one stolen token or one scraping account cannot
pull the chain's data out fast (also ASVS 2.4.1):

- every API request, per token (per account for an API call signed in otherwise), per minute
  (`API_QUOTA_PER_MINUTE`): the DRF throttle `ApiQuota`, in REST_FRAMEWORK's defaults;
- every export (a file: CSV, XLSX, PDF), per account, per hour (`EXPORT_QUOTA_PER_HOUR`), one
  counter for the web and the API together: `export_quota` on the web views, the DRF throttle
  `ExportQuota` for API answers rendered as a file (a renderer other than JSON);
- every page read in the browser (GET and HEAD outside /api/), per account, per minute
  (`WEB_QUOTA_PER_MINUTE`): `accounts.middleware.PageQuotaMiddleware`. Form posts are never
  counted or refused, so nothing a user typed is lost to a quota.

The benchmark-only naive endpoints (/naief/, nieuwestart/api/naive.py) are not counted: they
exist to measure what the access policy costs next to them.

The two per-minute quotas count in batches (`QUOTA_BATCH`, `NIEUWESTART_QUOTUM_BATCH`, 10):
a process writes the first request of a key in a window at once, and then one upsert per
batch, adding them all; close to the quota (within a batch) it writes every request again, so
in one process the refusal comes at the same request as with one write each. Measured in the
national benchmark (docs/benchmarks.md): an upsert per request cost 7 to 10 ms of server and
database CPU per request. What is given up: requests a process has counted but not yet
written (fewer than a batch per key, plus writes in flight) are invisible to the other
processes, and lost when a worker stops or is recycled. With P worker processes over all
replicas, a key can get about (P - 1) x (batch - 1) requests more than its quota in a window:
with 2 replicas of 2 workers about 27 on 300 pages; with 12 processes about 99 (a third).
Set the batch lower for many processes (1 writes every request). Sign-in, second-factor,
token-failure and export limits always write every count.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework import exceptions, throttling
from rest_framework.request import Request

from nieuwestart.accounts.models import ApiToken, RateCounter

WINDOW_SECONDS = 60
HOUR_SECONDS = 3600
logger = logging.getLogger("nieuwestart.signin")

# Literal SQL (no formatting): the table and column names are RateCounter's, fixed in its Meta.
_UPSERT = (
    'INSERT INTO accounts_ratecounter ("key", "window_start", "hits") VALUES (%s, %s, %s) '
    'ON CONFLICT ("key", "window_start") DO UPDATE '
    'SET "hits" = accounts_ratecounter."hits" + excluded."hits" '
    'RETURNING "hits"'
)
# One limit's ended windows: its keys start with `scope:` ('!' escapes LIKE's '_' and '%').
_CLEANUP = (
    'DELETE FROM accounts_ratecounter WHERE "window_start" < %s AND "key" LIKE %s ESCAPE \'!\''
)


@dataclass(frozen=True)
class Limit:
    """One kind of counted request: its name in the counter key, its setting (how many are
    allowed in one window) and the window's length in seconds."""

    scope: str
    setting: str
    window: int = WINDOW_SECONDS
    # The setting with the requests a process counts before it writes them (module docstring);
    # without one, every request is written.
    batch_setting: str = ""

    @property
    def allowed(self) -> int:
        return int(getattr(settings, self.setting))

    @property
    def batch(self) -> int:
        return max(1, int(getattr(settings, self.batch_setting))) if self.batch_setting else 1


SIGN_IN = Limit("signin", "RATE_SIGNIN_PER_MINUTE")
SECOND_FACTOR = Limit("second_factor", "RATE_SECOND_FACTOR_PER_MINUTE")
OIDC_CALLBACK = Limit("oidc_callback", "RATE_OIDC_CALLBACK_PER_MINUTE")
API_TOKEN_FAILURE = Limit("api_token_failure", "RATE_API_TOKEN_FAILURES_PER_MINUTE")
API_QUOTA = Limit("api", "API_QUOTA_PER_MINUTE", batch_setting="QUOTA_BATCH")
EXPORT_QUOTA = Limit("export", "EXPORT_QUOTA_PER_HOUR", window=HOUR_SECONDS)
WEB_QUOTA = Limit("web", "WEB_QUOTA_PER_MINUTE", batch_setting="QUOTA_BATCH")


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


def current_window(now: float | None = None, window: int = WINDOW_SECONDS) -> int:
    moment = int(time.time() if now is None else now)
    return moment - moment % window


def seconds_to_next_window(now: float | None = None, window: int = WINDOW_SECONDS) -> int:
    moment = time.time() if now is None else now
    return max(1, int(current_window(moment, window) + window - moment + 0.999))


def counter_key(limit: Limit, who: str) -> str:
    return f"{limit.scope}:{who}"[:120]


def _like_prefix(text: str) -> str:
    return text.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%"


def _write(limit: Limit, key: str, window: int, hits: int) -> int:
    """Add `hits` to a counter of this window and return its new total.

    One statement, so atomic on its own (no transaction needed); concurrent requests on any
    replica each get their own total back. The first write of a key in a window also removes
    the limit's ended windows.
    """
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, window, hits])
        row = cursor.fetchone()
        total = int(row[0]) if row else hits
        if total == hits:
            cursor.execute(_CLEANUP, [window, _like_prefix(f"{limit.scope}:")])
    return total


def _count(limit: Limit, who: str) -> tuple[int, int]:
    """Count one request of `who` in this window: the counter's total as far as this process
    knows it, and how many requests this call wrote (0 when it only counted in memory)."""
    window = current_window(window=limit.window)
    key = counter_key(limit, who)
    batch = limit.batch
    if batch <= 1:
        return _write(limit, key, window, 1), 1
    return _pending.count(limit, key, window, batch)


class _Pending:
    """Per process: for each key, its window, the total the database last returned and the
    requests counted since (module docstring). Threads of one process share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[int, int, int]] = {}

    def count(self, limit: Limit, key: str, window: int, batch: int) -> tuple[int, int]:
        with self._lock:
            seen_window, known, pending = self._keys.get(key, (window, 0, 0))
            if seen_window > window:
                # Another thread has moved on to the next window: this request belongs to the
                # ended one; write it there without touching the new window's counts.
                stale = True
            else:
                stale = False
                if seen_window < window:
                    known, pending = 0, 0
                    if len(self._keys) > 10_000:  # keys of earlier windows: forget them
                        self._keys = {k: v for k, v in self._keys.items() if v[0] >= window}
                pending += 1
                first = known == 0 and pending == 1
                near = known + pending + batch > limit.allowed
                if not (first or near or pending >= batch):
                    self._keys[key] = (window, known, pending)
                    return known + pending, 0
                self._keys[key] = (window, known, 0)
        if stale:
            return _write(limit, key, window, 1), 1
        total = _write(limit, key, window, pending)
        with self._lock:
            seen_window, known, since = self._keys.get(key, (window, 0, 0))
            if seen_window == window:
                self._keys[key] = (window, max(known, total), since)
        return total, pending

    def forget(self) -> None:
        """Drop the unwritten counts (tests that start from an empty counter table)."""
        with self._lock:
            self._keys.clear()


_pending = _Pending()


def forget_unwritten_counts() -> None:
    _pending.forget()


def _log_reached(limit: Limit, who: str) -> None:
    logger.warning(
        "rate limit %s reached for %s",
        limit.scope,
        who,
        extra={"signin": {"event": "rate_limited", "scope": limit.scope, "who": who}},
    )


def rate_limit_hit(*, limit: Limit, who: str) -> int:
    """Count one request of `who`; 0 when it is within the limit, else seconds to wait."""
    allowed = limit.allowed
    if allowed <= 0:
        return 0
    hits, written = _count(limit, who)
    if hits <= allowed:
        return 0
    # Once per window and key, not on every refused request: by the write that went past the
    # quota (a batch from another process can go past it by more than one).
    if written and hits - written <= allowed:
        _log_reached(limit, who)
    return seconds_to_next_window(window=limit.window)


def rate_limit_reached(*, limit: Limit, who: str) -> int:
    """Seconds to wait when `who`'s failures of this window have reached the limit, else 0.

    Reads only. With `rate_limit_failure` this limits failed attempts, not attempts: many
    people behind one address (a PI's or a municipality's network) signing in at the start of
    the day are never held up by each other's good sign-ins."""
    allowed = limit.allowed
    if allowed <= 0:
        return 0
    hits = (
        RateCounter.objects.filter(
            key=counter_key(limit, who), window_start=current_window(window=limit.window)
        )
        .values_list("hits", flat=True)
        .first()
    )
    if hits is not None and hits >= allowed:
        return seconds_to_next_window(window=limit.window)
    return 0


def rate_limit_failure(*, limit: Limit, who: str) -> None:
    """Count one failed attempt of `who`; logged once, when it reaches the limit."""
    if limit.allowed > 0 and _count(limit, who)[0] == limit.allowed:
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


# --- Quotas on reading and exporting ------------------------------------------------------------


class TooManyRequests(exceptions.Throttled):
    """429 for the API with our own Dutch detail only: DRF's Throttled appends an English
    sentence ("Expected available in N seconds.") to any detail; Retry-After says it instead."""

    def __init__(self, *, wait: int, detail: str) -> None:
        super().__init__(wait=wait)
        self.detail = exceptions.ErrorDetail(detail, code=self.default_code)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def export_quota(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Counts a web export (a download) against the account's export quota; over it: 429 with
    Retry-After and a Dutch page. Put it below `login_required` and `require_GET`, so that only
    signed-in GET requests are counted; every one counts, also one that ends in 404 or 403
    (someone trying identifiers is reading too)."""

    @wraps(view)
    def counted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            wait = rate_limit_hit(limit=EXPORT_QUOTA, who=f"user:{user.pk}")
            if wait:
                response = render(
                    request,
                    "accounts/export_limited.html",
                    {"minutes": _minutes(wait), "allowed": EXPORT_QUOTA.allowed},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return counted


def page_quota_page(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The web answer over the page quota: 429, Retry-After and a Dutch page."""
    response = render(
        request,
        "accounts/page_limited.html",
        {"seconds": retry_after, "allowed": WEB_QUOTA.allowed},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _not_counted(request: Request) -> bool:
    """Anonymous requests (the public OpenAPI document; every other operation answers 401
    before throttles run) and the benchmark-only naive endpoints."""
    if not request.user or not request.user.is_authenticated:
        return True
    match = request._request.resolver_match
    return match is not None and match.app_name == "naive"


class ApiQuota(throttling.BaseThrottle):
    """Every API request of one token (or one account signed in otherwise) counts; past
    `API_QUOTA_PER_MINUTE` in a minute: 429 problem+json with Retry-After until the next one."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if _not_counted(request):
            return True
        token = request.auth if isinstance(request.auth, ApiToken) else None
        who = f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"
        wait = rate_limit_hit(limit=API_QUOTA, who=who)
        if not wait:
            return True
        if token is not None:
            detail = ngettext(
                "Met deze token zijn in deze minuut meer dan %(allowed)s verzoeken gedaan. Wacht "
                "%(seconds)s seconde en probeer het dan opnieuw.",
                "Met deze token zijn in deze minuut meer dan %(allowed)s verzoeken gedaan. Wacht "
                "%(seconds)s seconden en probeer het dan opnieuw.",
                wait,
            )
        else:
            detail = ngettext(
                "Met dit account zijn in deze minuut meer dan %(allowed)s verzoeken gedaan. "
                "Wacht %(seconds)s seconde en probeer het dan opnieuw.",
                "Met dit account zijn in deze minuut meer dan %(allowed)s verzoeken gedaan. "
                "Wacht %(seconds)s seconden en probeer het dan opnieuw.",
                wait,
            )
        # Raised here, not returned as False: DRF's own message is English and not plain.
        raise TooManyRequests(
            wait=wait, detail=detail % {"allowed": API_QUOTA.allowed, "seconds": wait}
        )


class ExportQuota(throttling.BaseThrottle):
    """An API answer rendered as a file (any renderer but JSON, such as the information sheet
    as PDF) counts against the account's export quota, the same counter as the web's exports."""

    def allow_request(self, request: Request, view: Any) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format == "json" or _not_counted(request):
            return True
        wait = rate_limit_hit(limit=EXPORT_QUOTA, who=f"user:{request.user.pk}")
        if not wait:
            return True
        minutes = _minutes(wait)
        detail = ngettext(
            "U heeft in dit uur meer dan %(allowed)s bestanden opgevraagd. Over %(minutes)s "
            "minuut kunt u weer bestanden opvragen.",
            "U heeft in dit uur meer dan %(allowed)s bestanden opgevraagd. Over %(minutes)s "
            "minuten kunt u weer bestanden opvragen.",
            minutes,
        )
        raise TooManyRequests(
            wait=wait, detail=detail % {"allowed": EXPORT_QUOTA.allowed, "minutes": minutes}
        )
