"""The demo data set: the five PIs of the report, contact points, accounts and ~200 trajectories.

Only fictitious people: names from a list of common Dutch names, RvIG test BSNs (9999xxxxx,
elfproef-valid), phone numbers in the 088 000 range and e-mail addresses under .example.
Trajectories are made through the same services as real ones (detention notification, then
assignments and phase changes), so history and processing log look like real use. Running it
again adds nothing: notifications are idempotent on meldingId and every step checks first.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.core.bsn import test_bsns
from nieuwestart.demo.seed_handover import checks_before_release, seed_handover
from nieuwestart.demo.seed_indicators import seed_indicators
from nieuwestart.demo.seed_meetings import demo_meetings_load
from nieuwestart.demo.seed_notify import seed_notifications
from nieuwestart.demo.seed_referrals import seed_referrals
from nieuwestart.handover.models import ClosingReason
from nieuwestart.handover.services import trajectory_close
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.plans.models import PlanTask
from nieuwestart.plans.services import (
    plan_establish,
    plan_get_or_create,
    plan_task_add,
    plan_update,
)
from nieuwestart.screening.models import Screening
from nieuwestart.screening.services import (
    screening_complete,
    screening_get_or_create,
    screening_update,
)
from nieuwestart.trajectories.models import (
    DetentionNotification,
    Involvement,
    InvolvementKind,
    JudicialTitle,
    Phase,
    Trajectory,
)
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import (
    notification_receive,
    trajectory_assign,
    trajectory_assign_probation,
    trajectory_change_return_municipality,
    trajectory_transition,
)

CHAIN_ORGANISATIONS = [
    (
        "KETEN-BEHEER",
        "Nieuwe Start functioneel beheer",
        "088 000 1000",
        "beheer@nieuwestart.example",
    ),
    (
        "KETEN-ANALYSE",
        "DJI hoofdkantoor en Inspectie (ketenbreed)",
        "088 000 1003",
        "ketenanalyse@nieuwestart.example",
    ),
    (
        "KETEN-PRIVACY",
        "Nieuwe Start privacyfunctionaris",
        "088 000 1001",
        "privacy@nieuwestart.example",
    ),
    (
        "JUSTID",
        "Justitiële Informatiedienst (JustID)",
        "088 000 1002",
        "koppelingen@justid.example",
    ),
]

# (code, phone, e-mail, opening hours)
CONTACT_POINTS = {
    "PI-ALMELO": ("088 000 2101", "casemanagement.almelo@dji.example", "ma-vr 8.30-17.00"),
    "PI-HEERHUGOWAARD": (
        "088 000 2102",
        "casemanagement.heerhugowaard@dji.example",
        "ma-vr 8.30-16.30",
    ),
    "PI-ROTTERDAM-HOOGVLIET": (
        "088 000 2103",
        "casemanagement.hoogvliet@dji.example",
        "ma-vr 9.00-17.00",
    ),
    "PI-NIEUWERSLUIS": (
        "088 000 2104",
        "casemanagement.nieuwersluis@dji.example",
        "ma-vr 8.00-16.30",
    ),
    "PI-TER-PEEL": ("088 000 2105", "casemanagement.terpeel@dji.example", "ma-vr 8.30-17.00"),
    "RN": ("088 000 3101", "aanmelding.oost@reclassering.example", "ma-vr 9.00-17.00"),
    "SVG": ("088 000 3102", "aanmelding@svg-reclassering.example", "ma-vr 9.00-17.00"),
    "LJR": ("088 000 3103", "reclassering@legerdesheils.example", "ma-vr 9.00-16.00"),
    "GM0153": ("088 000 4153", "nazorg@enschede.example", "ma-do 9.00-16.00"),
    "GM0363": ("088 000 4363", "nazorg.detentie@amsterdam.example", "ma-vr 9.00-17.00"),
    "GM0183": ("088 000 4183", "zorg@tubbergen.example", "di en do 9.00-12.00"),
    "GM0141": ("088 000 4141", "nazorg@almelo.example", "ma-vr 9.00-16.30"),
    "GM0599": ("088 000 4599", "nazorg@rotterdam.example", "ma-vr 8.30-17.00"),
}

# username, organisation code, role, first name, last name
DEMO_ACCOUNTS: list[tuple[str, str, str, str, str]] = [
    ("cm.almelo", "PI-ALMELO", Role.CASEMANAGER, "Sanne", "Bosman"),
    ("cm2.almelo", "PI-ALMELO", Role.CASEMANAGER, "Rachid", "El Idrissi"),
    ("mentor.almelo", "PI-ALMELO", Role.MENTOR, "Henk", "Wolters"),
    ("sf.almelo", "PI-ALMELO", Role.STAFF_OFFICER, "Ingrid", "Kamphuis"),
    ("cm.heerhugowaard", "PI-HEERHUGOWAARD", Role.CASEMANAGER, "Peter", "Dekker"),
    ("cm.hoogvliet", "PI-ROTTERDAM-HOOGVLIET", Role.CASEMANAGER, "Fatima", "Ouali"),
    ("cm.nieuwersluis", "PI-NIEUWERSLUIS", Role.CASEMANAGER, "Marieke", "van Dam"),
    ("cm.terpeel", "PI-TER-PEEL", Role.CASEMANAGER, "Joost", "Hendriks"),
    ("rn.oost", "RN", Role.PROBATION_OFFICER, "Kees", "Nijhuis"),
    ("svg.zuid", "SVG", Role.PROBATION_OFFICER, "Lotte", "Peeters"),
    ("nazorg.enschede", "GM0153", Role.AFTERCARE_COORDINATOR, "Anouk", "Brinkman"),
    ("nazorg.amsterdam", "GM0363", Role.AFTERCARE_COORDINATOR, "Dennis", "Schouten"),
    ("nazorg.tubbergen", "GM0183", Role.AFTERCARE_COORDINATOR, "Gerda", "Oude Booijink"),
    ("nazorg.rotterdam", "GM0599", Role.AFTERCARE_COORDINATOR, "Yusuf", "Demir"),
    ("mt.almelo", "PI-ALMELO", Role.MANAGEMENT, "Wilma", "Ter Horst"),
    ("keten", "KETEN-ANALYSE", Role.CHAIN_ANALYST, "Olaf", "Brouwer"),
    ("privacy", "KETEN-PRIVACY", Role.PRIVACY_OFFICER, "Femke", "Verhoeven"),
    ("beheer", "KETEN-BEHEER", Role.ADMINISTRATOR, "Bram", "Jansen"),
    ("justid", "JUSTID", Role.SYSTEM, "JustID", "koppeling"),
]

# Where people of each PI come from (CBS codes with weights). Women's prisons serve the country.
ORIGINS: dict[str, list[tuple[str, int]]] = {
    "PI-ALMELO": [("GM0153", 8), ("GM0141", 5), ("GM0183", 2), ("GM0164", 3), ("GM0363", 1)],
    "PI-HEERHUGOWAARD": [("GM1980", 4), ("GM0361", 4), ("GM0363", 5), ("GM0405", 2)],
    "PI-ROTTERDAM-HOOGVLIET": [("GM0599", 10), ("GM0518", 3), ("GM0606", 2)],
    "PI-NIEUWERSLUIS": [("GM0363", 4), ("GM0344", 3), ("GM0153", 2), ("GM0014", 1), ("GM0183", 1)],
    "PI-TER-PEEL": [("GM1507", 2), ("GM0983", 3), ("GM0772", 3), ("GM0599", 2), ("GM0153", 1)],
}
WOMEN_ONLY = {"PI-NIEUWERSLUIS", "PI-TER-PEEL"}

MEN = [
    "Mohamed",
    "Jeroen",
    "Kevin",
    "Dennis",
    "Stefan",
    "Mark",
    "Ricardo",
    "Bas",
    "Tim",
    "Ahmet",
    "Sven",
    "Patrick",
    "Youssef",
    "Daan",
    "Erik",
    "Roy",
    "Glenn",
    "Nick",
    "Marco",
    "Said",
]
WOMEN = [
    "Sandra",
    "Linda",
    "Samira",
    "Kim",
    "Priscilla",
    "Esther",
    "Naima",
    "Melissa",
    "Chantal",
    "Demi",
    "Monique",
    "Fatma",
    "Jessica",
    "Iris",
    "Wendy",
]
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
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Yilmaz"),
    ("", "El Amrani"),
    ("", "Kaya"),
    ("", "Martina"),
    ("", "Pinas"),
    ("", "Gerritsen"),
]

PI_CODES = list(ORIGINS)


def _organisation(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


@transaction.atomic
def _load_organisations_and_accounts() -> int:
    for code, name, phone, email in CHAIN_ORGANISATIONS:
        Organisation.objects.update_or_create(
            code=code,
            defaults={
                "kind": OrganisationKind.CHAIN,
                "name": name,
                "contact_phone": phone,
                "contact_email": email,
                "contact_hours": "ma-vr 9.00-17.00",
            },
        )
    for code, (phone, email, hours) in CONTACT_POINTS.items():
        Organisation.objects.filter(code=code).update(
            contact_phone=phone, contact_email=email, contact_hours=hours
        )
    count = 0
    for index, (username, org_code, role, first, last) in enumerate(DEMO_ACCOUNTS):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "organisation": _organisation(org_code),
                "role": role,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.example",
                "phone": f"06 0000 {1000 + index:04d}",
            },
        )
        if created:
            user.set_password("demo")
            user.save(update_fields=["password"])
        count += 1
    return count


def _dates(
    phase: str, rng: random.Random, today: dt.date
) -> tuple[dt.date, dt.date | None, dt.date | None]:
    """Start, expected end and (for released people) actual end date for a phase."""
    if phase == Phase.INTAKE:
        start = today - dt.timedelta(days=rng.randint(0, 9))
    elif phase == Phase.PLAN:
        start = today - dt.timedelta(days=rng.randint(10, 27))
    elif phase == Phase.DETENTION:
        start = today - dt.timedelta(days=rng.randint(28, 320))
    elif phase == Phase.AFTER_RELEASE:
        start = today - dt.timedelta(days=rng.randint(60, 400))
    else:
        start = today - dt.timedelta(days=rng.randint(400, 900))
    # Three quarters stay under three months (report §2.1); many under 28 days.
    short = rng.random() < 0.45
    length = rng.randint(14, 89) if short else rng.randint(90, 720)
    expected = start + dt.timedelta(days=length)
    if phase in (Phase.AFTER_RELEASE, Phase.CLOSED):
        released = min(expected, today - dt.timedelta(days=rng.randint(1, 40)))
        released = max(released, start + dt.timedelta(days=7))
        return start, released, released
    if expected <= today:
        expected = today + dt.timedelta(days=rng.randint(3, 120))
    return start, expected, None


def demo_data_load(*, trajectories: int = 200, seed: int = 2023) -> dict[str, int]:
    accounts = _load_organisations_and_accounts()
    justid = User.objects.get(username="justid")
    rng = random.Random(seed)  # nosec B311  # reproducible demo data
    today = timezone.localdate()
    bsns = test_bsns(trajectories, start=999_910_000)
    phases = (
        [Phase.INTAKE] * 35
        + [Phase.PLAN] * 35
        + [Phase.DETENTION] * 70
        + [Phase.AFTER_RELEASE] * 40
        + [Phase.CLOSED] * 20
    )
    created = 0
    for index in range(trajectories):
        prison_code = PI_CODES[index % len(PI_CODES)]
        # Fewer than 200: the same mix, thinned out, so a small demo has every phase too.
        step = index * len(phases) // trajectories if trajectories < len(phases) else index
        phase = phases[step % len(phases)]
        spec = _spec(index, prison_code, phase, rng, today, bsns[index])
        message_id = f"DEMO-{index:04d}-aanvang"
        if DetentionNotification.objects.filter(message_id=message_id).exists():
            continue
        _make_trajectory(spec, justid=justid, today=today, rng=rng)
        created += 1
    seed_handover(today=today)
    meetings = demo_meetings_load(today=today)["created"]
    seed_referrals(today=today)
    # Last: the notifications reflect everything above.
    seed_notifications(today=today)
    # The indicator facts, as the nightly refresh would make them.
    seed_indicators()
    return {
        "accounts": accounts,
        "trajectories": Trajectory.objects.count(),
        "created": created,
        "meetings": meetings,
    }


def _spec(
    index: int, prison_code: str, phase: str, rng: random.Random, today: dt.date, bsn: str
) -> dict[str, Any]:
    woman = prison_code in WOMEN_ONLY
    prefix, surname = rng.choice(SURNAMES)
    origins = ORIGINS[prison_code]
    municipality = rng.choices([c for c, _w in origins], weights=[w for _c, w in origins])[0]
    start, expected, released = _dates(phase, rng, today)
    birth = today - dt.timedelta(days=rng.randint(18 * 365, 62 * 365))
    return {
        "index": index,
        "prison": prison_code,
        "phase": phase,
        "bsn": bsn,
        "given": rng.choice(WOMEN if woman else MEN),
        "prefix": prefix,
        "surname": surname,
        "birth": birth,
        "municipality": municipality,
        "start": start,
        "expected": expected,
        "released": released,
        "probation": rng.random() < 0.45,
        "title": rng.choice(
            [JudicialTitle.CONDITIONAL_RELEASE, JudicialTitle.NONE, JudicialTitle.NONE]
        ),
        "moved": rng.random() < 0.12,
    }


def _payload(spec: dict[str, Any], kind: str, **extra: Any) -> dict[str, Any]:
    """A detention notification for a demo person, as JustID would send it."""
    return {
        "meldingId": f"DEMO-{spec['index']:04d}-{kind}",
        "soort": kind,
        "persoon": {
            "bsn": spec["bsn"],
            "voornamen": spec["given"],
            "voorvoegsel": spec["prefix"],
            "geslachtsnaam": spec["surname"],
            "geboortedatum": spec["birth"].isoformat(),
        },
        "inrichting": spec["prison"],
        "startdatum": spec["start"].isoformat(),
        "verwachteEinddatum": spec["expected"].isoformat() if spec["expected"] else None,
        "gemeenteVanInschrijving": spec["municipality"],
        **extra,
    }


def _make_trajectory(
    spec: dict[str, Any], *, justid: User, today: dt.date, rng: random.Random
) -> None:
    payload = _payload(spec, "aanvang")
    with transaction.atomic():
        notification = validate_notification(payload, today=today)
        trajectory, _created = notification_receive(
            actor=justid, notification=notification, channel=Channel.SYSTEM
        )
        _develop(trajectory, spec, justid=justid, today=today, rng=rng)


def _develop(
    trajectory: Trajectory,
    spec: dict[str, Any],
    *,
    justid: User,
    today: dt.date,
    rng: random.Random,
) -> None:
    phase = spec["phase"]
    casemanagers = list(
        User.objects.filter(organisation=trajectory.prison, role=Role.CASEMANAGER).order_by(
            "username"
        )
    )
    # A few fresh cases wait for a casemanager: the work list must show them.
    if casemanagers and not (phase == Phase.INTAKE and spec["index"] % 3 == 0):
        casemanager = casemanagers[spec["index"] % len(casemanagers)]
        trajectory_assign(
            actor=casemanager,
            trajectory=trajectory,
            role=Role.CASEMANAGER,
            user=casemanager,
            channel=Channel.SYSTEM,
        )
        mentor = User.objects.filter(organisation=trajectory.prison, role=Role.MENTOR).first()
        if mentor and spec["index"] % 2 == 0:
            trajectory_assign(
                actor=casemanager,
                trajectory=trajectory,
                role=Role.MENTOR,
                user=mentor,
                channel=Channel.SYSTEM,
            )
    else:
        casemanager = None
    actor = casemanager or User.objects.filter(organisation=trajectory.prison).first() or justid
    if phase == Phase.INTAKE:
        if spec["index"] % 2 == 1 and casemanager is not None:
            _screen(trajectory, casemanager, spec, rng)  # some screenings are under way
        return
    # Past intake the casemanager has confirmed, or corrected, the return municipality.
    municipality = trajectory.return_municipality
    reason = "Bevestigd in het intakegesprek."
    if spec["moved"]:
        municipality = Organisation.objects.get(
            code="GM0183" if municipality.code != "GM0183" else "GM0153"
        )
        reason = "Gaat na detentie bij familie wonen."
    trajectory = trajectory_change_return_municipality(
        actor=actor,
        trajectory=trajectory,
        municipality=municipality,
        reason=reason,
        channel=Channel.SYSTEM,
    )
    coordinator = User.objects.filter(
        organisation=trajectory.return_municipality, role=Role.AFTERCARE_COORDINATOR
    ).first()
    if coordinator is not None and spec["index"] % 4 != 1:
        trajectory_assign(
            actor=coordinator,
            trajectory=trajectory,
            role=Role.AFTERCARE_COORDINATOR,
            user=coordinator,
            channel=Channel.SYSTEM,
        )
    if spec["probation"]:
        probation = Organisation.objects.get(code=rng.choice(["RN", "RN", "RN", "SVG", "LJR"]))
        trajectory = trajectory_assign_probation(
            actor=actor, trajectory=trajectory, organisation=probation, channel=Channel.SYSTEM
        )
        officer = User.objects.filter(organisation=probation, role=Role.PROBATION_OFFICER).first()
        if officer is not None:
            trajectory_assign(
                actor=officer,
                trajectory=trajectory,
                role=Role.PROBATION_OFFICER,
                user=officer,
                channel=Channel.SYSTEM,
            )
        Trajectory.objects.filter(pk=trajectory.pk).update(judicial_title=spec["title"])
        trajectory.refresh_from_db()
    _screen(trajectory, actor, spec, rng)
    _draft_plan(trajectory, actor, spec, today)
    if phase == Phase.PLAN:
        trajectory_transition(
            actor=actor,
            trajectory=trajectory,
            to_phase=Phase.PLAN,
            reason="Screening gedaan",
            channel=Channel.SYSTEM,
        )
        return
    trajectory = trajectory_transition(
        actor=actor,
        trajectory=trajectory,
        to_phase=Phase.PLAN,
        reason="Screening gedaan",
        channel=Channel.SYSTEM,
    )
    plan_establish(
        actor=actor,
        trajectory=trajectory,
        expected_version=None,
        note="Vastgesteld in het MDO",
        channel=Channel.SYSTEM,
    )
    _send_sheet(trajectory, actor, coordinator, acknowledge=spec["index"] % 3 != 0)
    trajectory = trajectory_transition(
        actor=actor,
        trajectory=trajectory,
        to_phase=Phase.DETENTION,
        reason="D&R-plan vastgesteld",
        channel=Channel.SYSTEM,
    )
    if phase == Phase.DETENTION:
        return
    checks_before_release(trajectory)
    end_payload = _payload(spec, "einde", einddatum=spec["released"].isoformat())
    trajectory, _ = notification_receive(
        actor=justid,
        notification=validate_notification(end_payload, today=today),
        channel=Channel.SYSTEM,
    )
    if phase == Phase.CLOSED:
        # Only the organisation with casusregie closes (handover.services.trajectory_close);
        # where the demo has no user there, the trajectory stays in na-detentie.
        lead_user = User.objects.filter(organisation=trajectory.case_lead).first()
        if lead_user is not None:
            trajectory_close(
                actor=lead_user,
                trajectory=trajectory,
                reason=ClosingReason.AFTERCARE_DONE,
                channel=Channel.SYSTEM,
            )


# --- Screening, plan and information sheet (issue 3) -----------------------------------------

HELP = {
    "identiteit": (
        "hulp-nodig",
        "ID-kaart is verlopen. Nieuwe aanvragen bij de gemeente vóór vrijlating.",
        "gemeente",
    ),
    "huisvesting": (
        "hulp-nodig",
        "Huur doorbetalen tijdens detentie, anders raakt hij de woning kwijt.",
        "gemeente",
    ),
    "inkomen": (
        "aandacht",
        "Uitkering stopzetten nu en nieuwe aanvraag voorbereiden voor de dag van vrijlating.",
        "gemeente",
    ),
    "financien": (
        "aandacht",
        "Schulden in kaart brengen en een betalingsregeling met de verhuurder maken.",
        "inrichting",
    ),
    "zorg": (
        "aandacht",
        "Lopende zorg moet na vrijlating doorlopen; afspraak met de zorgaanbieder nodig.",
        "reclassering",
    ),
    "sociaal-netwerk": ("in-orde", "", "gedetineerde"),
}
OWN_WORDS = [
    "Ik wil na mijn vrijlating weer bij mijn moeder wonen en werk zoeken.",
    "Ik wil mijn schulden aanpakken en mijn kinderen weer zien.",
    "Ik wil een eigen kamer en een vaste baan in de bouw.",
    "Ik wil niet terug naar mijn oude vrienden. Ik wil een opleiding doen.",
]


def _screen(trajectory: Trajectory, actor: User, spec: dict[str, Any], rng: random.Random) -> None:
    """A casemanager's screening: some domains in order, some needing help, in words."""
    if Screening.objects.filter(trajectory=trajectory, version__gt=0).exists():
        return
    screening_get_or_create(actor=actor, trajectory=trajectory, channel=Channel.SYSTEM)
    domains = {}
    for code, (status, question, partner) in HELP.items():
        if rng.random() < 0.45:
            status, question, partner = "in-orde", "", "gedetineerde"
        domains[code] = {
            "status": status,
            "help_question": question,
            "acting_partner": partner,
            "acting_note": "",
            "facts": {},
        }
    screening_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=0,
        lvb="ja" if spec["index"] % 3 == 0 else "nee",
        first_detention="ja" if spec["index"] % 4 == 0 else "nee",
        language_needs="",
        reading_needs=spec["index"] % 3 == 0,
        own_words=OWN_WORDS[spec["index"] % len(OWN_WORDS)],
        domains=domains,
        channel=Channel.SYSTEM,
    )
    if spec["phase"] != Phase.INTAKE:
        screening_complete(actor=actor, trajectory=trajectory, channel=Channel.SYSTEM)


