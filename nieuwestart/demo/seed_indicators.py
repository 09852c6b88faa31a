"""Demo indicators: the two accounts that see them, and the facts of every demo trajectory.

- `mt.almelo`: management of PI Almelo (sees its own PI's figures).
- `keten`: the chain-wide role (DJI head office, the inspectorate), in the chain organisation
  `KETEN-ANALYSE`.
Both with password "demo", like the other demo accounts. Then the indicator facts are
refreshed, as the nightly job would. Idempotent: running it again adds nothing.
"""

from __future__ import annotations

from django.db import transaction

from nieuwestart.accounts.models import Role, User
from nieuwestart.indicators.services import indicator_facts_refresh
from nieuwestart.organisations.models import Organisation, OrganisationKind

CHAIN_ORGANISATION = (
    "KETEN-ANALYSE",
    "DJI hoofdkantoor en Inspectie (ketenbreed)",
    "088 000 1003",
    "ketenanalyse@nieuwestart.example",
)
ACCOUNTS: list[tuple[str, str, str, str, str]] = [
    ("mt.almelo", "PI-ALMELO", Role.MANAGEMENT, "Wilma", "Ter Horst"),
    ("keten", "KETEN-ANALYSE", Role.CHAIN_ANALYST, "Olaf", "Brouwer"),
]


@transaction.atomic
def _accounts() -> int:
    code, name, phone, email = CHAIN_ORGANISATION
    Organisation.objects.get_or_create(
        code=code,
        defaults={
            "kind": OrganisationKind.CHAIN,
            "name": name,
            "contact_phone": phone,
            "contact_email": email,
            "contact_hours": "ma-vr 9.00-17.00",
        },
    )
    created = 0
    for username, org_code, role, first, last in ACCOUNTS:
        user, new = User.objects.get_or_create(
            username=username,
            defaults={
                "organisation": Organisation.objects.get(code=org_code),
                "role": role,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.example",
            },
        )
        if new:
            user.set_password("demo")
            user.save(update_fields=["password"])
            created += 1
    return created


def seed_indicators() -> dict[str, int]:
    return {"accounts": _accounts(), "facts": indicator_facts_refresh()}
