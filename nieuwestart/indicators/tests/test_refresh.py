"""Real registrations (screening, information sheet, plan, release) become the facts the
indicators count, with the working-day due dates of the deadline rules; refreshing twice
changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from nieuwestart.audit.models import Channel
from nieuwestart.indicators.models import TrajectoryFact
from nieuwestart.indicators.services import indicator_fact_refresh, indicator_facts_refresh
from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send
from nieuwestart.plans.services import plan_establish, plan_update
from nieuwestart.screening.services import screening_complete, screening_update
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive

pytestmark = pytest.mark.django_db

DOMAINS = ("identiteit", "huisvesting", "inkomen", "financien", "zorg", "sociaal-netwerk")


def _at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(f"{day}T10:00:00+01:00"), tick=False)


def _screen(trajectory, alice, in_order: set[str]) -> None:
    domains = {
        code: {
            "status": "in-orde" if code in in_order else "hulp-nodig",
            "help_question": "" if code in in_order else "Hulp gevraagd.",
            "acting_partner": "gedetineerde" if code in in_order else "gemeente",
            "acting_note": "",
            "facts": {},
        }
        for code in DOMAINS
    }
    screening_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        lvb="ja",
        first_detention="nee",
        language_needs="",
        reading_needs=False,
        own_words="",
        domains=domains,
        channel=Channel.SYSTEM,
    )


def test_registrations_become_facts(trajectory, alice, carol, justid, payload):
    # Arrival Monday 2 November 2026: 10 working days -> Monday 16 November.
    with _at("2026-11-10"):
        _screen(trajectory, alice, {"identiteit", "zorg"})
        screening_complete(actor=alice, trajectory=trajectory)
    with _at("2026-11-12"):
        infosheet_send(actor=alice, trajectory=trajectory)
    with _at("2026-11-20"):  # 5 working days after the 12th is the 19th: one day late
        infosheet_acknowledge(actor=carol, trajectory=trajectory, number=1)
    with _at("2026-12-10"):  # 4 weeks after arrival is Monday 30 November: late
        plan_update(
            actor=alice,
            trajectory=trajectory,
            expected_version=None,
            sections={
                "reintegration_goals": "Eigen woonplek.",
                "agreements": "PI regelt ID.",
                "monitoring": "In het MDO.",
                "meeting_frequency_weeks": 6,
                "meeting_held_on": dt.date(2026, 11, 25),
            },
        )
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None)

    indicator_facts_refresh(today=dt.date(2026, 12, 15))
    fact = TrajectoryFact.objects.get(trajectory=trajectory)

    assert fact.prison.code == "PI-ALMELO"
    assert fact.municipality.code == "GM0153" and fact.municipality_size == "groot"
    assert fact.probation is not None and fact.probation.code == "RN"
    assert fact.lvb == "ja" and fact.short_stay is False
    assert fact.arrival_date == dt.date(2026, 11, 2)
    assert (fact.screening_due, fact.screening_done) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 10),
    )
    assert (fact.contact_due, fact.contact_done) == (dt.date(2026, 11, 16), dt.date(2026, 11, 12))
    assert (fact.reaction_due, fact.reaction_done) == (dt.date(2026, 11, 19), dt.date(2026, 11, 20))
    assert (fact.plan_due, fact.plan_done) == (dt.date(2026, 11, 30), dt.date(2026, 12, 10))
    assert fact.sheet_with_contact is True  # Alice is named with her phone and e-mail
    assert fact.release_date is None and fact.release_id_ok is None

    # Released on 15 March 2027: ID and care were in order (set in November), the rest not.
    with _at("2027-03-15"):
        end = validate_notification(
            payload(meldingId="JUSTID-EINDE-1", soort="einde", einddatum="2027-03-15"),
            today=dt.date(2027, 3, 15),
        )
        notification_receive(actor=justid, notification=end)
    trajectory.refresh_from_db()
    indicator_fact_refresh(trajectory=trajectory, today=dt.date(2027, 3, 16))
    fact.refresh_from_db()
    assert fact.release_date == dt.date(2027, 3, 15)
    assert (fact.release_id_ok, fact.release_care_ok) == (True, True)
    assert (fact.release_housing_ok, fact.release_income_ok, fact.release_finances_ok) == (
        False,
        False,
        False,
    )


def test_refresh_is_idempotent(trajectory):
    first = indicator_facts_refresh(today=dt.date(2026, 12, 1))
    before = TrajectoryFact.objects.values().get(trajectory=trajectory)
    second = indicator_facts_refresh(today=dt.date(2026, 12, 1))
    after = TrajectoryFact.objects.values().get(trajectory=trajectory)

    assert first == second == TrajectoryFact.objects.count() == 1
    before.pop("refreshed_at"), after.pop("refreshed_at")
    assert before == after
    assert TrajectoryFact.objects.get().refreshed_at <= timezone.now()


def test_refresh_command(trajectory):
    from django.core.management import call_command

    call_command("indicators_refresh", "--traject", str(trajectory.uuid))
    assert TrajectoryFact.objects.filter(trajectory=trajectory).exists()
