"""The answer to a screening save (`PUT .../screening`) is built from the rows the save just
stored, not read again (docs/benchmarks.md, "screening PUT"). So it must be exactly what the
next read shows, for every partner and what they may see, and the save must not read what it
already holds."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nieuwestart.screening.tests.test_screening_api import FULL, _url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("saver", ["alice", "bob", "carol"])
def test_the_answer_to_a_save_is_what_the_next_read_shows(
    api, trajectory, alice, bob, carol, saver
):
    """The PI, probation and the municipality each save on a screening with a history (a
    save by the PI, contributions on care and on finances) and complete it in the same save."""
    user = {"alice": alice, "bob": bob, "carol": carol}[saver]
    first = api(alice).put(_url(trajectory), {**FULL, "versie": 0}, format="json")
    assert first.status_code == 200, first.json()
    for author, domain in ((carol, "zorg"), (bob, "financien")):
        contributed = api(author).post(
            _url(trajectory, "/bijdragen"),
            {"domein": domain, "tekst": f"Bekend bij {author.organisation.name}."},
            format="json",
        )
        assert contributed.status_code == 201
    client = api(user)
    read = client.get(_url(trajectory))
    body = read.json()
    body["eigenWoorden"] = "Ik wil een eigen plek."
    body["domeinen"]["huisvesting"]["status"] = "in-orde"
    body["afgerond"] = True

    saved = client.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=read["ETag"])

    assert saved.status_code == 200, saved.json()
    after = client.get(_url(trajectory))
    assert saved.json() == after.json()
    assert saved["ETag"] == after["ETag"] == f'"{trajectory.uuid}-s3"'
    answer = saved.json()
    assert answer["afgerondDoor"] == answer["gewijzigdDoor"] == user.display_name
    assert answer["domeinen"]["huisvesting"]["gewijzigdDoor"] == user.display_name
    assert answer["domeinen"]["inkomen"]["gewijzigdDoor"] == alice.display_name
    assert answer["domeinen"]["financien"]["bijdragen"][0]["auteur"] == bob.display_name


def test_the_first_save_answers_with_the_screening_it_created(api, trajectory, alice):
    client = api(alice)
    saved = client.put(_url(trajectory), {**FULL, "versie": 0, "afgerond": True}, format="json")
    assert saved.status_code == 200, saved.json()
    after = client.get(_url(trajectory))
    assert saved.json() == after.json()
    assert saved["ETag"] == after["ETag"]


def test_a_save_reads_the_screening_and_its_assessments_once(api, trajectory, alice):
    """The screening is locked once: the completion in the same save works on that row. Before
    each of the two versions it stores (the edit, then the completion) its completion is read
    to tell whether the deadlines change. The assessments are read once. The save is one
    transaction, without savepoints for its steps."""
    client = api(alice)
    first = client.put(_url(trajectory), {**FULL, "versie": 0}, format="json")
    body = first.json()
    body["eigenWoorden"] = "Anders gezegd."
    body["afgerond"] = True
    with CaptureQueriesContext(connection) as queries:
        saved = client.put(_url(trajectory), body, format="json", HTTP_IF_MATCH=first["ETag"])
    assert saved.status_code == 200, saved.json()
    statements = [q["sql"] for q in queries.captured_queries]
    screening_reads = [
        s for s in statements if re.match(r'SELECT .* FROM "screening_screening"', s)
    ]
    assessment_reads = [
        s for s in statements if re.match(r'SELECT .* FROM "screening_domainassessment"', s)
    ]
    assert len(screening_reads) == 3, screening_reads
    assert len([s for s in screening_reads if "FOR NO KEY UPDATE" in s]) == (
        1 if connection.vendor == "postgresql" else 0
    )
    assert len(assessment_reads) == 1, assessment_reads
    # One transaction (inside the test's own, so a savepoint), none of its own steps'.
    assert len([s for s in statements if s.startswith("SAVEPOINT")]) == 1
