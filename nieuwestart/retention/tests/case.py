"""A trajectory with everything the chain records, written through the real services.

Jan de Vries (BSN 999993653, the conftest trajectory) arrives at PI Almelo on 2 November 2026:
screening with care facts and contributions, information sheet sent and acknowledged, a held
MDO with the detainee and minutes, a D&R-plan with tasks established, referrals (housing and
care), release on 15 December 2026 with conditional release (so probation leads after release),
and closing by probation on 5 January 2027. His name and BSN are written into free texts on
purpose: after anonymisation no text column may still hold them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from nieuwestart.core.bsn import test_bsns
from nieuwestart.handover.services import trajectory_close
from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send
from nieuwestart.meetings.services import (
    AgendaInput,
    DecisionInput,
    ParticipantInput,
    meeting_plan,
    meeting_record,
)
from nieuwestart.plans.services import plan_establish, plan_task_add, plan_update
from nieuwestart.referrals.services import referral_register
from nieuwestart.screening.services import (
    screening_complete,
    screening_contribute,
    screening_update,
)
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import (
    notification_receive,
    trajectory_assign,
    trajectory_assign_probation,
    trajectory_release,
)

NAME = "Jan de Vries"
SECRET = "Vries"  # searched for in every text column afterwards
# Written into every piece of care content (zorginhoud) and nowhere else: once the care term
# has passed, no text or JSON column may still hold it.
CARE_MARK = "Zorggeheim"
DOMAINS = ("identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk")
CLOSED_ON = dt.date(2027, 1, 5)


def at(moment: str) -> Any:
    """Freeze the clock at 10:00 Amsterdam time on this day (or at this ISO moment)."""
    text = moment if "T" in moment else f"{moment}T10:00:00+01:00"
    return time_machine.travel(dt.datetime.fromisoformat(text), tick=False)


def _screen(trajectory: Trajectory, actor: Any, *, bsn: str) -> None:
    domains = {
        code: {
            "status": "in-orde" if code == "identiteit" else "hulp-nodig",
            "help_question": "" if code == "identiteit" else f"{NAME} ({bsn}) vraagt hulp.",
            "acting_partner": "" if code == "identiteit" else "gemeente",
            "acting_note": "" if code == "identiteit" else f"Bel {NAME}",
            "facts": {},
        }
        for code in DOMAINS
    }
    screening_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=0,
        lvb="ja",
        first_detention="nee",
        language_needs="Pools",
        reading_needs=True,
        own_words=f"Ik ben {NAME} en wil bij mijn zus wonen.",
        domains=domains,
    )


def develop(trajectory: Trajectory, *, alice: Any, bob: Any, carol: Any, bsn: str) -> Trajectory:
    """Everything from screening to closing, on the conftest trajectory's timeline."""
    with at("2026-11-10"):
        _screen(trajectory, alice, bsn=bsn)
        screening_update(
            actor=bob,
            trajectory=trajectory,
            expected_version=1,
            lvb="ja",
            first_detention="nee",
            language_needs="Pools",
            reading_needs=True,
            own_words=f"Ik ben {NAME} en wil bij mijn zus wonen.",
            domains={
                "zorg": {
                    "status": "hulp-nodig",
                    "help_question": f"{NAME} heeft verslavingszorg nodig ({CARE_MARK}-vraag).",
                    "acting_partner": "reclassering",
                    "acting_note": f"{CARE_MARK}-toelichting",
                    "facts": {
                        "verslaving": f"Alcohol; {NAME} wil stoppen ({CARE_MARK}-feit)",
                        "lopendeZorg": True,
                    },
                }
            },
        )
        screening_contribute(
            actor=carol,
            trajectory=trajectory,
            domain="huisvesting",
            text=f"{NAME} staat ingeschreven als woningzoekende.",
        )
        screening_contribute(
            actor=bob,
            trajectory=trajectory,
            domain="zorg",
            text=f"{CARE_MARK}-bijdrage: intake bij Tactus gepland.",
        )
        screening_complete(actor=alice, trajectory=trajectory)
    with at("2026-11-12"):
        infosheet_send(actor=alice, trajectory=trajectory)
        meeting = meeting_plan(
            actor=alice,
            trajectory=trajectory,
            kind="mdo",
            starts_at=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC),
            location="PI Almelo, spreekkamer 2",
            participants=[
                ParticipantInput(kind="professional", user=alice),
                ParticipantInput(kind="professional", user=bob),
                ParticipantInput(kind="professional", user=carol),
                ParticipantInput(kind="gedetineerde"),
            ],
            agenda=[
                AgendaInput(title=f"Plan van {NAME}"),
                AgendaInput(
                    title=f"{CARE_MARK}-agendapunt verslavingszorg",
                    domain="zorg",
                    organisation_id=bob.organisation_id,
                ),
            ],
        )
    with at("2026-11-13"):
        infosheet_acknowledge(actor=carol, trajectory=trajectory, number=1)
    with at("2026-11-19T15:00:00+01:00"):
        item, care_item = meeting.agenda_items.order_by("position", "pk")
        meeting_record(
            actor=bob,  # probation: may write the minutes of the care item
            meeting=meeting,
            expected_version=meeting.version,
            attendance={str(p.uuid): "aanwezig" for p in meeting.participants.all()},
            minutes={
                str(item.uuid): f"{NAME} vertelt over zijn schulden.",
                str(care_item.uuid): f"{CARE_MARK}-verslag over de verslaving.",
            },
            decisions=[
                DecisionInput(
                    text=f"Schulden van {NAME} in kaart brengen",
                    domain="financien",
                    organisation=carol.organisation,
                    due_date=dt.date(2026, 12, 10),
                    agenda_item=item.uuid,
                ),
                DecisionInput(
                    text=f"{CARE_MARK}-besluit: intake verslavingszorg",
                    domain="zorg",
                    organisation=bob.organisation,
                    due_date=dt.date(2026, 12, 1),
                    agenda_item=care_item.uuid,
                ),
            ],
        )
    with at("2026-11-25"):
        plan_update(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            sections={
                "reintegration_goals": f"{NAME} krijgt een eigen woonplek.",
                "behaviour_goals": "Geen agressie.",
                "guidance": f"Verslavingszorg bij Tactus ({CARE_MARK}-begeleiding).",
                "agreements": "PI regelt ID.",
                "monitoring": "In het MDO.",
                "meeting_frequency_weeks": 6,
                "meeting_held_on": dt.date(2026, 11, 19),
            },
        )
        plan_task_add(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            domain="huisvesting",
            what=f"Woning zoeken voor {NAME}",
            person_name="Zus van Jan de Vries",
            organisation=carol.organisation,
        )
        plan_task_add(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            domain="zorg",
            what=f"{CARE_MARK}-taak: aanmelden bij Tactus",
            organisation=bob.organisation,
        )
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None, note=NAME)
        referral_register(
            actor=carol,
            trajectory=trajectory,
            kind="begeleid-wonen",
            referred_on=dt.date(2026, 11, 25),
            provider="Stichting Wonen Twente",
            provider_city="Enschede",
            expected_start=dt.date(2027, 1, 10),
            status="op-wachtlijst",
            note=f"Aangemeld voor {NAME}",
        )
        referral_register(
            actor=bob,
            trajectory=trajectory,
            kind="zorg",
            referred_on=dt.date(2026, 11, 25),
            provider="Tactus verslavingszorg",
            provider_city="Enschede",
            note=f"Intake {NAME}",
        )
    with at("2026-12-15"):
        trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2026, 12, 15),
            judicial_title="vi",
            reason=f"Einde straf van {NAME}",
        )
    with at(CLOSED_ON.isoformat()):
        closed = trajectory_close(
            actor=bob,
            trajectory=Trajectory.objects.get(pk=trajectory.pk),
            reason="nazorg-afgerond",
            note=f"{NAME} woont zelfstandig.",
        )
    return closed


