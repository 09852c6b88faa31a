"""diff_snapshots is pure: what changed between two plans, from plain dicts (no database)."""

from __future__ import annotations

from typing import Any

from nieuwestart.plans.snapshots import Change, diff_snapshots, redact_changes


def _task(task_id: str, **extra: Any) -> dict[str, Any]:
    task = {
        "id": task_id,
        "domein": "identiteit",
        "wat": "ID-kaart aanvragen",
        "organisatie": {"code": "GM0153", "naam": "Enschede"},
        "doetPersoonZelf": False,
        "persoon": "",
        "uitvoerder": None,
        "uiterlijk": "2026-12-01",
        "status": "open",
    }
    task.update(extra)
    return task


def _plan(**extra: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "reintegratiedoelen": "Werk vinden.",
        "gedragsdoelen": "",
        "trajectoverlegElkeWeken": 6,
        "gezamenlijkOverlegOp": "2026-11-20",
        "taken": [],
    }
    plan.update(extra)
    return plan


def test_identical_plans_have_no_changes():
    assert diff_snapshots(_plan(taken=[_task("a")]), _plan(taken=[_task("a")])) == []


def test_line_endings_and_surrounding_spaces_are_no_change():
    old = _plan(reintegratiedoelen="Werk vinden.\nWonen.")
    new = _plan(reintegratiedoelen="  Werk vinden.\r\nWonen. ")
    assert diff_snapshots(old, new) == []


def test_a_filled_section_is_added_an_emptied_one_removed_and_an_edit_changed():
    old = _plan(gedragsdoelen="", monitoring="In het MDO.")
    new = _plan(gedragsdoelen="Geen agressie.", monitoring="", reintegratiedoelen="Een baan.")

    changes = {c.section: c for c in diff_snapshots(old, new)}

    assert changes["gedragsdoelen"].kind == "toegevoegd"
    assert changes["gedragsdoelen"].new == "Geen agressie."
    assert changes["monitoring"].kind == "verwijderd"
    assert changes["monitoring"].old == "In het MDO."
    assert changes["reintegratiedoelen"].kind == "gewijzigd"
    assert (changes["reintegratiedoelen"].old, changes["reintegratiedoelen"].new) == (
        "Werk vinden.",
        "Een baan.",
    )
    assert changes["reintegratiedoelen"].label == "Re-integratiedoelen"


def test_short_values_read_as_a_person_would_say_them():
    changes = diff_snapshots(
        _plan(), _plan(trajectoverlegElkeWeken=4, gezamenlijkOverlegOp="2026-11-27")
    )
    by_section = {c.section: c for c in changes}
    assert by_section["trajectoverlegElkeWeken"].old == "elke 6 weken"
    assert by_section["trajectoverlegElkeWeken"].new == "elke 4 weken"
    assert by_section["gezamenlijkOverlegOp"].new == "27 november 2026"


def test_tasks_are_matched_on_their_id():
    old = _plan(taken=[_task("a"), _task("b", wat="Huur doorbetalen", domein="huisvesting")])
    new = _plan(
        taken=[
            _task("a", status="klaar", uiterlijk="2026-12-08"),
            _task("c", wat="Uitkering aanvragen", domein="inkomen", organisatie=None),
        ]
    )

    changes = diff_snapshots(old, new)

    assert [(c.section, c.kind, c.task) for c in changes] == [
        ("taken", "gewijzigd", "ID-kaart aanvragen"),
        ("taken", "toegevoegd", "Uitkering aanvragen"),
        ("taken", "verwijderd", "Huur doorbetalen"),
    ]
    changed = changes[0]
    assert changed.old == "Uiterlijk: 1 december 2026; Status: Nog niet begonnen"
    assert changed.new == "Uiterlijk: 8 december 2026; Status: Klaar"
    assert changes[1].label == "Taak bij Werk en inkomen"
    assert changes[2].label == "Taak bij Huisvesting"


def test_who_changes_when_the_organisation_changes():
    old = _plan(taken=[_task("a")])
    new = _plan(taken=[_task("a", organisatie={"code": "RN", "naam": "Reclassering Nederland"})])
    [change] = diff_snapshots(old, new)
    assert change.old == "Organisatie: Enschede"
    assert change.new == "Organisatie: Reclassering Nederland"


def test_stored_records_leave_long_texts_out_but_keep_short_values():
    changes = diff_snapshots(
        _plan(), _plan(reintegratiedoelen="Iets anders.", trajectoverlegElkeWeken=2)
    )
    records = {c.section: c.as_record() for c in changes}
    assert records["reintegratiedoelen"]["nieuw"] == ""
    assert records["trajectoverlegElkeWeken"]["nieuw"] == "elke 2 weken"
    again = Change.from_record(records["trajectoverlegElkeWeken"])
    assert again.label == "Trajectoverleg"
    assert again.new == "elke 2 weken"


def test_a_summary_reader_sees_that_behaviour_goals_changed_but_not_how():
    changes = diff_snapshots(_plan(), _plan(gedragsdoelen="Geen agressie."))
    [change] = redact_changes(
        changes, summarised=frozenset({"gedragsdoelen"}), hide_care_tasks_except="GM0153"
    )
    assert (change.label, change.kind, change.old, change.new) == (
        "Gedragsdoelen",
        "toegevoegd",
        "",
        "",
    )


def test_a_summary_reader_sees_care_tasks_of_others_only_as_care_continuing():
    care = _task("z", domein="zorg", wat="Verslavingszorg regelen", organisatie=None)
    own = _task("y", domein="zorg", wat="Wmo-aanvraag")
    changes = diff_snapshots(_plan(), _plan(taken=[care, own]))

    redacted = redact_changes(changes, summarised=frozenset(), hide_care_tasks_except="GM0153")

    assert [c.task for c in redacted] == ["Vervolg van zorg na detentie", "Wmo-aanvraag"]
    assert redact_changes(changes, summarised=frozenset(), hide_care_tasks_except=None) == changes
