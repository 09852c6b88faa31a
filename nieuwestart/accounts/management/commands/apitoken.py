"""Print a new API token for an account, creating the account if needed.

Usage:
    python manage.py apitoken USERNAME                       # existing account
    python manage.py apitoken USERNAME --organisatie JUSTID --rol systeem   # create it first

Tokens are stored as a hash, so each call makes a new token and prints it once; earlier tokens
stay valid unless --revoke-others is given.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from nieuwestart.accounts.models import Role, User
from nieuwestart.accounts.services import api_token_create
from nieuwestart.organisations.models import Organisation


class Command(BaseCommand):
    help = "Maakt een API-token voor een account (en zo nodig het account) en toont die één keer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--organisatie", help="Code van de organisatie, bij een nieuw account.")
        parser.add_argument("--rol", choices=Role.values, help="Rol, bij een nieuw account.")
        parser.add_argument(
            "--revoke-others", action="store_true", help="Trek eerdere tokens van dit account in."
        )

    @transaction.atomic  # a new account and its token, or neither
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            if not (options["organisatie"] and options["rol"]):
                raise CommandError(
                    f"Er is geen account '{username}'. Geef --organisatie en --rol mee om het "
                    "aan te maken."
                )
            organisation = Organisation.objects.filter(code=options["organisatie"]).first()
            if organisation is None:
                raise CommandError(f"Er is geen organisatie met code '{options['organisatie']}'.")
            user = User.objects.create_user(
                username=username, organisation=organisation, role=options["rol"]
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self.stderr.write(f"Account '{username}' aangemaakt ({organisation.name}).")
        key = api_token_create(user=user, revoke_others=options["revoke_others"])
        self.stdout.write(key)
