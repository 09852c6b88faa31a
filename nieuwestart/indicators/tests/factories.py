"""Hand-made indicator facts with known dates (no services: the definitions are tested on the
facts; test_refresh.py tests that real registrations produce these facts)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from nieuwestart.core.bsn import is_valid_bsn
from nieuwestart.indicators.models import TrajectoryFact
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.models import Person, Trajectory

_numbers = itertools.count(1)


def _never_real(n: int) -> str:
    """A BSN of its own per number that fails the elfproef, so it is nobody's: a decade of
    numbers each, of which at most one passes (the last digit weighs -1)."""
    number = 999_000_000 + 10 * n
    return f"{number + 1 if is_valid_bsn(f'{number:09d}') else number:09d}"


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def fact(
    *,
    prison: str = "PI-ALMELO",
    municipality: str = "GM0153",
    probation: str | None = None,
    arrival: dt.date = dt.date(2026, 1, 5),
    **values: Any,
) -> TrajectoryFact:
    n = next(_numbers)
    pi, gm = org(prison), org(municipality)
    person = Person.objects.create(
        bsn=_never_real(n),
        given_names="Geheim",
        surname=f"Persoon{n}",
        birth_date=dt.date(1990, 1, 1),
    )
    trajectory = Trajectory.objects.create(
        person=person,
        prison=pi,
        start_date=arrival,
        registration_municipality=gm,
        return_municipality=gm,
        case_lead=pi,
        process_lead=gm,
    )
    return TrajectoryFact.objects.create(
        trajectory=trajectory,
        prison=pi,
        municipality=gm,
        municipality_size=gm.size_class or "",
        probation=org(probation) if probation else None,
        phase=trajectory.phase,
        arrival_date=arrival,
        refreshed_at=timezone.now(),
        **values,
    )


def many(count: int, **values: Any) -> None:
    for _ in range(count):
        fact(**values)


def terms(
    kind: str, schedule: list[tuple[dt.date, dt.date | None]], **values: Any
) -> TrajectoryFact:
    """A trajectory with rolling meeting terms: (due, held on) pairs."""
    from nieuwestart.indicators.models import MeetingTermFact

    row = fact(**values)
    MeetingTermFact.objects.bulk_create(
        MeetingTermFact(fact=row, kind=kind, due=due, held_on=held) for due, held in schedule
    )
    return row


def meetings(held: list[tuple[dt.date, dict[str, bool]]], **values: Any) -> TrajectoryFact:
    """A trajectory with held trajectory meetings: (day, {party_present: bool}) pairs."""
    from nieuwestart.indicators.models import MeetingAttendanceFact

    row = fact(**values)
    MeetingAttendanceFact.objects.bulk_create(
        MeetingAttendanceFact(fact=row, held_on=day, **present) for day, present in held
    )
    return row
