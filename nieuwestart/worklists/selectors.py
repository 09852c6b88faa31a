"""Work lists: what is due, for me and for my organisation, and what nobody has picked up yet.

Rules (issue 4, item 2; DOMAIN.md, "The timeline the partners agreed"):
- Everything starts from the access chokepoint (`visible_open_trajectories(user)`): an uninvolved
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

The deadlines come from the stored index of open deadlines (`nieuwestart.deadlines.index`),
recomputed by the rules first where it is stale, so a list costs a fixed number of queries
whatever its length, and an organisation's list does not compute hundreds of trajectories'
deadlines on every request. Only the rows of the page shown read their trajectory (`DueList`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, overload

from django.db.models import Exists, OuterRef, QuerySet

from nieuwestart.access.policy import CASE_ROLES
from nieuwestart.access.trajectories import visible_open_trajectories
from nieuwestart.accounts.models import Role, User
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.deadlines import index
from nieuwestart.deadlines.selectors import Terms, terms
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.referrals.selectors import WaitingItem, waiting_list
from nieuwestart.trajectories.models import Assignment, Trajectory

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
    """What a work list reads of a deadline (`deadlines.index.IndexedDeadline`)."""

    code: str
    label: str
    due: dt.date
    status: str
    status_label: str
    responsible: str
    days_left: int | None


# (trajectory ids, today, terms, released per id, kinds of partner) -> deadlines per id.
DeadlinesOf = Callable[
    [list[int], dt.date, Terms, dict[int, bool], Collection[str]], dict[int, list[Any]]
]


def _deadlines_of(
    ids: list[int],
    today: dt.date,
    current: Terms,
    released: dict[int, bool],
    responsible: Collection[str],
) -> dict[int, list[Any]]:
    """The open deadlines of the listed trajectories, from the stored index (recomputed
    first where it is stale, `deadlines.index`)."""
    rows = index.open_deadlines(ids, today, current, responsible=responsible)
    views = index.Views(today, current, (due for found in rows.values() for _, _, due in found))
    return {
        pk: [views.view(row, is_released=released[pk]) for row in found]
        for pk, found in rows.items()
    }


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


def _assignee(trajectory: Trajectory, user: User) -> User | None:
    assert user.organisation is not None
    role = LEAD_ROLE_FOR_KIND.get(user.organisation.kind)
    own: list[Assignment] = trajectory.own_assignments  # type: ignore[attr-defined]
    by_role = {a.role: a.user for a in own}
    if role in by_role:
        return by_role[role]
    return own[0].user if own else None


# A page of a work list: its trajectories with their person, and our organisation's active
# assignments on them (with the user), in start order. Kept SQL (core.compiled): Django's
# `prefetch_related` built its query anew for every page.
_WITH_PERSON: CompiledQuery[Trajectory] = CompiledQuery(
    "trajectories with their person",
    lambda ids: Trajectory.objects.filter(pk__in=ids).select_related("person"),
)
_OWN_ASSIGNMENTS: CompiledQuery[Assignment] = CompiledQuery(
    "active assignments of one organisation",
    lambda ids, organisation_id: (
        Assignment.objects.filter(
            trajectory_id__in=ids, active=True, organisation_id=organisation_id
        )
        .select_related("user")
        .order_by("started_at", "pk")
    ),
)


class DueList(Sequence[DueItem]):
    """The rows of a work list, sorted. Each row's trajectory (with the person and our
    organisation's assignees) is read only when the row is taken: a page of 50 rows reads 50
    trajectories, not the organisation's hundreds (`Paginator` takes a slice)."""

    def __init__(self, user: User, entries: list[tuple[int, Deadline]]) -> None:
        self._user = user
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> DueItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[DueItem]: ...

    def __getitem__(self, index: int | slice) -> DueItem | list[DueItem]:
        if isinstance(index, slice):
            return self._items(self._entries[index])
        return self._items([self._entries[index]])[0]

    def __iter__(self) -> Iterator[DueItem]:
        return iter(self._items(self._entries))

    def _items(self, entries: list[tuple[int, Deadline]]) -> list[DueItem]:
        if not entries:
            return []
        ids = sorted({pk for pk, _ in entries})
        organisation_id = self._user.organisation_id
        assert organisation_id is not None  # a work list is only made for an organisation's user
        trajectories = {t.pk: t for t in _WITH_PERSON(ids)}
        for trajectory in trajectories.values():
            trajectory.own_assignments = []  # type: ignore[attr-defined]
        for assignment in _OWN_ASSIGNMENTS(ids, organisation_id):
            trajectories[assignment.trajectory_id].own_assignments.append(assignment)  # type: ignore[attr-defined]
        assignees = {pk: _assignee(t, self._user) for pk, t in trajectories.items()}
        return [
            DueItem(trajectory=trajectories[pk], deadline=deadline, assignee=assignees[pk])
            for pk, deadline in entries
            if pk in trajectories
        ]


