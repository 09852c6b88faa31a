"""Benchmark of the indicator dashboards at national scale (issue 5; docs/benchmarks.md).

Run on a throwaway PostgreSQL cluster (it fills the database it is given):

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh .venv/bin/python scripts/bench_indicators.py

It migrates, loads the reference data, generates 12,000 active and 100,000 closed trajectories
spread over the 25 PIs and 342 municipalities with their indicator facts (synthetic dates with
a realistic mix of on-time, late and missing; also the meeting terms, the attendance at
trajectory meetings, the outcomes at release and the days after release until income,
supervision and sheltered housing), 400 casemanagers with active assignments, then requests
each dashboard many times through Django's test client (the whole view: filters,
queries, charts, template) and prints p50 and p95 per dashboard. The facts are generated
directly: the nightly refresh is timed separately on a sample (`--refresh-sample`), which
first gets real registrations to read: three held meetings with present participants each,
the outcomes at release and a referral.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")
os.environ.setdefault("NIEUWESTART_TESTING", "1")
os.environ.setdefault("NIEUWESTART_REQUIRE_2FA", "false")  # the benchmark signs in with force_login
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # Django's test client

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

ACTIVE = 12_000
CLOSED = 100_000
CASEMANAGERS = 400


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, days))


def _terms(
    rng: random.Random, anchor: dt.date, end: dt.date, weeks: int
) -> list[tuple[dt.date, dt.date | None]]:
    """Rolling meeting terms from `anchor` until `end`: mostly held on time, some late or
    missed."""
    terms = []
    due = anchor + dt.timedelta(weeks=weeks)
    while due < end:
        draw = rng.random()
        if draw < 0.75:
            held: dt.date | None = due - dt.timedelta(days=rng.randint(0, 10))
        elif draw < 0.85:
            held = due + dt.timedelta(days=rng.randint(1, 14))
        else:
            held = None
        terms.append((due, held))
        due = (held or due) + dt.timedelta(weeks=weeks)
    return terms


def _meeting_facts(
    rng: random.Random, t_id: int, arrival: dt.date, plan_done: dt.date | None, end: dt.date
) -> tuple[list, list]:
    from nieuwestart.indicators.models import MeetingAttendanceFact, MeetingTermFact

    terms = [
        MeetingTermFact(fact_id=t_id, kind="mdo", due=due, held_on=held)
        for due, held in _terms(rng, arrival, end, 6)
    ]
    attendance = []
    if plan_done is not None and rng.random() < 0.7:
        for due, held in _terms(rng, plan_done, end, rng.choice([4, 6, 8])):
            terms.append(
                MeetingTermFact(fact_id=t_id, kind="trajectoverleg", due=due, held_on=held)
            )
            if held is not None:
                attendance.append(
                    MeetingAttendanceFact(
                        fact_id=t_id,
                        held_on=held,
                        prison_present=rng.random() < 0.95,
                        probation_present=rng.random() < 0.6,
                        municipality_present=rng.random() < 0.5,
                        detainee_present=rng.random() < 0.85,
                    )
                )
    return terms, attendance


def _release_values(rng: random.Random, released: dt.date | None) -> dict:
    """The outcomes and durations after release (released only)."""
    values: dict = {}
    if released is None:
        return values
    values["release_source"] = "overdracht"
    values["lead_met_on"] = (
        released - dt.timedelta(days=rng.randint(1, 60)) if rng.random() < 0.55 else None
    )
    if rng.random() < 0.6:
        values["income_days"] = rng.choice([0, 0, 0, 7, 14, 28, 56])
    if rng.random() < 0.35:  # a judicial title with supervision
        started = rng.random() < 0.75
        values["supervision_days"] = rng.randint(0, 60) if started else None
        values["supervision_waiting"] = not started
    if rng.random() < 0.15:  # referred to sheltered or supported housing
        started = rng.random() < 0.6
        values["housing_days"] = rng.randint(0, 200) if started else None
        values["housing_waiting"] = not started
    return values


def generate(rng: random.Random, today: dt.date) -> None:
    from nieuwestart.accounts.models import User
    from nieuwestart.core.bsn import never_real_bsns
    from nieuwestart.indicators.models import (
        MeetingAttendanceFact,
        MeetingTermFact,
        TrajectoryFact,
    )
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.trajectories.models import Assignment, Person, Phase, Trajectory

    prisons = list(Organisation.objects.filter(kind="penitentiaire-inrichting", active=True))
    municipalities = list(Organisation.objects.filter(kind="gemeente", active=True))
    probation = list(Organisation.objects.filter(kind="reclassering"))
    weights = [m.population or 1000 for m in municipalities]
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            username=f"cm{i}",
            organisation=prisons[i % len(prisons)],
            role="casemanager",
            password="!",  # noqa: S106 (unusable password marker)
        )
        for i in range(CASEMANAGERS)
    )
    by_prison: dict[int, list[User]] = {}
    for user in users:
        by_prison.setdefault(user.organisation_id, []).append(user)  # type: ignore[arg-type]

    total = ACTIVE + CLOSED
    bsns = never_real_bsns(total)  # no number that could be a real person's
    batch = 5_000
    for offset in range(0, total, batch):
        size = min(batch, total - offset)
        persons = Person.objects.bulk_create(
            Person(
                bsn=bsns[offset + i],
                given_names="Bench",
                surname=f"Persoon {offset + i}",
                birth_date=dt.date(1985, 1, 1),
            )
            for i in range(size)
        )
        specs = []
        for i, person in enumerate(persons):
            active = offset + i < ACTIVE
            prison = rng.choice(prisons)
            municipality = rng.choices(municipalities, weights)[0]
            if active:
                arrival = _day(rng, today - dt.timedelta(days=240), 238)
                released = None
            else:
                arrival = _day(rng, today - dt.timedelta(days=3 * 365), 3 * 365 - 60)
                released = arrival + dt.timedelta(days=rng.choice([14, 30, 60, 120, 300]))
                released = min(released, today - dt.timedelta(days=1))
            specs.append((person, prison, municipality, arrival, released))
        trajectories = Trajectory.objects.bulk_create(
            Trajectory(
                person=person,
                prison=prison,
                start_date=arrival,
                end_date=released,
                expected_end_date=released or arrival + dt.timedelta(days=120),
                registration_municipality=municipality,
                return_municipality=municipality,
                case_lead=prison,
                process_lead=municipality,
                phase=Phase.DETENTION if released is None else Phase.CLOSED,
            )
            for person, prison, municipality, arrival, released in specs
        )
        facts = []
        assignments = []
        terms: list = []
        attendance: list = []
        for t, (_person, prison, municipality, arrival, released) in zip(
            trajectories, specs, strict=True
        ):
            short = released is not None and (released - arrival).days < 90
            screening_due = arrival + dt.timedelta(days=14)
            contact_due = arrival + dt.timedelta(days=14)
            sent = arrival + dt.timedelta(days=rng.randint(2, 25)) if rng.random() < 0.85 else None
            ack = (
                sent + dt.timedelta(days=rng.randint(1, 12))
                if sent and rng.random() < 0.7
                else None
            )
            ok = {
                f: (rng.random() < 0.8) if released else None
                for f in (
                    "release_id_ok",
                    "release_housing_ok",
                    "release_income_ok",
                    "release_finances_ok",
                    "release_care_ok",
                )
            }
            plan_done = (
                None
                if short or rng.random() < 0.3
                else arrival + dt.timedelta(days=rng.randint(10, 50))
            )
            if not short:
                rows, present = _meeting_facts(rng, t.pk, arrival, plan_done, released or today)
                terms += rows
                attendance += present
            facts.append(
                TrajectoryFact(
                    trajectory=t,
                    prison=prison,
                    municipality=municipality,
                    municipality_size=municipality.size_class or "",
                    probation=rng.choice(probation) if rng.random() < 0.5 else None,
                    short_stay=short,
                    lvb=rng.choice(["ja", "nee", "nee", "onbekend"]),
                    phase=t.phase,
                    arrival_date=arrival,
                    release_date=released,
                    screening_due=screening_due,
                    screening_done=arrival + dt.timedelta(days=rng.randint(1, 30))
                    if rng.random() < 0.9
                    else None,
                    contact_due=contact_due,
                    contact_done=sent,
                    reaction_due=sent + dt.timedelta(days=7) if sent else None,
                    reaction_done=ack,
                    plan_due=None if short else arrival + dt.timedelta(days=28),
                    plan_done=plan_done,
                    sheet_with_contact=(rng.random() < 0.75) if sent else None,
                    joint_meeting_on=arrival + dt.timedelta(days=rng.randint(7, 40))
                    if not short and rng.random() < 0.7
                    else None,
                    refreshed_at=now,
                    **ok,
                    **_release_values(rng, released),
                )
            )
            if released is None:
                user = rng.choice(by_prison[prison.pk]) if prison.pk in by_prison else users[0]
                assignments.append(
                    Assignment(
                        trajectory=t,
                        user=user,
                        organisation_id=user.organisation_id,
                        role="casemanager",
                        started_at=now,
                    )
                )
        TrajectoryFact.objects.bulk_create(facts)
        MeetingTermFact.objects.bulk_create(terms, batch_size=5_000)
        MeetingAttendanceFact.objects.bulk_create(attendance, batch_size=5_000)
        Assignment.objects.bulk_create(assignments)
        print(f"  {offset + size:,} trajectories", flush=True)


def registrations(sample: list[int]) -> None:
    """Real rows for the refresh to read on the sample: three held meetings with the PI, the
    municipality and the detainee present, the outcomes at release and a referral."""
    from nieuwestart.accounts.models import User
    from nieuwestart.handover.models import ReleaseOutcome
    from nieuwestart.meetings.models import Meeting, Participant
    from nieuwestart.referrals.models import Referral
    from nieuwestart.trajectories.models import Trajectory

    user = User.objects.filter(username="cm0").get()
    now = timezone.now()
    meetings, outcomes, referrals = [], [], []
    trajectories = list(Trajectory.objects.filter(pk__in=sample))
    for t in trajectories:
        for weeks, kind in ((3, "trajectoverleg"), (6, "mdo"), (12, "mdo")):
            starts = dt.datetime.combine(
                t.start_date + dt.timedelta(weeks=weeks), dt.time(10), tzinfo=dt.UTC
            )
            meetings.append(
                Meeting(trajectory=t, kind=kind, starts_at=starts, location="PI", status="gehouden")
            )
        if t.end_date is not None:
            outcomes += [
                ReleaseOutcome(
                    trajectory=t,
                    condition=condition,
                    outcome="in-orde" if i % 2 else "niet-in-orde",
                    released_on=t.end_date,
                    source="einde-melding",
                    recorded_at=now,
                )
                for i, condition in enumerate(
                    ("identiteit", "huisvesting", "inkomen", "financien", "zorg")
                )
            ]
            referrals.append(
                Referral(
                    trajectory=t,
                    kind="beschermd-wonen",
                    condition="huisvesting",
                    provider="Bench",
                    referred_on=t.end_date - dt.timedelta(days=30),
                    status="gestart",
                    actual_start=t.end_date + dt.timedelta(days=20),
                    created_by=user,
                    organisation_id=user.organisation_id,
                )
            )
    Meeting.objects.bulk_create(meetings)
    by_trajectory = {t.pk: t for t in trajectories}
    Participant.objects.bulk_create(
        participant
        for meeting in meetings
        for participant in (
            Participant(
                meeting=meeting,
                kind="professional",
                user=user,
                organisation_id=by_trajectory[meeting.trajectory_id].prison_id,
                name="-",
                attendance="aanwezig",
            ),
            Participant(
                meeting=meeting,
                kind="professional",
                user=user,
                organisation_id=by_trajectory[meeting.trajectory_id].return_municipality_id,
                name="-",
                attendance="aanwezig",
            ),
            Participant(meeting=meeting, kind="gedetineerde", name="-", attendance="aanwezig"),
        )
    )
    ReleaseOutcome.objects.bulk_create(outcomes)
    Referral.objects.bulk_create(referrals)


def measure(client: Client, url: str, runs: int, cold: bool) -> tuple[float, float]:
    """p50 and p95 in ms. Cold: the cached counts are cleared before every request, so each
    request counts from the facts (the first request after a refresh); warm: they are not."""
    from django.core.cache import cache

    for _ in range(3):  # warm-up: prepared plans, the database's own caches
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--refresh-sample", type=int, default=2_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python " + __file__)

    from nieuwestart.accounts.models import User
    from nieuwestart.indicators.services import indicator_facts_refresh
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.organisations.services import reference_data_load
    from nieuwestart.trajectories.models import Trajectory

    call_command("migrate", verbosity=0)
    reference_data_load()
    today = timezone.localdate()
    t0 = time.perf_counter()
    generate(random.Random(5), today)  # noqa: S311 (synthetic data)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - t0:.0f} s")

    sample = list(
        Trajectory.objects.order_by("?").values_list("pk", flat=True)[: args.refresh_sample]
    )
    registrations(sample)
    t0 = time.perf_counter()
    indicator_facts_refresh(trajectory_ids=sample)
    per = (time.perf_counter() - t0) / len(sample)
    print(
        f"refresh: {per * 1000:.2f} ms per trajectory "
        f"(about {per * (ACTIVE + CLOSED) / 60:.0f} min for all {ACTIVE + CLOSED:,})"
    )

    # The nightly refresh ends by counting the snapshot the dashboards read (a refresh of a
    # sample, as above, removes it).
    from nieuwestart.indicators.snapshot import indicator_snapshot_build

    t0 = time.perf_counter()
    indicator_snapshot_build()
    print(f"snapshot built in {time.perf_counter() - t0:.0f} s")

    chain = Organisation.objects.create(code="KETEN-BENCH", name="Bench", kind="keten")
    keten = User.objects.create(username="keten", role="ketenanalist", organisation=chain)
    pi = User.objects.create(
        username="mt.almelo",
        role="management",
        organisation=Organisation.objects.get(code="PI-ALMELO"),
    )
    gm = User.objects.create(
        username="mt.rotterdam",
        role="management",
        organisation=Organisation.objects.get(code="GM0599"),
    )
    cases = [
        ("keten: dashboard, 12 months, everything", keten, "/indicatoren/"),
        (
            "keten: small municipalities, LVB, 36 months",
            keten,
            "/indicatoren/?van="
            + f"{today.year - 3}-{today.month:02d}"
            + "&tot="
            + f"{today:%Y-%m}&grootteklasse=klein&lvb=ja",
        ),
        (
            "keten: by quarter, 36 months",
            keten,
            f"/indicatoren/?van={today.year - 3}-{today.month:02d}&tot={today:%Y-%m}&per=kwartaal",
        ),
        ("management PI Almelo: dashboard", pi, "/indicatoren/"),
        ("management Rotterdam: dashboard", gm, "/indicatoren/"),
        ("keten: CSV export", keten, "/indicatoren/export.csv"),
    ]
    print(f"\n{'':50} {'cold':>17} {'warm':>17}")
    print(f"{'dashboard':50} {'p50 ms':>8} {'p95 ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, user, url in cases:
        client = Client()
        client.force_login(user)
        cold = measure(client, url, args.runs, cold=True)
        warm = measure(client, url, args.runs, cold=False)
        print(f"{label:50} {cold[0]:8.0f} {cold[1]:8.0f} {warm[0]:8.0f} {warm[1]:8.0f}")
    from rest_framework.test import APIClient

    from nieuwestart.accounts.services import api_token_create

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=keten)}")
    cold = measure(api, "/api/v1/indicatoren", args.runs, cold=True)  # type: ignore[arg-type]
    warm = measure(api, "/api/v1/indicatoren", args.runs, cold=False)  # type: ignore[arg-type]
    label = "keten: GET /api/v1/indicatoren"
    print(f"{label:50} {cold[0]:8.0f} {cold[1]:8.0f} {warm[0]:8.0f} {warm[1]:8.0f}")


if __name__ == "__main__":
    main()
