"""Reads of the deadlines: the facts from the database, the rules from `rules.py`.

Stable interface (the trajectory page, the API and the work lists use it):

- `facts_for(trajectory) -> TrajectoryFacts`: the facts the rules need, read in a few queries.
- `deadlines_for(trajectory, today=None) -> list[DeadlineView]`: one trajectory's deadlines,
  sorted by due date. `today` defaults to the local date.
- `deadlines_for_trajectories(trajectory_ids, today=None) -> dict[int, list[DeadlineView]]`:
  the same for many trajectories (a work list page) in a fixed number of queries, whatever the
  number of trajectories (no N+1). Keys are trajectory primary keys; an id that does not exist
  is left out.
- `deadline_context(trajectory, today=None) -> dict`: the context of the partial
  `deadlines/_deadlines.html`.

`DeadlineView` fields: `code` (stable, e.g. "screening"), `label` (Dutch), `due` (date),
`status` ("open" | "gehaald" | "te-laat"), `status_label`, `met_on` (date or None), `met_by`
(a name or ""), `explanation` (toelichting, Dutch), `responsible` ("inrichting" | "gemeente" |
"reclassering"), `responsible_label`, `days_left` (working days from today to the due date,
negative when late, None when met). `is_late`, `is_met`, `days_late`
and `badge` are shortcuts.

These functions do not log: the caller's access check (`access_trajectory`,
`record_list_read`) logs the read, with categories `detentie` and `basisvoorwaarden`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.accounts.models import User
from nieuwestart.deadlines import rules
from nieuwestart.deadlines.calendar import WorkingCalendar
from nieuwestart.deadlines.models import DeadlineConfig, ExtraNonWorkingDay
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantKind,
)
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.plans.models import Plan, PlanVersion
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Involvement, InvolvementKind, Trajectory


@dataclass(frozen=True)
class DeadlineView:
    code: str
    label: str
    due: dt.date
    status: str
    status_label: str
    met_on: dt.date | None
    met_by: str
    explanation: str
    responsible: str
    responsible_label: str
    days_left: int | None

    @property
    def is_late(self) -> bool:
        return self.status == rules.LATE

    @property
    def is_met(self) -> bool:
        return self.status == rules.MET

    @property
    def days_late(self) -> int:
        """Working days past the due date (0 when not late)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def badge(self) -> str:
        """The status badge's shape and colour (components/status_badge.html); the text
        (`status_label`) goes with it, so status is never told by colour alone."""
        return {rules.MET: "in-orde", rules.LATE: "hulp-nodig"}.get(self.status, "aandacht")


def status_labels() -> dict[str, str]:
    return {rules.OPEN: _("Open"), rules.MET: _("Gehaald"), rules.LATE: _("Te laat")}


def responsible_labels() -> dict[str, str]:
    return {
        rules.PRISON: _("Inrichting"),
        rules.MUNICIPALITY: _("Gemeente"),
        rules.PROBATION: _("Reclassering"),
    }


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


@dataclass
class _MeetingFacts:
    mdo: list[dt.date]
    trajectory: list[dt.date]
    pre_release: list[dt.date]
    probation_met: list[dt.date]


def _meeting_facts(ids: list[int]) -> dict[int, _MeetingFacts]:
    """Held meetings of many trajectories in one query: the dates per kind, and the dates on
    which probation and the detainee were both present (probation met the detainee). All of
    them: which ones count (before the release, in the pre-release window) is for the rules."""
    present = Participant.objects.filter(meeting=OuterRef("pk"), attendance=Attendance.PRESENT)
    rows = (
        Meeting.objects.filter(trajectory_id__in=ids, status=MeetingStatus.HELD)
        .annotate(
            probation_present=Exists(present.filter(organisation__kind=OrganisationKind.PROBATION)),
            detainee_present=Exists(present.filter(kind=ParticipantKind.DETAINEE)),
        )
        .values_list("trajectory_id", "kind", "starts_at", "probation_present", "detainee_present")
    )
    result: dict[int, _MeetingFacts] = {}
    for trajectory_id, kind, starts_at, probation, detainee in rows:
        facts = result.setdefault(trajectory_id, _MeetingFacts([], [], [], []))
        day = timezone.localdate(starts_at)
        by_kind: dict[str, list[dt.date]] = {
            MeetingKind.MDO: facts.mdo,
            MeetingKind.TRAJECTORY: facts.trajectory,
            MeetingKind.PRE_RELEASE: facts.pre_release,
        }
        by_kind.get(kind, []).append(day)
        if probation and detainee:
            facts.probation_met.append(day)
    return result


