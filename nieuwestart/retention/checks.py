"""System check: the retention settings can be read and respect the database's limits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from nieuwestart.retention.categories import RetentionConfigError, parse_overrides
from nieuwestart.retention.import_batches import import_term_days

# Twelve calendar months are always at least 365 days (the database's floor), and fewer never are.
MINIMUM_LOG_MONTHS = 12


@register()
def retention_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    try:
        parse_overrides(settings.RETENTION_TERMS)
    except RetentionConfigError as error:
        errors.append(Error(f"NIEUWESTART_BEWAARTERMIJNEN: {error}", id="retention.E001"))
    if settings.RETENTION_LOG_MONTHS < MINIMUM_LOG_MONTHS:
        errors.append(
            Error(
                "NIEUWESTART_BEWAARTERMIJN_LOG_MAANDEN moet minstens 12 zijn: de database "
                "weigert jongere verwerkingen te verwijderen (audit-migratie 0003).",
                id="retention.E002",
            )
        )
    if settings.RETENTION_NOTICE_DAYS < 1:
        errors.append(
            Error(
                "NIEUWESTART_BEWAARTERMIJN_AANKONDIGING_DAGEN moet minstens 1 zijn.",
                id="retention.E003",
            )
        )
    if import_term_days() < 1:
        errors.append(
            Error(
                "NIEUWESTART_BEWAARTERMIJN_IMPORT_DAGEN moet minstens 1 zijn.",
                id="retention.E004",
            )
        )
    return errors
