"""The notification scheduler: run it every few minutes from cron or a systemd timer.

One run derives new notifications, queues at most one digest e-mail per user per day and
delivers the outbox. Running it twice creates and sends nothing twice (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nieuwestart.notify.services import scheduler_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ongeldige datum {value!r}: gebruik JJJJ-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Maakt nieuwe berichten, zet het dagelijkse e-mailoverzicht klaar en verstuurt de "
        "e-mail uit de wachtrij. Twee keer draaien verstuurt niets twee keer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--datum",
            type=_date,
            default=None,
            help="Reken alsof het deze dag is (JJJJ-MM-DD); voor tests en de demo.",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--alleen-bezorgen",
            action="store_true",
            help="Alleen e-mail uit de wachtrij versturen; geen nieuwe berichten maken.",
        )
        group.add_argument(
            "--niet-bezorgen",
            action="store_true",
            help="Wel berichten en e-mailoverzichten maken, maar nog niets versturen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["datum"] or timezone.localdate()
        summary = scheduler_run(
            today=today,
            derive=not options["alleen_bezorgen"],
            deliver=not options["niet_bezorgen"],
        )
        if not options["alleen_bezorgen"]:
            self.stdout.write(
                f"{today:%d-%m-%Y}: {summary.notifications} nieuwe berichten voor "
                f"{summary.users} gebruikers; {summary.digests} e-mailoverzichten klaargezet."
            )
        delivery = summary.delivery
        if not options["niet_bezorgen"]:
            self.stdout.write(
                f"E-mail: {delivery.sent} verstuurd, {delivery.failed} mislukt (later opnieuw), "
                f"{delivery.waiting} in de wachtrij."
            )
