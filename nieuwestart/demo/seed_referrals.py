"""Demo referrals: waiting lists for housing, care and the start of supervision.

What the report describes (§4.5, §5.3) should be visible in the demo: supported and sheltered
housing with waiting lists of months (some places start only after the release date, so the
person would leave prison without a roof), shelter as a stopgap after release, care and
forensic treatment referred by probation, and supervision that starts weeks after release.

Registered through the referral service by the professional who would make the referral (the
municipal aftercare coordinator or the PI casemanager for housing, the probation officer for
care and supervision), so the processing log looks like real use. About half of the open
trajectories past intake get one or two referrals. Idempotent: a trajectory that already has a
referral is left alone, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.referrals.models import Referral, ReferralStatus
from nieuwestart.referrals.services import referral_register, referral_update
from nieuwestart.trajectories.models import Assignment, Phase, Trajectory

HOUSING_PROVIDERS = [
    ("beschermd-wonen", "Stichting Beschermd Wonen Regio"),
    ("begeleid-wonen", "Begeleid Wonen Op Weg"),
    ("begeleid-wonen", "Woonbegeleiding De Schakel"),
    ("beschermd-wonen", "Beschermd Wonen Het Baken"),
]
SHELTERS = ["Nachtopvang De Herberg", "Daklozenopvang Het Kruispunt"]
CARE_PROVIDERS = [
    ("zorg", "GGZ-team Oost", "Ambulante behandeling, intake na vrijlating."),
    ("zorg", "Verslavingszorg Regio", "Aanmelding voor ambulante verslavingszorg."),
    ("behandeling", "Forensische polikliniek De Brug", "Forensisch ambulante behandeling."),
    ("behandeling", "Kliniek voor forensische zorg Het Anker", "Klinische plaatsing."),
]


def _assigned(trajectory: Trajectory, role: str) -> User | None:
    assignment = (
        Assignment.objects.filter(trajectory=trajectory, role=role, active=True)
        .select_related("user", "user__organisation")
        .first()
    )
    return assignment.user if assignment is not None else None


def _referred_on(trajectory: Trajectory, rng: random.Random, today: dt.date) -> dt.date:
    earliest = trajectory.start_date + dt.timedelta(days=3)
    if earliest >= today:
        return today
    return earliest + dt.timedelta(days=rng.randint(0, min((today - earliest).days, 150)))


def _housing(
    trajectory: Trajectory, actor: User, rng: random.Random, today: dt.date, release: dt.date
) -> Referral:
    kind, provider = rng.choice(HOUSING_PROVIDERS)
    referred_on = _referred_on(trajectory, rng, today)
    roll = rng.random()
    if roll < 0.45:
        # The waiting list runs past the release: months after it (report: up to a year).
        expected: dt.date | None = release + dt.timedelta(days=rng.randint(30, 240))
    elif roll < 0.75:
        expected = max(referred_on, release - dt.timedelta(days=rng.randint(0, 30)))
    else:
        expected = None  # the provider does not know yet
    return referral_register(
        actor=actor,
        trajectory=trajectory,
        kind=kind,
        provider=provider,
        provider_city=trajectory.return_municipality.name,
        referred_on=referred_on,
        expected_start=expected,
        status=ReferralStatus.WAITING if rng.random() < 0.8 else ReferralStatus.REFERRED,
        note="Intakegesprek gehad, wacht op een plek." if rng.random() < 0.5 else "",
        channel=Channel.SYSTEM,
        today=today,
    )


def _care(
    trajectory: Trajectory, officer: User, rng: random.Random, today: dt.date, release: dt.date
) -> Referral:
    kind, provider, note = rng.choice(CARE_PROVIDERS)
    referred_on = _referred_on(trajectory, rng, today)
    expected = release + dt.timedelta(days=rng.randint(-14, 120)) if rng.random() < 0.7 else None
    if expected is not None and expected < referred_on:
        expected = referred_on
    return referral_register(
        actor=officer,
        trajectory=trajectory,
        kind=kind,
        provider=provider,
        referred_on=referred_on,
        expected_start=expected,
        status=ReferralStatus.WAITING,
        note=note,
        channel=Channel.SYSTEM,
        today=today,
    )


def _supervision(
    trajectory: Trajectory, officer: User, rng: random.Random, today: dt.date, release: dt.date
) -> Referral:
    referred_on = _referred_on(trajectory, rng, today)
    # Supervision should start at release; with a waiting list it starts weeks later.
    gap = rng.choice([0, 0, 14, 42, 70])
    return referral_register(
        actor=officer,
        trajectory=trajectory,
        kind="reclasseringstoezicht",
        provider=f"{officer.organisation.name if officer.organisation else 'Reclassering'}",
        referred_on=referred_on,
        expected_start=max(referred_on, release + dt.timedelta(days=gap)),
        status=ReferralStatus.REFERRED,
        channel=Channel.SYSTEM,
        today=today,
    )


def _after_release(
    trajectory: Trajectory, actor: User, rng: random.Random, today: dt.date
) -> Referral:
    """After release: a shelter as a stopgap (started), or a place still being waited for."""
    referred_on = _referred_on(trajectory, rng, today)
    if rng.random() < 0.5:
        referral = referral_register(
            actor=actor,
            trajectory=trajectory,
            kind="maatschappelijke-opvang",
            provider=rng.choice(SHELTERS),
            provider_city=trajectory.return_municipality.name,
            referred_on=referred_on,
            status=ReferralStatus.REFERRED,
            channel=Channel.SYSTEM,
            today=today,
        )
        start = min(today, referred_on + dt.timedelta(days=rng.randint(0, 10)))
        return referral_update(
            actor=actor,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=referral.version,
            changes={"status": ReferralStatus.STARTED, "actual_start": start},
            channel=Channel.SYSTEM,
            today=today,
        )
    kind, provider = rng.choice(HOUSING_PROVIDERS)
    return referral_register(
        actor=actor,
        trajectory=trajectory,
        kind=kind,
        provider=provider,
        provider_city=trajectory.return_municipality.name,
        referred_on=referred_on,
        expected_start=today + dt.timedelta(days=rng.randint(20, 200)),
        status=ReferralStatus.WAITING,
        note="Verblijft tot die tijd bij familie.",
        channel=Channel.SYSTEM,
        today=today,
    )


def seed_referrals(*, today: dt.date | None = None, seed: int = 2023) -> dict[str, int]:
    """Referrals on about half of the open trajectories past intake. Returns what was added."""
    today = today or timezone.localdate()
    trajectories = (
        Trajectory.objects.filter(
            phase__in=[Phase.PLAN, Phase.DETENTION, Phase.AFTER_RELEASE], referrals__isnull=True
        )
        .select_related("return_municipality", "person")
        .order_by("pk")
    )
    added = 0
    touched = 0
    for trajectory in trajectories:
        # One generator per trajectory: the same trajectory always gets the same referrals.
        rng = random.Random(f"{seed}-{trajectory.person.bsn}-{trajectory.start_date}")  # nosec B311  # reproducible demo data
        if rng.random() >= 0.55:
            continue
        release = trajectory.end_date or trajectory.expected_end_date
        if release is None:
            continue
        officer = _assigned(trajectory, Role.PROBATION_OFFICER)
        housing_actor = _assigned(trajectory, Role.AFTERCARE_COORDINATOR) or _assigned(
            trajectory, Role.CASEMANAGER
        )
        made = 0
        if trajectory.phase == Phase.AFTER_RELEASE:
            if housing_actor is not None:
                _after_release(trajectory, housing_actor, rng, today)
                made += 1
        else:
            if housing_actor is not None and rng.random() < 0.8:
                _housing(trajectory, housing_actor, rng, today, release)
                made += 1
            if officer is not None and rng.random() < 0.5:
                _care(trajectory, officer, rng, today, release)
                made += 1
            if officer is not None and rng.random() < 0.6:
                _supervision(trajectory, officer, rng, today, release)
                made += 1
        added += made
        touched += 1 if made else 0
    return {"referrals": added, "trajectories": touched}
