"""Jan de Vries's case for the information sheet tests: the texts entered, and small helpers.

The texts are what Alice (PI), Bob (probation) and the plan record in `conftest.filled`. Some of
them must never reach the municipality: the addiction, the care contribution, the care task's
content and the behaviour goal.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

OWN_WORDS = "Ik wil een eigen huis en weer werken in de bouw."
ADDICTION = "Cocaïneverslaving, in behandeling bij Tactus"
CARE_CONTRIBUTION = "Gebruikt al jaren cocaïne; intake bij de verslavingskliniek gepland"
BEHAVIOUR_GOAL = "Agressieregulatietraining afronden na het geweldsdelict"
CARE_TASK = "Aanmelden bij Tactus verslavingszorg"
HELP_ID = "ID-kaart verlopen: nieuwe ID-kaart aanvragen bij de gemeente voor de vrijlating."
HELP_HOUSING = "Huur doorbetalen tijdens detentie, zodat hij de huurwoning houdt."
HELP_INCOME = "Bijstand aanvragen zodat die ingaat op de dag van vrijlating."
HELP_CARE = "Doorverwijzing naar de verslavingszorg regelen"
MUNICIPAL_TASK = "Bijstandsaanvraag voorbereiden met Jan"
DETAINEE_TASK = "Pasfoto laten maken in de inrichting"
DETAINEE_DUE = dt.date(2027, 1, 12)


def screen(actor: Any, trajectory: Any, **domains: dict[str, Any]) -> Any:
    """Save the screening as `actor` with Jan's flags and the given domains."""
    from nieuwestart.screening.models import Screening
    from nieuwestart.screening.services import screening_update

    current = Screening.objects.filter(trajectory=trajectory).first()
    return screening_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=current.version if current else 0,
        lvb="ja",
        first_detention="ja",
        language_needs="",
        reading_needs=True,
        own_words=OWN_WORDS,
        domains=domains,
    )


def pdf_text(content: bytes) -> str:
    """All text of a PDF, as a reader (or a screen reader) gets it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
