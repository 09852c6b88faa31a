"""The burgerservicenummer (BSN): nine digits that pass the elfproef.

Elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and not all zeros).
Outside production only RvIG test numbers (the 9999xxxxx range) are used.

There are only 9,091 RvIG test numbers. A benchmark that needs more distinct people uses
synthetic BSNs: nine digits starting with 999 whose weighted sum leaves 1 when divided by 11.
They fail the elfproef, so no real person can have one. The application accepts them only
when the setting SYNTHETIC_BSNS is on, which the settings allow only in tests and DEBUG.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

TEST_RANGE = range(999_900_000, 1_000_000_000)
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def _remainder(value: str) -> int | None:
    """The elfproef's weighted sum modulo 11, or None when `value` is not nine digits."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return None
    return sum(w * int(d) for w, d in zip(WEIGHTS, value, strict=True)) % 11


def is_valid_bsn(value: str) -> bool:
    return value != "000000000" and _remainder(value) == 0


def is_test_bsn(value: str) -> bool:
    return is_valid_bsn(value) and int(value) in TEST_RANGE


def is_synthetic_bsn(value: str) -> bool:
    """Nine digits starting with 999 whose weighted sum leaves 1: fails the elfproef."""
    return value.startswith("999") and _remainder(value) == 1


def is_acceptable_bsn(value: str) -> bool:
    """Whether a BSN that comes in (notification, search) is accepted.

    The elfproef; with the setting SYNTHETIC_BSNS on (benchmarks and tests only) a synthetic
    BSN as well. The weighted sum is computed once either way.
    """
    if value == "000000000":
        return False
    remainder = _remainder(value)
    if remainder == 0:
        return True
    return remainder == 1 and value.startswith("999") and settings.SYNTHETIC_BSNS


def _first(count: int, start: int, accept: Callable[[str], bool]) -> list[str]:
    """The first `count` 9-digit numbers from `start` on that `accept` takes."""
    found: list[str] = []
    number = start
    while len(found) < count and number < 1_000_000_000:
        candidate = f"{number:09d}"
        if accept(candidate):
            found.append(candidate)
        number += 1
    return found


def test_bsns(count: int, *, start: int = 999_900_000) -> list[str]:
    """The first `count` elfproef-valid RvIG test BSNs from `start` on (for demo data)."""
    return _first(count, start, is_valid_bsn)


def synthetic_bsns(count: int, *, start: int = 999_000_000) -> list[str]:
    """The first `count` synthetic BSNs from `start` on (for benchmarks; see the docstring)."""
    return _first(count, max(start, 999_000_000), is_synthetic_bsn)


def never_real_bsns(count: int) -> list[str]:
    """`count` distinct BSNs for generated data written straight to the database (benchmarks):
    the RvIG test numbers first, then 999xxxxxx numbers that fail the elfproef, counting down
    from 999 999 999, so none can be a real person's. Such numbers do not pass the inbound
    validation (`is_acceptable_bsn`); data that must, uses `synthetic_bsns`."""
    found = test_bsns(count)
    number = 999_999_999
    while len(found) < count:
        if not is_valid_bsn(f"{number:09d}"):
            found.append(f"{number:09d}")
        number -= 1
    return found
