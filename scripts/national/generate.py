"""Generate a national-scale data set on PostgreSQL (issue 6, docs/benchmarks.md).

    NIEUWESTART_TESTING=1 scripts/with-postgres.sh \
        .venv/bin/python scripts/national/generate.py [--scale 1.0] [--seed 6]

At `--scale 1` (the default): about 12,000 active and 100,000 closed trajectories over the 26
active PIs and the 342 municipalities (weighted by population), one person each; 400
casemanagers, a staffunctionaris and a management account per PI, 240 probation officers of the
three probation organisations, about 600 aftercare coordinators spread over the municipalities
by population (at least one each), a process director per safety house and one chain-wide
account; involvements and assignments as the services make them (closed trajectories keep their
involvements, their assignments ended); a screening with its six domain assessments for nearly
every trajectory, D&R-plans with tasks and established versions, information sheets,
notifications, the indicator facts the dashboards read, and about 2 million processing-log rows.
`--scale 0.05` makes a twentieth of everything (accounts: at least one per organisation).

It writes with COPY (and INSERT ... SELECT for the derived tables), numbers the rows itself and
sets the sequences afterwards, stores the open deadlines as the nightly `deadlines_index` does,
builds today's indicator snapshot as the nightly `indicators_refresh` does (`--no-snapshot`
leaves it out: about 2.5 minutes less at national scale), then runs VACUUM (ANALYZE). It refuses a database that already holds
generated data. It prints the time of each step and, with `--summary FILE`, writes the counts
and times as JSON.

Personal data: none is real. Names come from a short list of common Dutch names. BSNs: the first
ones are the elfproef-valid RvIG test numbers (9999xxxxx, about 9,000 of them, used for the
active trajectories first); the rest are 9-digit numbers starting with 999 that FAIL the
elfproef, so they can never be anyone's BSN (a real BSN always passes it). The application
validates BSNs only where they come in (detention notifications), not when it shows them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_PASSWORD, PREFIX, setup_django

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from nieuwestart.core.bsn import never_real_bsns  # noqa: E402

ACTIVE = 12_000
CLOSED = 100_000
CASEMANAGERS = 400
PROBATION_OFFICERS = 240
COORDINATORS = 600
LOG_ROWS = 2_000_000

MEN = ["Mohamed", "Jeroen", "Kevin", "Dennis", "Stefan", "Mark", "Ricardo", "Bas", "Tim", "Ahmet"]
WOMEN = ["Sandra", "Linda", "Samira", "Kim", "Esther", "Naima", "Melissa", "Demi", "Iris"]
SURNAMES = [
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Yilmaz"),
    ("", "El Amrani"),
    ("", "Kaya"),
    ("", "Martina"),
    ("", "Pinas"),
]
DOMAINS = ["identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk"]
HELP = {
    "identiteit": ("ID-kaart is verlopen. Nieuwe aanvragen vóór vrijlating.", "gemeente"),
    "huisvesting": ("Huur doorbetalen tijdens detentie.", "gemeente"),
    "inkomen": ("Uitkering aanvragen voor de dag van vrijlating.", "gemeente"),
    "financien": ("Schulden in kaart brengen.", "inrichting"),
    "zorg": ("Lopende zorg moet na vrijlating doorlopen.", "reclassering"),
    "sociaal-netwerk": ("Contact met familie herstellen.", "gedetineerde"),
}
PLAN_TEXT = {
    "reintegration_goals": "Na vrijlating een eigen woonplek, inkomen vanaf dag één en werk.",
    "behaviour_goals": "Afspraken nakomen op de afdeling; geen conflicten.",
    "activities": "Arbeid in de werkzaal; cursus budgetteren.",
    "agreements": "PI regelt ID en uitkering; gemeente regelt huur en schuldhulp.",
    "monitoring": "Casemanager bespreekt de voortgang in het MDO.",
}


# --- Writing rows -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into a table in text format, in chunks of about 8 MB."""
    count = 0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_text(v) for v in row))
                buffer.write("\n")
                count += 1
                if buffer.tell() > 8_000_000:
                    copy.write(buffer.getvalue().encode())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue().encode())
    return count


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def sync_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- BSNs ---------------------------------------------------------------------------------------


# --- The generator ------------------------------------------------------------------------------


