"""Demo handover: corrections on the checklist near release, outcomes at release for everyone
already released.

- Trajectories whose release is near (handover.selectors.release_near) and that have no check
  yet: the partners confirm or correct a few conditions the way the report describes the weeks
  before release (§4.2): the benefit is applied for and starts on the day of release
  (`geregeld`), housing is often still missing (`niet-in-orde`, shelter registration running),
  a new ID card is ready to collect (`in-orde`). About two out of three such trajectories.
- Released trajectories (phase na-detentie or afgesloten) without outcomes, e.g. released
  before the handover app existed: the outcome per basic condition is recorded from their
  screening and plan through `release_outcomes_record`, source `einde-melding` when JustID's
  `einde` notification came, else `vrijlating-handmatig`. The demo screening leaves ID and
  housing needing help for about half of the people, as the report found.
Idempotent: a trajectory with a check, or with outcomes, is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.handover.models import HandoverCheck, OutcomeSource, ReleaseOutcome
from nieuwestart.handover.selectors import release_near
from nieuwestart.handover.services import handover_check_record, release_outcomes_record
from nieuwestart.trajectories.models import (
    Assignment,
    DetentionNotification,
    NotificationKind,
    Phase,
    Trajectory,
)

HOUSING_MISSING = "Nog geen woonplek. Aanmelding bij de maatschappelijke opvang loopt."
BENEFIT_ARRANGED = "Bijstand aangevraagd; gaat in op de dag van vrijlating."
ID_READY = "Nieuwe ID-kaart ligt klaar bij de gemeente."
DEBTS_ARRANGED = "Betalingsregeling met de verhuurder getekend."


def _assigned(trajectory: Trajectory, role: str) -> User | None:
    assignment = (
        Assignment.objects.filter(trajectory=trajectory, role=role, active=True)
        .select_related("user", "user__organisation")
        .first()
    )
    return assignment.user if assignment else None


def _check_near_release(trajectory: Trajectory, rng: random.Random) -> int:
    casemanager = _assigned(trajectory, Role.CASEMANAGER)
    coordinator = _assigned(trajectory, Role.AFTERCARE_COORDINATOR)
    done = 0
    plan: list[tuple[User | None, str, str, str, dt.date | None]] = []
    if coordinator is not None:
        plan.append(
            (coordinator, "inkomen", "geregeld", BENEFIT_ARRANGED, trajectory.expected_end_date)
        )
        if rng.random() < 0.6:
            plan.append((coordinator, "huisvesting", "niet-in-orde", HOUSING_MISSING, None))
        if rng.random() < 0.3:
            plan.append((coordinator, "financien", "geregeld", DEBTS_ARRANGED, None))
    if casemanager is not None and rng.random() < 0.5:
        plan.append((casemanager, "identiteit", "in-orde", ID_READY, None))
    for actor, condition, state, note, in_place_on in plan:
        assert actor is not None
        handover_check_record(
            actor=actor,
            trajectory=trajectory,
            condition=condition,
            state=state,
            note=note,
            in_place_on=in_place_on,
            channel=Channel.SYSTEM,
        )
        done += 1
    return done


def _rng(seed: int, trajectory: Trajectory) -> random.Random:
    """One generator per trajectory, from what the demo makes the same every time (the BSN and
    the start date; the uuid is new in every database): the same demo on the same day."""
    key = f"{seed}-{trajectory.person.bsn}-{trajectory.start_date}"
    return random.Random(key)  # nosec B311  # reproducible demo data


def checks_before_release(trajectory: Trajectory, *, seed: int = 2023) -> int:
    """The partners' checks in the weeks before one release (for `demo_data_load`, just before
    the `einde` notification, so outcomes at release include `geregeld`). Idempotent."""
    if HandoverCheck.objects.filter(handover__trajectory=trajectory).exists():
        return 0
    return _check_near_release(trajectory, _rng(seed, trajectory))


def seed_handover(*, seed: int = 2023, today: dt.date | None = None) -> dict[str, int]:
    """Checks near release and outcomes for released trajectories (see the module doc)."""
    today = today or timezone.localdate()
    checks = 0
    near = (
        Trajectory.objects.filter(phase__in=[Phase.INTAKE, Phase.PLAN, Phase.DETENTION])
        .exclude(expected_end_date=None)
        .exclude(handover__checks__isnull=False)
        .select_related("person")
        .order_by("expected_end_date", "pk")
    )
    for trajectory in near:
        # One generator per trajectory: a second run makes the same choices, so adds nothing.
        rng = _rng(seed, trajectory)
        if not release_near(trajectory, today) or rng.random() >= 0.67:
            continue
        checks += _check_near_release(trajectory, rng)

    outcomes = 0
    released = (
        Trajectory.objects.filter(phase__in=[Phase.AFTER_RELEASE, Phase.CLOSED])
        .exclude(end_date=None)
        .exclude(pk__in=ReleaseOutcome.objects.values("trajectory_id"))
        .order_by("pk")
    )
    by_notification = set(
        DetentionNotification.objects.filter(kind=NotificationKind.END).values_list(
            "trajectory_id", flat=True
        )
    )
    system = User.objects.filter(role=Role.SYSTEM).order_by("pk").first()
    for trajectory in released:
        source = (
            OutcomeSource.NOTIFICATION
            if trajectory.pk in by_notification
            else OutcomeSource.BY_HAND
        )
        outcomes += len(
            release_outcomes_record(
                actor=system, trajectory=trajectory, source=source, channel=Channel.SYSTEM
            )
        )
    return {
        "checks": checks,
        "outcomes": outcomes,
        "trajectories_checked": HandoverCheck.objects.values("handover").distinct().count(),
    }
