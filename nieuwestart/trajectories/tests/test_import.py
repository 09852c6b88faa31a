"""Batch import of detention notifications: progress, a summary with reasons, safe to rerun."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nieuwestart.trajectories.imports import (
    import_batch_create,
    import_batch_process,
    import_summary,
)
from nieuwestart.trajectories.models import ImportBatch, ImportRow, Trajectory

HEADER = "meldingId,soort,bsn,voornamen,voorvoegsel,geslachtsnaam,geboortedatum,inrichting,startdatum,verwachteEinddatum,gemeenteVanInschrijving,einddatum\n"
ROWS = [
    "B-1,aanvang,999990007,Anna,,Bakker,1985-02-01,PI-NIEUWERSLUIS,2026-11-01,2027-01-10,GM0363,",
    "B-2,aanvang,999990019,Ali,,Kaya,1992-07-12,PI-ALMELO,2026-11-03,,GM0153,",
    "B-3,aanvang,123456789,Fout,,Bsn,1990-01-01,PI-ALMELO,2026-11-03,,GM0153,",
    "B-4,aanvang,999990020,Piet,van,Dijk,1979-03-03,PI-BESTAAT-NIET,2026-11-03,,GM9999,",
    "B-1,aanvang,999990007,Anna,,Bakker,1985-02-01,PI-NIEUWERSLUIS,2026-11-01,2027-01-10,GM0363,",
    "B-5,aanvang,999990032,Kim,de,Boer,1999-12-24,PI-TER-PEEL,2026-11-10,2026-12-20,GM0183,",
]


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.mark.django_db
def test_upload_shows_progress_and_a_summary_with_reasons(client, settings, admin_user):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(admin_user)
    upload = SimpleUploadedFile("meldingen.csv", _csv(ROWS), content_type="text/csv")

    response = client.post("/import/", {"bestand": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/{batch.uuid}"

    status = client.get(f"/import/{batch.uuid}", HTTP_ACCEPT="application/json").json()
    assert (status["done"], status["total"]) == (0, 6)
    after = client.post(f"/import/{batch.uuid}/verwerk", HTTP_ACCEPT="application/json").json()
    assert after == {
        **after,
        "done": 6,
        "geaccepteerd": 3,
        "dubbel": 1,
        "afgewezen": 2,
        "wachtend": 0,
    }

    page = client.get(f"/import/{batch.uuid}").content.decode()
    assert "elfproef" in page  # row 4 (B-3): the reason, in words
    assert "PI-BESTAAT-NIET" in page and "GM9999" in page  # row 5 (B-4): both problems named
    assert Trajectory.objects.count() == 3


@pytest.mark.django_db
def test_an_interrupted_import_continues_where_it_stopped(admin_user):
    batch = import_batch_create(actor=admin_user, file_name="x.csv", content=_csv(ROWS))
    import_batch_process(actor=admin_user, batch=batch, limit=2)  # then the process "dies"
    assert import_summary(batch)["wachtend"] == 4

    import_batch_process(actor=admin_user, batch=batch)
    import_batch_process(actor=admin_user, batch=batch)  # a rerun does nothing twice

    assert import_summary(batch)["geaccepteerd"] == 3
    assert Trajectory.objects.count() == 3
    assert ImportRow.objects.filter(batch=batch, status="afgewezen").count() == 2


@pytest.mark.django_db
def test_a_file_without_the_right_columns_is_refused_as_a_whole(client, settings, admin_user):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "fout.csv", b"naam,datum\nJan,2020-01-01\n", content_type="text/csv"
    )
    response = client.post("/import/", {"bestand": upload})
    assert response.status_code == 200
    assert "Deze ontbreken: meldingId, soort, bsn, inrichting" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_file_is_explained_in_english_to_an_english_user(client, settings, admin_user):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for content, says in [
        (b"naam,datum\nJan,2020-01-01\n", "These are missing: meldingId, soort, bsn, inrichting."),
        (HEADER.encode(), "The file contains no notifications."),
        (b"\xff\xfe\x00", "The file is not UTF-8 text."),
    ]:
        upload = SimpleUploadedFile("fout.csv", content, content_type="text/csv")
        response = client.post("/import/", {"bestand": upload})
        assert response.status_code == 200
        assert says in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_someone_elses_import_is_not_visible(client, settings, admin_user, make_user):
    settings.REQUIRE_SECOND_FACTOR = False
    batch = import_batch_create(actor=admin_user, file_name="x.csv", content=_csv(ROWS[:1]))
    other = make_user("beheer2", "KETEN-TEST", "beheerder")
    client.force_login(other)
    assert client.get(f"/import/{batch.uuid}").status_code == 404
    assert client.post(f"/import/{batch.uuid}/verwerk").status_code == 404
