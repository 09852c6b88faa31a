"""Exports: CSV and XLSX carry the dashboard's aggregates, neutralise formulas, and hold no
personal data; neither do the dashboard and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
import time_machine

from nieuwestart.indicators import exports
from nieuwestart.indicators.services import indicator_facts_refresh
from nieuwestart.indicators.tests.factories import many

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xlsx_rows(body: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(
            archive.namelist()
        )
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (our own output)
    rows = []
    for row in sheet.iterfind(".//m:row", NS):
        cells = []
        for c in row.iterfind("m:c", NS):
            text = c.find("m:is/m:t", NS)
            value = c.find("m:v", NS)
            cells.append(text.text if text is not None else value.text)  # type: ignore[union-attr]
        rows.append(cells)
    return rows


@pytest.mark.parametrize("danger", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=x"])
def test_cells_that_start_a_formula_are_neutralised(danger):
    body = exports.to_csv(["kop"], [[danger, 5]]).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(body), delimiter=";"))[1]
    assert row == ["'" + danger, "5"]
    xlsx = _xlsx_rows(exports.to_xlsx(["kop"], [[danger, 5]], "Blad"))
    assert xlsx[1] == ["'" + danger, "5"]


def test_numbers_stay_numbers_in_xlsx():
    with zipfile.ZipFile(io.BytesIO(exports.to_xlsx(["a"], [[12.5]], "Blad"))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="A2"><v>12.5</v></c>' in sheet


@pytest.fixture
def world(trajectory, make_user):
    """The shared trajectory (Jan de Vries, BSN 999993653) plus enough facts to show figures."""
    indicator_facts_refresh()
    due = dt.date(2026, 11, 16)
    many(6, arrival=dt.date(2026, 11, 3), screening_due=due, screening_done=dt.date(2026, 11, 5))
    many(2, arrival=dt.date(2026, 11, 3), screening_due=due)
    return make_user("keten", "GM0363", "ketenanalist")


QUERY = "van=2026-11&tot=2026-11"
PERSONAL = ("999993653", "Vries", "Jan ", "Geheim", "Persoon", "1990-04-01", "01-04-1990")


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_csv_and_xlsx_hold_the_figures(world, client):
    client.force_login(world)
    response = client.get(f"/indicatoren/export.csv?{QUERY}")
    assert (
        response["Content-Disposition"] == 'attachment; filename="indicatoren-2026-11-2026-11.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["code", "indicator", "periode", "teller", "noemer", "waarde (%)"]
    whole = next(r for r in rows if r[0] == "screening-op-tijd" and r[2] == "hele periode")
    # 6 of the 8 made above plus the shared trajectory, whose screening is not done.
    assert whole[3:6] == ["6", "9", "66,7"]

    response = client.get(f"/indicatoren/export.xlsx?{QUERY}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    xlsx = _xlsx_rows(response.content)
    whole = next(r for r in xlsx if r[0] == "screening-op-tijd" and r[2] == "hele periode")
    assert whole[3:6] == ["6", "9", "66.7"]


def test_no_personal_data_on_the_dashboard_in_exports_or_in_the_api(world, client, api):
    client.force_login(world)
    outputs = {
        "dashboard": client.get(f"/indicatoren/?{QUERY}").content.decode(),
        "csv": client.get(f"/indicatoren/export.csv?{QUERY}").content.decode("utf-8-sig"),
        "api": api(world).get(f"/api/v1/indicatoren?{QUERY}").content.decode(),
    }
    with zipfile.ZipFile(io.BytesIO(client.get(f"/indicatoren/export.xlsx?{QUERY}").content)) as z:
        outputs["xlsx"] = "".join(z.read(name).decode() for name in z.namelist())
    for name, text in outputs.items():
        for personal in PERSONAL:
            assert personal not in text, (name, personal)
        assert not re.search(r"\b9999\d{5}\b", text), name  # no test BSN at all
    # Not even the casemanager's name: caseload is counted per PI.
    assert "Alice" not in outputs["dashboard"]
    assert "Caseload per casemanager" in outputs["dashboard"]
