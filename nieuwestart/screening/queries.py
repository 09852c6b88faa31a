"""The screening's hot queries, with their SQL kept per process (`core.compiled`): read by the
screening page, the screening API and the information sheet on every request
(`selectors.screening_view`), and by every save (`services`), about half their Python time.
"""

from __future__ import annotations

from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.screening.models import Contribution, DomainAssessment, Screening

# The screening and the users and organisation its answer names.
_NAMED = ("completed_by", "updated_by", "updated_by_organisation")

SCREENING: CompiledQuery[Screening] = CompiledQuery(
    "screening of a trajectory",
    lambda trajectory_id: Screening.objects.filter(trajectory_id=trajectory_id).select_related(
        *_NAMED
    ),
)
# The same, locked for a save: only the screening's own row, not the users' and organisation's.
LOCKED_SCREENING: CompiledQuery[Screening] = CompiledQuery(
    "screening of a trajectory, locked",
    lambda trajectory_id: (
        Screening.objects.select_for_update(no_key=True, of=("self",))
        .filter(trajectory_id=trajectory_id)
        .select_related(*_NAMED)
    ),
)
ASSESSMENTS: CompiledQuery[DomainAssessment] = CompiledQuery(
    "assessments of a screening",
    lambda screening_id: (
        DomainAssessment.objects.filter(screening_id=screening_id)
        .select_related("updated_by", "updated_by_organisation")
        .order_by("pk")
    ),
)
CONTRIBUTIONS: CompiledQuery[Contribution] = CompiledQuery(
    "contributions of assessments",
    lambda assessment_ids: (
        Contribution.objects.filter(assessment_id__in=assessment_ids)
        .select_related("author", "organisation")
        .order_by("created_at", "pk")
    ),
)
