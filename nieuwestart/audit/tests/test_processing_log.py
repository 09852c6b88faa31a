"""Every read and write of personal data is logged; nobody can alter or delete a log row."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from nieuwestart.audit.models import Channel, ImmutableLogError, ProcessingLogEntry
from nieuwestart.audit.services import log_reads


def _entries(trajectory, **filters):
    return ProcessingLogEntry.objects.filter(trajectory_uuid=trajectory.uuid, **filters)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_every_api_read_of_a_trajectory_is_logged(api, trajectory, persona, request):
    user = request.getfixturevalue(persona)
    before = _entries(trajectory, action="raadplegen", username=user.username).count()

    api(user).get(f"/api/v1/trajecten/{trajectory.uuid}")

    entries = _entries(trajectory, action="raadplegen", username=user.username)
    assert entries.count() == before + 1
    entry = entries.latest("id")
    assert entry.channel == "api"
    assert entry.organisation_code == user.organisation.code
    assert entry.role == user.role
    assert entry.result == "toegestaan"
    assert entry.purpose
    assert {"identiteit", "detentie", "contacten"} <= set(entry.category_list)


@pytest.mark.django_db
def test_every_ui_read_of_a_trajectory_is_logged(client, settings, trajectory, carol):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(carol)

    client.get(f"/trajecten/{trajectory.uuid}")

    entry = _entries(trajectory, username="carol").latest("id")
    assert (entry.action, entry.channel, entry.result) == ("raadplegen", "web", "toegestaan")


@pytest.mark.django_db
def test_a_list_read_logs_every_trajectory_shown(api, client, settings, trajectory, alice):
    settings.REQUIRE_SECOND_FACTOR = False
    api(alice).get("/api/v1/trajecten")
    client.force_login(alice)
    client.get("/")

    reads = _entries(trajectory, username="alice", action="raadplegen")
    assert sorted(reads.values_list("channel", flat=True)) == ["api", "web"]
    assert set(reads.values_list("purpose", flat=True)) == {
        "werklijst",
        "re-integratietraject uitvoeren",
    }


@pytest.mark.django_db
def test_a_list_read_writes_one_complete_row_per_subject_in_the_lists_order(alice):
    """`log_reads` writes with one INSERT over arrays on PostgreSQL and the ORM on SQLite: in
    both, each row names the reader as they are now, the list's categories and purpose, and
    its subject, in the order shown (a person may be missing: the row still says which case)."""
    subjects = [(uuid.uuid4(), 7), (uuid.uuid4(), None), (uuid.uuid4(), 3)]
    before = ProcessingLogEntry.objects.aggregate(last=Max("id"))["last"] or 0

    written = log_reads(
        actor=alice,
        subjects=subjects,
        categories=["identiteit", "detentie", "identiteit"],
        purpose="werklijst",
        channel=Channel.API,
    )

    rows = list(ProcessingLogEntry.objects.filter(id__gt=before).order_by("id"))
    assert written == 3
    assert [(row.trajectory_uuid, row.person_id) for row in rows] == subjects
    for row in rows:
        assert (row.user_id, row.username, row.user_display) == (
            alice.pk,
            alice.username,
            alice.display_name,
        )
        assert (row.organisation_code, row.organisation_name, row.role) == (
            alice.organisation.code,
            alice.organisation.name,
            alice.role,
        )
        assert (row.action, row.result, row.channel, row.detail) == (
            "raadplegen",
            "toegestaan",
            "api",
            "",
        )
        assert (row.categories, row.purpose) == ("detentie,identiteit", "werklijst")
        assert abs(row.timestamp - timezone.now()) < dt.timedelta(minutes=1)
    assert len({row.timestamp for row in rows}) == 1  # one moment: one list shown
    assert log_reads(actor=alice, subjects=[], categories=[], purpose="x", channel="api") == 0


@pytest.mark.django_db
def test_refused_attempts_are_logged(api, trajectory, dave, bob):
    api(dave).get(f"/api/v1/trajecten/{trajectory.uuid}")
    api(bob).patch(
        f"/api/v1/trajecten/{trajectory.uuid}",
        {"terugkeergemeente": "GM0363", "toelichting": "x"},
        format="json",
    )

    assert _entries(trajectory, username="dave").get().result == "niet-zichtbaar"
    assert _entries(trajectory, username="bob").latest("id").result == "geweigerd"


@pytest.mark.django_db
def test_writes_are_logged_with_what_changed(api, trajectory, alice):
    api(alice).patch(
        f"/api/v1/trajecten/{trajectory.uuid}",
        {"terugkeergemeente": "GM0363", "toelichting": "Gaat bij zijn zus wonen."},
        format="json",
    )
    entry = _entries(trajectory, action="wijzigen", username="alice").latest("id")
    assert entry.purpose == "terugkeergemeente wijzigen"
    assert "GM0153" in entry.detail and "GM0363" in entry.detail


@pytest.mark.django_db
def test_application_code_cannot_change_or_delete_log_rows(trajectory):
    entry = _entries(trajectory).first()
    entry.purpose = "iets anders"
    with pytest.raises(ImmutableLogError):
        entry.save()
    with pytest.raises(ImmutableLogError):
        entry.delete()
    with pytest.raises(ImmutableLogError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(ImmutableLogError):
        ProcessingLogEntry.objects.all().delete()


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_on_the_log(trajectory):
    """Also true for raw SQL: a trigger on PostgreSQL and on SQLite."""
    entry = _entries(trajectory).first()
    table = ProcessingLogEntry._meta.db_table
    for statement in (
        f"UPDATE {table} SET purpose = 'vervalst' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert ProcessingLogEntry.objects.get(pk=entry.pk).purpose == entry.purpose


@pytest.mark.django_db
def test_privacy_officer_sees_who_looked_without_case_content(api, trajectory, priya, carol):
    api(carol).get(f"/api/v1/trajecten/{trajectory.uuid}")

    response = api(priya).get(f"/api/v1/trajecten/{trajectory.uuid}/logboek")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert {"tijdstip", "gebruiker", "organisatie", "rol", "actie", "categorieen", "doel"} <= set(
        rows[0]
    )
    assert any(r["gebruiker"] == "carol" and r["actie"] == "raadplegen" for r in rows)
    # No case content: no person, no dates of detention, no contacts.
    text = response.content.decode()
    assert "Vries" not in text and "999993653" not in text and "2027-03-15" not in text
    # Reading the log is itself logged.
    assert _entries(trajectory, username="priya", purpose="privacytoezicht").exists()


@pytest.mark.django_db
def test_privacy_officer_finds_a_person_by_bsn_in_the_web_ui(
    client, settings, trajectory, priya, carol
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(carol)
    client.get(f"/trajecten/{trajectory.uuid}")
    client.force_login(priya)

    response = client.post("/privacy/", {"zoek": "persoon", "bsn": trajectory.person.bsn})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Carol Test" in page and "Enschede" in page
    assert "Fase" not in page  # the log view shows no case facts
    bad = client.post("/privacy/", {"zoek": "persoon", "bsn": "123456789"})
    assert "elfproef" in bad.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["terugkeergemeente", "betrokkenen"])
def test_form_pages_that_show_the_person_are_logged_as_reads(
    client, settings, trajectory, alice, page
):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(alice)
    before = _entries(trajectory, username="alice", action="raadplegen").count()

    response = client.get(f"/trajecten/{trajectory.uuid}/{page}")

    assert trajectory.person.full_name in response.content.decode()
    assert _entries(trajectory, username="alice", action="raadplegen").count() == before + 1
