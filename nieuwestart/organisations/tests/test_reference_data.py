"""The reference data a user relies on: every municipality, the report's prisons, old codes."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db.models import Sum

from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.organisations.selectors import (
    current_municipality_code,
    municipality_by_code,
    organisations_of_kind,
    prison_by_code,
)
from nieuwestart.organisations.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> dict[str, int]:
    return reference_data_load()


def test_all_342_municipalities_with_cbs_codes_and_population(loaded: dict[str, int]) -> None:
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    codes = list(municipalities.values_list("code", flat=True))

    assert loaded[OrganisationKind.MUNICIPALITY] == 342
    assert len(codes) == 342
    assert len(set(codes)) == 342
    assert all(re.fullmatch(r"GM\d{4}", code) for code in codes)
    assert municipalities.aggregate(total=Sum("population"))["total"] == 17_942_942
    assert not municipalities.filter(province="").exists()


def test_amsterdam_by_code() -> None:
    reference_data_load()
    amsterdam = municipality_by_code("GM0363")

    assert amsterdam is not None
    assert amsterdam.name == "Amsterdam"
    assert amsterdam.province == "Noord-Holland"
    assert amsterdam.population == 931_298


def test_unknown_or_merged_away_municipality_code_is_not_found(loaded: dict[str, int]) -> None:
    assert municipality_by_code("GM9999") is None
    # Heerhugowaard no longer exists as a municipality: mergers are not organisations.
    assert municipality_by_code("GM0398") is None
    # A prison code is not a municipality code.
    assert municipality_by_code("PI-ALMELO") is None


@pytest.mark.parametrize(
    ("code", "name", "municipality_code", "for_women"),
    [
        ("PI-ALMELO", "PI Almelo", "GM0141", False),
        ("PI-HEERHUGOWAARD", "PI Heerhugowaard", "GM1980", False),
        ("PI-ROTTERDAM-HOOGVLIET", "PI Rotterdam, locatie Hoogvliet", "GM0599", False),
        ("PI-NIEUWERSLUIS", "PI Utrecht, locatie Nieuwersluis", "GM1904", True),
        ("PI-TER-PEEL", "PI Ter Peel", "GM1507", True),
    ],
)
def test_the_five_prisons_of_the_report(
    loaded: dict[str, int], code: str, name: str, municipality_code: str, for_women: bool
) -> None:
    prison = prison_by_code(code)

    assert prison is not None
    assert prison.name == name
    assert prison.active
    assert prison.for_women is for_women
    assert municipality_by_code(municipality_code) is not None


def test_prisons_active_and_closed(loaded: dict[str, int]) -> None:
    assert loaded[OrganisationKind.PRISON] == 34
    active_codes = set(
        organisations_of_kind(OrganisationKind.PRISON).values_list("code", flat=True)
    )
    all_codes = set(
        organisations_of_kind(OrganisationKind.PRISON, active_only=False).values_list(
            "code", flat=True
        )
    )

    assert len(active_codes) == 26
    assert len(all_codes) == 34
    # A closed prison stays findable for old files, but is not offered as a current one.
    assert "PI-AMSTERDAM-OVER-AMSTEL" in all_codes - active_codes
    assert "JC-ZAANSTAD" in active_codes
    assert set(
        Organisation.objects.filter(kind=OrganisationKind.PRISON, for_women=True).values_list(
            "code", flat=True
        )
    ) == {"PI-NIEUWERSLUIS", "PI-TER-PEEL", "PI-ZWOLLE"}
    assert all(re.fullmatch(r"[A-Z0-9-]{1,32}", code) for code in all_codes)


def test_probation_organisations(loaded: dict[str, int]) -> None:
    names = dict(organisations_of_kind(OrganisationKind.PROBATION).values_list("code", "name"))

    assert names == {
        "RN": "Reclassering Nederland",
        "SVG": "Stichting Verslavingsreclassering GGZ",
        "LJR": "Stichting Leger des Heils Jeugdbescherming & Reclassering",
    }


def test_safety_houses_and_their_municipalities(loaded: dict[str, int]) -> None:
    assert loaded[OrganisationKind.SAFETY_HOUSE] == 29
    utrecht = Organisation.objects.get(code="ZVH-UTRECHT")
    guessed = Organisation.objects.get(code="ZVH-IJSSELLAND")

    stichtse_vecht = municipality_by_code("GM1904")

    assert utrecht.municipalities.count() == 26
    assert stichtse_vecht is not None
    assert stichtse_vecht.safety_house == utrecht
    # A house no source confirms is not offered as a partner.
    assert not guessed.active
    assert guessed not in organisations_of_kind(OrganisationKind.SAFETY_HOUSE)
    # Municipalities the files do not link keep no safety house and no ZVH aftercare.
    amsterdam = municipality_by_code("GM0363")
    assert amsterdam is not None
    assert amsterdam.safety_house is None
    assert not Organisation.objects.filter(aftercare_via_safety_house=True).exists()


def test_loading_again_creates_nothing_and_keeps_contact_points(loaded: dict[str, int]) -> None:
    almelo = Organisation.objects.get(code="PI-ALMELO")
    almelo.contact_phone = "0546 123 456"
    almelo.contact_email = "contact@pi-almelo.example"
    almelo.contact_hours = "ma-vr 9-17"
    almelo.name = "Naam door iemand gewijzigd"
    almelo.save()
    # An administrator links a municipality the file does not cover.
    leeuwarden = municipality_by_code("GM0080")
    assert leeuwarden is not None
    leeuwarden.safety_house = Organisation.objects.get(code="ZVH-FRYSLAN")
    leeuwarden.save()
    count_before = Organisation.objects.count()

    again = reference_data_load()

    assert again == loaded
    assert Organisation.objects.count() == count_before == 342 + 34 + 3 + 29
    almelo.refresh_from_db()
    assert almelo.contact_phone == "0546 123 456"
    assert almelo.contact_email == "contact@pi-almelo.example"
    assert almelo.contact_hours == "ma-vr 9-17"
    # Reference fields follow the file.
    assert almelo.name == "PI Almelo"
    leeuwarden.refresh_from_db()
    assert leeuwarden.safety_house is not None
    assert leeuwarden.safety_house.code == "ZVH-FRYSLAN"


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("GM0398", "GM1980"),  # Heerhugowaard -> Dijk en Waard (2022)
        ("GM0457", "GM0363"),  # Weesp -> Amsterdam (2022)
        ("GM0614", "GM1992"),  # Westvoorne -> Voorne aan Zee (2023)
        ("GM0363", "GM0363"),  # Amsterdam still exists
        ("GM0788", "GM0788"),  # Haaren was split over four municipalities: no single successor
    ],
)
def test_current_municipality_code(old: str, current: str) -> None:
    assert current_municipality_code(old) == current


def test_current_municipality_code_follows_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    from nieuwestart.organisations import selectors

    monkeypatch.setattr(
        selectors,
        "_successors",
        lambda: {"GM0001": frozenset({"GM0002"}), "GM0002": frozenset({"GM0003"})},
    )

    assert current_municipality_code("GM0001") == "GM0003"


def test_every_old_code_maps_to_an_existing_municipality(loaded: dict[str, int]) -> None:
    from nieuwestart.organisations import selectors

    for old_code in selectors._successors():
        current = current_municipality_code(old_code)
        if current != old_code:
            assert municipality_by_code(current) is not None, old_code


def test_command_prints_counts_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_reference_data")

    out = capsys.readouterr().out
    assert "342 gemeenten" in out
    assert "34 inrichtingen (26 actief)" in out
    assert "3 reclasseringsorganisaties" in out
    assert "29 zorg- en veiligheidshuizen" in out
