""" "Mijn plan" (issue 3, item 6): the detainee's own plan at B1 level, one or two A4 pages,
large type, a pictogram with a text label for each basic condition, what they do themselves,
who helps them and by when. Printed by the casemanager and handed over."""

from __future__ import annotations

import io

import pytest

from nieuwestart.infosheet.tests.case import DETAINEE_TASK, MUNICIPAL_TASK, OWN_WORDS, pdf_text

pytestmark = pytest.mark.django_db

LABELS = (
    "ID-kaart of paspoort",
    "Wonen",
    "Werk en inkomen",
    "Geld en schulden",
    "Zorg en gezondheid",
    "Familie en vrienden",
)


def test_my_plan_page_shows_each_condition_with_pictogram_and_label(web, filled, alice):
    response = web(alice).get(f"/trajecten/{filled.uuid}/mijn-plan")
    assert response.status_code == 200
    html = response.content.decode()
    for label in LABELS:
        assert label in html
    # The pictograms are inline SVG, hidden from screen readers: the label is right next to it.
    assert html.count('<svg class="ns-pictogram" aria-hidden="true"') == 6
    # What Jan does himself, and by when, in plain words.
    assert "Dit doe jij:" in html
    assert DETAINEE_TASK in html
    assert "Vóór 12 januari" in html
    # Who helps him.
    assert "Wie helpt je:" in html
    assert "Carol Test (Enschede)" in html and MUNICIPAL_TASK in html
    # His own words.
    assert OWN_WORDS in html
    assert "Hallo Jan." in html
    assert 'href="/trajecten/' in html and "mijn-plan.pdf" in html


def test_my_plan_pdf_is_one_or_two_pages_with_pictograms_and_dates(web, filled, alice):
    from pypdf import PdfReader

    response = web(alice).get(f"/trajecten/{filled.uuid}/mijn-plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert 1 <= len(reader.pages) <= 2
    text = pdf_text(response.content)
    for label in LABELS:
        assert label in text
    assert DETAINEE_TASK in text
    assert "Vóór 12 januari" in text
    assert "15 maart 2027" in text
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl"
    assert "/StructTreeRoot" in catalog
    # Every pictogram is a figure with alternative text (PDF/UA).
    figures = _figures(catalog["/StructTreeRoot"])
    assert len(figures) == 6
    assert all(figure.get("/Alt") for figure in figures)


def _figures(node) -> list:
    found = []
    node = node.get_object()
    if isinstance(node, dict):
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                found.extend(_figures(kid))
    return found


def test_my_plan_prints_large_type():
    """B1 for readers with LVB: body text of at least 14pt on paper."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(str(finders.find("infosheet/print.css"))).read_text(encoding="utf-8")
    block = css.split(".ns-print--myplan {")[1].split("}")[0]
    assert "font-size: 14pt" in block


def test_probation_and_the_municipality_may_open_my_plan(web, filled, bob, carol, dave):
    for user in (bob, carol):
        assert web(user).get(f"/trajecten/{filled.uuid}/mijn-plan").status_code == 200
    assert web(dave).get(f"/trajecten/{filled.uuid}/mijn-plan").status_code == 404


def test_my_plan_without_a_plan_tells_him_what_happens_next(web, trajectory, alice):
    html = web(alice).get(f"/trajecten/{trajectory.uuid}/mijn-plan").content.decode()
    assert "Dit weten we nog niet. We praten er samen over." in html
    assert "Je hoeft hier nu niets voor te doen." in html
