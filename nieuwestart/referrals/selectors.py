"""Reads of referrals, as the reader may see them.

Rules (docs/referrals.md):
- Housing, supervision and other referrals belong to category `basisvoorwaarden`: every involved
  partner sees them in full.
- A referral that serves care (kinds "zorg" and "behandeling", or "anders" for the care
  condition) reveals care content (`zorginhoud`). A reader without full care visibility (the PI
  casemanager, the municipality: `Visibility.SIGNAL`) sees only that a care referral runs, its
  status and its dates ("Zorg of behandeling: verwijzing loopt, verwachte start ..."): not the
  exact kind, the provider, the place or the note, also not when their own organisation
  registered it.
- Showing care content is logged as a read of `zorginhoud` (the trajectory page's own read row
  names `basisvoorwaarden`).
- Lists are read in one query per list, whatever their length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import may, visible_open_trajectories
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.referrals import waiting
from nieuwestart.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from nieuwestart.referrals.services import PURPOSE, sees_care_content
from nieuwestart.trajectories.models import Phase, Trajectory

AFTER_RELEASE = frozenset({Phase.AFTER_RELEASE, Phase.CLOSED})
FAR_FUTURE = dt.date.max


@dataclass(frozen=True)
class ReferralView:
    """One referral for one reader. `hidden`: care content left out (provider, note, kind)."""

    uuid: UUID
    kind: str | None
    kind_label: str
    condition: str
    condition_label: str
    provider: str | None
    provider_city: str | None
    note: str | None
    referred_on: dt.date
    expected_start: dt.date | None
    actual_start: dt.date | None
    status: str
    status_label: str
    organisation_code: str
    organisation_name: str
    version: int
    hidden: bool
    is_open: bool
    assessment: waiting.Assessment

    @property
    def badge(self) -> str:
        """The status badge (core/templatetags/ns_components.py): icon and text, never colour only."""
        if self.status == ReferralStatus.STARTED:
            return "in-orde"
        if not self.is_open:
            return "onbekend"
        if self.assessment.at_risk:
            return "hulp-nodig"
        return "aandacht" if self.assessment.signals else "onbekend"

    @property
    def summary(self) -> str:
        """One line, as a signal reader would say it."""
        if self.is_open and self.expected_start is not None:
            return _("%(kind)s: verwijzing loopt, verwachte start %(date)s") % {
                "kind": self.kind_label,
                "date": date_format(self.expected_start, "j F Y"),
            }
        if self.is_open:
            return _("%(kind)s: verwijzing loopt, verwachte start nog onbekend") % {
                "kind": self.kind_label
            }
        return f"{self.kind_label}: {self.status_label.lower()}"


@dataclass(frozen=True)
class WaitingItem:
    """A row of the waiting lists: a trajectory and one of its open referrals."""

    trajectory: Trajectory
    referral: ReferralView


def release_facts(trajectory: Trajectory, today: dt.date) -> tuple[dt.date | None, bool]:
    """The release date (actual, else expected) and whether the person is out already."""
    release = trajectory.end_date or trajectory.expected_end_date
    return release, waiting.is_released(release, trajectory.phase in AFTER_RELEASE, today)


def referral_view(
    referral: Referral, trajectory: Trajectory, user: User, today: dt.date
) -> ReferralView:
    release, released = release_facts(trajectory, today)
    assessment = waiting.assess(
        waiting.WaitFacts(
            kind=referral.kind,
            status=referral.status,
            referred_on=referral.referred_on,
            expected_start=referral.expected_start,
            actual_start=referral.actual_start,
            release_date=release,
            released=released,
        ),
        today,
    )
    hidden = referral.is_care and not sees_care_content(user)
    return ReferralView(
        uuid=referral.uuid,
        kind=None if hidden else referral.kind,
        kind_label=_("Zorg of behandeling") if hidden else referral.get_kind_display(),
        condition=referral.condition,
        condition_label=referral.get_condition_display(),
        provider=None if hidden else referral.provider,
        provider_city=None if hidden else referral.provider_city,
        note=None if hidden else referral.note,
        referred_on=referral.referred_on,
        expected_start=referral.expected_start,
        actual_start=referral.actual_start,
        status=referral.status,
        status_label=referral.get_status_display(),
        organisation_code=referral.organisation.code,
        organisation_name=referral.organisation.name,
        version=referral.version,
        hidden=hidden,
        is_open=referral.is_open,
        assessment=assessment,
    )


def _sort_key(view: ReferralView) -> tuple[Any, ...]:
    """Open first, most urgent first; then soonest expected start; closed ones newest first."""
    if view.is_open:
        return (0, view.assessment.rank, view.expected_start or FAR_FUTURE, view.referred_on)
    return (1, 0, FAR_FUTURE, -view.referred_on.toordinal())


# The trajectory page's block: the SQL is kept per process (core.compiled).
_REFERRALS: CompiledQuery[Referral] = CompiledQuery(
    "referrals of a trajectory",
    lambda trajectory_id: Referral.objects.filter(trajectory_id=trajectory_id).select_related(
        "organisation"
    ),
)


def referrals_for(
    trajectory: Trajectory, user: User, today: dt.date | None = None
) -> list[ReferralView]:
    """All referrals of one trajectory, for this reader, most urgent first (one query)."""
    today = today or timezone.localdate()
    views = [referral_view(r, trajectory, user, today) for r in _REFERRALS(trajectory.pk)]
    return sorted(views, key=_sort_key)


def referral_for(trajectory: Trajectory, referral_id: UUID | str) -> Referral | None:
    try:
        return (
            Referral.objects.select_related("organisation")
            .filter(trajectory=trajectory, uuid=referral_id)
            .first()
        )
    except ValueError:
        return None


def shows_care_content(views: list[ReferralView]) -> bool:
    return any(v.condition == "zorg" and not v.hidden for v in views)


def log_care_read(user: User, trajectory: Trajectory, *, channel: str) -> None:
    """Showing the provider or note of a care referral is a read of care content."""
    log_processing(
        actor=user,
        action=LogAction.READ,
        categories=[Category.CONDITIONS.value, Category.CARE_DETAILS.value],
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
    )


def trajectory_block(trajectory: Trajectory, user: User) -> dict[str, Any]:
    """Context of `referrals/_trajectory_block.html` on the trajectory page (keys prefixed `referrals_`)."""
    views = referrals_for(trajectory, user)
    if shows_care_content(views):
        log_care_read(user, trajectory, channel=Channel.WEB)
    return {
        "referrals_list": views,
        "referrals_at_risk": sum(1 for v in views if v.assessment.at_risk),
        "referrals_can_edit": may(user, Action.REFERRAL_EDIT) and trajectory.is_open,
        "referrals_long_wait_weeks": waiting.LONG_WAIT_DAYS // 7,
        "referrals_release_near_weeks": waiting.RELEASE_NEAR_DAYS // 7,
    }


# --- The waiting lists of an organisation (worklists) ----------------------------------------


def _open_referrals(user: User) -> QuerySet[Referral]:
    trajectories = visible_open_trajectories(user)
    return (
        Referral.objects.filter(status__in=OPEN_STATUSES, trajectory__in=trajectories)
        .select_related("trajectory", "trajectory__person", "organisation")
        .order_by("pk")
    )


def waiting_list(user: User, today: dt.date | None = None) -> list[WaitingItem]:
    """Open referrals of the open trajectories the user's organisation sees, riskiest first:
    released without a place, then a release without a place that threatens (soonest release
    first), then a passed expected start, then long waits. One query."""
    today = today or timezone.localdate()
    items = [
        WaitingItem(trajectory=r.trajectory, referral=referral_view(r, r.trajectory, user, today))
        for r in _open_referrals(user)
    ]
    items.sort(
        key=lambda i: (
            i.referral.assessment.rank,
            i.referral.assessment.release_date or FAR_FUTURE,
            i.referral.expected_start or FAR_FUTURE,
            i.referral.referred_on,
            i.trajectory.person.surname,
            i.trajectory.pk,
        )
    )
    return items
