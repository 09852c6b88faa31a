"""Print a new API token for an account. Tokens are stored hashed, so each call makes a new one.

Usage: python manage.py apitoken USERNAME [--revoke-others]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nieuwestart.accounts.models import User
from nieuwestart.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Maakt een API-token voor een account en toont die één keer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--revoke-others", action="store_true", help="Trek eerdere tokens van dit account in."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Er is geen account '{options['username']}'.")
        key = api_token_create(user=user, revoke_others=options["revoke_others"])
        self.stdout.write(key)
