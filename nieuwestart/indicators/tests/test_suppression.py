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


@pytest.mark.parametrize(
    ("histogram", "shown"),
    [
        ({}, None),
        ({3: 4}, False),
        ({0: 1, 3: 2, 9: 1}, False),
        ({3: 5}, True),
        ({1: 2, 2: 3}, True),
    ],
)
def test_a_duration_is_withheld_below_5_trajectories(histogram, shown):
    from nieuwestart.indicators.suppression import duration_cell

    result = duration_cell(histogram, waiting=4)
    assert result.waiting is None  # 4 still waiting: withheld on its own
    if shown is None:
        assert result.empty and result.text == "geen trajecten"
    elif shown:
        assert result.count == 5 and result.median is not None and result.mean is not None
    else:
        assert result.suppressed and (result.count, result.median, result.mean) == (None,) * 3
        assert result.text == "minder dan 5"


def test_median_of_a_histogram():
    from nieuwestart.indicators.suppression import duration_cell, median

    assert median({5: 1}) == 5
    assert median({1: 1, 2: 1, 10: 2}) == 6  # 1, 2, 10, 10
    assert median({0: 3, 30: 2}) == 0
    cell_ = duration_cell({2: 2, 3: 2, 100: 1}, waiting=7)
    assert (cell_.count, cell_.median, cell_.mean, cell_.waiting) == (5, 3, 22.0, 7)


@pytest.fixture
def waiting_world(db):
    # January: 4 started (withheld), 6 still waiting; February: 5 started.
    for days in (2, 4, 6, 8):
        many(1, release_date=dt.date(2026, 1, 20), housing_days=days, housing_waiting=False)
    many(6, release_date=dt.date(2026, 1, 20), housing_waiting=True)
    for days in (10, 10, 12, 30, 90):
        many(1, release_date=dt.date(2026, 2, 10), housing_days=days, housing_waiting=False)


def test_api_shows_durations_and_withholds_small_ones(waiting_world, api, make_user):
    keten = make_user("keten", "GM0363", "ketenanalist")
    body = api(keten).get(f"/api/v1/indicatoren?{QUERY}").json()
    housing = next(r for r in body["results"] if r["code"] == "wachttijd-beschermd-wonen")
    assert housing["soort"] == "duur"
    assert (housing["teller"], housing["noemer"], housing["waarde"]) == (None, None, None)
    # The whole period: 2, 4, 6, 8, 10, 10, 12, 30, 90 -> median 10, mean 19.1.
    assert (housing["aantal"], housing["mediaanDagen"], housing["gemiddeldeDagen"]) == (
        9,
        10,
        19.1,
    )
    assert (housing["nogWachtend"], housing["onderdrukt"]) == (6, False)
    months = {p["periode"]: p for p in housing["verloop"]}
    january, february = months["2026-01"], months["2026-02"]
    assert january["onderdrukt"] is True
    assert (january["aantal"], january["mediaanDagen"], january["nogWachtend"]) == (None, None, 6)
    assert (february["aantal"], february["mediaanDagen"], february["nogWachtend"]) == (5, 12, None)
    share = next(r for r in body["results"] if r["code"] == "screening-op-tijd")
    assert share["soort"] == "aandeel" and share["mediaanDagen"] is None


def test_dashboard_and_csv_show_durations(waiting_world, client, make_user):
    keten = make_user("keten", "GM0363", "ketenanalist")
    client.force_login(keten)
    page = client.get(f"/indicatoren/?{QUERY}").content.decode()
    assert "Wachttijd van vrijlating tot beschermd of begeleid wonen" in page
    assert "mediaan over 9 trajecten" in page
    csv = client.get(f"/indicatoren/export.csv?{QUERY}").content.decode("utf-8-sig")
    rows = {
        line.split(";")[2]: line.split(";")
        for line in csv.splitlines()
        if line.startswith("wachttijd-beschermd-wonen;")
    }
    header = csv.splitlines()[0].split(";")
    columns = header.index("aantal trajecten"), header.index("nog wachtend")
    assert rows["hele periode"][columns[0] : columns[1] + 1] == ["9", "10", "19,1", "6"]
    assert rows["2026-01"][columns[0] : columns[1] + 1] == ["minder dan 5"] * 3 + ["6"]
    assert rows["2026-02"][columns[1]] == "minder dan 5"
