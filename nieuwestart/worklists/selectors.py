"""Work lists: what is due, for me and for my organisation, and what nobody has picked up yet.

Rules (issue 4, item 2; DOMAIN.md, "The timeline the partners agreed"):
- Everything starts from the access chokepoint's `visible_trajectories(user)`: an uninvolved
  organisation sees nothing and counts nothing.
- A user sees the open and late deadlines their own kind of partner is responsible for: a PI
  sees "inrichting", probation "reclassering", a municipality or its safety house "gemeente".
- "For me" is the trajectories where the user is an active assignee; "for my organisation" is
  every open trajectory the organisation is involved in. Sorted by due date, so late items
  (the earliest due dates) come first, and each late item is marked as late.
- The municipality's central inbox lists the open trajectories of its municipality that have no
  active aftercare coordinator yet, longest waiting first, with whether the information sheet
  was received and acknowledged.
- The waiting lists ("Wachtlijsten") show the open referrals of the open trajectories the
  organisation sees, riskiest first (a release without a place first), with care referrals
  reduced to a signal for readers who do not see care content (`referrals.selectors`).
- A late deadline escalates after a grace period (working days, `DeadlineConfig`): to the PI's
  staffunctionaris for PI deadlines, to the municipality's aftercare coordinators and process
  directors (the contact point) for municipal deadlines.

Deadlines are computed by `nieuwestart.deadlines` for all listed trajectories at once, from
the trajectories the list query read (`trajectory_records`, `deadlines_for_records`), so a list
costs a fixed number of queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.access.trajectories import visible_trajectories
from nieuwestart.accounts.models import Role, User
from nieuwestart.deadlines.selectors import Terms, deadlines_for_records, terms, trajectory_records
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.referrals.selectors import WaitingItem, waiting_list
from nieuwestart.trajectories.models import Assignment, Phase, Trajectory

OPEN = "open"
LATE = "te-laat"
DUE_STATUSES = frozenset({OPEN, LATE})
DEFAULT_GRACE_WORKING_DAYS = 3

# Which deadlines are "ours": organisation kind -> the deadline's `responsible` value.
RESPONSIBLE_FOR_KIND: dict[str, str] = {
    OrganisationKind.PRISON: "inrichting",
    OrganisationKind.PROBATION: "reclassering",
    OrganisationKind.MUNICIPALITY: "gemeente",
    OrganisationKind.SAFETY_HOUSE: "gemeente",
}
MUNICIPAL_KINDS = frozenset({OrganisationKind.MUNICIPALITY, OrganisationKind.SAFETY_HOUSE})
# The role that carries a trajectory for each kind of partner: the "who" of a work-list row.
LEAD_ROLE_FOR_KIND: dict[str, str] = {
    OrganisationKind.PRISON: Role.CASEMANAGER,
    OrganisationKind.PROBATION: Role.PROBATION_OFFICER,
    OrganisationKind.MUNICIPALITY: Role.AFTERCARE_COORDINATOR,
    OrganisationKind.SAFETY_HOUSE: Role.AFTERCARE_COORDINATOR,
}
MUNICIPAL_CONTACT_ROLES = frozenset({Role.AFTERCARE_COORDINATOR, Role.PROCESS_DIRECTOR})


class Deadline(Protocol):
    """The part of `nieuwestart.deadlines.selectors.DeadlineView` the work lists read."""

    code: str
    label: str
    due: dt.date
    status: str
    status_label: str
    explanation: str
    responsible: str
    days_left: int | None


DeadlinesOf = Callable[[list[Trajectory], dt.date, Terms | None], dict[int, list[Any]]]


def _deadlines_of(
    trajectories: list[Trajectory], today: dt.date, current: Terms | None
) -> dict[int, list[Any]]:
    """Deadlines of the listed trajectories, from the rows the list query read."""
    records = trajectory_records(trajectories).values()
    return deadlines_for_records(records, today, terms_=current)


def _deadlines_source() -> DeadlinesOf:
    """Where the work lists get their deadlines (the tests put a fixed set in its place)."""
    return _deadlines_of


def grace_working_days() -> int:
    """Working days a deadline may be late before it escalates (administrator setting)."""
    return int(terms().settings.escalation_grace_working_days)


@dataclass(frozen=True)
class DueItem:
    """One row of a work list: a trajectory and one deadline that is due or late."""

    trajectory: Trajectory
    deadline: Deadline
    assignee: User | None

    @property
    def is_late(self) -> bool:
        return self.deadline.status == LATE

    @property
    def working_days_late(self) -> int:
        days_left = self.deadline.days_left
        return -days_left if days_left is not None and days_left < 0 else 0


@dataclass(frozen=True)
class InboxItem:
    """A trajectory the municipality has not picked up yet."""

    trajectory: Trajectory
    sheet_received: bool
    sheet_acknowledged: bool


def responsible_code(user: User) -> str | None:
    if user.organisation is None:
        return None
    return RESPONSIBLE_FOR_KIND.get(user.organisation.kind)


def is_municipal(user: User) -> bool:
    return (
        user.organisation is not None
        and user.organisation.kind in MUNICIPAL_KINDS
        and user.role in CASE_ROLES
    )


def is_escalation_receiver(user: User) -> bool:
    """The PI's staffunctionaris, or a municipality's contact point (coordinator, director)."""
    if user.organisation is None or user.role not in CASE_ROLES:
        return False
    if user.organisation.kind == OrganisationKind.PRISON:
        return user.role == Role.STAFF_OFFICER
    return user.organisation.kind in MUNICIPAL_KINDS and user.role in MUNICIPAL_CONTACT_ROLES


def _open_trajectories(user: User) -> QuerySet[Trajectory]:
    if user.organisation_id is None:
        return Trajectory.objects.none()
    return (
        visible_trajectories(user)
        .exclude(phase=Phase.CLOSED)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(
                    active=True, organisation_id=user.organisation_id
                ).select_related("user"),
                to_attr="own_assignments",
            )
        )
    )


def _assignee(trajectory: Trajectory, user: User) -> User | None:
    assert user.organisation is not None
    role = LEAD_ROLE_FOR_KIND.get(user.organisation.kind)
    own: list[Assignment] = trajectory.own_assignments  # type: ignore[attr-defined]
    by_role = {a.role: a.user for a in own}
    if role in by_role:
        return by_role[role]
    return own[0].user if own else None


def _due_items(
    user: User,
    trajectories: QuerySet[Trajectory],
    today: dt.date,
    keep: Callable[[Deadline], bool],
    *,
    current: Terms | None = None,
) -> list[DueItem]:
    """The deadlines that `keep` keeps, of the trajectories, sorted by due date. The
    deadlines are computed from the trajectories as the list query read them (no second
    read), with the terms read once (`current`, else here)."""
    if responsible_code(user) is None:
        return []
    rows = list(trajectories)
    if not rows:
        return []
    deadlines = _deadlines_source()(rows, today, current)
    items: list[DueItem] = []
    for t in rows:
        kept = [d for d in deadlines.get(t.pk, []) if d.status in DUE_STATUSES and keep(d)]
        if kept:
            assignee = _assignee(t, user)  # once per trajectory, not per deadline
            items.extend(DueItem(trajectory=t, deadline=d, assignee=assignee) for d in kept)
    items.sort(key=lambda i: (i.deadline.due, i.trajectory.person.surname, i.trajectory.pk))
    return items


def _ours(user: User) -> Callable[[Deadline], bool]:
    responsible = responsible_code(user)
    return lambda deadline: deadline.responsible == responsible


def due_for_user(user: User, today: dt.date) -> list[DueItem]:
    """Open and late deadlines of our kind on the trajectories the user is assigned to."""
    mine = Assignment.objects.filter(trajectory=OuterRef("pk"), user=user, active=True)
    return _due_items(user, _open_trajectories(user).filter(Exists(mine)), today, _ours(user))


def due_for_organisation(user: User, today: dt.date) -> list[DueItem]:
    """Open and late deadlines of our kind on every open trajectory our organisation is in."""
    return _due_items(user, _open_trajectories(user), today, _ours(user))


def escalations(user: User, today: dt.date) -> list[DueItem]:
    """Deadlines of our kind that are late by more working days than the grace period; for
    a PI also every late reaction of a municipality to the information sheet."""
    if not is_escalation_receiver(user):
        return []
    current = terms()
    grace = current.settings.escalation_grace_working_days
    ours = _ours(user)
    # A municipality that does not react to the information sheet is the PI's signal.
    pi = responsible_code(user) == "inrichting"

    def escalated(deadline: Deadline) -> bool:
        days_left = deadline.days_left
        if ours(deadline):
            return deadline.status == LATE and days_left is not None and -days_left > grace
        return (
            pi
            and deadline.responsible == "gemeente"
            and deadline.code == NO_REACTION
            and deadline.status == LATE
        )

    items = _due_items(user, _open_trajectories(user), today, escalated, current=current)
    # Ours before the municipality's on the same day, as the staffunctionaris reads them.
    items.sort(
        key=lambda i: (
            i.deadline.due,
            i.trajectory.person.surname,
            i.trajectory.pk,
            not ours(i.deadline),
        )
    )
    return items


NO_REACTION = "gemeente-reactie"


def municipality_inbox(user: User) -> list[InboxItem]:
    """Open trajectories of the municipality without an aftercare coordinator, oldest first."""
    if not is_municipal(user):
        return []
    coordinator = Assignment.objects.filter(
        trajectory=OuterRef("pk"), role=Role.AFTERCARE_COORDINATOR, active=True
    )
    sheets = InfoSheet.objects.filter(trajectory=OuterRef("pk"), recipient_id=user.organisation_id)
    qs = (
        visible_trajectories(user)
        .exclude(phase=Phase.CLOSED)
        .exclude(Exists(coordinator))
        .select_related("person", "prison")
        .annotate(
            sheet_received=Exists(sheets),
            sheet_acknowledged=Exists(sheets.filter(acknowledged_at__isnull=False)),
        )
        .order_by("start_date", "person__surname", "pk")
    )
    return [
        InboxItem(
            trajectory=t,
            sheet_received=t.sheet_received,
            sheet_acknowledged=t.sheet_acknowledged,
        )
        for t in qs
    ]


def unique_trajectories(items: list[DueItem]) -> list[Trajectory]:
    """Each trajectory once, for the processing log: one row per trajectory shown."""
    seen: dict[int, Trajectory] = {}
    for item in items:
        seen.setdefault(item.trajectory.pk, item.trajectory)
    return list(seen.values())


def waiting_lists(user: User, today: dt.date) -> list[WaitingItem]:
    """Open referrals of every open trajectory the organisation sees, riskiest first."""
    if user.organisation_id is None or user.role not in CASE_ROLES:
        return []
    return waiting_list(user, today)


def waiting_log_groups(items: list[WaitingItem]) -> tuple[list[Trajectory], list[Trajectory]]:
    """Each trajectory once, for the log: (without care content shown, with care content)."""
    plain: dict[int, Trajectory] = {}
    care: dict[int, Trajectory] = {}
    for item in items:
        if item.referral.condition == "zorg" and not item.referral.hidden:
            care.setdefault(item.trajectory.pk, item.trajectory)
    for item in items:
        if item.trajectory.pk not in care:
            plain.setdefault(item.trajectory.pk, item.trajectory)
    return list(plain.values()), list(care.values())
