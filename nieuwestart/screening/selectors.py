"""Reads of the screening, shaped for screens, the API and the information sheet.

Stable interface (the information sheet and the trajectory page use it):

- `screening_view(trajectory, user) -> ScreeningView`: everything the user may see of the
  screening. Care content (category `zorginhoud`) is in it only for users who see that category
  in full; everyone else gets `DomainView.care_signal` ("zorg nodig na vrijlating") instead.
  Works without a saved screening (version 0, every domain `onbekend`).
- `status_board(trajectory) -> list[StatusItem]`: the six domains in fixed order.
- `status_boards(trajectory_ids) -> dict[int, list[StatusItem]]`: the same for a page of the
  work list, in one query. A trajectory without a screening gets six `onbekend` items.

Status and help question are category `basisvoorwaarden`, which every involved partner sees in
full, so the status board needs no user. These functions do not log: the caller's access check
(`access_trajectory`, `record_list_read`) logs the read with the right categories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from nieuwestart.accounts.models import User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.screening import queries
from nieuwestart.screening.domains import (
    SCHEMA,
    care_signal,
    display_fact,
    fact_visible,
)
from nieuwestart.screening.models import (
    Answer,
    Contribution,
    Domain,
    DomainAssessment,
    Partner,
    Screening,
    Status,
)
from nieuwestart.screening.services import care_question_visible, sees_care_details
from nieuwestart.screening.short_stay import is_short_stay, is_very_short_stay
from nieuwestart.trajectories.models import Trajectory


@dataclass(frozen=True)
class StatusItem:
    """One tile of the status board."""

    domain: str  # API code, e.g. "huisvesting"
    label: str  # "Huisvesting"
    short_label: str  # "Wonen", for the condensed row in the work list
    status: str  # "in-orde" | "aandacht" | "hulp-nodig" | "onbekend"
    status_label: str  # "Aandacht nodig"
    help_question: str = ""


@dataclass(frozen=True)
class ContributionView:
    author: str
    organisation: str
    text: str
    created_at: dt.datetime
    uuid: str = ""


@dataclass(frozen=True)
class DomainView:
    code: str
    label: str
    status: str
    status_label: str
    help_question: str
    acting_partner: str  # Partner code or ""
    acting_partner_label: str
    acting_note: str
    facts: list[tuple[str, str]]  # (label, display value), only filled facts the user may see
    fact_values: dict[str, Any]  # code -> stored value, only facts the user may see
    care_signal: bool  # care domain: care is needed after release; False for other domains
    has_hidden_facts: bool  # facts exist in this domain that the user may not see
    contributions: list[ContributionView]
    updated_by: str
    updated_by_organisation: str
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class ScreeningView:
    exists: bool
    version: int
    lvb: str  # Answer code: "ja" | "nee" | "onbekend"
    lvb_label: str
    first_detention: str
    first_detention_label: str
    short_stay: bool  # derived from the trajectory's dates, never asked
    very_short_stay: bool
    language_needs: str  # e.g. "tolk Arabisch"; "" = none
    reading_needs: bool
    own_words: str
    completed_at: dt.datetime | None
    completed_by: str
    updated_at: dt.datetime | None
    updated_by: str
    updated_by_organisation: str
    care_details_visible: bool  # the user sees care content in full
    domains: list[DomainView] = field(default_factory=list)

    def domain(self, code: str) -> DomainView:
        return next(d for d in self.domains if d.code == code)

    @property
    def care_signal(self) -> bool:
        return self.domain(Domain.CARE).care_signal


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _contribution_visible(
    contribution: Contribution, domain: str, user: User, care_details: bool
) -> bool:
    """Contributions on care may hold care content: for care readers and the author's own
    organisation only."""
    if domain != Domain.CARE or care_details:
        return True
    return contribution.organisation_id == user.organisation_id


class ScreeningRows(Protocol):
    """The screening rows a caller has already, read (`deadlines.selectors.TrajectoryRecord`
    read with `page=True`) or just stored (`services.SavedScreening`): the screening with
    `completed_by`, `updated_by` and `updated_by_organisation`, and its assessments with
    `updated_by` and `updated_by_organisation`."""

    @property
    def screening(self) -> Screening | None: ...

    @property
    def assessments(self) -> list[DomainAssessment]: ...


def screening_view(
    trajectory: Trajectory, user: User, *, rows: ScreeningRows | None = None
) -> ScreeningView:
    """Everything `user` may see of the trajectory's screening (see the module docstring).
    `rows`: the screening rows as the caller read them (then only the contributions are
    read here)."""
    care_details = sees_care_details(user)
    if rows is not None:
        screening = rows.screening
        assessments = list(rows.assessments)
    else:
        found = queries.SCREENING(trajectory.pk)
        screening = found[0] if found else None
        assessments = queries.ASSESSMENTS(screening.pk) if screening else []
    contributions: dict[int, list[Contribution]] = {a.pk: [] for a in assessments}
    if contributions:
        for contribution in queries.CONTRIBUTIONS(list(contributions)):
            contributions[contribution.assessment_id].append(contribution)
    return _screening_view(
        trajectory,
        screening,
        {a.domain: (a, contributions[a.pk]) for a in assessments},
        user,
        care_details,
    )


def _screening_view(
    trajectory: Trajectory,
    screening: Screening | None,
    assessments: dict[str, tuple[DomainAssessment, list[Contribution]]],
    user: User,
    care_details: bool,
) -> ScreeningView:
    domains = [
        _domain_view(code, *assessments.get(code, (None, [])), user=user, care_details=care_details)
        for code in SCHEMA
    ]
    answers = dict(Answer.choices)
    lvb = screening.lvb if screening else Answer.UNKNOWN
    first = screening.first_detention if screening else Answer.UNKNOWN
    return ScreeningView(
        exists=screening is not None,
        version=screening.version if screening else 0,
        lvb=lvb,
        lvb_label=str(answers[lvb]),
        first_detention=first,
        first_detention_label=str(answers[first]),
        short_stay=is_short_stay(trajectory.start_date, trajectory.expected_end_date),
        very_short_stay=is_very_short_stay(trajectory.start_date, trajectory.expected_end_date),
        language_needs=screening.language_needs if screening else "",
        reading_needs=screening.reading_needs if screening else False,
        own_words=screening.own_words if screening else "",
        completed_at=screening.completed_at if screening else None,
        completed_by=_name(screening.completed_by) if screening else "",
        updated_at=screening.updated_at if screening and screening.version else None,
        updated_by=_name(screening.updated_by) if screening else "",
        updated_by_organisation=screening.updated_by_organisation.name
        if screening and screening.updated_by_organisation
        else "",
        care_details_visible=care_details,
        domains=domains,
    )


def _domain_view(
    code: str,
    assessment: DomainAssessment | None,
    contributions_read: list[Contribution],
    *,
    user: User,
    care_details: bool,
) -> DomainView:
    """`contributions_read`: the assessment's contributions, oldest first."""
    spec = SCHEMA[code]
    stored: dict[str, Any] = dict(assessment.facts) if assessment else {}
    status = assessment.status if assessment else Status.UNKNOWN
    visible = [f for f in spec.facts if fact_visible(f, care_details=care_details)]
    partner = assessment.acting_partner if assessment else ""
    contributions = (
        [
            ContributionView(
                author=c.author.display_name,
                organisation=c.organisation.name,
                text=c.text,
                created_at=c.created_at,
                uuid=str(c.uuid),
            )
            for c in contributions_read
            if _contribution_visible(c, code, user, care_details)
        ]
        if assessment
        else []
    )
    return DomainView(
        code=code,
        label=str(spec.label),
        status=status,
        status_label=str(Status(status).label),
        help_question=(assessment.help_question if assessment else "")
        if code != Domain.CARE or care_question_visible(user)
        else "",
        acting_partner=partner,
        acting_partner_label=str(Partner(partner).label) if partner else "",
        acting_note=(assessment.acting_note if assessment else "")
        if code != Domain.CARE or care_question_visible(user)
        else "",
        facts=[
            (str(f.label), display_fact(f, stored[f.code]))
            for f in visible
            if stored.get(f.code) not in (None, "")
        ],
        fact_values={f.code: stored[f.code] for f in visible if f.code in stored},
        care_signal=code == Domain.CARE and care_signal(status, stored),
        has_hidden_facts=any(
            stored.get(f.code) not in (None, "")
            for f in spec.facts
            if not fact_visible(f, care_details=care_details)
        ),
        contributions=contributions,
        updated_by=_name(assessment.updated_by) if assessment else "",
        updated_by_organisation=assessment.updated_by_organisation.name
        if assessment and assessment.updated_by_organisation
        else "",
        updated_at=assessment.updated_at if assessment else None,
    )


