"""Load the demo data set (demo mode only). Safe to run again: nothing is duplicated."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nieuwestart.demo.services import DEMO_ACCOUNTS, demo_data_load


class Command(BaseCommand):
    help = "Laadt de demogegevens: organisaties met contactpunten, accounts en trajecten."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trajecten", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demogegevens horen alleen in een demo-omgeving. Zet NIEUWESTART_DEMO=1."
            )
        counts = demo_data_load(trajectories=options["trajecten"])
        self.stdout.write(
            f"Demogegevens geladen: {counts['trajectories']} trajecten, "
            f"{counts['accounts']} accounts."
        )
        self.stdout.write("")
        self.stdout.write("Demo-accounts (wachtwoord: demo):")
        for username, _org, role, _first, _last in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<20} {role}")
