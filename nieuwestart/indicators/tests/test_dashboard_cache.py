"""The dashboard's cards are built once per refresh, selection and language, never shown stale.

Under load a dashboard request cost several case pages of CPU, most of it drawing the same
charts and tables again (docs/benchmarks.md). The cards are now cached under the figures' key,
which changes with every refresh; these tests hold the two promises that makes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from nieuwestart.indicators import charts
from nieuwestart.indicators.tests.factories import fact

pytestmark = pytest.mark.django_db

PERIOD = "/indicatoren/?van=2026-11&tot=2026-11&per=maand"
ON_TIME = {"plan_due": dt.date(2026, 11, 30), "plan_done": dt.date(2026, 11, 20)}


@pytest.fixture
def analyst(make_user: Any, chain_org: Any) -> Any:
    return make_user("keten", "KETEN-TEST", "ketenanalist")


@pytest.fixture
def svg_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = charts.svg

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "svg", counting)
    return calls


def _plan_card(html: str) -> str:
    match = re.search(
        r'<article class="ns-indicator" aria-labelledby="ind-plan-op-tijd">.*?</article>',
        html,
        re.S,
    )
    assert match, "the plan card is on the page"
    return match.group(0)


def _cards(html: str) -> str:
    return html[html.index('aria-labelledby="sectie-1"') : html.index('aria-labelledby="stil-kop"')]


def test_the_same_selection_shows_the_same_cards_without_drawing_them_again(
    client: Any, analyst: Any, svg_calls: list[str]
) -> None:
    for _ in range(5):
        fact(arrival=dt.date(2026, 11, 2), **ON_TIME)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 15, 10)), tick=False):
        client.force_login(analyst)
        first = client.get(PERIOD).content.decode()
        drawn = len(svg_calls)
        second = client.get(PERIOD).content.decode()
        english = client.get(PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert drawn > 0
    assert "5 van 5 trajecten" in _plan_card(first)
    assert _cards(second) == _cards(first)
    # The second request drew nothing; another language is its own set of cards.
    assert len(svg_calls) == 2 * drawn
    assert _cards(english) != _cards(first)


def test_new_facts_show_at_once_and_another_selection_has_its_own_cards(
    client: Any, analyst: Any, svg_calls: list[str]
) -> None:
    fact(arrival=dt.date(2026, 11, 2), **ON_TIME)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 15, 10)), tick=False):
        client.force_login(analyst)
        before = _plan_card(client.get(PERIOD).content.decode())
        for _ in range(4):
            fact(arrival=dt.date(2026, 11, 2), **ON_TIME)
        after = _plan_card(client.get(PERIOD).content.decode())
        quarter = client.get("/indicatoren/?van=2026-10&tot=2026-12&per=kwartaal").content
    assert "Te weinig trajecten om een cijfer te tonen." in before
    assert "5 van 5 trajecten" in after
    assert "per kwartaal" in _cards(quarter.decode())


def _silent(html: str) -> str:
    return html[html.index('aria-labelledby="stil-kop"') :]


def test_the_municipalities_that_never_reacted_follow_new_facts_at_once(
    client: Any, analyst: Any
) -> None:
    unanswered = {"contact_done": dt.date(2026, 11, 3), "reaction_due": dt.date(2026, 11, 10)}
    fact(arrival=dt.date(2026, 11, 2), municipality="GM0153", **unanswered)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 15, 10)), tick=False):
        client.force_login(analyst)
        before = _silent(client.get(PERIOD).content.decode())
        fact(arrival=dt.date(2026, 11, 2), municipality="GM0363", **unanswered)
        fact(
            arrival=dt.date(2026, 11, 2),
            municipality="GM0153",
            reaction_done=dt.date(2026, 11, 6),
            **unanswered,
        )
        after = _silent(client.get(PERIOD).content.decode())
    assert ">Enschede</th>" in before and ">Amsterdam</th>" not in before
    # Amsterdam never reacted; Enschede has now acknowledged one of its sheets.
    assert ">Amsterdam</th>" in after and ">Enschede</th>" not in after
