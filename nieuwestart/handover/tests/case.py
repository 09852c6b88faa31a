"""Helpers for the handover tests: a screening, a plan task, an `einde` notification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nieuwestart.plans.services import plan_get_or_create, plan_task_add
from nieuwestart.screening.services import screening_update
from nieuwestart.trajectories.models import JudicialTitle, Trajectory
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive

# The fixture trajectory starts on 2 November 2026; tests run on 22 November 2026.
TODAY = dt.date(2026, 11, 22)


def screen(actor: Any, trajectory: Trajectory, **statuses: str) -> None:
    """Save the screening with these statuses, e.g. screen(alice, t, huisvesting="hulp-nodig")."""
    domains = {
        code.replace("_", "-"): {
            "status": status,
            "help_question": "" if status == "in-orde" else f"Hulpvraag {code}",
            "acting_partner": "gemeente" if status != "in-orde" else "",
            "acting_note": "",
            "facts": {},
        }
        for code, status in statuses.items()
    }
    screening_update(
        actor=actor,
        trajectory=trajectory,
        expected_version=_screening_version(trajectory),
        lvb="nee",
        first_detention="nee",
        language_needs="",
        reading_needs=False,
        own_words="",
        domains=domains,
    )


def _screening_version(trajectory: Trajectory) -> int:
    from nieuwestart.screening.models import Screening

    screening = Screening.objects.filter(trajectory=trajectory).first()
    return screening.version if screening else 0


def task(actor: Any, trajectory: Trajectory, domain: str, *, done: bool) -> None:
    plan_get_or_create(actor=actor, trajectory=trajectory)
    plan_task_add(
        actor=actor,
        trajectory=trajectory,
        expected_version=None,
        domain=domain,
        what=f"Taak {domain}",
        organisation=trajectory.return_municipality,
        status="klaar" if done else "open",
    )


def set_title(trajectory: Trajectory, title: str = JudicialTitle.CONDITIONAL_RELEASE) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(judicial_title=title)
    trajectory.refresh_from_db()


def end_notification(justid: Any, payload: Any, end_date: str = "2026-11-20") -> Trajectory:
    notification = validate_notification(
        payload(meldingId="JUSTID-EINDE-1", soort="einde", einddatum=end_date), today=TODAY
    )
    trajectory, _created = notification_receive(actor=justid, notification=notification)
    trajectory.refresh_from_db()
    return trajectory
