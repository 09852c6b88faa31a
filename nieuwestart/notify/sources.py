"""Where notifications come from: a small registry of sources, each a read of existing facts.

A source is a function `(user, today) -> Iterable[Candidate]`. It reads only what the user may
see (every source starts from the access chokepoint's `visible_trajectories`, directly or through
the work-list selectors) and returns candidate notifications, each with a deterministic
`dedup_key`. The scheduler stores the candidates it has not stored before for that user
(`services.notifications_derive`), so a source may return the same candidate every day.

Sources (docs/notifications.md, "Sources"):
- `termijnen`: deadlines of the user's own kind on trajectories the user is assigned to: late
  (`termijn-te-laat`), or open and due within `NOTIFY_DUE_WITHIN_WORKING_DAYS` working days
  (`termijn-binnenkort`). The key holds the due date: a deadline that moves is new.
- `escalaties`: deadlines late beyond the grace period, for the PI's staffunctionaris and the
  municipality's contact roles (`worklists.selectors.escalations`), except for the person who
  carries that trajectory (they have the late deadline already). For the staffunctionaris this
  includes a municipality that has not reacted to the information sheet.
- `gemeente-reactie`: the municipality has not acknowledged the information sheet within the
  agreed working days (deadline `gemeente-reactie` late): the PI casemanager named on the
  trajectory hears it too (issue 4, item 7). Same key as the escalation, so nobody hears twice.
- `nieuw-binnen`: a trajectory in the municipality's inbox that nobody has picked up yet.
- `toewijzingen`: somebody else named the user on a trajectory in the last
  `ASSIGNMENT_LOOKBACK_DAYS` days.

Adding a source (for example meeting invitations): write a function here, decorate it with
`@source("naam")`, add its kind to `models.NotificationKind` (with a migration) and to the digest
lines in `outbox.digest_line`. Nothing else changes.

Texts are stored in Dutch and hold no personal data of the detainee (no name, no BSN): the app
shows the name beside the notification at read time, and the e-mail only counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nieuwestart.access.trajectories import visible_open_trajectories
from nieuwestart.accounts.models import Role, User
from nieuwestart.deadlines.selectors import deadlines_for_trajectories
from nieuwestart.notify.models import NotificationKind
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.trajectories.models import (
    Assignment,
    EventKind,
    Trajectory,
    TrajectoryEvent,
)
from nieuwestart.worklists import selectors as worklists
from nieuwestart.worklists.selectors import LATE, NO_REACTION, OPEN

ASSIGNMENT_LOOKBACK_DAYS = 7
# An assignment and the event that records it are written in one transaction, moments apart.
SAME_WRITE = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class Candidate:
    kind: str
    dedup_key: str
    trajectory: Trajectory | None
    title: str
    text: str
    link: str


Source = Callable[[User, dt.date], Iterable[Candidate]]
SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    """Register a source under a stable name (the order of registration is the order run)."""

    def register(function: Source) -> Source:
        SOURCES[name] = function
        return function

    return register


def candidates_for(user: User, today: dt.date) -> list[Candidate]:
    """Every source's candidates for the user, each key once (the first source wins)."""
    seen: dict[str, Candidate] = {}
    for function in SOURCES.values():
        for candidate in function(user, today):
            seen.setdefault(candidate.dedup_key, candidate)
    return list(seen.values())


def trajectory_link(trajectory: Trajectory) -> str:
    return reverse("trajectories:detail", args=[trajectory.uuid])


