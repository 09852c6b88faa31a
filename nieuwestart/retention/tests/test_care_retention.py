"""When only the care term (`zorginhoud`, 6 months) has passed, every copy of the care content
goes: not only the live plan and screening, but also the plan's established versions, the plan's
change history, the screening's change history and the care items of meetings. The non-care
history stays until its own term. Runs on SQLite and PostgreSQL (scripts/with-postgres.sh)."""

from __future__ import annotations

from typing import Any

import pytest

from nieuwestart.meetings.models import AgendaItem, Decision
from nieuwestart.plans.models import PlanChange, PlanVersion
from nieuwestart.retention.services import retention_run
from nieuwestart.retention.tests.case import CARE_MARK, NAME
from nieuwestart.retention.tests.conftest import APPLY_AT, DRY_RUN_AT, World
from nieuwestart.retention.tests.test_retention import _texts_holding
from nieuwestart.screening.models import ScreeningChange
from nieuwestart.trajectories.models import Person

pytestmark = pytest.mark.django_db

# Every category but care stays within its term.
ONLY_CARE_DUE = "basisvoorwaarden=60,plan=60,contacten=60,detentie=60,identiteit=60"


def _screening_paths(world: World) -> list[str]:
    return [
        change["path"]
        for row in ScreeningChange.objects.filter(screening__trajectory=world.jan)
        for change in row.changes
    ]


def test_the_fixture_holds_care_content_in_its_history(world: World) -> None:
    """The premise: care text sits in versions, change histories and meetings, not only in
    the live rows."""
    found = _texts_holding(CARE_MARK)
    for column in (
        "plans.Plan.guidance",
        "plans.PlanTask.what",
        "plans.PlanVersion.snapshot",
        "plans.PlanChange.changes",
        "screening.DomainAssessment.help_question",
        "screening.DomainAssessment.acting_note",
        "screening.DomainAssessment.facts",
        "screening.Contribution.text",
        "screening.ScreeningChange.changes",
        "meetings.Decision.text",
        "meetings.AgendaItem.title",
        "meetings.AgendaItem.minutes",
    ):
        assert f"{column} ~ {CARE_MARK}" in found, (column, found)


def test_care_term_removes_every_copy_of_care_content(world: World, settings: Any) -> None:
    settings.RETENTION_TERMS = ONLY_CARE_DUE

    retention_run(apply=False, now=DRY_RUN_AT)
    report = retention_run(apply=True, now=APPLY_AT)

    assert report.summary["zorginhoud"]["uitgevoerd"] == 1
    assert {report.summary[c]["voorgesteld"] for c in ("plan", "basisvoorwaarden")} == {0}
    assert _texts_holding(CARE_MARK) == []


def test_care_term_keeps_the_non_care_history(world: World, settings: Any) -> None:
    settings.RETENTION_TERMS = ONLY_CARE_DUE
    paths_before = _screening_paths(world)

    retention_run(apply=False, now=DRY_RUN_AT)
    retention_run(apply=True, now=APPLY_AT)

    # The plan's established version: all non-care sections and tasks as they were.
    version = PlanVersion.objects.get(plan__trajectory=world.jan)
    snapshot = version.snapshot
    assert snapshot["reintegratiedoelen"] == f"{NAME} krijgt een eigen woonplek."
    assert snapshot["begeleiding"] == ""
    tasks = {task["domein"]: task for task in snapshot["taken"]}
    assert tasks["huisvesting"]["wat"] == f"Woning zoeken voor {NAME}"
    assert tasks["financien"]["wat"] == f"Schulden van {NAME} in kaart brengen"
    assert tasks["zorg"]["wat"] == ""
    assert tasks["zorg"]["status"] == "open"  # the care task itself is still counted
    # The plan's change history: the housing task's record is still there.
    records = [
        r for row in PlanChange.objects.filter(plan__trajectory=world.jan) for r in row.changes
    ]
    assert any(r["taak"] == f"Woning zoeken voor {NAME}" for r in records)
    assert any(r["sectie"] == "begeleiding" for r in records)  # that it changed, not what
    # The screening's history: only the care texts left it.
    paths_after = _screening_paths(world)
    care_texts = {"domeinen.zorg.hulpvraag", "domeinen.zorg.toelichtingActie"}
    assert "domeinen.huisvesting.hulpvraag" in paths_after
    assert "domeinen.zorg.status" in paths_after
    assert not any(p in care_texts or p.endswith(".feiten.verslaving") for p in paths_after)
    assert len(paths_after) < len(paths_before)
    # Meetings: the financial decision and the general agenda item keep their text.
    assert Decision.objects.get(meeting__trajectory=world.jan, domain="financien").text
    assert Decision.objects.get(meeting__trajectory=world.jan, domain="zorg").text == ""
    assert AgendaItem.objects.get(meeting__trajectory=world.jan, domain="algemeen").minutes
    # Identity is not due: Jan still has his name.
    assert Person.objects.filter(surname__icontains="Vries").exists()
