"""Size class of a municipality: small below 30,000 inhabitants, large from 100,000 (settings)."""

from __future__ import annotations

from typing import Any

import pytest

from nieuwestart.organisations.models import Organisation, OrganisationKind, SizeClass
from nieuwestart.organisations.selectors import municipality_by_code
from nieuwestart.organisations.services import reference_data_load


def municipality(population: int | None) -> Organisation:
    return Organisation(kind=OrganisationKind.MUNICIPALITY, code="GM9999", population=population)


@pytest.mark.django_db
def test_real_municipalities() -> None:
    reference_data_load()
    schiermonnikoog = municipality_by_code("GM0088")
    amsterdam = municipality_by_code("GM0363")

    assert schiermonnikoog is not None
    assert schiermonnikoog.name == "Schiermonnikoog"
    assert schiermonnikoog.size_class == SizeClass.SMALL
    assert amsterdam is not None
    assert amsterdam.size_class == SizeClass.LARGE


@pytest.mark.parametrize(
    ("population", "size_class"),
    [
        (29_999, SizeClass.SMALL),
        (30_000, SizeClass.MEDIUM),
        (99_999, SizeClass.MEDIUM),
        (100_000, SizeClass.LARGE),
    ],
)
def test_default_thresholds(population: int, size_class: SizeClass) -> None:
    assert municipality(population).size_class == size_class


def test_thresholds_are_settings(settings: Any) -> None:
    settings.MUNICIPALITY_SMALL_BELOW = 40_000
    settings.MUNICIPALITY_LARGE_FROM = 50_000

    assert municipality(30_000).size_class == SizeClass.SMALL
    assert municipality(45_000).size_class == SizeClass.MEDIUM
    assert municipality(50_000).size_class == SizeClass.LARGE


def test_no_size_class_without_population_or_for_other_kinds() -> None:
    prison = Organisation(kind=OrganisationKind.PRISON, code="PI-X", population=500_000)

    assert municipality(None).size_class is None
    assert prison.size_class is None
