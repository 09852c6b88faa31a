"""Shared set-up for the meetings tests: a meeting planned through the service.

The clock: the shared trajectory (conftest) arrived on Monday 2 November 2026. Meetings are
planned for Thursday 19 November 2026 at 10:00 and recorded that day (`ON_THE_DAY`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# 10:00 in Amsterdam (CET, UTC+1).
STARTS = dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)
ON_THE_DAY = dt.datetime(2026, 11, 19, 14, 0, tzinfo=dt.UTC)


def care_task(
    trajectory: Any,
    actor: Any,
    organisation: Any,
    what: str = "GGZ-behandeling bij Mediant loopt door",
) -> Any:
    from nieuwestart.plans.services import plan_task_add

    return plan_task_add(
        actor=actor,
        trajectory=trajectory,
        expected_version=None,
        domain="zorg",
        what=what,
        organisation=organisation,
    )


def plan_meeting(
    trajectory: Any,
    actor: Any,
    *,
    users: list[Any],
    kind: str = "mdo",
    detainee: bool = True,
    agenda: list[Any] | None = None,
    starts_at: dt.datetime = STARTS,
    **extra: Any,
) -> Any:
    from nieuwestart.meetings.services import AgendaInput, ParticipantInput, meeting_plan

    participants = [ParticipantInput(kind="professional", user=u) for u in users]
    if detainee:
        participants.append(ParticipantInput(kind="gedetineerde"))
    return meeting_plan(
        actor=actor,
        trajectory=trajectory,
        kind=kind,
        starts_at=starts_at,
        location=extra.pop("location", "PI Almelo, spreekkamer 2"),
        participants=participants,
        agenda=agenda
        or [AgendaInput(title="Voortgang van het plan"), AgendaInput(title="Rondvraag")],
        **extra,
    )
