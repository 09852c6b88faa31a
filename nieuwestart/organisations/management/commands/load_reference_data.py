"""Load or refresh the reference organisations from organisations/data (safe to run again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.organisations.services import (
    ACTIVE_PRISONS,
    ACTIVE_SAFETY_HOUSES,
    reference_data_load,
)


class Command(BaseCommand):
    help = (
        "Laadt gemeenten, penitentiaire inrichtingen, reclasseringsorganisaties en zorg- en "
        "veiligheidshuizen uit organisations/data. Contactpunten blijven ongewijzigd."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Map met de CSV-bestanden (standaard: organisations/data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_data_load(data_dir=options["data_dir"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts[OrganisationKind.MUNICIPALITY]} gemeenten, "
                f"{counts[OrganisationKind.PRISON]} inrichtingen "
                f"({counts[ACTIVE_PRISONS]} actief), "
                f"{counts[OrganisationKind.PROBATION]} reclasseringsorganisaties, "
                f"{counts[OrganisationKind.SAFETY_HOUSE]} zorg- en veiligheidshuizen "
                f"({counts[ACTIVE_SAFETY_HOUSES]} actief)"
            )
        )
