"""Personas and helpers of the work-list tests.

Sven is the staffunctionaris of PI Almelo: late PI deadlines escalate to him. Deadlines are
replaced by a fixed set (`deadlines`) so each test says exactly what is due; one test runs
against the real deadlines app as well (test_with_real_deadlines.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class FakeDeadline:
    code: str
    label: str
    due: dt.date
    status: str
    responsible: str
    days_left: int
    status_label: str = ""
    explanation: str = ""
    met_on: dt.date | None = None
    met_by: str = ""


@pytest.fixture
def sven(make_user: Any) -> Any:
    return make_user("sven", "PI-ALMELO", "staffunctionaris")


class Deadlines:
    """Deadlines per trajectory pk, and how often the work lists asked for them."""

    def __init__(self) -> None:
        self.by_trajectory: dict[int, list[FakeDeadline]] = {}
        self.calls = 0

    def add(self, trajectory: Any, code: str, responsible: str, due: dt.date, **extra: Any) -> None:
        status = extra.pop("status", "open")
        days_left = extra.pop("days_left", 5 if status == "open" else -1)
        self.by_trajectory.setdefault(trajectory.pk, []).append(
            FakeDeadline(
                code=code,
                label=extra.pop("label", code),
                due=due,
                status=status,
                responsible=responsible,
                days_left=days_left,
                **extra,
            )
        )

    def __call__(
        self, ids: list[int], today: dt.date, terms: Any, released: Any, responsible: Any
    ) -> dict[int, list[FakeDeadline]]:
        self.calls += 1
        return {pk: self.by_trajectory.get(pk, []) for pk in ids}


@pytest.fixture
def deadlines(monkeypatch: pytest.MonkeyPatch) -> Deadlines:
    fake = Deadlines()
    monkeypatch.setattr("nieuwestart.worklists.selectors._deadlines_source", lambda: fake)
    return fake


@pytest.fixture
def new_trajectory(justid: Any, payload: Callable[..., Any]) -> Callable[..., Any]:
    """A trajectory at PI Almelo for Enschede, straight from JustID: nobody picked it up yet."""
    from nieuwestart.trajectories.notifications import validate_notification
    from nieuwestart.trajectories.services import notification_receive

    def make(bsn: str, surname: str, start: str = "2026-11-09", message: str = "") -> Any:
        data = payload(
            meldingId=message or f"WL-{bsn}",
            startdatum=start,
            persoon={"bsn": bsn, "geslachtsnaam": surname, "voornamen": "Piet"},
        )
        notification = validate_notification(data, today=dt.date(2026, 11, 22))
        trajectory, _ = notification_receive(actor=justid, notification=notification)
        return trajectory

    return make
