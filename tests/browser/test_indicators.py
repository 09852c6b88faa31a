"""The indicator dashboard in a real browser, with axe checks (issue 5, checks): management of
PI Almelo reads its figures, opens a chart's table and downloads the CSV; the chain-wide role
filters on another PI."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

PASSWORD = "een-lang-testwachtwoord"  # make_user's password (conftest.py)


@pytest.fixture
def world(reference_data, settings, make_user):
    from nieuwestart.indicators.tests.factories import many

    settings.REQUIRE_SECOND_FACTOR = False
    today = dt.date.today()
    arrival = today.replace(day=1) - dt.timedelta(days=40)
    due = arrival + dt.timedelta(days=14)
    many(6, arrival=arrival, screening_due=due, screening_done=arrival + dt.timedelta(days=3))
    many(3, arrival=arrival, screening_due=due)
    many(7, prison="PI-TER-PEEL", arrival=arrival, screening_due=due)
    released = arrival + dt.timedelta(days=10)
    for days in (0, 5, 9, 14, 30):  # median 9 days
        many(1, release_date=released, supervision_days=days, supervision_waiting=False)
    make_user("ketenbreed", "GM0363", "ketenanalist")
    return make_user("directie", "PI-ALMELO", "management")


def test_management_reads_its_figures_and_the_chain_filters(page: Page, live_server, world):
    login(page, live_server, "directie", PASSWORD)
    page.goto(f"{live_server.url}/indicatoren/")
    expect(page.get_by_role("heading", level=1, name="Indicatoren")).to_be_visible()
    expect(
        page.get_by_text("U ziet de cijfers van uw eigen organisatie: PI Almelo.")
    ).to_be_visible()
    card = page.locator(
        "article", has=page.get_by_role("heading", name="Screening binnen 10 werkdagen")
    )
    expect(card.get_by_text("6 van 9 trajecten")).to_be_visible()
    expect(card.get_by_role("img")).to_be_visible()
    card.get_by_text("Cijfers als tabel").click()
    expect(card.get_by_role("table")).to_be_visible()
    waiting = page.locator(
        "article",
        has=page.get_by_role("heading", name="Wachttijd van vrijlating tot start toezicht"),
    )
    expect(waiting.locator(".ns-indicator__value")).to_have_text("9 dagen")
    expect(waiting.get_by_text("mediaan over 5 trajecten, gemiddeld 11,6 dagen")).to_be_visible()
    waiting.get_by_text("Cijfers als tabel").click()
    expect(waiting.get_by_role("columnheader", name="Mediaan")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV-bestand").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, live_server, "ketenbreed", PASSWORD)
    page.goto(f"{live_server.url}/indicatoren/")
    page.locator("select[name=inrichting]").select_option(label="PI Ter Peel")
    page.get_by_role("button", name="Toon cijfers").click()
    card = page.locator(
        "article", has=page.get_by_role("heading", name="Screening binnen 10 werkdagen")
    )
    expect(card.get_by_text("minder dan 5").first).to_be_visible()
    assert_accessible(page)
