"""Deadlines read from the database: facts, the API and the work-list selector's query bound.

Jan de Vries (conftest `trajectory`) arrived on Monday 2 November 2026 at PI Almelo; release
is expected on 15 March 2027. The clock stands at 5 November 2026 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from nieuwestart.deadlines import index
from nieuwestart.deadlines.models import DeadlineConfig, ExtraNonWorkingDay
from nieuwestart.deadlines.selectors import (
    deadline_context,
    deadlines_for,
    deadlines_for_trajectories,
    facts_for,
    terms,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 5)
AT = dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def index_agrees_with_the_rules(request: pytest.FixtureRequest) -> Any:
    """Every write in these tests goes through a path the stored open deadlines must see
    (`deadlines.index`): stored before the test, none found wrong after it."""
    if "trajectory" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("trajectory")
    index.rebuild(today=TODAY)
    yield
    assert index.rebuild(today=TODAY).differed == 0


def by_code(items: list[Any]) -> dict[str, Any]:
    return {d.code: d for d in items}


def test_a_fresh_trajectory_has_open_deadlines(trajectory):
    result = by_code(deadlines_for(trajectory, TODAY))
    screening = result["screening"]
    assert screening.due == dt.date(2026, 11, 16)  # 10 working days after Monday 2 November
    assert (screening.status, screening.status_label, screening.days_left) == ("open", "Open", 7)
    assert result["voor-vrijlating-id"].due == dt.date(2027, 3, 15)
    facts = facts_for(trajectory)
    assert facts.probation_involved  # Reclassering Nederland is assigned


def test_completing_the_screening_meets_the_screening_deadline(trajectory, alice):
    from nieuwestart.screening.services import screening_complete

    with time_machine.travel(AT, tick=False):
        screening_complete(actor=alice, trajectory=trajectory)
    spec = by_code(deadlines_for(trajectory, TODAY))["screening"]
    assert (spec.status, spec.met_on, spec.met_by) == ("gehaald", TODAY, alice.display_name)
    assert by_code(deadlines_for(trajectory, TODAY))["gemeente-gecontacteerd"].status == "open"


def test_sending_the_information_sheet_contacts_the_municipality(trajectory, alice):
    from nieuwestart.infosheet.services import infosheet_send

    with time_machine.travel(AT, tick=False):
        infosheet_send(actor=alice, trajectory=trajectory)
    spec = by_code(deadlines_for(trajectory, TODAY))["gemeente-gecontacteerd"]
    assert (spec.status, spec.met_on, spec.met_by) == ("gehaald", TODAY, alice.display_name)


def test_establishing_the_plan_meets_the_plan_deadline_and_starts_trajectory_meetings(
    trajectory, alice
):
    from nieuwestart.plans.models import Plan
    from nieuwestart.plans.services import plan_establish, plan_get_or_create

    plan_get_or_create(actor=alice, trajectory=trajectory)
    Plan.objects.filter(trajectory=trajectory).update(meeting_frequency_weeks=4)
    with time_machine.travel(AT, tick=False):
        plan_establish(actor=alice, trajectory=trajectory, expected_version=None)
    result = by_code(deadlines_for(trajectory, TODAY))
    plan = result["plan-vastgesteld"]
    assert (plan.status, plan.met_on, plan.met_by) == ("gehaald", TODAY, alice.display_name)
    assert result["trajectoverleg"].due == dt.date(2026, 12, 3)  # 4 weeks after 5 November


def test_a_basic_condition_in_order_meets_the_release_deadline(trajectory, alice):
    from nieuwestart.infosheet.tests.case import screen

    with time_machine.travel(AT, tick=False):
        screen(alice, trajectory, identiteit={"status": "in-orde"})
    spec = by_code(deadlines_for(trajectory, TODAY))["voor-vrijlating-id"]
    assert (spec.status, spec.met_on, spec.met_by) == ("gehaald", TODAY, alice.display_name)


def test_a_new_release_date_moves_the_release_deadlines(trajectory):
    trajectory.expected_end_date = dt.date(2027, 5, 3)
    trajectory.save()
    assert by_code(deadlines_for(trajectory, TODAY))["voor-vrijlating-zorg"].due == dt.date(
        2027, 5, 3
    )


def test_admin_settings_and_extra_days_apply(trajectory):
    ExtraNonWorkingDay.objects.create(date=dt.date(2026, 11, 16), reason="Ketenstudiedag")
    DeadlineConfig(screening_working_days=5).save()
    spec = by_code(deadlines_for(trajectory, TODAY))["screening"]
    assert spec.due == dt.date(2026, 11, 9)
    assert DeadlineConfig.objects.get().pk == 1
    ExtraNonWorkingDay.objects.create(date=dt.date(2026, 11, 9), reason="Brugdag")
    assert by_code(deadlines_for(trajectory, TODAY))["screening"].due == dt.date(2026, 11, 10)


def test_context_of_the_partial_renders(trajectory, alice):
    from django.template.loader import render_to_string

    context = deadline_context(trajectory, dt.date(2026, 11, 10))
    assert context["deadlines_late"] == 0
    html = render_to_string("deadlines/_deadlines.html", context)
    assert "Screening basisvoorwaarden afgerond" in html
    assert "Open" in html  # status in words, not colour alone
    late = deadline_context(trajectory, dt.date(2026, 11, 18))
    assert late["deadlines_late"] == 2
    assert "Te laat" in render_to_string("deadlines/_deadlines.html", late)


def test_work_list_selector_reads_many_trajectories_in_a_fixed_number_of_queries(
    trajectory, alice, django_assert_max_num_queries
):
    from nieuwestart.meetings.models import Meeting, Participant
    from nieuwestart.plans.models import Plan, PlanVersion
    from nieuwestart.trajectories.models import Person, Trajectory

    ids = [trajectory.pk]
    for i in range(6):
        person = Person.objects.create(
            bsn=f"10000000{i}", given_names="Test", surname=f"Persoon {i}",
            birth_date=dt.date(1990, 1, 1),
        )  # fmt: skip
        other = Trajectory.objects.create(
            person=person,
            prison=trajectory.prison,
            start_date=dt.date(2026, 10, 1 + i),
            expected_end_date=dt.date(2027, 2, 1),
            registration_municipality=trajectory.registration_municipality,
            return_municipality=trajectory.return_municipality,
            case_lead=trajectory.case_lead,
            process_lead=trajectory.process_lead,
        )
        plan = Plan.objects.create(trajectory=other, meeting_frequency_weeks=6)
        PlanVersion.objects.create(
            plan=plan, number=1, snapshot={}, established_by=alice, established_at=AT
        )
        held = Meeting.objects.create(
            trajectory=other, kind="mdo", starts_at=AT, status="gehouden", location="PI"
        )
        Participant.objects.create(
            meeting=held, kind="gedetineerde", name="X", attendance="aanwezig"
        )
        ids.append(other.pk)
    with django_assert_max_num_queries(10):
        result = deadlines_for_trajectories(ids, TODAY)
    assert set(result) == set(ids)
    assert all(by_code(result[pk])["plan-vastgesteld"].is_met for pk in ids[1:])
    assert all(by_code(result[pk])["mdo"].due == dt.date(2026, 12, 17) for pk in ids[1:])
    assert deadlines_for_trajectories([], TODAY) == {}


def _hold(trajectory, actor, kind, present, *, day=AT):
    """Plan and record a meeting through the services; `present`: who was there."""
    from nieuwestart.meetings.services import (
        AgendaInput,
        ParticipantInput,
        meeting_plan,
        meeting_record,
    )

    with time_machine.travel(day, tick=False):
        meeting = meeting_plan(
            actor=actor,
            trajectory=trajectory,
            kind=kind,
            starts_at=day,
            location="PI Almelo, spreekkamer 2",
            participants=[
                *(ParticipantInput(kind="professional", user=u) for u in present["users"]),
                ParticipantInput(kind="gedetineerde"),
            ],
            agenda=[AgendaInput(title="Voortgang")],
        )
        attendance = {str(p.uuid): "aanwezig" for p in meeting.participants.all()}
        if not present["detainee"]:
            detainee = meeting.participants.get(kind="gedetineerde")
            attendance[str(detainee.uuid)] = "afgemeld"
        return meeting_record(
            actor=actor, meeting=meeting, expected_version=1, attendance=attendance, minutes={}
        )


def test_a_held_mdo_is_a_fact_and_a_planned_or_cancelled_one_is_not(trajectory, alice, bob):
    from nieuwestart.meetings.services import AgendaInput, ParticipantInput, meeting_plan

    assert facts_for(trajectory).mdo_dates == ()
    meeting_plan(
        actor=alice,
        trajectory=trajectory,
        kind="mdo",
        starts_at=AT,
        location="PI Almelo",
        participants=[ParticipantInput(kind="professional", user=alice)],
        agenda=[AgendaInput(title="Plan")],
    )
    assert facts_for(trajectory).mdo_dates == ()  # planned, not held
    _hold(trajectory, alice, "mdo", {"users": [alice], "detainee": True})
    facts = facts_for(trajectory)
    assert facts.mdo_dates == (TODAY,)
    assert facts.trajectory_meeting_dates == ()
    assert facts.probation_met_on is None  # probation was not there
    spec = by_code(deadlines_for(trajectory, TODAY))["mdo"]
    assert spec.due == dt.date(2026, 12, 17)  # six weeks after the held MDO
    assert "Laatst gehouden: 05-11-2026" in spec.explanation


def test_probation_and_detainee_present_meets_the_probation_deadline(trajectory, alice, bob):
    from nieuwestart.trajectories.models import Trajectory

    Trajectory.objects.filter(pk=trajectory.pk).update(judicial_title="vi")
    _hold(trajectory, alice, "trajectoverleg", {"users": [alice, bob], "detainee": False})
    assert facts_for(trajectory).probation_met_on is None  # the detainee sent apologies
    _hold(trajectory, alice, "trajectoverleg", {"users": [bob], "detainee": True})
    facts = facts_for(trajectory)
    assert facts.probation_met_on == TODAY
    assert facts.trajectory_meeting_dates == (TODAY, TODAY)
    spec = by_code(deadlines_for(trajectory, TODAY))["reclassering-ontmoeting"]
    assert (spec.status, spec.met_on) == ("gehaald", TODAY)


def test_a_changed_kind_of_the_participants_organisation_reaches_the_stored_deadlines(
    trajectory, alice, bob
):
    """Whether probation met the detainee depends on the participant's organisation's kind;
    an administrator correcting that kind changes the deadline, also in the work lists."""
    from nieuwestart.organisations.models import OrganisationKind
    from nieuwestart.trajectories.models import Trajectory

    Trajectory.objects.filter(pk=trajectory.pk).update(judicial_title="vi")
    _hold(trajectory, alice, "trajectoverleg", {"users": [bob], "detainee": True})
    stored = index.open_deadlines([trajectory.pk], TODAY, terms())[trajectory.pk]
    assert "reclassering-ontmoeting" not in {code for code, _, _ in stored}
    organisation = bob.organisation
    organisation.kind = OrganisationKind.MUNICIPALITY
    organisation.save()
    stored = index.open_deadlines([trajectory.pk], TODAY, terms())[trajectory.pk]
    assert "reclassering-ontmoeting" in {code for code, _, _ in stored}


def test_a_held_pre_release_meeting_meets_the_warm_handover(trajectory, alice, carol):
    # Expected release 15 March 2027: the window opens 12 weeks before, on 21 December 2026.
    assert by_code(deadlines_for(trajectory, TODAY))["voorbereiding-vrijlating"].status == "open"
    _hold(
        trajectory, alice, "voorbereiding-vrijlating", {"users": [alice, carol], "detainee": True}
    )
    early = by_code(deadlines_for(trajectory, TODAY))["voorbereiding-vrijlating"]
    assert (early.status, early.met_on) == ("open", None)  # 5 November: months too early
    in_window = dt.datetime(2027, 1, 20, 10, 0, tzinfo=dt.UTC)
    _hold(
        trajectory,
        alice,
        "voorbereiding-vrijlating",
        {"users": [alice, carol], "detainee": True},
        day=in_window,
    )
    assert facts_for(trajectory).pre_release_meeting_dates == (TODAY, dt.date(2027, 1, 20))
    spec = by_code(deadlines_for(trajectory, dt.date(2027, 1, 21)))["voorbereiding-vrijlating"]
    assert (spec.status, spec.met_on) == ("gehaald", dt.date(2027, 1, 20))


def test_probation_meeting_the_detainee_after_the_release_does_not_count(trajectory, alice, bob):
    from nieuwestart.trajectories.models import Trajectory

    Trajectory.objects.filter(pk=trajectory.pk).update(
        judicial_title="vi", end_date=dt.date(2026, 11, 20), phase="na-detentie"
    )
    after = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    _hold(trajectory, alice, "trajectoverleg", {"users": [bob], "detainee": True}, day=after)
    facts = facts_for(trajectory)
    assert facts.probation_met_dates == (dt.date(2026, 11, 23),)
    assert facts.probation_met_on is None
    spec = by_code(deadlines_for(trajectory, dt.date(2026, 11, 24)))["reclassering-ontmoeting"]
    assert (spec.status, spec.met_on) == ("te-laat", None)


def test_api_lists_the_deadlines_paginated(api, trajectory, alice):
    from nieuwestart.audit.models import ProcessingLogEntry

    with time_machine.travel(AT, tick=False):
        response = api(alice).get(f"/api/v1/trajecten/{trajectory.uuid}/termijnen")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    first = body["results"][0]
    assert set(first) == {
        "soort",
        "omschrijving",
        "uiterlijk",
        "status",
        "gehaaldOp",
        "gehaaldDoor",
        "toelichting",
        "verantwoordelijke",
        "werkdagenOver",
    }
    assert first == {**first, "soort": "screening", "uiterlijk": "2026-11-16", "status": "open"}
    assert first["verantwoordelijke"] == "inrichting"
    entry = ProcessingLogEntry.objects.filter(purpose="termijnen").latest("pk")
    assert (entry.user_id, entry.result) == (alice.pk, "toegestaan")
    assert "detentie" in entry.categories and "basisvoorwaarden" in entry.categories


def test_api_hides_the_trajectory_from_an_uninvolved_municipality(api, trajectory, dave):
    response = api(dave).get(f"/api/v1/trajecten/{trajectory.uuid}/termijnen")
    assert response.status_code == 404


def test_openapi_documents_the_endpoint(api):
    schema = api(None).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/trajecten/{traject_id}/termijnen"]["get"]
    assert operation["operationId"] == "termijnen_list"
    assert timezone.now()  # the schema builds without warnings: see make django-checks
