"""Indicator facts: one row per trajectory with the dates the indicators count (issue 5).

Rule: dashboards never compute deadlines per trajectory on a request. `TrajectoryFact` holds,
per trajectory, the dimensions managers filter on (PI, return municipality and its size
class, probation organisation, short stay, LVB) and, per indicator, the date a term was due and
the date it was met. The due dates come from `nieuwestart.deadlines` (working days, Dutch
holidays, short-stay clamping), so the dashboard and the trajectory page never disagree.
Dashboards aggregate these rows with SQL `GROUP BY`.

Rows are derived data, written only by `services.indicator_facts_refresh` (nightly by the
scheduler and on demand); they hold no names, BSNs or free text. Indicators that count
several events per trajectory (the rolling MDO and trajectory-meeting terms, the attendance at
trajectory meetings) have one child row per event (`MeetingTermFact`,
`MeetingAttendanceFact`), replaced together with the trajectory's row.

`CaseloadNorm` is the caseload norm per PI (DOMAIN.md: 30), edited in the admin.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CASELOAD_NORM = 30


class TrajectoryFact(models.Model):
    trajectory = models.OneToOneField(
        "trajectories.Trajectory",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="indicator_fact",
    )
    # Dimensions (filters).
    prison = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    municipality_size = models.CharField(max_length=8, blank=True)  # klein | middel | groot
    probation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    short_stay = models.BooleanField(default=False)
    lvb = models.CharField(max_length=8, default="onbekend")  # ja | nee | onbekend
    phase = models.CharField(max_length=16)

    # Cohort dates: which month a trajectory counts in, per indicator.
    arrival_date = models.DateField()
    release_date = models.DateField(null=True, blank=True)

    # Terms: the date due (from the deadline rules) and the date met (None: not met).
    screening_due = models.DateField(null=True, blank=True)
    screening_done = models.DateField(null=True, blank=True)
    contact_due = models.DateField(null=True, blank=True)
    contact_done = models.DateField(null=True, blank=True)  # first information sheet sent
    reaction_due = models.DateField(null=True, blank=True)  # only once a sheet was sent
    reaction_done = models.DateField(null=True, blank=True)  # first acknowledgement
    plan_due = models.DateField(null=True, blank=True)  # none for a short stay
    plan_done = models.DateField(null=True, blank=True)  # first established version

    # The first sheet names the casemanager with a phone number or e-mail address.
    sheet_with_contact = models.BooleanField(null=True, blank=True)

    # Released trajectories only: was the basic condition in order at release?
    release_id_ok = models.BooleanField(null=True, blank=True)
    release_housing_ok = models.BooleanField(null=True, blank=True)
    release_income_ok = models.BooleanField(null=True, blank=True)
    release_finances_ok = models.BooleanField(null=True, blank=True)
    release_care_ok = models.BooleanField(null=True, blank=True)
    # Where the five fields above come from: "overdracht" (the ReleaseOutcome rows frozen at
    # release) or "screening" (fallback for releases without outcomes); "" when not released.
    release_source = models.CharField(max_length=12, blank=True)

    # Meetings (held, with attendance recorded). The first held meeting at which a
    # professional of a PI, of the municipality (or its safety house) and, when involved, of
    # probation were present together with the detainee.
    joint_meeting_on = models.DateField(null=True, blank=True)
    # Released only: the first held meeting on or before the release date at which a
    # professional of the organisation holding casusregie (after release) and the detainee
    # were both present.
    lead_met_on = models.DateField(null=True, blank=True)

    # Durations after release, in days (released only; None when not applicable or unknown).
    # Income: the "gaat in op" of the income outcome at release (0 when in order).
    income_days = models.IntegerField(null=True, blank=True)
    # Supervision (judicial title v.i. or conditional sentence): the first started referral
    # "reclasseringstoezicht"; `supervision_waiting` is True when none has started.
    supervision_days = models.IntegerField(null=True, blank=True)
    supervision_waiting = models.BooleanField(null=True, blank=True)
    # Sheltered or supported housing: the first started referral of that kind;
    # `housing_waiting` is True when a referral is still open and none has started.
    housing_days = models.IntegerField(null=True, blank=True)
    housing_waiting = models.BooleanField(null=True, blank=True)

    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("indicatorfeit")
        verbose_name_plural = _("indicatorfeiten")
        indexes = [
            models.Index(fields=["arrival_date"], name="fact_arrival"),
            models.Index(fields=["contact_done"], name="fact_contact_done"),
            models.Index(fields=["release_date"], name="fact_release"),
            models.Index(fields=["prison", "arrival_date"], name="fact_prison_arrival"),
            models.Index(fields=["municipality", "arrival_date"], name="fact_municipality_arrival"),
            models.Index(fields=["probation", "arrival_date"], name="fact_probation_arrival"),
            models.Index(fields=["refreshed_at"], name="fact_refreshed"),
        ]


class FactsVersion(models.Model):
    """One row, counted up by every write of facts, in the writing transaction.

    The dashboards' cache key holds it (`selectors.figures_key`). The latest `refreshed_at`
    cannot serve: a refresh that began earlier but committed later carries an older time and
    would leave the key, and so stale figures, in place for hours. The increment locks this
    row until the writing transaction commits, so each commit shows a new number."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("versie van de indicatorfeiten")
        verbose_name_plural = _("versies van de indicatorfeiten")


