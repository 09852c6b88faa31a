"""Writes on accounts: API tokens and demo/test accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from nieuwestart.accounts.models import ApiToken, User, hash_token


@transaction.atomic
def api_token_create(*, user: User, revoke_others: bool = False) -> str:
    """Create a token and return it; only its hash is stored."""
    if revoke_others:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, key_hash=hash_token(key), prefix=key[:8])
    return key
