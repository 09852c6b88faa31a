"""Writes for organisations: loading the reference data that ships with the project.

Business rule: the reference files in `organisations/data` (sources in its README) are the
authority for the reference fields of municipalities, prisons, probation organisations and safety
houses (name, place, address, province, population, active, women's prison, source). Loading is
idempotent, keyed on `code`, and never touches a contact point (phone, e-mail, opening hours) that
an administrator or the demo data has set. Renamed or merged municipalities are not organisations:
old codes are translated by `selectors.current_municipality_code`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from nieuwestart.organisations.models import Organisation, OrganisationKind

DATA_DIR = Path(__file__).resolve().parent / "data"

MUNICIPALITIES_FILE = "gemeenten.csv"
PRISONS_FILE = "penitentiaire_inrichtingen.csv"
PROBATION_FILE = "reclassering.csv"
SAFETY_HOUSES_FILE = "zorg_veiligheidshuizen.csv"

MUNICIPALITY_SOURCE = (
    "CBS: gemeentelijke indeling 2025, inwoners per 1-1-2024 (StatLine 85984NED); "
    "zie organisations/data/README.md"
)

# Keys of the counts returned next to the per-kind totals.
ACTIVE_PRISONS = "penitentiaire-inrichting-actief"
ACTIVE_SAFETY_HOUSES = "zorg-en-veiligheidshuis-actief"
LINKED_MUNICIPALITIES = "gemeente-met-zvh"

_SOURCE_MAX = Organisation._meta.get_field("source").max_length or 500


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {key: (value or "").strip() for key, value in row.items()}


def _source(text: str) -> str:
    if len(text) <= _SOURCE_MAX:
        return text
    return text[: _SOURCE_MAX - 1].rstrip() + "…"


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _upsert(code: str, kind: str, **reference_fields: Any) -> Organisation:
    # Only reference fields go into `defaults`: contact points stay as an administrator set them.
    organisation, _created = Organisation.objects.update_or_create(
        code=code, defaults={"kind": kind, **reference_fields}
    )
    return organisation


def _load_municipalities(data_dir: Path) -> int:
    count = 0
    for row in _rows(data_dir / MUNICIPALITIES_FILE):
        _upsert(
            row["code"],
            OrganisationKind.MUNICIPALITY,
            name=row["name"],
            province=row["province"],
            population=int(row["population"]),
            active=True,
            source=MUNICIPALITY_SOURCE,
        )
        count += 1
    return count


def _load_prisons(data_dir: Path) -> tuple[int, int]:
    count = active_count = 0
    for row in _rows(data_dir / PRISONS_FILE):
        # Closed institutions stay in the list so old files keep a valid prison.
        active = not row["status"].lower().startswith("gesloten")
        _upsert(
            row["code"],
            OrganisationKind.PRISON,
            name=row["weergavenaam"],
            place=row["plaats"],
            address=row["adres"],
            for_women=row["vrouwen"].lower() == "ja",
            active=active,
            source=_source(
                f"DJI en openbare bronnen (laatst bevestigd: {row['laatst_bevestigd']}): "
                f"{row['bronnen']}"
            ),
        )
        count += 1
        active_count += active
    return count, active_count


def _load_probation(data_dir: Path) -> int:
    count = 0
    for row in _rows(data_dir / PROBATION_FILE):
        _upsert(
            row["code"],
            OrganisationKind.PROBATION,
            name=row["naam"],
            active=True,
            source=_source(f"3RO: {row['bronnen']}"),
        )
        count += 1
    return count


def _load_safety_houses(data_dir: Path) -> tuple[int, int, int]:
    count = active_count = linked = 0
    for row in _rows(data_dir / SAFETY_HOUSES_FILE):
        # A house whose existence no source confirms ("nee ...") is kept for completeness but
        # inactive, so nobody picks a guessed organisation as a partner.
        active = not row["bestaan_bevestigd"].lower().startswith("nee")
        safety_house = _upsert(
            row["code"],
            OrganisationKind.SAFETY_HOUSE,
            name=row["naam"],
            active=active,
            source=_source(
                f"Bestaan: {row['bestaan_bevestigd']}. Gemeenten: {row['gemeenten_status']}. "
                f"Bronnen: {row['bronnen'] or 'geen'}"
            ),
        )
        count += 1
        active_count += active
        municipality_codes = _split_list(row["gemeente_codes"])
        if municipality_codes:
            # Only link what the file lists; links an administrator made elsewhere stay.
            linked += Organisation.objects.filter(
                kind=OrganisationKind.MUNICIPALITY, code__in=municipality_codes
            ).update(safety_house=safety_house)
    return count, active_count, linked


@transaction.atomic
def reference_data_load(*, data_dir: Path | None = None) -> dict[str, int]:
    """Load or refresh all reference organisations; returns the number loaded per kind.

    Keys are the `OrganisationKind` values, plus `ACTIVE_PRISONS`, `ACTIVE_SAFETY_HOUSES` and
    `LINKED_MUNICIPALITIES` (municipalities linked to a safety house by the file).
    """
    directory = data_dir if data_dir is not None else DATA_DIR
    municipalities = _load_municipalities(directory)
    prisons, active_prisons = _load_prisons(directory)
    probation = _load_probation(directory)
    safety_houses, active_safety_houses, linked = _load_safety_houses(directory)
    return {
        OrganisationKind.MUNICIPALITY.value: municipalities,
        OrganisationKind.PRISON.value: prisons,
        ACTIVE_PRISONS: active_prisons,
        OrganisationKind.PROBATION.value: probation,
        OrganisationKind.SAFETY_HOUSE.value: safety_houses,
        ACTIVE_SAFETY_HOUSES: active_safety_houses,
        LINKED_MUNICIPALITIES: linked,
    }