class Generator:
    def __init__(
        self,
        scale: float,
        seed: int,
        log_rows: int | None,
        *,
        sparse: bool = False,
        indicator_snapshot: bool = True,
    ) -> None:
        self.scale = scale
        self.sparse = sparse
        self.indicator_snapshot = indicator_snapshot
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.active = max(20, round(ACTIVE * scale))
        self.closed = max(20, round(CLOSED * scale))
        self.log_rows = log_rows if log_rows is not None else round(LOG_ROWS * scale)
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def step(self, name: str, started: float) -> None:
        self.timings[name] = round(time.perf_counter() - started, 1)
        print(f"  {name}: {self.timings[name]:.1f} s", flush=True)

    # Organisations and accounts ---------------------------------------------------------------

    def organisations(self) -> None:
        from nieuwestart.organisations.models import Organisation, OrganisationKind

        self.prisons = list(
            Organisation.objects.filter(kind=OrganisationKind.PRISON, active=True).order_by("code")
        )
        self.municipalities = list(
            Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, active=True)
            .select_related("safety_house")
            .order_by("code")
        )
        self.probation = {
            o.code: o for o in Organisation.objects.filter(kind=OrganisationKind.PROBATION)
        }
        self.safety_houses = list(
            Organisation.objects.filter(kind=OrganisationKind.SAFETY_HOUSE, active=True)
        )
        self.chain, _ = Organisation.objects.get_or_create(
            code="KETEN-NATIONAAL",
            defaults={"kind": OrganisationKind.CHAIN, "name": "Ketenbreed (benchmark)"},
        )
        self.weights = [m.population or 1000 for m in self.municipalities]
        self.cum_weights = list(itertools.accumulate(self.weights))

    def accounts(self) -> None:
        from django.contrib.auth.hashers import make_password

        from nieuwestart.accounts.models import Role

        password = make_password(BENCH_PASSWORD)  # one hash for every generated account
        users: list[tuple[str, Any, str, str]] = []  # username, organisation, role, last name
        n_cm = max(len(self.prisons), round(CASEMANAGERS * self.scale))
        for i in range(n_cm):
            prison = self.prisons[i % len(self.prisons)]
            users.append((f"{PREFIX}cm{i}", prison, Role.CASEMANAGER, f"Casemanager {i}"))
        for prison in self.prisons:
            code = prison.code.lower()
            users.append((f"{PREFIX}sf.{code}", prison, Role.STAFF_OFFICER, "Staffunctionaris"))
            users.append((f"{PREFIX}mt.{code}", prison, Role.MANAGEMENT, "Management"))
        n_po = max(3, round(PROBATION_OFFICERS * self.scale))
        shares = [("RN", 0.6), ("SVG", 0.3), ("LJR", 0.1)]
        for code, share in shares:
            for i in range(max(1, round(n_po * share))):
                users.append(
                    (
                        f"{PREFIX}po.{code.lower()}{i}",
                        self.probation[code],
                        Role.PROBATION_OFFICER,
                        f"Toezichthouder {i}",
                    )
                )
        total = sum(self.weights)
        n_co = COORDINATORS * self.scale
        for municipality, weight in zip(self.municipalities, self.weights, strict=True):
            share = round(weight / total * n_co)
            for i in range(share if self.sparse else max(1, share)):
                users.append(
                    (
                        f"{PREFIX}nz.{municipality.code.lower()}.{i}",
                        municipality,
                        Role.AFTERCARE_COORDINATOR,
                        f"Nazorg {municipality.name} {i}",
                    )
                )
        for house in self.safety_houses:
            users.append(
                (f"{PREFIX}pr.{house.code.lower()}", house, Role.PROCESS_DIRECTOR, "Procesregie")
            )
        users.append((f"{PREFIX}keten", self.chain, Role.CHAIN_ANALYST, "Ketenanalist"))
        first = next_id("accounts_user")
        self.users_by_org_role: dict[tuple[int, str], list[int]] = {}
        self.user_names: dict[int, str] = {}
        rows = []
        for offset, (username, organisation, role, last_name) in enumerate(users):
            pk = first + offset
            self.users_by_org_role.setdefault((organisation.pk, role), []).append(pk)
            self.user_names[pk] = username
            rows.append(
                (
                    pk,
                    password,
                    None,
                    False,
                    username,
                    "Bench",
                    last_name,
                    f"{username}@bench.example",
                    False,
                    True,
                    self.now,
                    uuid.uuid4(),
                    role,
                    f"088 000 {5000 + offset % 5000:04d}",
                    0,
                    None,
                    organisation.pk,
                )
            )
        self.counts["accounts"] = copy_rows(
            "accounts_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "uuid",
                "role",
                "phone",
                "failed_logins",
                "locked_until",
                "organisation_id",
            ],
            rows,
        )
        sync_sequence("accounts_user")

    # Trajectories -----------------------------------------------------------------------------

    def _phase_and_dates(self, active: bool) -> tuple[str, dt.date, dt.date | None, dt.date]:
        """Phase, start, actual end (released) and expected end."""
        rng, today = self.rng, self.today
        if not active:
            start = today - dt.timedelta(days=rng.randint(90, 3 * 365))
            length = rng.choice([14, 30, 45, 60, 90, 120, 200, 300, 500])
            end = min(start + dt.timedelta(days=length), today - dt.timedelta(days=30))
            end = max(end, start + dt.timedelta(days=7))
            return "afgesloten", start, end, end
        draw = rng.random()
        if draw < 0.10:
            phase, start = "instroom", today - dt.timedelta(days=rng.randint(0, 9))
        elif draw < 0.22:
            phase, start = "plan", today - dt.timedelta(days=rng.randint(10, 27))
        elif draw < 0.85:
            phase, start = "detentie", today - dt.timedelta(days=rng.randint(28, 400))
        else:
            start = today - dt.timedelta(days=rng.randint(60, 500))
            end = min(start + dt.timedelta(days=rng.randint(30, 400)), today - dt.timedelta(1))
            return "na-detentie", start, end, end
        expected = max(start + dt.timedelta(days=rng.randint(14, 600)), today + dt.timedelta(3))
        return phase, start, None, expected

    def trajectories(self) -> None:
        from nieuwestart.accounts.models import Role

        rng = self.rng
        total = self.active + self.closed
        bsns = never_real_bsns(total)
        person_first = next_id("trajectories_person")
        trajectory_first = next_id("trajectories_trajectory")
        self.specs: list[dict[str, Any]] = []
        persons, trajectories, involvements, assignments, events = [], [], [], [], []
        involvement_id = next_id("trajectories_involvement")
        assignment_id = next_id("trajectories_assignment")
        event_id = next_id("trajectories_trajectoryevent")
        probation_codes = ["RN"] * 6 + ["SVG"] * 3 + ["LJR"]
        self.turns: dict[tuple[int, str], int] = {}
        for index in range(total):
            active = index < self.active
            phase, start, end, expected = self._phase_and_dates(active)
            prison = self.prisons[index % len(self.prisons)]
            municipality = rng.choices(self.municipalities, cum_weights=self.cum_weights)[0]
            via_house = municipality.aftercare_via_safety_house and municipality.safety_house
            process_lead = municipality.safety_house if via_house else municipality
            probation = self.probation[rng.choice(probation_codes)] if rng.random() < 0.45 else None
            title = rng.choice(["vi", "geen", "geen"]) if probation else "geen"
            if phase in ("na-detentie", "afgesloten"):
                case_lead = probation if (probation and title == "vi") else municipality
            else:
                case_lead = prison
            t_id = trajectory_first + index
            p_id = person_first + index
            t_uuid = uuid.uuid4()
            prefix, surname = rng.choice(SURNAMES)
            persons.append(
                (
                    p_id,
                    uuid.uuid4(),
                    bsns[index],
                    rng.choice(WOMEN if prison.for_women else MEN),
                    prefix,
                    surname,
                    self.today - dt.timedelta(days=rng.randint(18 * 365, 62 * 365)),
                )
            )
            created = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
            updated = timezone.make_aware(dt.datetime.combine(end or start, dt.time(16)))
            trajectories.append(
                (
                    t_id,
                    t_uuid,
                    "",
                    start,
                    expected,
                    end,
                    phase != "instroom",
                    phase,
                    title if phase != "instroom" else "onbekend",
                    1,
                    created,
                    updated,
                    case_lead.pk,
                    p_id,
                    prison.pk,
                    process_lead.pk,
                    municipality.pk,
                    municipality.pk,
                )
            )
            orgs = [(prison, "inrichting"), (municipality, "terugkeergemeente")]
            if via_house:
                orgs.append((municipality.safety_house, "zorg-en-veiligheidshuis"))
            if probation is not None:
                orgs.append((probation, "reclassering"))
            for organisation, kind in orgs:
                involvements.append(
                    (
                        involvement_id,
                        kind,
                        True,
                        created,
                        None,
                        organisation.pk,
                        t_id,
                        phase != "afgesloten",
                    )
                )
                involvement_id += 1
            # Assignments: active ones on open trajectories, ended ones on closed trajectories.
            named: list[int] = []
            casemanager = None
            wanted = []
            if rng.random() < 0.92 or phase != "instroom":
                wanted.append((prison, Role.CASEMANAGER))
            if phase != "instroom" and rng.random() < 0.75:
                wanted.append((municipality, Role.AFTERCARE_COORDINATOR))
            if probation is not None and rng.random() < 0.8:
                wanted.append((probation, Role.PROBATION_OFFICER))
            for organisation, role in wanted:
                candidates = self.users_by_org_role.get((organisation.pk, role))
                if not candidates:
                    continue
                # Round robin per organisation and role: an even caseload for everyone.
                turn = self.turns.get((organisation.pk, role), 0)
                self.turns[(organisation.pk, role)] = turn + 1
                user_id = candidates[turn % len(candidates)]
                named.append(user_id)
                if role == Role.CASEMANAGER:
                    casemanager = user_id
                assignments.append(
                    (
                        assignment_id,
                        role,
                        active,
                        created,
                        None if active else updated,
                        organisation.pk,
                        user_id,
                        t_id,
                    )
                )
                assignment_id += 1
            events.append((event_id, "aangemaakt", "", phase, "", created, None, None, t_id))
            event_id += 1
            self.specs.append(
                {
                    "id": t_id,
                    "uuid": t_uuid,
                    "person": p_id,
                    "phase": phase,
                    "start": start,
                    "end": end,
                    "prison": prison,
                    "municipality": municipality,
                    "probation": probation,
                    "named": named,
                    "casemanager": casemanager,
                }
            )
        self.counts["persons"] = copy_rows(
            "trajectories_person",
            ["id", "uuid", "bsn", "given_names", "surname_prefix", "surname", "birth_date"],
            persons,
        )
        self.counts["trajectories"] = copy_rows(
            "trajectories_trajectory",
            [
                "id",
                "uuid",
                "unit",
                "start_date",
                "expected_end_date",
                "end_date",
                "return_municipality_confirmed",
                "phase",
                "judicial_title",
                "version",
                "created_at",
                "updated_at",
                "case_lead_id",
                "person_id",
                "prison_id",
                "process_lead_id",
                "registration_municipality_id",
                "return_municipality_id",
            ],
            trajectories,
        )
        self.counts["involvements"] = copy_rows(
            "trajectories_involvement",
            [
                "id",
                "kind",
                "active",
                "started_at",
                "ended_at",
                "organisation_id",
                "trajectory_id",
                "trajectory_open",
            ],
            involvements,
        )
        self.counts["assignments"] = copy_rows(
            "trajectories_assignment",
            [
                "id",
                "role",
                "active",
                "started_at",
                "ended_at",
                "organisation_id",
                "user_id",
                "trajectory_id",
            ],
            assignments,
        )
        self.counts["events"] = copy_rows(
            "trajectories_trajectoryevent",
            [
                "id",
                "kind",
                "from_value",
                "to_value",
                "reason",
                "created_at",
                "actor_id",
                "actor_organisation_id",
                "trajectory_id",
            ],
            events,
        )
        for table in (
            "trajectories_person",
            "trajectories_trajectory",
            "trajectories_involvement",
            "trajectories_assignment",
            "trajectories_trajectoryevent",
        ):
            sync_sequence(table)

    # Screening, plan, information sheet --------------------------------------------------------

    def _moment(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(min(day, self.today), dt.time(11)))

    def screenings(self) -> None:
        rng = self.rng
        first = next_id("screening_screening")
        rows = []
        for offset, spec in enumerate(
            s for s in self.specs if s["phase"] != "instroom" or rng.random() < 0.5
        ):
            spec["screening"] = first + offset
            actor = spec["casemanager"]
            done = spec["phase"] != "instroom" and rng.random() < 0.93
            moment = self._moment(spec["start"] + dt.timedelta(days=rng.randint(2, 20)))
            spec["screened_on"] = moment.date() if done else None
            rows.append(
                (
                    first + offset,
                    rng.choice(["ja", "nee", "nee", "nee", "onbekend"]),
                    rng.choice(["ja", "nee", "onbekend"]),
                    "",
                    rng.random() < 0.2,
                    "Ik wil na mijn vrijlating een eigen plek en werk.",
                    moment if done else None,
                    1,
                    moment,
                    moment,
                    actor if done else None,
                    spec["id"],
                    actor,
                    spec["prison"].pk if actor else None,
                )
            )
        self.counts["screenings"] = copy_rows(
            "screening_screening",
            [
                "id",
                "lvb",
                "first_detention",
                "language_needs",
                "reading_needs",
                "own_words",
                "completed_at",
                "version",
                "created_at",
                "updated_at",
                "completed_by_id",
                "trajectory_id",
                "updated_by_id",
                "updated_by_organisation_id",
            ],
            rows,
        )
        sync_sequence("screening_screening")
        # Six assessments per screening, derived in the database: valid as the services require
        # (a status asking for help has a help question and who acts).
        values = ", ".join(
            f"('{code}', '{text}', '{partner}')" for code, (text, partner) in HELP.items()
        )
        self.counts["assessments"] = execute(
            f"""
            INSERT INTO screening_domainassessment
                (domain, status, help_question, acting_partner, acting_note, facts, updated_at,
                 updated_by_id, updated_by_organisation_id, screening_id)
            SELECT d.code, st.status,
                   CASE WHEN st.status IN ('aandacht', 'hulp-nodig') THEN d.help ELSE '' END,
                   CASE WHEN st.status IN ('aandacht', 'hulp-nodig') THEN d.partner ELSE '' END,
                   '', '{{}}'::jsonb, s.updated_at, s.updated_by_id,
                   s.updated_by_organisation_id, s.id
            FROM screening_screening s
            CROSS JOIN (VALUES {values}) AS d(code, help, partner)
            CROSS JOIN LATERAL (
                SELECT CASE WHEN r < 0.55 THEN 'in-orde' WHEN r < 0.75 THEN 'aandacht'
                            WHEN r < 0.9 THEN 'hulp-nodig' ELSE 'onbekend' END AS status
                FROM (SELECT random() + 0 * s.id AS r) x
            ) st
            WHERE s.id >= %s
            """,  # noqa: S608 (constants only)
            [first],
        )
        execute(
            """
            INSERT INTO screening_screeningchange
                (screening_id, version, changes, changed_by_id, changed_by_organisation_id,
                 changed_at)
            SELECT id, 1, '[]'::jsonb, updated_by_id, updated_by_organisation_id, updated_at
            FROM screening_screening WHERE id >= %s
            """,
            [first],
        )

    def plans(self) -> None:
        from nieuwestart.plans.models import Plan, PlanTask
        from nieuwestart.plans.snapshots import plan_snapshot

        rng = self.rng
        plan_first = next_id("plans_plan")
        task_id = next_id("plans_plantask")
        version_id = next_id("plans_planversion")
        plans, tasks, versions = [], [], []
        eligible = [s for s in self.specs if s["phase"] != "instroom"]
        for offset, spec in enumerate(s for s in eligible if rng.random() < 0.85):
            plan_id = plan_first + offset
            established = spec["phase"] != "plan" and rng.random() < 0.8
            created = self._moment(spec["start"] + dt.timedelta(days=rng.randint(5, 15)))
            when = self._moment(spec["start"] + dt.timedelta(days=rng.randint(15, 45)))
            spec["plan_on"] = when.date() if established else None
            held = spec["start"] + dt.timedelta(days=rng.randint(10, 30))
            plans.append(
                (
                    plan_id,
                    "vastgesteld" if established else "concept",
                    2 if established else 1,
                    *PLAN_TEXT.values(),
                    "",
                    "",
                    "",
                    6,
                    held,
                    "",
                    None,
                    created,
                    when if established else created,
                    None,
                    None,
                    spec["id"],
                )
            )
            task_objects = []
            if spec["end"] is None:  # open trajectories: tasks to do
                for position, (domain, what, organisation) in enumerate(
                    (
                        ("identiteit", "Nieuwe ID-kaart aanvragen", spec["municipality"]),
                        ("huisvesting", "Huur doorbetalen", spec["municipality"]),
                        ("inkomen", "Uitkering aanvragen", spec["municipality"]),
                    )
                ):
                    task_uuid = uuid.uuid4()
                    due = spec["start"] + dt.timedelta(days=30 + 15 * position)
                    tasks.append(
                        (
                            task_id,
                            task_uuid,
                            domain,
                            what,
                            False,
                            "",
                            due,
                            "open",
                            position,
                            created,
                            created,
                            None,
                            spec["casemanager"],
                            spec["prison"].pk,
                            organisation.pk,
                            plan_id,
                        )
                    )
                    task_id += 1
                    task_objects.append(
                        PlanTask(
                            uuid=task_uuid,
                            domain=domain,
                            what=what,
                            organisation=organisation,
                            due_date=due,
                            status="open",
                        )
                    )
            if established:
                snapshot = plan_snapshot(
                    Plan(**PLAN_TEXT, meeting_frequency_weeks=6, meeting_held_on=held),
                    task_objects,
                )
                versions.append(
                    (
                        version_id,
                        1,
                        snapshot,
                        when,
                        "Vastgesteld in het MDO",
                        spec["casemanager"],
                        spec["prison"].pk if spec["casemanager"] else None,
                        plan_id,
                    )
                )
                version_id += 1
        self.counts["plans"] = copy_rows(
            "plans_plan",
            [
                "id",
                "status",
                "version",
                *PLAN_TEXT,
                "leave",
                "guidance",
                "case_lead_agreement",
                "meeting_frequency_weeks",
                "meeting_held_on",
                "probation_advice",
                "probation_advice_at",
                "created_at",
                "updated_at",
                "probation_advice_by_id",
                "probation_advice_organisation_id",
                "trajectory_id",
            ],
            plans,
        )
        self.counts["plan_tasks"] = copy_rows(
            "plans_plantask",
            [
                "id",
                "uuid",
                "domain",
                "what",
                "for_detainee",
                "person_name",
                "due_date",
                "status",
                "position",
                "created_at",
                "updated_at",
                "assignee_id",
                "created_by_id",
                "created_by_organisation_id",
                "organisation_id",
                "plan_id",
            ],
            tasks,
        )
        self.counts["plan_versions"] = copy_rows(
            "plans_planversion",
            [
                "id",
                "number",
                "snapshot",
                "established_at",
                "note",
                "established_by_id",
                "established_by_organisation_id",
                "plan_id",
            ],
            versions,
        )
        for table in ("plans_plan", "plans_plantask", "plans_planversion"):
            sync_sequence(table)

    def infosheets(self) -> None:
        rng = self.rng
        first = next_id("infosheet_infosheet")
        rows = []
        for spec in self.specs:
            if spec["phase"] == "instroom" or rng.random() > 0.85 or not spec["casemanager"]:
                continue
            sent = self._moment(spec["start"] + dt.timedelta(days=rng.randint(3, 20)))
            spec["sheet_on"] = sent.date()
            ack = rng.random() < 0.7
            acked = sent + dt.timedelta(days=rng.randint(1, 10))
            coordinator = next((u for u in spec["named"][1:] if u in self._coordinators), None)
            spec["ack_on"] = acked.date() if ack else None
            content = {"persoon": {"naam": "Bench"}, "inrichting": spec["prison"].name}
            rows.append(
                (
                    first + len(rows),
                    1,
                    content,
                    "0" * 64,
                    sent,
                    sent,
                    sent,
                    acked if ack else None,
                    coordinator if ack else None,
                    spec["municipality"].pk if ack else None,
                    spec["municipality"].pk,
                    spec["casemanager"],
                    spec["prison"].pk,
                    spec["id"],
                )
            )
        self.counts["infosheets"] = copy_rows(
            "infosheet_infosheet",
            [
                "id",
                "number",
                "content",
                "content_hash",
                "generated_at",
                "sent_at",
                "received_at",
                "acknowledged_at",
                "acknowledged_by_id",
                "acknowledged_organisation_id",
                "recipient_id",
                "sent_by_id",
                "sent_by_organisation_id",
                "trajectory_id",
            ],
            rows,
        )
        sync_sequence("infosheet_infosheet")

    def notifications(self) -> None:
        """What the scheduler would have stored: deadline notifications for the named people on
        open trajectories (about half of them), 40% still unread."""
        rng = self.rng
        first = next_id("notify_notification")
        rows = []
        for spec in self.specs:
            if spec["end"] is not None and spec["phase"] == "afgesloten":
                continue
            for user_id in spec["named"]:
                for code, label in (
                    ("screening", "Screening basisvoorwaarden afgerond"),
                    ("plan", "D&R-plan vastgesteld"),
                ):
                    if rng.random() > 0.5:
                        continue
                    due = spec["start"] + dt.timedelta(days=14 if code == "screening" else 28)
                    late = due < self.today
                    kind = "termijn-te-laat" if late else "termijn-binnenkort"
                    created = self._moment(due)
                    rows.append(
                        (
                            first + len(rows),
                            uuid.uuid4(),
                            kind,
                            f"{'Termijn te laat' if late else 'Termijn binnenkort'}: {label}",
                            f"Uiterlijk {due:%d-%m-%Y}",
                            f"/trajecten/{spec['uuid']}",
                            f"{'te-laat' if late else 'binnenkort'}:{spec['uuid']}:{code}:{due}",
                            created,
                            created + dt.timedelta(days=1) if rng.random() < 0.6 else None,
                            None,
                            user_id,
                            spec["id"],
                        )
                    )
        self.counts["notifications"] = copy_rows(
            "notify_notification",
            [
                "id",
                "uuid",
                "kind",
                "title",
                "text",
                "link",
                "dedup_key",
                "created_at",
                "read_at",
                "digested_at",
                "recipient_id",
                "trajectory_id",
            ],
            rows,
        )
        sync_sequence("notify_notification")

    def facts(self) -> None:
        """The indicator facts the dashboards read, consistent with the rows above (the nightly
        `indicators_refresh` would derive the same kind of rows; timing it is issue 5's
        benchmark)."""
        from nieuwestart.indicators.models import MeetingTermFact, TrajectoryFact

        rng = self.rng
        batch: list[TrajectoryFact] = []
        terms: list[MeetingTermFact] = []
        count = 0

        def flush() -> None:
            nonlocal batch, terms
            TrajectoryFact.objects.bulk_create(batch, batch_size=5_000)
            MeetingTermFact.objects.bulk_create(terms, batch_size=5_000)
            batch, terms = [], []

        for spec in self.specs:
            start, end = spec["start"], spec["end"]
            short = end is not None and (end - start).days < 90
            sheet = spec.get("sheet_on")
            municipality = spec["municipality"]
            fact = TrajectoryFact(
                trajectory_id=spec["id"],
                prison=spec["prison"],
                municipality=municipality,
                municipality_size=municipality.size_class or "",
                probation=spec["probation"],
                short_stay=short,
                lvb=rng.choice(["ja", "nee", "nee", "onbekend"]),
                phase=spec["phase"],
                arrival_date=start,
                release_date=end,
                screening_due=start + dt.timedelta(days=14),
                screening_done=spec.get("screened_on"),
                contact_due=start + dt.timedelta(days=14),
                contact_done=sheet,
                reaction_due=sheet + dt.timedelta(days=7) if sheet else None,
                reaction_done=spec.get("ack_on"),
                plan_due=None if short else start + dt.timedelta(days=28),
                plan_done=spec.get("plan_on"),
                sheet_with_contact=(rng.random() < 0.75) if sheet else None,
                refreshed_at=self.now,
                **{
                    f"release_{c}_ok": (rng.random() < 0.8) if end else None
                    for c in ("id", "housing", "income", "finances", "care")
                },
            )
            batch.append(fact)
            if not short:
                due = start + dt.timedelta(weeks=6)
                stop = end or self.today
                while due < stop:
                    draw = rng.random()
                    held = (
                        due - dt.timedelta(days=rng.randint(0, 10))
                        if draw < 0.75
                        else (due + dt.timedelta(days=rng.randint(1, 14)) if draw < 0.85 else None)
                    )
                    terms.append(MeetingTermFact(fact=fact, kind="mdo", due=due, held_on=held))
                    due = (held or due) + dt.timedelta(weeks=6)
            count += 1
            if len(batch) >= 5_000:
                flush()
        flush()
        self.counts["indicator_facts"] = count

    def processing_log(self) -> None:
        """About `log_rows` rows, derived in the database from the assignments: each named
        professional read and changed their trajectories on working hours between start and
        end (or today)."""
        assignments = self.counts.get("assignments", 0)
        if not assignments or not self.log_rows:
            self.counts["processing_log"] = 0
            return
        per = -(-self.log_rows // assignments)
        self.counts["processing_log"] = execute(
            """
            INSERT INTO audit_processinglogentry
                (timestamp, user_id, username, user_display, organisation_code,
                 organisation_name, role, trajectory_uuid, person_id, action, categories,
                 purpose, result, channel, detail)
            SELECT (t.start_date + floor(x.d * greatest(coalesce(t.end_date, current_date)
                        - t.start_date, 1))::int)::timestamp
                       + interval '8 hours' + x.r * interval '9 hours',
                   u.id, u.username, u.first_name || ' ' || u.last_name, o.code, o.name, u.role,
                   t.uuid, t.person_id,
                   CASE WHEN x.r < 0.85 THEN 'raadplegen' WHEN x.r < 0.97 THEN 'wijzigen'
                        ELSE 'aanmaken' END,
                   (ARRAY['detentie,identiteit', 'contactgegevens,detentie,identiteit',
                          'basisvoorwaarden', 'detentie,identiteit,plan'])[1 + x.g %% 4],
                   (ARRAY['werklijst', 're-integratietraject uitvoeren', 'berichten',
                          'screening basisvoorwaarden', 'D&R-plan'])[1 + x.g %% 5],
                   'toegestaan',
                   CASE WHEN x.g %% 5 = 0 THEN 'api' ELSE 'web' END,
                   ''
            FROM (
                SELECT a.user_id, a.trajectory_id, g, random() AS r, random() AS d
                FROM trajectories_assignment a CROSS JOIN generate_series(1, %s) g
                LIMIT %s
            ) x
            JOIN accounts_user u ON u.id = x.user_id
            JOIN organisations_organisation o ON o.id = u.organisation_id
            JOIN trajectories_trajectory t ON t.id = x.trajectory_id
            """,
            [per, self.log_rows],
        )

    def run(self) -> None:
        steps = [
            ("organisations", self.organisations),
            ("accounts", self.accounts),
            ("trajectories", self.trajectories),
            ("screenings", self.screenings),
            ("plans", self.plans),
            ("infosheets", self.infosheets),
            ("notifications", self.notifications),
            ("indicator facts", self.facts),
            ("processing log", self.processing_log),
        ]
        for name, function in steps:
            started = time.perf_counter()
            with transaction.atomic():
                if name == "infosheets":
                    from nieuwestart.accounts.models import Role

                    self._coordinators = {
                        pk
                        for (_org, role), pks in self.users_by_org_role.items()
                        if role == Role.AFTERCARE_COORDINATOR
                        for pk in pks
                    }
                function()
            self.step(name, started)
        started = time.perf_counter()
        # The stored open deadlines the work lists read, as the nightly `deadlines_index`
        # leaves them (the rows above were written without save(), so nothing is stored yet).
        from nieuwestart.deadlines.index import rebuild

        self.counts["open deadlines (trajectories)"] = rebuild().trajectories
        self.step("deadline index", started)
        if self.indicator_snapshot:
            started = time.perf_counter()
            # Today's indicator snapshot, as the nightly `indicators_refresh` ends: the
            # dashboards read it in production (without it they count the facts on each
            # selection's first request and check the facts' latest refresh on every request).
            from nieuwestart.indicators.models import IndicatorFactMonth
            from nieuwestart.indicators.snapshot import indicator_snapshot_build

            built = indicator_snapshot_build()
            self.counts["indicator snapshot (fact months)"] = IndicatorFactMonth.objects.filter(
                snapshot=built
            ).count()
            self.step("indicator snapshot", started)
        started = time.perf_counter()
        # VACUUM as well: otherwise autovacuum visits every freshly loaded table during the
        # first load run (measured: a fixed piece of Python took 168 ms instead of about 90).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.step("VACUUM (ANALYZE)", started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = national scale")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--log-rows", type=int, default=None, help="processing-log rows (default 2M x scale)"
    )
    parser.add_argument(
        "--sparse-accounts",
        action="store_true",
        help="no minimum of one coordinator per municipality (small, fast test data sets)",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="leave out today's indicator snapshot (the dashboards then count from the facts)",
    )
    parser.add_argument("--summary", type=Path, default=None, help="write counts and times here")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python " + __file__)
    from nieuwestart.accounts.models import User
    from nieuwestart.organisations.services import reference_data_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    reference_data_load()
    prepared = time.perf_counter() - started
    if User.objects.filter(username__startswith=PREFIX).exists():
        sys.exit("This database already holds generated data: start from an empty one.")
    generator = Generator(
        args.scale,
        args.seed,
        args.log_rows,
        sparse=args.sparse_accounts,
        indicator_snapshot=not args.no_snapshot,
    )
    print(
        f"Generating scale {args.scale}: {generator.active:,} active and "
        f"{generator.closed:,} closed trajectories, {generator.log_rows:,} log rows",
        flush=True,
    )
    t0 = time.perf_counter()
    generator.run()
    total = time.perf_counter() - t0
    print(f"Generated in {total:.0f} s (migrate and reference data before: {prepared:.0f} s)")
    for name, count in generator.counts.items():
        print(f"  {name:18} {count:>10,}")
    if args.summary:
        args.summary.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "seconds": round(total, 1),
                    "prepare_seconds": round(prepared, 1),
                    "steps": generator.timings,
                    "counts": generator.counts,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
