"""Retention terms per data category: how long after closing, and what happens then.

Rule (issue 6, item 5; docs/retention.md): the chain data of a closed trajectory is kept only as
long as needed (art. 5(1)(e) AVG, storage limitation). Each data category of the sharing policy
(`access.policy.Category`) has a term in months after the trajectory was closed and an action:

- `anonimiseren`: the personal data and free texts of the category go; what the indicators count
  (dates, statuses, kinds, organisations) stays, so the dashboards keep counting the trajectory.
- `verwijderen`: the category's rows go. For `identiteit` that is the whole trajectory, its
  indicator facts included.

The processing log has a term of its own, counted from each entry's timestamp.

The defaults below are a proposal with their grounds; the terms are to be confirmed by the
privacy officer / FG (functionaris gegevensbescherming). They are overridden per deployment with
`NIEUWESTART_BEWAARTERMIJNEN` (settings `RETENTION_TERMS`), for example
`zorginhoud=3:anonimiseren,plan=36:verwijderen`. Pure module: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from nieuwestart.access.policy import Category

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RetentionAction:
    ANONYMISE = "anonimiseren"
    DELETE = "verwijderen"
    ALL = (ANONYMISE, DELETE)


# Category codes that have data to remove. Nothing records risico, delict-en-gedrag or
# interne-notities yet (docs/access-policy.md); their terms are configured for when it does.
HANDLED: frozenset[str] = frozenset(
    {
        Category.IDENTITY,
        Category.DETENTION,
        Category.CONTACTS,
        Category.CONDITIONS,
        Category.PLAN,
        Category.CARE_DETAILS,
    }
)

# Order of processing within one trajectory: the narrow categories first, identity last (its
# `verwijderen` removes the whole trajectory).
ORDER: tuple[str, ...] = (
    Category.CARE_DETAILS,
    Category.INTERNAL_NOTES,
    Category.OFFENCE_BEHAVIOUR,
    Category.RISK,
    Category.CONDITIONS,
    Category.PLAN,
    Category.CONTACTS,
    Category.DETENTION,
    Category.IDENTITY,
)


@dataclass(frozen=True)
class RetentionRule:
    category: str
    months: int
    action: str
    # Why this term: the legal ground or the reasoning, and whether it is confirmed.
    basis: StrOrPromise
    # The default term when the deployment overrides it (shown beside the term), else None.
    default_months: int | None = None


DEFAULT_RULES: dict[str, RetentionRule] = {
    str(rule.category): rule
    for rule in (
        RetentionRule(
            Category.CARE_DETAILS,
            6,
            RetentionAction.ANONYMISE,
            _(
                "Noodzakelijkheid (art. 5 en 9 AVG): zorginhoud is alleen nodig voor de continuïteit "
                "van zorg rond de vrijlating. Aansluiting bij het inrichtingsdossier, dat zes maanden "
                "na het verblijf wordt vernietigd (art. 39 lid 4 Penitentiaire maatregel). "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.INTERNAL_NOTES,
            6,
            RetentionAction.DELETE,
            _(
                "Doelbinding (art. 5 AVG); werkaantekeningen. Wordt nog niet vastgelegd. "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.OFFENCE_BEHAVIOUR,
            6,
            RetentionAction.DELETE,
            _(
                "Strafrechtelijke gegevens (art. 10 AVG); de bron blijft het penitentiair dossier "
                "(10 jaar, art. 39 Penitentiaire maatregel). Wordt nog niet vastgelegd. "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.RISK,
            6,
            RetentionAction.DELETE,
            _(
                "Art. 18b Pbw: het signaal dient de overdracht. Wordt nog niet vastgelegd. "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.CONDITIONS,
            24,
            RetentionAction.ANONYMISE,
            _(
                "Art. 18a Pbw en art. 5 AVG: nodig voor verantwoording, klachten en de Nationale "
                "ombudsman (klacht binnen een jaar) en de inspectie. "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.PLAN,
            24,
            RetentionAction.ANONYMISE,
            _(
                "Art. 18a Pbw en art. 5 AVG, als basisvoorwaarden. Het D&R-plan zelf bewaart DJI in "
                "het penitentiair dossier (10 jaar, art. 39 Penitentiaire maatregel). "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.CONTACTS,
            24,
            RetentionAction.ANONYMISE,
            _(
                "Art. 5 AVG, als basisvoorwaarden. Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.DETENTION,
            24,
            RetentionAction.ANONYMISE,
            _(
                "Art. 18a Pbw en art. 5 AVG; data en inrichting blijven zonder persoon over voor de "
                "indicatoren. Te bevestigen door de privacy officer / FG.",
            ),
        ),
        RetentionRule(
            Category.IDENTITY,
            24,
            RetentionAction.ANONYMISE,
            _(
                "Art. 5 lid 1 onder e AVG (opslagbeperking). De detentiemelding (art. 51c Wjsg) en het "
                "penitentiair dossier (art. 39 Penitentiaire maatregel) blijven bij JustID en DJI. "
                "Te bevestigen door de privacy officer / FG.",
            ),
        ),
    )
}

LOG_BASIS = _(
    "Richtlijn (EU) 2016/680 art. 25 en art. 32 AVG vragen logging, geen vaste termijn. "
    "Standaard 60 maanden na de verwerking: lang genoeg om na de bewaartermijn van de gegevens "
    "(24 maanden) vragen van betrokkene en toezichthouder te beantwoorden. "
    "Te bevestigen door de privacy officer / FG."
)


# Import batches (`trajectories.ImportBatch`): the rows of an uploaded file of detention
# notifications are a working copy. What was accepted lives on in the trajectory (its stored
# notification); the rows themselves, rejected and duplicate ones included, are only needed
# while the administrator works through the outcome. Counted in days from the moment the batch
# was finished; an unfinished batch is never touched. Setting `RETENTION_IMPORT_DAYS`.
IMPORT_CATEGORY = "importbestanden"
DEFAULT_IMPORT_DAYS = 30
IMPORT_BASIS = _(
    "Art. 5 lid 1 onder c en e AVG (minimale gegevensverwerking, opslagbeperking). Een "
    "importbestand is een werkkopie: wat is verwerkt, staat in het traject. De regels zijn "
    "alleen nodig zolang de beheerder afgewezen regels verbetert. Er is geen wettelijke "
    "termijn. Na de termijn worden naam, BSN en data uit de regels gewist; de aantallen per "
    "uitkomst en de foutcodes blijven. Te bevestigen door de privacy officer / FG."
)

# Import batches that were never finished (the upload stopped and nobody continued it): the same
# term, counted from the batch's last visible activity (`import_batches.import_batch_last_activity`).
# Their pending rows are closed as rejected with the code `nooit_verwerkt`, then every row is
# emptied as above, and the batch counts as finished.
IMPORT_ABANDONED_CATEGORY = "onvoltooide-imports"
IMPORT_ABANDONED_BASIS = _(
    "Als bij importbestanden. Een import die niet is afgemaakt, houdt de gegevens anders voor "
    "altijd vast. Regels die nooit zijn verwerkt, worden afgesloten als 'nooit verwerkt'; "
    "daarna worden de gegevens gewist. Een import waaraan de laatste tijd is gewerkt, blijft "
    "staan. Te bevestigen door de privacy officer / FG."
)


class RetentionConfigError(ValueError):
    """The override in NIEUWESTART_BEWAARTERMIJNEN cannot be read."""


def parse_overrides(text: str) -> dict[str, tuple[int, str]]:
    """`code=months:action,...` -> {code: (months, action)}. Raises RetentionConfigError."""
    result: dict[str, tuple[int, str]] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        code, sep, value = item.partition("=")
        months_text, _sep, action = value.partition(":")
        code = code.strip()
        action = action.strip() or RetentionAction.ANONYMISE
        if not sep or code not in DEFAULT_RULES:
            raise RetentionConfigError(f"onbekende categorie in bewaartermijnen: {item!r}")
        if action not in RetentionAction.ALL:
            raise RetentionConfigError(f"onbekende actie in bewaartermijnen: {item!r}")
        try:
            months = int(months_text)
        except ValueError:
            raise RetentionConfigError(
                f"geen aantal maanden in bewaartermijnen: {item!r}"
            ) from None
        if months < 1:
            raise RetentionConfigError(f"een bewaartermijn is minstens 1 maand: {item!r}")
        result[code] = (months, action)
    return result


def rules_from(overrides: Mapping[str, tuple[int, str]]) -> dict[str, RetentionRule]:
    """The defaults with the overrides applied, in processing order."""
    rules = dict(DEFAULT_RULES)
    for code, (months, action) in overrides.items():
        rules[code] = replace(
            rules[code], months=months, action=action, default_months=rules[code].months
        )
    return {str(code): rules[code] for code in ORDER}
