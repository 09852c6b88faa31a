"""The reads other apps use (information sheet, "Mijn plan"): stable names, right content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nieuwestart.accounts.models import Role, User
from nieuwestart.plans import selectors
from nieuwestart.plans.services import plan_establish, plan_task_add, plan_update

pytestmark = pytest.mark.django_db


def _tasks(trajectory, alice):
    municipality = trajectory.return_municipality
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        domain="huisvesting",
        what="Huur doorbetalen",
        organisation=municipality,
        due_date=dt.date(2026, 12, 15),
    )
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=1,
        domain="identiteit",
        what="ID-kaart aanvragen",
        organisation=municipality,
        due_date=dt.date(2026, 12, 1),
    )
    plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=2,
        domain="inkomen",
        what="Uitkering stopzetten",
        organisation=trajectory.prison,
    )
    done = plan_task_add(
        actor=alice,
        trajectory=trajectory,
        expected_version=3,
        domain="financien",
        what="Schulden in kaart",
        organisation=municipality,
        status="klaar",
    )
    return done


def test_open_tasks_for_the_municipality_soonest_first(trajectory, alice):
    _tasks(trajectory, alice)
    tasks = selectors.open_tasks_for_organisation(trajectory, trajectory.return_municipality)
    assert [(t.what, t.domain_label) for t in tasks] == [
        ("ID-kaart aanvragen", "Identiteitsbewijs"),
        ("Huur doorbetalen", "Huisvesting"),
    ]
    assert tasks[0].organisation == trajectory.return_municipality
    assert tasks[0].due_date == dt.date(2026, 12, 1)


def test_plan_changed_since(trajectory, alice):
    start = timezone.now()
    assert selectors.plan_changed_since(trajectory, start) is False
    plan_update(
        actor=alice, trajectory=trajectory, expected_version=0, sections={"agreements": "x"}
    )
    assert selectors.plan_changed_since(trajectory, start) is True
    assert selectors.plan_changed_since(trajectory, timezone.now()) is False


def test_plan_view_for_an_unsaved_municipality_reader(trajectory, alice):
    _tasks(trajectory, alice)
    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=4,
        sections={"behaviour_goals": "Geen agressie.", "meeting_frequency_weeks": 4},
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=5)
    reader = User(organisation=trajectory.return_municipality, role=Role.AFTERCARE_COORDINATOR)

    view = selectors.plan_view(trajectory, reader)

    assert (view.status, view.status_label, view.established_version) == (
        "vastgesteld",
        "Vastgesteld",
        1,
    )
    assert view.meeting_frequency == "elke 4 weken"
    goals = view.section("gedragsdoelen")
    assert goals is not None and goals.summarised and goals.value is None
    assert goals.text == "Er zijn gedragsdoelen afgesproken."
    assert [g.code for g in view.tasks_by_domain] == [
        "identiteit",
        "huisvesting",
        "inkomen",
        "financien",
    ]
    assert view.tasks_by_domain[0].label == "Identiteitsbewijs"


def test_an_empty_trajectory_reads_as_an_empty_draft(trajectory, alice):
    view = selectors.plan_view(trajectory, alice)
    assert (view.exists, view.version, view.status, view.tasks) == (False, 0, "concept", [])
    assert selectors.plan_summary(trajectory).badge == "onbekend"
    assert selectors.established_versions(trajectory) == []


def test_version_diff_between_two_established_versions(trajectory, alice, carol):
    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=0,
        sections={"meeting_frequency_weeks": 6, "behaviour_goals": "A"},
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=1)
    plan_update(
        actor=alice,
        trajectory=trajectory,
        expected_version=2,
        sections={"meeting_frequency_weeks": 4, "behaviour_goals": "B"},
    )
    plan_establish(actor=alice, trajectory=trajectory, expected_version=3)

    changes = selectors.version_diff(trajectory, 1, 2)
    assert [(c.section, c.old, c.new) for c in changes] == [
        ("gedragsdoelen", "A", "B"),
        ("trajectoverlegElkeWeken", "elke 6 weken", "elke 4 weken"),
    ]
    for_municipality = selectors.version_diff(trajectory, 1, 2, user=carol)
    assert for_municipality[0].old == for_municipality[0].new == ""
    assert [v.number for v in selectors.established_versions(trajectory)] == [2, 1]


def test_open_tasks_keep_the_plans_order_also_from_a_shared_read(trajectory, alice):
    """Same due date and domain: the plan's own order (position), not the order of creation.
    The information sheet lists these tasks and its content hash decides "new version
    available", so the page (shared read) and the sheet (own read) must agree."""
    from nieuwestart.plans.models import PlanTask

    municipality = trajectory.return_municipality
    for version, what in enumerate(["Eerst aangemaakt", "Later aangemaakt"]):
        plan_task_add(
            actor=alice,
            trajectory=trajectory,
            expected_version=version,
            domain="huisvesting",
            what=what,
            organisation=municipality,
            due_date=dt.date(2026, 12, 15),
        )
    first, later = PlanTask.objects.order_by("pk")
    PlanTask.objects.filter(pk=first.pk).update(position=2)
    PlanTask.objects.filter(pk=later.pk).update(position=1)

    own_read = selectors.open_tasks_for_organisation(trajectory, municipality)
    shared = list(PlanTask.objects.select_related("organisation", "assignee").order_by("-pk"))
    from_shared_read = selectors.open_tasks_for_organisation(trajectory, municipality, tasks=shared)

    assert [t.what for t in own_read] == ["Later aangemaakt", "Eerst aangemaakt"]
    assert [t.what for t in from_shared_read] == [t.what for t in own_read]