class TermKind(models.TextChoices):
    MDO = "mdo", _("MDO")
    TRAJECTORY_MEETING = "trajectoverleg", _("Trajectoverleg")


class MeetingTermFact(models.Model):
    """One term of a rolling meeting (MDO every 6 weeks, trajectory meeting at the plan's
    frequency): when it was due and when the meeting that met it was held (None: not held).

    A trajectory has several; the dashboards count trajectories per month of the due date
    (every term due in the month held on time). Written only by the refresh, which replaces a
    trajectory's rows with its facts row."""

    fact = models.ForeignKey(TrajectoryFact, on_delete=models.CASCADE, related_name="meeting_terms")
    kind = models.CharField(max_length=16, choices=TermKind.choices)
    due = models.DateField()
    held_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("overlegtermijn (indicator)")
        verbose_name_plural = _("overlegtermijnen (indicator)")
        indexes = [models.Index(fields=["kind", "due"], name="fact_term_due")]


class MeetingAttendanceFact(models.Model):
    """One held trajectory meeting: which parties were present (no names)."""

    fact = models.ForeignKey(TrajectoryFact, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    prison_present = models.BooleanField(default=False)
    probation_present = models.BooleanField(default=False)
    municipality_present = models.BooleanField(default=False)
    detainee_present = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("trajectoverleg (indicator)")
        verbose_name_plural = _("trajectoverleggen (indicator)")
        indexes = [models.Index(fields=["held_on"], name="fact_meeting_held")]


class CaseloadNorm(models.Model):
    """The caseload norm of one PI: active trajectories per casemanager (default 30)."""

    prison = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("inrichting"),
        limit_choices_to={"kind": "penitentiaire-inrichting"},
    )
    norm = models.PositiveSmallIntegerField(
        _("norm (trajecten per casemanager)"),
        default=DEFAULT_CASELOAD_NORM,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("caseloadnorm")
        verbose_name_plural = _("caseloadnormen")

    def __str__(self) -> str:
        return f"{self.prison}: {self.norm}"


class IndicatorSnapshot(models.Model):
    """The child-row indicators of one full refresh, pre-counted per trajectory and month.

    Built at the end of a refresh of all trajectories (`snapshot.indicator_snapshot_build`) for
    the day of that refresh (`as_of`): a denominator counts the terms that had ended by then,
    so a snapshot answers only requests of that same day. Any other refresh (of some
    trajectories) removes the snapshots, and the dashboards count from the child rows again
    until the next full refresh. `layout` names the indicators in the order of the bits in
    `IndicatorRowMonth`; a snapshot whose layout differs from the registry's (after an
    upgrade) is not used.
    """

    as_of = models.DateField()
    built_at = models.DateTimeField()
    layout = models.TextField()

    class Meta:
        verbose_name = _("indicatormomentopname")
        verbose_name_plural = _("indicatormomentopnamen")


class SnapshotDimensions(models.Model):
    """The filter dimensions, copied from the trajectory's facts into each snapshot row."""

    prison = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    municipality_size = models.CharField(max_length=8, blank=True)
    probation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    short_stay = models.BooleanField()
    lvb = models.CharField(max_length=8)

    class Meta:
        abstract = True


class IndicatorRowMonth(SnapshotDimensions):
    """One trajectory in one month, for the indicators counted on child rows (meeting terms,
    trajectory meetings): bit i of `counted` is set when the trajectory counts in the
    denominator of the i-th such indicator that month, bit i of `met` when it meets the
    numerator (for "every term on time": when a term failed). A trajectory counts once per
    month or quarter or period, so the dashboards combine its rows (bitwise OR) first.
    `grain` "q" rows hold the OR of a trajectory's months of one quarter (`month` is then the
    first day of the quarter), so whole quarters need no combining at request time."""

    snapshot = models.ForeignKey(IndicatorSnapshot, on_delete=models.CASCADE, related_name="+")
    # A picture of the night: a fact removed since then leaves its rows until the next build.
    fact = models.ForeignKey(
        TrajectoryFact, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    counted = models.IntegerField()
    met = models.IntegerField()
    grain = models.CharField(max_length=1, default="m")  # m: month, q: quarter

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "grain", "month"], name="rowmonth_snapshot_month")
        ]


class IndicatorFactMonth(SnapshotDimensions):
    """One trajectory in the month of one cohort date (arrival, first sheet sent, release), for
    the indicators counted on the facts: bit i of `counted` is set when the trajectory counts
    in the denominator of the i-th indicator of that cohort, bit i of `met` when it meets the
    numerator; for the release cohort `waiting` has a bit per "still waiting" field and the
    days after release of each duration indicator (when released by the snapshot's day)."""

    snapshot = models.ForeignKey(IndicatorSnapshot, on_delete=models.CASCADE, related_name="+")
    fact = models.ForeignKey(
        TrajectoryFact, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    cohort = models.CharField(max_length=16)
    month = models.DateField()
    counted = models.IntegerField()
    met = models.IntegerField()
    waiting = models.IntegerField(default=0)
    income_days = models.IntegerField(null=True, blank=True)
    supervision_days = models.IntegerField(null=True, blank=True)
    housing_days = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "cohort", "month"], name="factmonth_snapshot_month")
        ]
