"""The D&R-plan through the API: one plan, versions, who writes what, no lost work."""

from __future__ import annotations

import pytest

from nieuwestart.audit.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db


def test_draft_establish_edit_and_reestablish_make_two_versions_with_a_diff(
    api, trajectory, alice, write, plan_url
):
    write(alice, "patch", body={"reintegratiedoelen": "Werk vinden.", "afspraken": "Zie taken."})
    write(
        alice,
        "post",
        "/taken",
        {"domein": "identiteit", "wat": "ID-kaart aanvragen", "organisatie": "GM0153"},
        expect=201,
    )
    refused = write(alice, "post", "/vaststellen", expect=400)
    assert [p["name"] for p in refused.json()["invalidParams"]] == ["trajectoverlegElkeWeken"]

    write(alice, "patch", body={"trajectoverlegElkeWeken": 6})
    first = write(alice, "post", "/vaststellen", {"toelichting": "MDO"}, expect=201)
    assert first.json()["nummer"] == 1
    assert first["Location"].endswith("/plan/versies/1")
    assert api(alice).get(plan_url).json()["status"] == "vastgesteld"

    write(alice, "patch", body={"reintegratiedoelen": "Werk als lasser."})
    plan = api(alice).get(plan_url).json()
    assert (plan["status"], plan["gewijzigdSindsVaststelling"]) == ("concept", True)
    write(alice, "post", "/vaststellen", expect=201)

    versions = api(alice).get(plan_url + "/versies").json()
    assert [v["nummer"] for v in versions["results"]] == [2, 1]
    second = api(alice).get(plan_url + "/versies/2").json()
    assert second["vorigeVersie"] == 1
    assert second["plan"]["reintegratiedoelen"] == "Werk als lasser."
    assert second["wijzigingen"] == [
        {
            "sectie": "reintegratiedoelen",
            "label": "Re-integratiedoelen",
            "soort": "gewijzigd",
            "taak": "",
            "oud": "Werk vinden.",
            "nieuw": "Werk als lasser.",
        }
    ]
    assert api(alice).get(plan_url + "/versies/1").json()["wijzigingen"] == []


