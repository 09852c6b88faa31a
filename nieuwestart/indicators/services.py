"""Refreshing the indicator facts (`TrajectoryFact`): one row per trajectory, idempotent.

Rule: the facts are derived from what is registered and may be rebuilt at any time; a refresh
overwrites a trajectory's row with what the registrations say now, so running it twice changes
nothing. Due dates come from `deadlines.rules.deadlines` on the facts of
`deadlines.selectors` (the same working days, holidays and short-stay rules as the trajectory
page). Freshness: the scheduler runs
`manage.py indicators_refresh` nightly; `indicator_fact_refresh(trajectory=...)` refreshes one
trajectory on demand (views of other apps may call it after a write).

Meetings, the handover and referrals (issue 5, the formerly pending indicators) are read for a
batch in four more queries: the held meetings, their present participants, the outcomes at
release and the referrals that start after release (supervision, sheltered and supported
housing). The rolling meeting terms (MDO, trajectory meeting) are rebuilt from the held
meetings with the deadline rules' calendar (`rolling_terms`).

This is derived data about no one in particular: no processing-log rows are written, because
nothing personal is read by a person. The dashboards read only the aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nieuwestart.deadlines import rules
from nieuwestart.deadlines.calendar import WorkingCalendar
from nieuwestart.deadlines.models import DeadlineConfig
from nieuwestart.deadlines.selectors import _facts as deadline_facts
from nieuwestart.deadlines.selectors import working_calendar
from nieuwestart.handover.models import ConditionState, ReleaseOutcome
from nieuwestart.indicators.models import (
    FactsVersion,
    MeetingAttendanceFact,
    MeetingTermFact,
    TermKind,
    TrajectoryFact,
)
from nieuwestart.indicators.snapshot import indicator_snapshot_build, snapshots_drop
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
from nieuwestart.referrals.models import Referral, ReferralKind, ReferralStatus
from nieuwestart.screening.models import DomainAssessment, Screening
from nieuwestart.trajectories.models import Involvement, InvolvementKind, Trajectory

BATCH_SIZE = 1000
IN_ORDER = "in-orde"

# Deadline code -> (due field, done field) of TrajectoryFact.
TERMS: dict[str, tuple[str, str]] = {
    "screening": ("screening_due", "screening_done"),
    "gemeente-gecontacteerd": ("contact_due", "contact_done"),
    "gemeente-reactie": ("reaction_due", "reaction_done"),
    "plan-vastgesteld": ("plan_due", "plan_done"),
}
# Screening domain -> "in order at release" field.
RELEASE_FIELDS: dict[str, str] = {
    "identiteit": "release_id_ok",
    "huisvesting": "release_housing_ok",
    "inkomen": "release_income_ok",
    "financien": "release_finances_ok",
    "zorg": "release_care_ok",
}
FACT_FIELDS = [f.name for f in TrajectoryFact._meta.concrete_fields if f.name != "trajectory"]

FROM_HANDOVER = "overdracht"
FROM_SCREENING = "screening"
MUNICIPAL_KINDS = frozenset({OrganisationKind.MUNICIPALITY, OrganisationKind.SAFETY_HOUSE})
SUPERVISION_TITLES = rules.SUPERVISION_TITLES
HOUSING_KINDS = (ReferralKind.SHELTERED_HOUSING, ReferralKind.SUPPORTED_HOUSING)
OPEN_REFERRAL = frozenset({ReferralStatus.REFERRED, ReferralStatus.WAITING})


@dataclass
class _Held:
    """A held meeting: its day, kind and who was present (organisation ids and kinds)."""

    day: dt.date
    kind: str
    organisations: set[int] = field(default_factory=set)
    organisation_kinds: set[str] = field(default_factory=set)
    detainee: bool = False


@dataclass
class _Facts:
    """What `_fact_values` builds for one batch: the rows and their child rows."""

    facts: list[TrajectoryFact]
    terms: list[MeetingTermFact]
    meetings: list[MeetingAttendanceFact]


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _has_contact(casemanager: Any) -> bool:
    """The sheet names a casemanager (not only the central contact point) who can be reached."""
    if not isinstance(casemanager, dict) or casemanager.get("centraalContactpunt", True):
        return False
    return bool(casemanager.get("telefoon") or casemanager.get("email"))


def rolling_terms(
    *,
    anchor: dt.date,
    weeks: int,
    held: Sequence[dt.date],
    cap: dt.date | None,
    until: dt.date,
    cal: WorkingCalendar,
) -> list[tuple[dt.date, dt.date | None]]:
    """The terms of a rolling meeting (MDO, trajectory meeting) as (due, held on) pairs.

    As the deadline rules count it: the first term is due `weeks` after the anchor (arrival,
    or the plan's establishment), on or after a working day; each held meeting meets the open
    term (late when held after its due date) and the next term counts from it. When no
    meeting follows, a term is missed and the next one counts from the missed due date, every
    `weeks`, so six months without an MDO are four missed terms, not one. No term falls after
    the release (`cap`) or on or after `until` (today: a term that has not ended yet is left
    out). Held meetings before the anchor are ignored.
    """
    step = dt.timedelta(weeks=weeks)
    terms: list[tuple[dt.date, dt.date | None]] = []
    previous = anchor
    for day in sorted(d for d in held if d >= anchor):
        due = cal.on_or_after(previous + step)
        if (cap is not None and due > cap) or due >= until:
            return terms
        terms.append((due, day))
        previous = day
    due = cal.on_or_after(previous + step)
    while (cap is None or due <= cap) and due < until:
        terms.append((due, None))
        due = cal.on_or_after(due + step)
    return terms


def _deadlines(
    ids: list[int], today: dt.date, settings: rules.DeadlineSettings
) -> tuple[
    dict[int, rules.TrajectoryFacts], dict[int, list[rules.DeadlineSpec]], WorkingCalendar | None
]:
    """The deadline rules per trajectory, as the trajectory page computes them, with the facts
    they were computed from and the working calendar.

    Due dates and the dates met do not depend on `today`, but the rules also count the working
    days left from `today` to each open due date, day by day. For a trajectory released years
    ago that is a long walk, so a released trajectory is evaluated on its release date.
    """
    facts = deadline_facts(ids)
    if not facts:
        return {}, {}, None
    first = min(f.start_date for f in facts.values())
    last = max(max(f.release_date or today, today) for f in facts.values())
    cal = working_calendar(range(first.year - 1, last.year + 2))
    result = {}
    for pk, f in facts.items():
        reference = f.end_date if f.end_date is not None and f.end_date < today else today
        result[pk] = rules.deadlines(f, settings, cal, reference)
    return facts, result, cal


def _held_meetings(ids: list[int]) -> dict[int, list[_Held]]:
    """Held meetings of a batch with who was present, in two queries, oldest first."""
    meetings: dict[int, _Held] = {}
    per_trajectory: dict[int, list[_Held]] = {}
    for pk, trajectory_id, kind, starts_at in (
        Meeting.objects.filter(trajectory_id__in=ids, status=MeetingStatus.HELD)
        .order_by("starts_at", "pk")
        .values_list("pk", "trajectory_id", "kind", "starts_at")
    ):
        held = _Held(day=timezone.localdate(starts_at), kind=kind)
        meetings[pk] = held
        per_trajectory.setdefault(trajectory_id, []).append(held)
    for meeting_id, kind, organisation_id, organisation_kind in Participant.objects.filter(
        meeting__trajectory_id__in=ids,
        meeting__status=MeetingStatus.HELD,
        attendance=Attendance.PRESENT,
    ).values_list("meeting_id", "kind", "organisation_id", "organisation__kind"):
        held = meetings[meeting_id]
        if kind == ParticipantKind.DETAINEE:
            held.detainee = True
        elif kind == ParticipantKind.PROFESSIONAL and organisation_id is not None:
            held.organisations.add(organisation_id)
            held.organisation_kinds.add(organisation_kind)
    return per_trajectory


def _joint(held: _Held, with_probation: bool) -> bool:
    """PI, municipality (or its safety house), the detainee and, when involved, probation."""
    kinds = held.organisation_kinds
    return (
        held.detainee
        and OrganisationKind.PRISON in kinds
        and bool(kinds & MUNICIPAL_KINDS)
        and (not with_probation or OrganisationKind.PROBATION in kinds)
    )


def _released_in_order(outcome: str, in_place_on: dt.date | None, released: dt.date) -> bool:
    """In order at release: `in-orde`, or `geregeld` and in place on the day of release (no
    later "gaat in op" date)."""
    if outcome == ConditionState.IN_ORDER:
        return True
    return outcome == ConditionState.ARRANGED and (in_place_on is None or in_place_on <= released)


def _days_after(day: dt.date | None, released: dt.date) -> int | None:
    """Days from the release to `day`; 0 when it was on or before the release."""
    return None if day is None else max(0, (day - released).days)


def _fact_values(ids: list[int], today: dt.date) -> _Facts:
    """The facts of these trajectories, in a fixed number of queries per batch."""
    settings = DeadlineConfig.load()
    trajectories = list(
        Trajectory.objects.filter(pk__in=ids)
        .select_related("return_municipality")
        .only(
            "pk",
            "prison_id",
            "case_lead_id",
            "judicial_title",
            "return_municipality__kind",
            "return_municipality__population",
            "phase",
            "start_date",
            "expected_end_date",
            "end_date",
        )
    )
    probation = dict(
        Involvement.objects.filter(
            trajectory_id__in=ids, kind=InvolvementKind.PROBATION, active=True
        ).values_list("trajectory_id", "organisation_id")
    )
    lvb = dict(Screening.objects.filter(trajectory_id__in=ids).values_list("trajectory_id", "lvb"))
    sheet_contact = {
        trajectory_id: _has_contact(casemanager)
        for trajectory_id, casemanager in InfoSheet.objects.filter(
            trajectory_id__in=ids, number=1
        ).values_list("trajectory_id", "content__casemanager")
    }
    released = [t.pk for t in trajectories if t.end_date is not None]
    conditions: dict[int, dict[str, tuple[str, dt.date | None]]] = {}
    for trajectory_id, domain, status, updated_at in DomainAssessment.objects.filter(
        screening__trajectory_id__in=released, domain__in=list(RELEASE_FIELDS)
    ).values_list("screening__trajectory_id", "domain", "status", "updated_at"):
        on = timezone.localdate(updated_at) if updated_at is not None else None
        conditions.setdefault(trajectory_id, {})[domain] = (status, on)
    outcomes: dict[int, dict[str, tuple[str, dt.date | None]]] = {}
    for trajectory_id, condition, outcome, in_place_on in ReleaseOutcome.objects.filter(
        trajectory_id__in=released
    ).values_list("trajectory_id", "condition", "outcome", "in_place_on"):
        outcomes.setdefault(trajectory_id, {})[condition] = (outcome, in_place_on)
    referrals: dict[int, list[tuple[str, str, dt.date | None]]] = {}
    for trajectory_id, kind, status, actual_start in Referral.objects.filter(
        trajectory_id__in=released, kind__in=[ReferralKind.SUPERVISION, *HOUSING_KINDS]
    ).values_list("trajectory_id", "kind", "status", "actual_start"):
        referrals.setdefault(trajectory_id, []).append((kind, status, actual_start))
    meetings = _held_meetings(ids)
    deadline_facts_, deadlines, cal = _deadlines(ids, today, settings)
    now = timezone.now()

    result = _Facts([], [], [])
    for t in trajectories:
        short = rules.is_short_stay(
            rules.TrajectoryFacts(start_date=t.start_date, expected_end_date=t.expected_end_date),
            settings,
        )
        values: dict[str, Any] = {
            "prison_id": t.prison_id,
            "municipality_id": t.return_municipality_id,
            "municipality_size": t.return_municipality.size_class or "",
            "probation_id": probation.get(t.pk),
            "short_stay": short,
            "lvb": lvb.get(t.pk, "onbekend"),
            "phase": t.phase,
            "arrival_date": t.start_date,
            "release_date": t.end_date,
            "sheet_with_contact": sheet_contact.get(t.pk),
            "refreshed_at": now,
        }
        for due_field, done_field in TERMS.values():
            values[due_field] = values[done_field] = None
        for deadline in deadlines.get(t.pk, []):
            if deadline.code in TERMS:
                due_field, done_field = TERMS[deadline.code]
                values[due_field] = deadline.due
                values[done_field] = deadline.met_on
        values.update(_release_values(t, conditions, outcomes, referrals))
        held = meetings.get(t.pk, [])
        with_probation = t.pk in probation
        values["joint_meeting_on"] = next((m.day for m in held if _joint(m, with_probation)), None)
        values["lead_met_on"] = (
            next(
                (
                    m.day
                    for m in held
                    if m.day <= t.end_date and m.detainee and t.case_lead_id in m.organisations
                ),
                None,
            )
            if t.end_date is not None
            else None
        )
        fact = TrajectoryFact(trajectory_id=t.pk, **values)
        result.facts.append(fact)
        result.meetings.extend(
            MeetingAttendanceFact(
                fact=fact,
                held_on=m.day,
                prison_present=OrganisationKind.PRISON in m.organisation_kinds,
                probation_present=OrganisationKind.PROBATION in m.organisation_kinds,
                municipality_present=bool(m.organisation_kinds & MUNICIPAL_KINDS),
                detainee_present=m.detainee,
            )
            for m in held
            if m.kind == MeetingKind.TRAJECTORY
        )
        f = deadline_facts_.get(t.pk)
        if f is None or cal is None or short:
            continue  # a short stay has quick wins instead of the MDO and trajectory meetings
        cap = f.release_date or (today if f.released else None)
        rolling = [(TermKind.MDO, f.start_date, settings.mdo_weeks, f.mdo_dates)]
        if f.plan_established_at is not None and f.meeting_frequency_weeks:
            rolling.append(
                (
                    TermKind.TRAJECTORY_MEETING,
                    f.plan_established_at,
                    f.meeting_frequency_weeks,
                    f.trajectory_meeting_dates,
                )
            )
        for kind, anchor, weeks, dates in rolling:
            result.terms.extend(
                MeetingTermFact(fact=fact, kind=kind, due=due, held_on=held_on)
                for due, held_on in rolling_terms(
                    anchor=anchor, weeks=weeks, held=dates, cap=cap, until=today, cal=cal
                )
            )
    return result


def _release_values(
    t: Trajectory,
    conditions: dict[int, dict[str, tuple[str, dt.date | None]]],
    outcomes: dict[int, dict[str, tuple[str, dt.date | None]]],
    referrals: dict[int, list[tuple[str, str, dt.date | None]]],
) -> dict[str, Any]:
    """The basic conditions at release and the durations after it (released only)."""
    values: dict[str, Any] = dict.fromkeys(RELEASE_FIELDS.values())
    values.update(
        release_source="",
        income_days=None,
        supervision_days=None,
        supervision_waiting=None,
        housing_days=None,
        housing_waiting=None,
    )
    released = t.end_date
    if released is None:
        return values
    recorded = outcomes.get(t.pk)
    if recorded:
        # The outcome frozen at release; a condition without an outcome counts as not in order.
        values["release_source"] = FROM_HANDOVER
        for domain, field_name in RELEASE_FIELDS.items():
            outcome, in_place_on = recorded.get(domain, (ConditionState.NOT_IN_ORDER, None))
            values[field_name] = _released_in_order(outcome, in_place_on, released)
        outcome, in_place_on = recorded.get("inkomen", (ConditionState.NOT_IN_ORDER, None))
        if outcome == ConditionState.IN_ORDER:
            values["income_days"] = 0
        elif outcome == ConditionState.ARRANGED:
            values["income_days"] = _days_after(in_place_on, released)
    else:
        # Released before the handover was recorded: the screening on the day of release.
        values["release_source"] = FROM_SCREENING
        for domain, field_name in RELEASE_FIELDS.items():
            status, on = conditions.get(t.pk, {}).get(domain, ("onbekend", None))
            values[field_name] = status == IN_ORDER and on is not None and on <= released
    own = referrals.get(t.pk, [])
    if t.judicial_title in SUPERVISION_TITLES:
        start = min(
            (
                day
                for kind, status, day in own
                if kind == ReferralKind.SUPERVISION
                and status == ReferralStatus.STARTED
                and day is not None
            ),
            default=None,
        )
        values["supervision_days"] = _days_after(start, released)
        values["supervision_waiting"] = start is None
    housing = [(status, day) for kind, status, day in own if kind in HOUSING_KINDS]
    if housing:
        start = min(
            (day for status, day in housing if status == ReferralStatus.STARTED and day),
            default=None,
        )
        values["housing_days"] = _days_after(start, released)
        if start is not None:
            values["housing_waiting"] = False
        elif any(status in OPEN_REFERRAL for status, _day in housing):
            values["housing_waiting"] = True
    return values


@transaction.atomic
def _write(batch: _Facts) -> None:
    """Upsert the rows and replace their child rows, in one transaction."""
    TrajectoryFact.objects.bulk_create(
        batch.facts,
        update_conflicts=True,
        unique_fields=["trajectory"],
        update_fields=FACT_FIELDS,
    )
    ids = [f.trajectory_id for f in batch.facts]
    MeetingTermFact.objects.filter(fact_id__in=ids).delete()
    MeetingAttendanceFact.objects.filter(fact_id__in=ids).delete()
    MeetingTermFact.objects.bulk_create(batch.terms, batch_size=BATCH_SIZE)
    MeetingAttendanceFact.objects.bulk_create(batch.meetings, batch_size=BATCH_SIZE)
    facts_version_bump()


def facts_version_bump() -> None:
    """Count the facts' version up, in the caller's transaction, last (models.FactsVersion):
    the row stays locked until that transaction commits."""
    if not FactsVersion.objects.filter(pk=1).update(number=F("number") + 1):
        # The first write ever (or after a test flushed the tables); two at once: one inserts.
        FactsVersion.objects.bulk_create([FactsVersion(pk=1, number=0)], ignore_conflicts=True)
        FactsVersion.objects.filter(pk=1).update(number=F("number") + 1)


def indicator_facts_refresh(
    *, trajectory_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> int:
    """Rebuild the facts of the given trajectories (all when None); returns how many.

    Each batch of `BATCH_SIZE` trajectories is one transaction, so a long nightly run does not
    hold one huge transaction, and a crash leaves every row either old or new, never half.
    A refresh of all trajectories then counts the dashboards' snapshot for `today`
    (`snapshot.indicator_snapshot_build`); a refresh of some removes the snapshots, so the
    dashboards count from the facts until the next full refresh.
    """
    today = today or timezone.localdate()
    if trajectory_ids is None:
        ids = list(Trajectory.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(trajectory_ids))
    count = 0
    for batch in _batches(ids):
        values = _fact_values(batch, today)
        _write(values)
        count += len(values.facts)
    if trajectory_ids is None:
        indicator_snapshot_build(today=today)
    else:
        snapshots_drop()
    return count


def indicator_fact_refresh(*, trajectory: Trajectory, today: dt.date | None = None) -> None:
    """Refresh one trajectory's facts (after a change that the dashboards should show now)."""
    indicator_facts_refresh(trajectory_ids=[trajectory.pk], today=today)
