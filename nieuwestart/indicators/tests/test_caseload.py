"""The caseload table: per PI how many casemanagers carry more trajectories in detention than
the PI's norm. Counted live from the assignments, and kept for at most a minute (a national
count costs 8 to 10 ms of PostgreSQL per dashboard request, docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import notification_payload
from nieuwestart.indicators.models import CaseloadNorm
from nieuwestart.indicators.selectors import CASELOAD_CACHE_SECONDS
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive, trajectory_assign

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 23, 10))


@pytest.fixture
def analyst(make_user: Any, chain_org: Any) -> Any:
    return make_user("keten", "KETEN-TEST", "ketenanalist")


def _above_norm(html: str, prison: str) -> str:
    row = re.search(
        rf'<th scope="row" class="utrecht-table__header-cell">{prison}</th>(.*?)</tr>', html, re.S
    )
    assert row, f"{prison} has a row in the caseload table"
    cells = re.findall(r'<td class="[^"]*">\s*(.*?)\s*</td>', row.group(1), re.S)
    return cells[-1]


def _second_case_for(alice: Any, justid: Any) -> None:
    notification = validate_notification(
        notification_payload(meldingId="TWEEDE-1", persoon={"bsn": "999990019"}),
        today=dt.date(2026, 11, 22),
    )
    second, _ = notification_receive(actor=justid, notification=notification)
    trajectory_assign(actor=alice, trajectory=second, role="casemanager", user=alice)


def test_a_casemanager_above_the_norm_shows_within_a_minute(
    client: Any, analyst: Any, trajectory: Any, alice: Any, justid: Any
) -> None:
    almelo = Organisation.objects.get(code="PI-ALMELO")
    CaseloadNorm.objects.create(prison=almelo, norm=1)
    client.force_login(analyst)
    with time_machine.travel(NOW, tick=False) as clock:
        page = client.get("/indicatoren/").content.decode()
        assert _above_norm(page, almelo.name) == "0 van 1 casemanager"

        _second_case_for(alice, justid)
        # Kept for a minute: the same count, without counting again.
        page = client.get("/indicatoren/").content.decode()
        assert _above_norm(page, almelo.name) == "0 van 1 casemanager"

        clock.shift(CASELOAD_CACHE_SECONDS + 1)
        page = client.get("/indicatoren/").content.decode()
        assert _above_norm(page, almelo.name) == "1 van 1 casemanager"


def test_a_changed_norm_shows_at_once(
    client: Any, analyst: Any, trajectory: Any, alice: Any, justid: Any
) -> None:
    almelo = Organisation.objects.get(code="PI-ALMELO")
    _second_case_for(alice, justid)
    client.force_login(analyst)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/indicatoren/").content.decode()
        assert _above_norm(page, almelo.name) == "0 van 1 casemanager"  # the norm is 30
        CaseloadNorm.objects.create(prison=almelo, norm=1)
        page = client.get("/indicatoren/").content.decode()
        assert _above_norm(page, almelo.name) == "1 van 1 casemanager"
