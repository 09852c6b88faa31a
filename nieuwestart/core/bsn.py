"""The burgerservicenummer (BSN): nine digits that pass the elfproef.

Elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and not all zeros).
Outside production only RvIG test numbers (the 9999xxxxx range) are used.
"""

from __future__ import annotations

TEST_RANGE = range(999_900_000, 1_000_000_000)


def is_valid_bsn(value: str) -> bool:
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    if value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, value, strict=True)) % 11 == 0


def is_test_bsn(value: str) -> bool:
    return is_valid_bsn(value) and int(value) in TEST_RANGE


def test_bsns(count: int, *, start: int = 999_900_000) -> list[str]:
    """The first `count` elfproef-valid RvIG test BSNs from `start` on (for demo data)."""
    found: list[str] = []
    number = start
    while len(found) < count and number < 1_000_000_000:
        candidate = f"{number:09d}"
        if is_valid_bsn(candidate):
            found.append(candidate)
        number += 1
    return found
