"""The D&R-plan in the browser (HTML through Django's test client): one page to work in,
establishment by the PI with versions, and no lost work when two people save at once."""

from __future__ import annotations

import re

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.plans.models import Plan, PlanStatus, PlanTask
from nieuwestart.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _url(trajectory: Trajectory, path: str = "") -> str:
    return f"/trajecten/{trajectory.uuid}/plan{path}"


def _version(trajectory: Trajectory) -> int:
    plan = Plan.objects.filter(trajectory=trajectory).first()
    return plan.version if plan else 0


def _save(client, trajectory, action, **fields):
    data = {"actie": action, "versie": _version(trajectory), **fields}
    return client.post(_url(trajectory), data)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_casemanager_drafts_establishes_edits_and_establishes_again(web, trajectory, alice):
    client = web(alice)
    page = _text(client.get(_url(trajectory)))
    assert "Nog geen plan" in page
    assert "Stel het D&amp;R-plan op" in page

    assert _save(client, trajectory, "doelen", reintegratiedoelen="Werk vinden.").status_code == 302
    response = _save(
        client,
        trajectory,
        "afspraken",
        afspraken="Gemeente regelt de ID-kaart.",
        trajectoverlegElkeWeken="6",
        gezamenlijkOverlegOp="2026-11-20",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/plan#afspraken")

    confirm = _text(client.get(_url(trajectory, "/vaststellen")))
    assert "Ja, vaststellen als versie 1" in confirm
    done = client.post(
        _url(trajectory, "/vaststellen"),
        {"versie": _version(trajectory), "toelichting": "MDO 20 november"},
        follow=True,
    )
    assert "Het plan is vastgesteld als versie 1." in _text(done)
    assert Plan.objects.get(trajectory=trajectory).status == PlanStatus.ESTABLISHED

    edited = _save(client, trajectory, "doelen", reintegratiedoelen="Werk als lasser.")
    assert edited.status_code == 302
    page = _text(client.get(_url(trajectory)))
    assert "Het is nu een concept" in page
    assert "Daarna is het plan gewijzigd." in page

    confirm = _text(client.get(_url(trajectory, "/vaststellen")))
    assert "Wat is er veranderd sinds versie 1?" in confirm
    assert "Werk als lasser." in confirm
    client.post(_url(trajectory, "/vaststellen"), {"versie": _version(trajectory)})

    versions = _text(client.get(_url(trajectory, "/versies")))
    assert "Versie 2" in versions and "Versie 1" in versions
    assert "MDO 20 november" in versions
    second = _text(client.get(_url(trajectory, "/versies/2")))
    assert "Wat is er veranderd sinds versie 1?" in second
    # Marked in words, not by colour alone; old and new labelled.
    assert '<span class="ns-change__kind">Gewijzigd</span> Re-integratiedoelen' in second
    assert "<dt>Was</dt><dd><del>Werk vinden.</del></dd>" in second
    assert "<dt>Nu</dt><dd><ins>Werk als lasser.</ins></dd>" in second
    first = _text(client.get(_url(trajectory, "/versies/1")))
    assert "Dit is de eerste vastgestelde versie." in first


def test_establishing_needs_the_meeting_frequency(web, trajectory, alice):
    client = web(alice)
    _save(client, trajectory, "doelen", reintegratiedoelen="Werk vinden.")
    page = _text(client.get(_url(trajectory, "/vaststellen")))
    assert "leg eerst vast hoe vaak er trajectoverleg is" in page

    response = client.post(_url(trajectory, "/vaststellen"), {"versie": _version(trajectory)})

    assert response.status_code == 200
    assert "Leg eerst vast hoe vaak er trajectoverleg is" in _text(response)
    assert Plan.objects.get(trajectory=trajectory).status == PlanStatus.DRAFT


def test_concurrent_edit_keeps_my_input_and_names_what_the_other_changed(
    web, client, trajectory, alice, carol
):
    stale = _version(trajectory)
    web(carol)
    _save(client, trajectory, "afspraken", afspraken="Gemeente regelt wonen.")
    client.post(
        _url(trajectory),
        {
            "actie": "taak-toevoegen",
            "versie": _version(trajectory),
            "domein": "huisvesting",
            "wat": "Huur doorbetalen",
            "wie": f"org:{trajectory.return_municipality.uuid}",
        },
    )

    web(alice)
    response = client.post(
        _url(trajectory),
        {
            "actie": "afspraken",
            "versie": stale,
            "afspraken": "Mijn eigen afspraken",
            "trajectoverlegElkeWeken": "4",
        },
    )

    assert response.status_code == 200
    page = _text(response)
    assert "Uw wijziging is niet opgeslagen" in page
    assert "Carol Test (Enschede)" in page
    assert "Afspraken toegevoegd" in page
    assert "Taak bij Huisvesting toegevoegd: Huur doorbetalen" in page
    assert 'Zo staat "Afspraken" nu opgeslagen' in page
    assert "Gemeente regelt wonen." in page
    assert "Mijn eigen afspraken</textarea>" in page  # nothing typed is lost
    assert f'name="versie" value="{_version(trajectory)}"' in page  # saving again is possible
    plan = Plan.objects.get(trajectory=trajectory)
    assert plan.agreements == "Gemeente regelt wonen."

    again = client.post(
        _url(trajectory),
        {"actie": "afspraken", "versie": plan.version, "afspraken": "Mijn eigen afspraken"},
    )
    assert again.status_code == 302
    assert Plan.objects.get(trajectory=trajectory).agreements == "Mijn eigen afspraken"


def test_municipality_sees_tasks_and_agreements_and_only_a_summary_of_behaviour_goals(
    web, client, trajectory, alice, carol
):
    web(alice)
    _save(client, trajectory, "doelen", gedragsdoelen="Geen agressie op de afdeling.")
    _save(client, trajectory, "afspraken", afspraken="Gemeente houdt de woning aan.")
    _save(
        client,
        trajectory,
        "taak-toevoegen",
        domein="identiteit",
        wat="ID-kaart aanvragen",
        wie=f"org:{trajectory.return_municipality.uuid}",
    )

    web(carol)
    page = _text(client.get(_url(trajectory)))

    assert "Er zijn gedragsdoelen afgesproken." in page
    assert "agressie" not in page
    assert "Gemeente houdt de woning aan." in page
    assert "ID-kaart aanvragen" in page
    # Carol records agreements and tasks, but does not write the goals.
    assert 'name="afspraken"' in page
    assert 'name="gedragsdoelen"' not in page
    assert "Plan vaststellen" not in page


def test_probation_writes_its_advice_and_the_municipality_sees_only_that_it_exists(
    web, client, trajectory, alice, bob, carol
):
    web(bob)
    page = _text(client.get(_url(trajectory)))
    assert 'name="advies"' in page
    response = client.post(
        _url(trajectory, "/advies"), {"versie": 0, "advies": "Toezicht met meldplicht."}
    )
    assert response.status_code == 302

    web(alice)
    page = _text(client.get(_url(trajectory)))
    assert "Toezicht met meldplicht." in page
    assert 'name="advies"' not in page
    assert client.post(_url(trajectory, "/advies"), {"versie": 1, "advies": "x"}).status_code == 403

    web(carol)
    page = _text(client.get(_url(trajectory)))
    assert "De reclassering heeft advies gegeven." in page
    assert "meldplicht" not in page


def test_empty_advice_is_explained_and_nothing_is_saved(web, trajectory, bob):
    response = web(bob).post(_url(trajectory, "/advies"), {"versie": 0, "advies": ""})
    assert response.status_code == 200
    assert "Schrijf het advies." in _text(response)
    assert _version(trajectory) == 0


def test_tasks_are_added_changed_and_removed_per_basic_condition(web, trajectory, alice):
    client = web(alice)
    missing = _save(client, trajectory, "taak-toevoegen", domein="huisvesting", wat="")
    page = _text(missing)
    assert "Schrijf op wat er moet gebeuren." in page
    assert "Kies wie dit doet." in page

    added = _save(
        client,
        trajectory,
        "taak-toevoegen",
        domein="huisvesting",
        wat="Huur doorbetalen",
        wie="zelf",
        uiterlijk="2026-12-15",
    )
    assert added.status_code == 302
    assert added["Location"].endswith("#domein-huisvesting")
    task = PlanTask.objects.get()
    assert (task.for_detainee, task.organisation, task.status) == (True, None, "open")

    page = _text(client.get(_url(trajectory) + f"?taak={task.uuid}"))
    assert "Taak wijzigen" in page
    changed = _save(
        client,
        trajectory,
        "taak-wijzigen",
        taak=task.uuid,
        domein="huisvesting",
        wat="Huur doorbetalen via bijzondere bijstand",
        wie=f"user:{alice.uuid}",
        status="bezig",
    )
    assert changed.status_code == 302
    task.refresh_from_db()
    assert (task.assignee, task.organisation.code, task.status) == (alice, "PI-ALMELO", "bezig")
    page = _text(client.get(_url(trajectory)))
    assert "PI Almelo, Alice Test" in page
    assert "Bezig" in page

    removed = _save(client, trajectory, "taak-verwijderen", taak=task.uuid)
    assert removed.status_code == 302
    assert not PlanTask.objects.exists()


def test_an_unknown_action_is_a_bad_request(web, trajectory, alice):
    assert web(alice).post(_url(trajectory), {"actie": "iets"}).status_code == 400


def test_mentor_works_in_the_plan_but_does_not_establish_it(web, trajectory, mia):
    client = web(mia)
    page = _text(client.get(_url(trajectory)))
    assert 'name="gedragsdoelen"' in page
    assert "Plan vaststellen" not in page
    assert client.get(_url(trajectory, "/vaststellen")).status_code == 403


def test_opening_the_plan_is_logged_with_category_plan(web, trajectory, carol):
    before = ProcessingLogEntry.objects.count()
    web(carol).get(_url(trajectory))
    row = ProcessingLogEntry.objects.order_by("pk")[before:].get()
    assert (row.username, row.action, row.purpose) == ("carol", "raadplegen", "D&R-plan")
    assert set(row.categories.split(",")) == {"identiteit", "plan"}


def test_saving_is_logged_as_a_read_of_the_page_and_a_change(web, trajectory, bob):
    before = ProcessingLogEntry.objects.count()
    _save(web(bob), trajectory, "afspraken", monitoring="In het MDO.")
    rows = list(ProcessingLogEntry.objects.order_by("pk")[before:])
    assert [(r.action, r.detail) for r in rows] == [("raadplegen", ""), ("wijzigen", "monitoring")]
    assert all("plan" in r.categories for r in rows)


def test_summary_partial_shows_status_version_and_next_step(trajectory, alice):
    from django.template import Context, Template

    from nieuwestart.plans.services import plan_establish, plan_update

    html = Template("{% load plans %}{% plan_summary trajectory %}").render(
        Context({"trajectory": trajectory})
    )
    assert "Nog geen plan" in html
    assert "Plan opstellen" in html

    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        sections={"meeting_frequency_weeks": 6},
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=1)
    html = re.sub(
        r"\s+",
        " ",
        Template("{% load plans %}{% plan_summary trajectory %}").render(
            Context({"trajectory": trajectory})
        ),
    )
    assert "Vastgesteld" in html
    assert "versie 1, op" in html
    assert "Bespreek het plan in het MDO" in html
    assert f"/trajecten/{trajectory.uuid}/plan" in html


def test_municipality_cannot_post_the_goals(web, trajectory, carol):
    response = _save(web(carol), trajectory, "doelen", gedragsdoelen="Iets")
    assert response.status_code == 403
    assert _version(trajectory) == 0