def _facts(trajectory_ids: list[int]) -> dict[int, rules.TrajectoryFacts]:
    """Facts for many trajectories in eight queries, whatever their number."""
    trajectories = {
        t.pk: t
        for t in Trajectory.objects.filter(pk__in=trajectory_ids).only(
            "pk", "start_date", "expected_end_date", "end_date", "phase", "judicial_title"
        )
    }
    ids = list(trajectories)
    screenings = {
        s.trajectory_id: s
        for s in Screening.objects.filter(trajectory_id__in=ids).select_related("completed_by")
    }
    conditions: dict[int, dict[str, rules.ConditionFact]] = {}
    for a in DomainAssessment.objects.filter(screening__trajectory_id__in=ids).select_related(
        "updated_by", "screening"
    ):
        conditions.setdefault(a.screening.trajectory_id, {})[a.domain] = rules.ConditionFact(
            status=a.status, updated_on=_local_date(a.updated_at), updated_by=_name(a.updated_by)
        )
    first_sheets: dict[int, InfoSheet] = {}
    first_acks: dict[int, InfoSheet] = {}
    for sheet in (
        InfoSheet.objects.filter(trajectory_id__in=ids)
        .select_related("sent_by", "acknowledged_by")
        .order_by("trajectory_id", "number")
    ):
        first_sheets.setdefault(sheet.trajectory_id, sheet)
        if sheet.acknowledged_at is not None:
            known = first_acks.get(sheet.trajectory_id)
            if known is None or sheet.acknowledged_at < known.acknowledged_at:  # type: ignore[operator]
                first_acks[sheet.trajectory_id] = sheet
    frequencies = dict(
        Plan.objects.filter(trajectory_id__in=ids).values_list(
            "trajectory_id", "meeting_frequency_weeks"
        )
    )
    first_versions: dict[int, PlanVersion] = {}
    for version in (
        PlanVersion.objects.filter(plan__trajectory_id__in=ids)
        .select_related("established_by", "plan")
        .order_by("plan_id", "number")
    ):
        first_versions.setdefault(version.plan.trajectory_id, version)
    with_probation = set(
        Involvement.objects.filter(
            trajectory_id__in=ids, kind=InvolvementKind.PROBATION, active=True
        ).values_list("trajectory_id", flat=True)
    )
    meetings = _meeting_facts(ids)
    no_meetings = _MeetingFacts([], [], [], [])
    result = {}
    for pk, t in trajectories.items():
        held = meetings.get(pk, no_meetings)
        screening = screenings.get(pk)
        first_sheet = first_sheets.get(pk)
        first_version = first_versions.get(pk)
        result[pk] = rules.TrajectoryFacts(
            start_date=t.start_date,
            expected_end_date=t.expected_end_date,
            end_date=t.end_date,
            phase=t.phase,
            screening_completed_at=_local_date(screening.completed_at) if screening else None,
            screening_completed_by=_name(screening.completed_by) if screening else "",
            first_infosheet_sent_at=_local_date(first_sheet.sent_at) if first_sheet else None,
            first_infosheet_sent_by=_name(first_sheet.sent_by) if first_sheet else "",
            first_infosheet_acknowledged_at=_local_date(first_acks[pk].acknowledged_at)
            if pk in first_acks
            else None,
            first_infosheet_acknowledged_by=_name(first_acks[pk].acknowledged_by)
            if pk in first_acks
            else "",
            plan_established_at=_local_date(first_version.established_at)
            if first_version
            else None,
            plan_established_by=_name(first_version.established_by) if first_version else "",
            meeting_frequency_weeks=frequencies.get(pk),
            mdo_dates=tuple(sorted(held.mdo)),
            trajectory_meeting_dates=tuple(sorted(held.trajectory)),
            pre_release_meeting_dates=tuple(sorted(held.pre_release)),
            probation_met_dates=tuple(sorted(held.probation_met)),
            probation_involved=pk in with_probation,
            judicial_title=t.judicial_title,
            conditions=conditions.get(pk, {}),
        )
    return result


def facts_for(trajectory: Trajectory) -> rules.TrajectoryFacts:
    """The facts the rules need for one trajectory (a handful of queries)."""
    return _facts([trajectory.pk])[trajectory.pk]


def working_calendar(years: Iterable[int]) -> WorkingCalendar:
    """Dutch holidays for `years` plus the administrator's extra days (one query)."""
    years = set(years)
    extra = ExtraNonWorkingDay.objects.filter(date__year__in=years).values_list("date", flat=True)
    return WorkingCalendar.netherlands(years, extra)


def _years(facts: Iterable[rules.TrajectoryFacts], today: dt.date) -> set[int]:
    years = {today.year, today.year + 1}
    for f in facts:
        last = max(d for d in (f.start_date, f.release_date, today) if d is not None)
        years.update(range(f.start_date.year - 1, last.year + 2))
    return years


def _view(spec: rules.DeadlineSpec) -> DeadlineView:
    return DeadlineView(
        code=spec.code,
        label=spec.label,
        due=spec.due,
        status=spec.status,
        status_label=status_labels()[spec.status],
        met_on=spec.met_on,
        met_by=spec.met_by,
        explanation=spec.explanation,
        responsible=spec.responsible,
        responsible_label=responsible_labels()[spec.responsible],
        days_left=spec.days_left,
    )


def deadlines_for_trajectories(
    trajectory_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, list[DeadlineView]]:
    """Deadlines of many trajectories, in a fixed number of queries (see the module doc)."""
    today = today or timezone.localdate()
    ids = list(dict.fromkeys(trajectory_ids))
    if not ids:
        return {}
    facts = _facts(ids)
    settings = DeadlineConfig.load()
    cal = working_calendar(_years(facts.values(), today))
    return {
        pk: [_view(spec) for spec in rules.deadlines(f, settings, cal, today)]
        for pk, f in facts.items()
    }


def deadlines_for(trajectory: Trajectory, today: dt.date | None = None) -> list[DeadlineView]:
    """One trajectory's deadlines, sorted by due date."""
    return deadlines_for_trajectories([trajectory.pk], today).get(trajectory.pk, [])


def deadline_context(trajectory: Trajectory, today: dt.date | None = None) -> dict[str, Any]:
    """Context of `deadlines/_deadlines.html`: {"deadlines": [...], "deadlines_late": n}."""
    items = deadlines_for(trajectory, today)
    return {"deadlines": items, "deadlines_late": sum(1 for d in items if d.is_late)}