def _d(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def _deadline_key(prefix: str, trajectory: Trajectory, code: str, due: dt.date) -> str:
    return f"{prefix}:{trajectory.uuid}:{code}:{due.isoformat()}"


def _late_by(days_left: int | None) -> int:
    return -days_left if days_left is not None and days_left < 0 else 0


def _no_reaction(trajectory: Trajectory, due: dt.date) -> Candidate:
    return Candidate(
        kind=NotificationKind.NO_REACTION,
        dedup_key=_deadline_key("gemeente-reactie", trajectory, NO_REACTION, due),
        trajectory=trajectory,
        title=_("Gemeente heeft niet gereageerd op het informatieblad"),
        text=_(
            "De gemeente heeft de ontvangst van het informatieblad niet op tijd bevestigd "
            "(uiterlijk %(date)s). Neem contact op met het contactpunt van de gemeente."
        )
        % {"date": _d(due)},
        link=trajectory_link(trajectory),
    )


@source("termijnen")
def deadlines(user: User, today: dt.date) -> Iterator[Candidate]:
    within = settings.NOTIFY_DUE_WITHIN_WORKING_DAYS
    for item in worklists.due_for_user(user, today):
        deadline, trajectory = item.deadline, item.trajectory
        if deadline.status == LATE:
            late = _late_by(deadline.days_left)
            yield Candidate(
                kind=NotificationKind.DEADLINE_LATE,
                dedup_key=_deadline_key("te-laat", trajectory, deadline.code, deadline.due),
                trajectory=trajectory,
                title=_("Termijn te laat: %(label)s") % {"label": deadline.label},
                text=ngettext(
                    "Uiterlijk %(date)s; %(count)d werkdag te laat.",
                    "Uiterlijk %(date)s; %(count)d werkdagen te laat.",
                    late,
                )
                % {"date": _d(deadline.due), "count": late},
                link=trajectory_link(trajectory),
            )
        elif deadline.status == OPEN and deadline.days_left is not None:
            if deadline.days_left > within:
                continue
            yield Candidate(
                kind=NotificationKind.DEADLINE_SOON,
                dedup_key=_deadline_key("binnenkort", trajectory, deadline.code, deadline.due),
                trajectory=trajectory,
                title=_("Termijn binnenkort: %(label)s") % {"label": deadline.label},
                text=_("Uiterlijk %(date)s.") % {"date": _d(deadline.due)},
                link=trajectory_link(trajectory),
            )


@source("escalaties")
def escalations(user: User, today: dt.date) -> Iterator[Candidate]:
    for item in worklists.escalations(user, today):
        deadline, trajectory = item.deadline, item.trajectory
        if item.assignee is not None and item.assignee.pk == user.pk:
            continue  # the person it escalates about already has the late deadline
        if deadline.code == NO_REACTION and worklists.responsible_code(user) == "inrichting":
            yield _no_reaction(trajectory, deadline.due)  # the PI's signal about the municipality
            continue
        late = _late_by(deadline.days_left)
        yield Candidate(
            kind=NotificationKind.ESCALATION,
            dedup_key=_deadline_key("escalatie", trajectory, deadline.code, deadline.due),
            trajectory=trajectory,
            title=_("Escalatie: %(label)s") % {"label": deadline.label},
            text=ngettext(
                "Uiterlijk %(date)s; %(count)d werkdag te laat, langer dan de afgesproken "
                "extra tijd. Neem contact op met wie het traject heeft.",
                "Uiterlijk %(date)s; %(count)d werkdagen te laat, langer dan de afgesproken "
                "extra tijd. Neem contact op met wie het traject heeft.",
                late,
            )
            % {"date": _d(deadline.due), "count": late},
            link=trajectory_link(trajectory),
        )


@source("gemeente-reactie")
def no_reaction_for_casemanager(user: User, today: dt.date) -> Iterator[Candidate]:
    """The PI casemanager named on a trajectory hears that the municipality has not reacted."""
    if user.organisation is None or user.organisation.kind != OrganisationKind.PRISON:
        return
    if user.role != Role.CASEMANAGER:
        return
    mine = Assignment.objects.filter(
        trajectory=OuterRef("pk"), user=user, role=Role.CASEMANAGER, active=True
    )
    trajectories = {t.pk: t for t in visible_open_trajectories(user).filter(Exists(mine))}
    if not trajectories:
        return
    for pk, items in deadlines_for_trajectories(list(trajectories), today).items():
        for deadline in items:
            if deadline.code == NO_REACTION and deadline.status == LATE:
                yield _no_reaction(trajectories[pk], deadline.due)


@source("nieuw-binnen")
def municipal_inbox(user: User, today: dt.date) -> Iterator[Candidate]:
    for item in worklists.municipality_inbox(user):
        trajectory = item.trajectory
        yield Candidate(
            kind=NotificationKind.NEW_TRAJECTORY,
            dedup_key=f"nieuw:{trajectory.uuid}",
            trajectory=trajectory,
            title=_("Nieuw traject voor uw gemeente"),
            text=_(
                "Nog niemand van uw gemeente is nazorgcoördinator. U kunt het traject oppakken "
                "onder 'Wat moet er gebeuren', lijst 'Nieuw binnen'."
            ),
            link=trajectory_link(trajectory),
        )


@source("toewijzingen")
def assignments(user: User, today: dt.date) -> Iterator[Candidate]:
    """Somebody else named the user on a trajectory recently (not when they picked it up)."""
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=ASSIGNMENT_LOOKBACK_DAYS), dt.time.min)
    )
    self_assigned = TrajectoryEvent.objects.filter(
        trajectory=OuterRef("trajectory"),
        kind=EventKind.ASSIGNMENT,
        actor=user,
        created_at__gte=OuterRef("started_at"),
        created_at__lt=OuterRef("started_at") + SAME_WRITE,
    )
    rows = (
        Assignment.objects.filter(
            user=user,
            active=True,
            started_at__gte=since,
            trajectory__in=visible_open_trajectories(user).values("pk"),
        )
        .exclude(Exists(self_assigned))
        .select_related("trajectory")
        .order_by("started_at", "pk")
    )
    for assignment in rows:
        trajectory = assignment.trajectory
        role = Role(assignment.role).label if assignment.role in Role.values else assignment.role
        yield Candidate(
            kind=NotificationKind.ASSIGNED,
            dedup_key=f"toegewezen:{assignment.pk}",
            trajectory=trajectory,
            title=_("U bent toegewezen aan een traject"),
            text=_("U bent nu %(role)s op dit traject (sinds %(date)s).")
            % {"role": role, "date": _d(timezone.localdate(assignment.started_at))},
            link=trajectory_link(trajectory),
        )