def _due_items(
    user: User,
    trajectories: QuerySet[Trajectory],
    today: dt.date,
    keep: Callable[[Deadline], bool],
    *,
    responsible: Collection[str],
    current: Terms | None = None,
    ours_first: Callable[[Deadline], bool] | None = None,
) -> DueList:
    """The deadlines that `keep` keeps, of the trajectories, sorted by due date, surname and
    trajectory (then `ours_first`, then the rules' order). Reads the trajectories' ids and
    surnames and their open deadlines of the `responsible` kinds of partner (the index), with
    the terms read once (`current`, else here)."""
    if responsible_code(user) is None:
        return DueList(user, [])
    meta = {
        pk: (surname, index.released(end_date, phase))
        for pk, surname, end_date, phase in trajectories.values_list(
            "pk", "person__surname", "end_date", "phase"
        )
    }
    if not meta:
        return DueList(user, [])
    current = current or terms()
    released = {pk: flag for pk, (_, flag) in meta.items()}
    deadlines = _deadlines_source()(list(meta), today, current, released, responsible)
    keyed = [
        (
            (
                d.due,
                meta[pk][0],
                pk,
                0 if ours_first is None or ours_first(d) else 1,
                index.CODE_ORDER.get(d.code, len(index.CODE_ORDER)),
            ),
            pk,
            d,
        )
        for pk, found in deadlines.items()
        for d in found
        if d.status in DUE_STATUSES and keep(d)
    ]
    keyed.sort(key=lambda entry: entry[0])
    return DueList(user, [(pk, d) for _, pk, d in keyed])


def _ours(user: User) -> Callable[[Deadline], bool]:
    responsible = responsible_code(user)
    return lambda deadline: deadline.responsible == responsible


def due_for_user(user: User, today: dt.date) -> DueList:
    """Open and late deadlines of our kind on the trajectories the user is assigned to."""
    mine = Assignment.objects.filter(trajectory=OuterRef("pk"), user=user, active=True)
    return _due_items(
        user,
        visible_open_trajectories(user).filter(Exists(mine)),
        today,
        _ours(user),
        responsible=_responsible(user),
    )


def due_for_organisation(user: User, today: dt.date) -> DueList:
    """Open and late deadlines of our kind on every open trajectory our organisation is in."""
    return _due_items(
        user, visible_open_trajectories(user), today, _ours(user), responsible=_responsible(user)
    )


def _responsible(user: User) -> set[str]:
    code = responsible_code(user)
    return {code} if code else set()


def escalations(user: User, today: dt.date) -> DueList:
    """Deadlines of our kind that are late by more working days than the grace period; for
    a PI also every late reaction of a municipality to the information sheet."""
    if not is_escalation_receiver(user):
        return DueList(user, [])
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

    kinds = {*_responsible(user), *(["gemeente"] if pi else [])}
    # Ours before the municipality's on the same day, as the staffunctionaris reads them.
    return _due_items(
        user,
        visible_open_trajectories(user),
        today,
        escalated,
        responsible=kinds,
        current=current,
        ours_first=ours,
    )


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
        visible_open_trajectories(user)
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
