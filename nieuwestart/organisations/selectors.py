"""Reads for organisations.

Business rule: organisations are found by their stable `code` (CBS `GMxxxx` for municipalities,
the codes in organisations/data for prisons, probation and safety houses). A municipality code
from before a merger (for example from an old detention notification) is translated to today's
code with `current_municipality_code`, using the mergers in `data/gemeente_herindelingen.csv`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.db.models import QuerySet

from nieuwestart.organisations.models import Organisation, OrganisationKind

MERGERS_FILE = Path(__file__).resolve().parent / "data" / "gemeente_herindelingen.csv"


def organisations_of_kind(kind: str, *, active_only: bool = True) -> QuerySet[Organisation]:
    """Organisations of one kind, by name; closed or unconfirmed ones only when asked for."""
    organisations = Organisation.objects.filter(kind=kind)
    if active_only:
        organisations = organisations.filter(active=True)
    return organisations.order_by("name")


def municipality_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, code=code).first()


def prison_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.PRISON, code=code).first()


@cache
def _successors() -> dict[str, frozenset[str]]:
    successors: defaultdict[str, set[str]] = defaultdict(set)
    with MERGERS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            successors[row["oude_code"].strip()].add(row["nieuwe_code"].strip())
    return {old: frozenset(new) for old, new in successors.items()}


def current_municipality_code(code: str) -> str:
    """Today's CBS code for `code`, following successive mergers (A -> B -> C gives C).

    A code that was never merged away is returned unchanged. A municipality that was split over
    several others (Haaren, 2021) has no single successor: its code is returned unchanged, so
    `municipality_by_code` finds nothing and the caller must ask a person to choose.
    """
    successors = _successors()
    current = code
    seen = {current}
    while len(next_codes := successors.get(current, frozenset())) == 1:
        (current,) = next_codes
        if current in seen:  # A cycle would be a data error; stop rather than loop forever.
            break
        seen.add(current)
    return current