def _draft_plan(trajectory: Trajectory, actor: User, spec: dict[str, Any], today: dt.date) -> None:
    plan = plan_get_or_create(actor=actor, trajectory=trajectory, channel=Channel.SYSTEM)
    if PlanTask.objects.filter(plan=plan).exists():
        return
    plan_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=None,
        sections={
            "reintegration_goals": "Na vrijlating een eigen woonplek, inkomen vanaf dag één en werk of dagbesteding.",
            "behaviour_goals": "Afspraken nakomen op de afdeling; geen conflicten.",
            "activities": "Arbeid in de werkzaal; cursus budgetteren.",
            "leave": "Regimaire verlof mogelijk na de helft van de straf.",
            "agreements": "PI regelt ID en uitkering; gemeente regelt huur en schuldhulp.",
            "monitoring": "Casemanager bespreekt de voortgang in het MDO.",
            "meeting_frequency_weeks": 6,
            "meeting_held_on": spec["start"] + dt.timedelta(days=20),
        },
        channel=Channel.SYSTEM,
    )
    municipality = trajectory.return_municipality
    for domain, what, organisation, for_detainee, days in (
        ("identiteit", "Nieuwe ID-kaart aanvragen", municipality, False, 20),
        ("identiteit", "Pasfoto laten maken in de inrichting", None, True, 10),
        ("huisvesting", "Huur doorbetalen aan de woningcorporatie", municipality, False, 30),
        (
            "inkomen",
            "Uitkering aanvragen zodat die ingaat op de dag van vrijlating",
            municipality,
            False,
            45,
        ),
    ):
        plan_task_add(
            actor=actor,
            trajectory=trajectory,
            expected_version=None,
            domain=domain,
            what=what,
            organisation=organisation,
            for_detainee=for_detainee,
            due_date=max(today, spec["start"]) + dt.timedelta(days=days),
            channel=Channel.SYSTEM,
        )


def _send_sheet(
    trajectory: Trajectory, actor: User, coordinator: User | None, *, acknowledge: bool
) -> None:
    if InfoSheet.objects.filter(trajectory=trajectory).exists():
        return
    sheet = infosheet_send(actor=actor, trajectory=trajectory, channel=Channel.SYSTEM)
    if (
        acknowledge
        and coordinator is not None
        and coordinator.organisation_id == trajectory.return_municipality_id
    ):
        infosheet_acknowledge(
            actor=coordinator, trajectory=trajectory, number=sheet.number, channel=Channel.SYSTEM
        )


__all__ = ["DEMO_ACCOUNTS", "Involvement", "InvolvementKind", "demo_data_load"]
