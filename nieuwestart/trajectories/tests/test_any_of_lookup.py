"""`__any_of`: the same rows as `__in`, with the list sent as one parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nieuwestart.core import bsn as bsn_numbers
from nieuwestart.trajectories.models import Person, Trajectory


@pytest.mark.django_db
def test_any_of_finds_what_in_finds_with_one_parameter_for_the_list(trajectory: Any) -> None:
    bsns = bsn_numbers.test_bsns(30, start=999_940_000)
    Person.objects.bulk_create(
        Person(bsn=b, given_names="A", surname="B", birth_date=dt.date(1990, 1, 1))
        for b in bsns[:20]
    )
    wanted = [*bsns[10:], "000000000"]  # ten stored, ten not, one nonsense

    with CaptureQueriesContext(connection) as queries:
        found = set(Person.objects.filter(bsn__any_of=wanted).values_list("bsn", flat=True))

    assert found == set(Person.objects.filter(bsn__in=wanted).values_list("bsn", flat=True))
    assert found == set(bsns[10:20])
    shape = "= ANY(" if connection.vendor == "postgresql" else "json_each("
    assert shape in queries[0]["sql"]
    # Through a foreign key, and with an empty list.
    person_ids = [trajectory.person_id, -1]
    assert list(Trajectory.objects.filter(person_id__any_of=person_ids)) == [trajectory]
    assert list(Trajectory.objects.filter(person__any_of=person_ids)) == [trajectory]
    assert not Person.objects.filter(bsn__any_of=[]).exists()


@pytest.mark.django_db
def test_among_finds_what_in_finds_for_a_subquery(trajectory: Any) -> None:
    """`__among`: the rows of `__in` with a subquery, read first on PostgreSQL (the work
    lists' open trajectories, decision 0022), also when the subquery finds nothing."""
    bsns = bsn_numbers.test_bsns(12, start=999_950_000)
    Person.objects.bulk_create(
        Person(bsn=b, given_names="A", surname=s, birth_date=dt.date(1990, 1, 1))
        for b, s in zip(bsns, "ABCABCABCABC", strict=True)
    )
    for surname in ("B", "Z"):
        named = Person.objects.filter(surname=surname).values("bsn")

        with CaptureQueriesContext(connection) as queries:
            found = set(Person.objects.filter(bsn__among=named).values_list("bsn", flat=True))

        assert found == set(Person.objects.filter(bsn__in=named).values_list("bsn", flat=True))
        assert len(found) == (4 if surname == "B" else 0)
        shape = "= ANY(ARRAY(SELECT" if connection.vendor == "postgresql" else " IN (SELECT"
        assert shape in queries[0]["sql"]
    assert list(
        Trajectory.objects.filter(
            person__among=Person.objects.filter(pk=trajectory.person_id).values("pk")
        )
    ) == [trajectory]
    with pytest.raises(TypeError, match="any_of"):
        list(Person.objects.filter(bsn__among=bsns))