def test_stale_if_match_is_refused_with_412_naming_what_changed(
    api, trajectory, alice, carol, etag_of, plan_url
):
    stale = etag_of(alice)
    assert stale == f'"{trajectory.uuid}-p0"'
    api(carol).patch(
        plan_url,
        {"trajectoverlegElkeWeken": 4, "afspraken": "Gemeente regelt wonen."},
        format="json",
        HTTP_IF_MATCH=stale,
    )

    response = api(alice).patch(
        plan_url, {"afspraken": "Mijn versie."}, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert "Carol Test (Enschede)" in body["detail"]
    assert "Trajectoverleg toegevoegd: elke 4 weken" in body["detail"]
    assert {w["sectie"] for w in body["wijzigingen"]} == {"afspraken", "trajectoverlegElkeWeken"}
    assert api(alice).get(plan_url).json()["afspraken"] == "Gemeente regelt wonen."


def test_stale_version_in_the_body_is_refused_too(api, trajectory, alice, write, plan_url):
    write(alice, "patch", body={"activiteiten": "Werk in de keuken."})
    response = api(alice).patch(plan_url, {"versie": 0, "activiteiten": "Oud"}, format="json")
    assert response.status_code == 412


def test_a_write_without_a_version_is_refused_with_428(api, trajectory, alice, plan_url):
    for method, path, body in [
        ("patch", "", {"afspraken": "x"}),
        ("post", "/taken", {"domein": "zorg", "wat": "x", "doetPersoonZelf": True}),
        ("post", "/vaststellen", {}),
    ]:
        response = getattr(api(alice), method)(plan_url + path, body, format="json")
        assert response.status_code == 428, path
        assert "If-Match" in response.json()["detail"]
    assert api(alice).get(plan_url).json()["versie"] == 0


def test_an_etag_of_another_trajectory_is_refused(api, trajectory, alice, plan_url):
    response = api(alice).patch(
        plan_url,
        {"afspraken": "x"},
        format="json",
        HTTP_IF_MATCH='"00000000-0000-0000-0000-000000000000-p0"',
    )
    assert response.status_code == 412


def test_invalid_input_names_every_invalid_field(api, trajectory, alice, plan_url):
    response = api(alice).patch(
        plan_url,
        {
            "versie": 0,
            "trajectoverlegElkeWeken": 0,
            "gezamenlijkOverlegOp": "gisteren",
            "kleur": "blauw",
        },
        format="json",
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"trajectoverlegElkeWeken", "gezamenlijkOverlegOp", "kleur"}


def test_task_needs_someone_who_does_it_and_an_involved_organisation(
    api, trajectory, alice, write, plan_url
):
    missing = api(alice).post(
        plan_url + "/taken", {"versie": 0, "domein": "huisvesting", "wat": "Huur"}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json()["invalidParams"][0]["name"] == "organisatie"

    uninvolved = api(alice).post(
        plan_url + "/taken",
        {"versie": 0, "domein": "huisvesting", "wat": "Huur", "organisatie": "GM0363"},
        format="json",
    )
    assert uninvolved.status_code == 400
    assert "niet betrokken" in uninvolved.json()["invalidParams"][0]["reason"]


def test_only_the_pi_establishes_the_plan(api, trajectory, alice, mia, bob, carol, write):
    write(alice, "patch", body={"trajectoverlegElkeWeken": 6})
    for user in (mia, bob, carol):
        write(user, "post", "/vaststellen", expect=403)
    write(alice, "post", "/vaststellen", expect=201)


def test_only_probation_writes_its_advice(api, trajectory, alice, bob, carol, write, plan_url):
    write(alice, "put", "/reclasseringsadvies", {"advies": "Van mij"}, expect=403)
    write(carol, "put", "/reclasseringsadvies", {"advies": "Van mij"}, expect=403)
    write(bob, "patch", body={"reintegratiedoelen": "Van de reclassering"}, expect=403)

    write(bob, "put", "/reclasseringsadvies", {"advies": "Toezicht met meldplicht."})

    advice = api(alice).get(plan_url).json()["reclasseringsadvies"]
    assert advice["tekst"] == "Toezicht met meldplicht."
    assert (advice["door"], advice["organisatie"]) == ("Bob Test", "Reclassering Nederland")


def test_municipality_sees_tasks_and_agreements_but_behaviour_goals_summarised(
    api, trajectory, alice, bob, carol, write, plan_url
):
    write(
        alice,
        "patch",
        body={
            "gedragsdoelen": "Geen agressie op de afdeling.",
            "begeleiding": "Ambulante verslavingszorg bij Tactus.",
            "afspraken": "Gemeente houdt de woning aan.",
            "reintegratiedoelen": "Wonen in Enschede.",
        },
    )
    write(
        alice,
        "post",
        "/taken",
        {"domein": "huisvesting", "wat": "Huur 6 maanden doorbetalen", "organisatie": "GM0153"},
        expect=201,
    )
    write(
        alice,
        "post",
        "/taken",
        {"domein": "zorg", "wat": "Intake Tactus plannen", "organisatie": "PI-ALMELO"},
        expect=201,
    )
    write(bob, "put", "/reclasseringsadvies", {"advies": "Risico op terugval."})

    plan = api(carol).get(plan_url).json()

    assert plan["gedragsdoelen"] is None
    assert plan["samengevat"]["gedragsdoelen"] == "Er zijn gedragsdoelen afgesproken."
    assert plan["begeleiding"] is None
    assert plan["reclasseringsadvies"]["tekst"] == ""
    assert plan["reclasseringsadvies"]["gegeven"] is True
    assert plan["afspraken"] == "Gemeente houdt de woning aan."
    assert plan["reintegratiedoelen"] == "Wonen in Enschede."
    assert [t["wat"] for t in plan["taken"]] == [
        "Huur 6 maanden doorbetalen",
        "Vervolg van zorg na detentie",
    ]
    body = str(plan)
    for secret in ("agressie", "Tactus", "terugval"):
        assert secret not in body
    assert plan["bewerkbaar"] == [
        "afspraakCasusregie",
        "afspraken",
        "gezamenlijkOverlegOp",
        "monitoring",
        "trajectoverlegElkeWeken",
    ]
    # Probation sees it all.
    assert api(bob).get(plan_url).json()["gedragsdoelen"] == "Geen agressie op de afdeling."


def test_municipality_may_not_write_the_goals(api, trajectory, carol, write, plan_url):
    response = write(carol, "patch", body={"gedragsdoelen": "Iets"}, expect=403)
    assert "gedragsdoelen" in response.json()["detail"]
    assert api(carol).get(plan_url).json()["versie"] == 0


def test_task_progress_keeps_the_plan_established_but_a_new_task_text_does_not(
    api, trajectory, alice, carol, write, plan_url
):
    write(alice, "patch", body={"trajectoverlegElkeWeken": 6})
    task = write(
        alice,
        "post",
        "/taken",
        {"domein": "identiteit", "wat": "ID-kaart aanvragen", "organisatie": "GM0153"},
        expect=201,
    ).json()
    write(alice, "post", "/vaststellen", expect=201)

    done = write(carol, "patch", f"/taken/{task['id']}", {"status": "klaar"})
    assert done.json()["statusOmschrijving"] == "Klaar"
    assert api(alice).get(plan_url).json()["status"] == "vastgesteld"

    write(carol, "patch", f"/taken/{task['id']}", {"wat": "Paspoort aanvragen"})
    assert api(alice).get(plan_url).json()["status"] == "concept"


def test_task_can_be_for_the_person_with_a_named_professional(api, trajectory, alice, carol, write):
    task = write(
        alice,
        "post",
        "/taken",
        {
            "domein": "inkomen",
            "wat": "Bijstand aanvragen",
            "doetPersoonZelf": True,
            "uitvoerder": str(carol.uuid),
            "uiterlijk": "2027-03-01",
        },
        expect=201,
    ).json()
    assert task["organisatie"] == {"code": "GM0153", "naam": "Enschede"}
    assert task["wie"] == "De persoon zelf, met Enschede, Carol Test"
    assert task["planVersie"] == 1


def test_removing_a_task_answers_204_with_the_new_etag(api, trajectory, alice, write, plan_url):
    task = write(
        alice, "post", "/taken", {"domein": "zorg", "wat": "x", "doetPersoonZelf": True}, expect=201
    ).json()
    response = write(alice, "delete", f"/taken/{task['id']}", expect=204)
    assert response["ETag"] == f'"{trajectory.uuid}-p2"'
    assert api(alice).get(plan_url).json()["taken"] == []


def test_every_read_and_write_is_logged_with_category_plan(
    api, trajectory, alice, bob, write, plan_url
):
    before = ProcessingLogEntry.objects.count()
    api(alice).get(plan_url)  # read
    write(alice, "patch", body={"afspraken": "x"})  # read (etag) + write
    api(bob).get(plan_url + "/versies")  # read
    api(bob).patch(plan_url, {"afspraken": "y"}, format="json", HTTP_IF_MATCH='"x"')  # 412

    rows = list(ProcessingLogEntry.objects.order_by("pk")[before:])
    assert [(r.username, r.action) for r in rows] == [
        ("alice", "raadplegen"),
        ("alice", "raadplegen"),
        ("alice", "wijzigen"),
        ("bob", "raadplegen"),
    ]
    assert all("plan" in r.categories.split(",") for r in rows)
    assert all(r.purpose == "D&R-plan" for r in rows)
    assert rows[2].detail == "afspraken"


def test_a_refused_conflict_is_logged_as_a_read(api, trajectory, alice, bob, write, plan_url):
    write(alice, "patch", body={"afspraken": "x"})
    before = ProcessingLogEntry.objects.count()
    response = api(bob).patch(plan_url, {"versie": 0, "afspraken": "y"}, format="json")
    assert response.status_code == 412
    row = ProcessingLogEntry.objects.order_by("pk")[before:].get()
    assert (row.username, row.action, row.categories) == ("bob", "raadplegen", "plan")


def test_openapi_documents_the_plan_endpoints(api):
    paths = api(None).get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/trajecten/{traject_id}/plan"
    assert set(paths[base]) >= {"get", "patch"}
    assert "post" in paths[base + "/taken"]
    assert set(paths[base + "/taken/{taak_id}"]) >= {"patch", "delete"}
    assert "post" in paths[base + "/vaststellen"]
    assert "get" in paths[base + "/versies"]
    assert "get" in paths[base + "/versies/{nummer}"]
    assert "put" in paths[base + "/reclasseringsadvies"]
    assert paths[base]["patch"]["operationId"] == "plan_partial_update"