def another(
    number: int,
    *,
    payload: Any,
    justid: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    close_on: dt.date | None,
) -> Trajectory:
    """Another person's trajectory at PI Almelo; released and closed on `close_on` if given."""
    bsn = test_bsns(number + 1, start=999_920_000)[number]
    with at("2026-11-02"):
        notification = validate_notification(
            payload(
                meldingId=f"RETENTIE-{number}",
                persoon={"bsn": bsn, "voornamen": "Piet", "geslachtsnaam": f"Klaassen{number}"},
            ),
            today=dt.date(2026, 11, 22),
        )
        trajectory, _created = notification_receive(actor=justid, notification=notification)
        trajectory_assign(actor=alice, trajectory=trajectory, role="casemanager", user=alice)
        trajectory_assign_probation(
            actor=alice, trajectory=trajectory, organisation=bob.organisation
        )
    if close_on is None:
        return Trajectory.objects.get(pk=trajectory.pk)
    release_on = close_on - dt.timedelta(days=20)
    with at(release_on.isoformat()):
        trajectory_release(
            actor=alice,
            trajectory=Trajectory.objects.get(pk=trajectory.pk),
            end_date=release_on,
            judicial_title="geen",
        )
    with at(close_on.isoformat()):
        return trajectory_close(
            actor=carol,
            trajectory=Trajectory.objects.get(pk=trajectory.pk),
            reason="nazorg-afgerond",
        )