@dataclass(frozen=True)
class _BoardTexts:
    """The texts of a status board in the active language, and whether the reader may see
    the care domain's help question: worked out once per list, not per row (a work list of 50
    rows has 300 tiles, each with three lazy texts)."""

    labels: dict[str, tuple[str, str]]  # domain -> (label, short label)
    status_labels: dict[str, str]
    care_visible: bool


def _board_texts(user: User | None) -> _BoardTexts:
    return _BoardTexts(
        labels={code: (str(spec.label), str(spec.short_label)) for code, spec in SCHEMA.items()},
        status_labels={str(status.value): str(status.label) for status in Status},
        care_visible=care_question_visible(user),
    )


def _items(statuses: dict[str, tuple[str, str]], texts: _BoardTexts) -> list[StatusItem]:
    items = []
    for code, (label, short_label) in texts.labels.items():
        status, help_question = statuses.get(code, (Status.UNKNOWN, ""))
        if code == Domain.CARE and not texts.care_visible:
            help_question = ""
        items.append(
            StatusItem(
                domain=code,
                label=label,
                short_label=short_label,
                status=status,
                status_label=texts.status_labels[status],
                help_question=help_question,
            )
        )
    return items


def status_board(
    trajectory: Trajectory,
    user: User | None = None,
    *,
    assessments: Iterable[DomainAssessment] | None = None,
) -> list[StatusItem]:
    """The six domains of one trajectory, in fixed order, with status and help question
    (the care domain's help question only for `care_question_visible(user)`).
    `assessments`: the trajectory's domain assessments, already read by the caller."""
    if assessments is not None:
        statuses = {a.domain: (a.status, a.help_question) for a in assessments}
        return _items(statuses, _board_texts(user))
    return status_boards([trajectory.pk], user=user)[trajectory.pk]


