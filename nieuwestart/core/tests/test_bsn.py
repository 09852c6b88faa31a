"""Synthetic BSNs: more people for a benchmark than the RvIG test range, none of them real.

A synthetic BSN starts with 999 and its elfproef sum leaves 1 when divided by 11, so it fails
the elfproef and no real person can have one. The inbound validation accepts it only with
NIEUWESTART_SYNTHETIC_BSNS on, which the settings refuse outside tests and DEBUG.
"""

from __future__ import annotations

import subprocess

import pytest

from nieuwestart.core import bsn as bsn_numbers
from nieuwestart.trajectories.imports import (
    import_batch_create,
    import_batch_process,
    import_summary,
)
from nieuwestart.trajectories.models import Person, Trajectory
from tests.fresh_settings import run_django

URL = "/api/v1/detentiemeldingen"
SYNTHETIC = "999993652"  # one less than the RvIG test BSN 999993653: the sum leaves 1
HEADER = "meldingId,soort,bsn,voornamen,voorvoegsel,geslachtsnaam,geboortedatum,inrichting,startdatum,verwachteEinddatum,gemeenteVanInschrijving,einddatum\n"


def test_synthetic_bsns_fail_the_elfproef_and_are_never_test_numbers():
    count = 30_000  # more than bench_ingest's 25,000 people
    synthetic = bsn_numbers.synthetic_bsns(count)
    test_numbers = set(bsn_numbers.test_bsns(20_000))

    assert len(synthetic) == len(set(synthetic)) == count
    assert len(test_numbers) == 9_091  # the whole RvIG test range: too few on its own
    assert test_numbers.isdisjoint(synthetic)
    for number in synthetic:
        assert len(number) == 9 and number.startswith("999"), number
        assert not bsn_numbers.is_valid_bsn(number), number
        assert not bsn_numbers.is_test_bsn(number), number
        assert bsn_numbers.is_synthetic_bsn(number), number
    assert bsn_numbers.is_synthetic_bsn(SYNTHETIC)


def test_generated_people_get_test_numbers_then_numbers_that_fail_the_elfproef():
    """The national generator's 112,000 people: distinct, and the only ones that pass the
    elfproef are the RvIG test numbers, so none is a real person's BSN."""
    numbers = bsn_numbers.never_real_bsns(112_000)

    assert len(set(numbers)) == 112_000
    passing = [n for n in numbers if bsn_numbers.is_valid_bsn(n)]
    assert passing == bsn_numbers.test_bsns(9_091)
    assert all(n.startswith("999") and len(n) == 9 for n in numbers)


@pytest.mark.parametrize(
    "value",
    [
        "999993653",  # passes the elfproef (an RvIG test BSN)
        "999993654",  # fails it, but the sum leaves 10
        "111222332",  # the sum leaves 1, but it does not start with 999
        "99999365",  # eight digits
        "99999365A",
        "",
    ],
)
def test_only_999_numbers_whose_sum_leaves_one_are_synthetic(value):
    assert not bsn_numbers.is_synthetic_bsn(value)


def test_with_the_switch_off_only_the_elfproef_counts(settings):
    settings.SYNTHETIC_BSNS = False
    assert bsn_numbers.is_acceptable_bsn("999993653")
    assert not bsn_numbers.is_acceptable_bsn(SYNTHETIC)
    assert not bsn_numbers.is_acceptable_bsn("000000000")


def test_with_the_switch_on_a_synthetic_bsn_is_accepted_as_well(settings):
    settings.SYNTHETIC_BSNS = True
    assert bsn_numbers.is_acceptable_bsn("999993653")
    assert bsn_numbers.is_acceptable_bsn(SYNTHETIC)
    for refused in ("123456789", "999993654", "111222332", "000000000", "99999365A"):
        assert not bsn_numbers.is_acceptable_bsn(refused), refused
    assert not bsn_numbers.is_valid_bsn(SYNTHETIC)  # the elfproef itself does not change


@pytest.mark.django_db
def test_notification_api_refuses_a_synthetic_bsn_with_the_switch_off(
    api, justid, payload, settings
):
    settings.SYNTHETIC_BSNS = False
    response = api(justid).post(URL, payload(persoon={"bsn": SYNTHETIC}), format="json")

    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {
            "name": "persoon.bsn",
            "code": "elfproef",
            "reason": "Dit BSN bestaat niet: het klopt niet met de elfproef.",
        }
    ]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_notification_api_accepts_a_synthetic_bsn_with_the_switch_on(
    api, justid, payload, settings
):
    settings.SYNTHETIC_BSNS = True
    response = api(justid).post(URL, payload(persoon={"bsn": SYNTHETIC}), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["traject"]["persoon"]["bsn"] == SYNTHETIC
    bad = api(justid).post(
        URL, payload(meldingId="M-2", persoon={"bsn": "123456789"}), format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["code"] == "elfproef"


@pytest.mark.django_db
@pytest.mark.parametrize("switch", [False, True])
def test_import_file_takes_synthetic_bsns_only_with_the_switch_on(admin_user, settings, switch):
    """The path bench_ingest measures: the same file, with and without the switch."""
    settings.SYNTHETIC_BSNS = switch
    content = (
        HEADER
        + "S-1,aanvang,999990007,Anna,,Bakker,1985-02-01,PI-ALMELO,2026-11-01,,GM0153,\n"
        + f"S-2,aanvang,{SYNTHETIC},Ali,,Kaya,1992-07-12,PI-ALMELO,2026-11-03,,GM0153,\n"
        + "S-3,aanvang,123456789,Fout,,Bsn,1990-01-01,PI-ALMELO,2026-11-03,,GM0153,\n"
    ).encode()
    batch = import_batch_create(actor=admin_user, file_name="s.csv", content=content)
    import_batch_process(actor=admin_user, batch=batch)

    summary = import_summary(batch)
    assert (summary["geaccepteerd"], summary["afgewezen"]) == ((2, 1) if switch else (1, 2))
    assert Trajectory.objects.filter(person__bsn=SYNTHETIC).exists() is switch


@pytest.mark.django_db
def test_privacy_officer_search_follows_the_switch(client, settings, priya):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(priya)

    settings.SYNTHETIC_BSNS = False
    refused = client.post("/privacy/", {"zoek": "persoon", "bsn": SYNTHETIC}).content.decode()
    assert "elfproef" in refused and "Er is geen dossier met dit BSN." not in refused
    settings.SYNTHETIC_BSNS = True
    accepted = client.post("/privacy/", {"zoek": "persoon", "bsn": SYNTHETIC}).content.decode()
    assert "elfproef" not in accepted and "Er is geen dossier met dit BSN." in accepted


def _django(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return run_django(env, code, check=False)


def test_settings_refuse_synthetic_bsns_in_production_mode():
    result = _django(
        {"NIEUWESTART_SYNTHETIC_BSNS": "1", "DJANGO_SECRET_KEY": "x" * 50},
        "print('started')",
    )
    assert result.returncode != 0
    assert "NIEUWESTART_SYNTHETIC_BSNS" in result.stderr
    assert "started" not in result.stdout


def test_settings_allow_synthetic_bsns_under_testing_and_default_to_off():
    check = (
        "from django.conf import settings; from nieuwestart.core.bsn import is_acceptable_bsn; "
        f"print(settings.SYNTHETIC_BSNS, is_acceptable_bsn('{SYNTHETIC}'))"
    )
    on = _django({"NIEUWESTART_SYNTHETIC_BSNS": "1", "NIEUWESTART_TESTING": "1"}, check)
    off = _django({"NIEUWESTART_TESTING": "1"}, check)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "True True"
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "False False"
