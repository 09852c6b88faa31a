"""Fixtures for the information sheet tests: Jan de Vries's case, screened and planned.

`filled` is the shared trajectory after the intake: Alice (PI) screened all six domains with
Jan (LVB, first detention, trouble reading), Bob (probation) recorded an addiction in the care
domain, and the plan has tasks for the municipality and for Jan himself, plus behaviour goals
that the municipality must never see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from nieuwestart.infosheet.tests.case import (
    ADDICTION,
    BEHAVIOUR_GOAL,
    CARE_CONTRIBUTION,
    CARE_TASK,
    DETAINEE_DUE,
    DETAINEE_TASK,
    HELP_CARE,
    HELP_HOUSING,
    HELP_ID,
    HELP_INCOME,
    MUNICIPAL_TASK,
    screen,
)


@pytest.fixture
def web(db: Any, settings: Any) -> Callable[[Any], Any]:
    """`web(alice)`: a Django test client of its own, signed in as that persona."""
    from django.test import Client

    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has its own tests

    def signed_in(user: Any) -> Any:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def filled(trajectory: Any, alice: Any, bob: Any, carol: Any) -> Any:
    from nieuwestart.organisations.models import Organisation
    from nieuwestart.plans.services import plan_task_add, plan_update
    from nieuwestart.screening.services import screening_contribute

    screen(
        alice,
        trajectory,
        identiteit={
            "status": "hulp-nodig",
            "help_question": HELP_ID,
            "acting_partner": "gemeente",
            "facts": {"geldigDocument": "nee", "soortDocument": "id-kaart"},
        },
        huisvesting={
            "status": "hulp-nodig",
            "help_question": HELP_HOUSING,
            "acting_partner": "gemeente",
            "facts": {"woonsituatie": "huurwoning", "woningBehouden": "ja"},
        },
        inkomen={"status": "aandacht", "help_question": HELP_INCOME, "acting_partner": "gemeente"},
        financien={
            "status": "aandacht",
            "help_question": "Schulden in kaart brengen.",
            "acting_partner": "inrichting",
        },
        zorg={
            "status": "hulp-nodig",
            "help_question": HELP_CARE,
            "acting_partner": "reclassering",
            "acting_note": "Tactus Enschede",
            "facts": {"lopendeZorg": True},
        },
        **{"sociaal-netwerk": {"status": "in-orde"}},
    )
    # Probation knows about the addiction: care content, for those who may see it.
    screen(
        bob,
        trajectory,
        zorg={
            "status": "hulp-nodig",
            "help_question": HELP_CARE,
            "acting_partner": "reclassering",
            "acting_note": "Tactus Enschede",
            "facts": {"lopendeZorg": True, "verslaving": ADDICTION},
        },
    )
    screening_contribute(actor=bob, trajectory=trajectory, domain="zorg", text=CARE_CONTRIBUTION)

    enschede = Organisation.objects.get(code="GM0153")
    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=None,
        sections={
            "behaviour_goals": BEHAVIOUR_GOAL,
            "agreements": "De gemeente regelt de bijstand, de PI de ID-kaart.",
            "meeting_frequency_weeks": 6,
        },
    )
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=None,
        domain="inkomen",
        what=MUNICIPAL_TASK,
        organisation=enschede,
        assignee=carol,
        due_date=dt.date(2027, 3, 1),
    )
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=None,
        domain="zorg",
        what=CARE_TASK,
        organisation=enschede,
        due_date=dt.date(2027, 3, 10),
    )
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=None,
        domain="identiteit",
        what=DETAINEE_TASK,
        for_detainee=True,
        due_date=DETAINEE_DUE,
    )
    trajectory.refresh_from_db()
    return trajectory