# A page of the work list: the SQL is kept per process (core.compiled).
_BOARD_ROWS: CompiledQuery[tuple[int, str, str, str]] = CompiledQuery(
    "status board rows",
    lambda ids: DomainAssessment.objects.filter(screening__trajectory_id__in=ids).values_list(
        "screening__trajectory_id", "domain", "status", "help_question"
    ),
)


def status_boards(
    trajectory_ids: Iterable[int], *, user: User | None = None
) -> dict[int, list[StatusItem]]:
    """Status boards for many trajectories (a page of the work list) in one query."""
    ids = list(trajectory_ids)
    rows = _BOARD_ROWS(ids) if ids else []
    found: dict[int, dict[str, tuple[str, str]]] = {}
    for trajectory_id, domain, status, help_question in rows:
        found.setdefault(trajectory_id, {})[domain] = (status, help_question)
    texts = _board_texts(user)
    return {pk: _items(found.get(pk, {}), texts) for pk in ids}


def flag_labels(view: ScreeningView, *, include_stay: bool = True) -> list[str]:
    """The flags that are set, as short Dutch texts, e.g. for the information sheet."""
    labels: list[str] = []
    if view.lvb == Answer.YES:
        labels.append(_("Licht verstandelijke beperking (LVB)"))
    if include_stay and view.very_short_stay:
        labels.append(_("Zeer kort verblijf (minder dan 28 dagen)"))
    elif include_stay and view.short_stay:
        labels.append(_("Kort verblijf (minder dan 3 maanden)"))
    if view.first_detention == Answer.YES:
        labels.append(_("Eerste detentie"))
    if view.language_needs:
        labels.append(_("Taal: %(needs)s") % {"needs": view.language_needs})
    if view.reading_needs:
        labels.append(_("Moeite met lezen"))
    return labels
