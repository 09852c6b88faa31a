"""The agenda proposal as a pure function: fixed tasks and deadlines, no database."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from nieuwestart.meetings.agenda import agenda_proposal

D = dt.date


@dataclass
class Task:
    what: str
    domain: str = "identiteit"
    status: str = "open"
    due_date: dt.date | None = None
    organisation_id: int | None = None
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class Deadline:
    code: str
    label: str
    due: dt.date
    status: str


def test_open_tasks_and_due_deadlines_make_the_agenda():
    tasks = [
        Task("Uitkering aanvragen", domain="inkomen", due_date=D(2026, 12, 1), uuid=uuid.uuid4()),
        Task("Nieuwe ID-kaart aanvragen", due_date=D(2026, 12, 10), uuid=uuid.uuid4()),
        Task("Pasfoto laten maken", status="klaar", uuid=uuid.uuid4()),
    ]
    deadlines = [
        Deadline("screening", "Screening basisvoorwaarden afgerond", D(2026, 11, 16), "te-laat"),
        Deadline("voorbereiding-vrijlating", "Voorbereiding vrijlating", D(2026, 12, 20), "open"),
        Deadline("voor-vrijlating-id", "Geldig identiteitsbewijs", D(2027, 3, 15), "open"),
        Deadline("gemeente-gecontacteerd", "Gemeente gecontacteerd", D(2026, 11, 16), "gehaald"),
        Deadline("mdo", "MDO over het plan", D(2026, 12, 14), "open"),
    ]
    items = agenda_proposal(tasks, deadlines, until=D(2027, 1, 1))
    titles = [i.title for i in items]
    assert titles == [
        "Screening basisvoorwaarden afgerond (te laat: uiterlijk 16-11-2026)",
        "Voorbereiding vrijlating (uiterlijk 20-12-2026)",
        "Nieuwe ID-kaart aanvragen",  # identiteit comes before inkomen
        "Uitkering aanvragen",
        "Rondvraag",
    ]
    assert [i.source for i in items] == ["termijn", "termijn", "taak", "taak", "vrij"]
    assert items[0].key == "termijn:screening"
    assert items[2].key == f"taak:{tasks[1].uuid}"


def test_without_tasks_or_deadlines_only_the_closing_item_remains():
    assert [i.title for i in agenda_proposal([], [])] == ["Rondvraag"]


def test_a_care_task_keeps_its_domain_and_organisation_for_the_readers_view():
    task = Task("GGZ loopt door", domain="zorg", organisation_id=7, uuid=uuid.uuid4())
    item = agenda_proposal([task], [])[0]
    assert (item.domain, item.organisation_id, item.source_ref) == ("zorg", 7, str(task.uuid))
