"""Small cells (fewer than 5 trajectories) are withheld everywhere: cell, chart, CSV, API."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.indicators.suppression import cell
from nieuwestart.indicators.tests.factories import many


@pytest.mark.parametrize(
    ("numerator", "denominator", "suppressed"),
    [(5, 5, False), (5, 40, False), (4, 40, True), (0, 40, True), (3, 4, True), (40, 40, False)],
)
def test_a_cell_with_fewer_than_5_in_numerator_or_denominator_is_withheld(
    numerator, denominator, suppressed
):
    result = cell(numerator, denominator)
    assert result.suppressed is suppressed
    if suppressed:
        assert (result.numerator, result.denominator, result.value) == (None, None, None)
        assert result.text == "minder dan 5"
    else:
        assert result.value == round(100 * numerator / denominator, 1)


def test_an_empty_denominator_says_there_are_no_trajectories():
    result = cell(0, 0)
    assert result.empty and not result.suppressed and result.text == "geen trajecten"


@pytest.fixture
def small_world(db):
    # January: 4 of 8 on time (numerator below 5); February: 3 of 3 (denominator below 5).
    due, on_time = dt.date(2026, 1, 19), dt.date(2026, 1, 16)
    many(4, screening_due=due, screening_done=on_time)
    many(4, screening_due=due)
    many(
        3,
        arrival=dt.date(2026, 2, 2),
        screening_due=dt.date(2026, 2, 16),
        screening_done=dt.date(2026, 2, 3),
    )


QUERY = "van=2026-01&tot=2026-02"


def test_api_withholds_small_cells(small_world, api, make_user):
    keten = make_user("keten", "GM0363", "ketenanalist")
    body = api(keten).get(f"/api/v1/indicatoren?{QUERY}").json()
    screening = next(r for r in body["results"] if r["code"] == "screening-op-tijd")
    # The whole period: 7 of 11, shown.
    assert (screening["teller"], screening["noemer"], screening["onderdrukt"]) == (7, 11, False)
    months = {p["periode"]: p for p in screening["verloop"]}
    for month in ("2026-01", "2026-02"):
        assert months[month]["onderdrukt"] is True
        assert months[month]["teller"] is None
        assert months[month]["noemer"] is None
        assert months[month]["waarde"] is None


def test_dashboard_and_csv_withhold_small_cells(small_world, client, make_user):
    keten = make_user("keten", "GM0363", "ketenanalist")
    client.force_login(keten)
    page = client.get(f"/indicatoren/?{QUERY}").content.decode()
    assert "minder dan 5" in page
    csv = client.get(f"/indicatoren/export.csv?{QUERY}").content.decode("utf-8-sig")
    january = [
        line
        for line in csv.splitlines()
        if line.startswith("screening-op-tijd;") and ";2026-01;" in line
    ]
    assert len(january) == 1
    assert january[0].split(";")[3:6] == ["minder dan 5"] * 3
