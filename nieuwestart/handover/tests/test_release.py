"""Release through the `einde` notification or by hand: casusregie by rule, never empty, with
history; the outcome per basic condition recorded once, whichever way the release came."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.handover.models import ReleaseOutcome
from nieuwestart.handover.tests.case import end_notification, screen, set_title
from nieuwestart.organisations.models import Organisation
from nieuwestart.trajectories.models import EventKind, Involvement, JudicialTitle, Phase
from nieuwestart.trajectories.services import (
    Conflict,
    ServiceError,
    trajectory_release,
    trajectory_transition,
)


def _release_by_hand(trajectory, alice, title):
    return trajectory_release(
        actor=alice,
        trajectory=trajectory,
        end_date=dt.date(2026, 11, 20),
        judicial_title=title,
        expected_version=trajectory.version,
    )


def _release_by_notification(trajectory, justid, payload, title):
    set_title(trajectory, title)
    return end_notification(justid, payload)


def _without_probation(trajectory):
    Involvement.objects.filter(trajectory=trajectory, kind="reclassering").update(active=False)


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["hand", "einde"])
@pytest.mark.parametrize(
    ("title", "probation", "lead"),
    [
        (JudicialTitle.CONDITIONAL_RELEASE, True, "RN"),
        (JudicialTitle.CONDITIONAL_SENTENCE, True, "RN"),
        (JudicialTitle.NONE, True, "GM0153"),
        # A judicial title but no probation involved: the municipality, never nobody.
        (JudicialTitle.CONDITIONAL_RELEASE, False, "GM0153"),
    ],
)
def test_lead_after_release_follows_the_rule_for_both_kinds_of_ending(
    trajectory, alice, justid, payload, channel, title, probation, lead
):
    if not probation:
        _without_probation(trajectory)
    if channel == "hand":
        released = _release_by_hand(trajectory, alice, title)
    else:
        released = _release_by_notification(trajectory, justid, payload, title)

    released.refresh_from_db()
    assert released.phase == Phase.AFTER_RELEASE
    assert released.end_date == dt.date(2026, 11, 20)
    assert released.case_lead.code == lead
    move = released.events.get(kind=EventKind.CASE_LEAD)
    assert (move.from_value, move.to_value) == (
        "PI Almelo",
        Organisation.objects.get(code=lead).name,
    )
    assert released.events.filter(kind=EventKind.RELEASE).count() == 1
    outcomes = ReleaseOutcome.objects.filter(trajectory=released)
    assert outcomes.count() == 6
    assert set(outcomes.values_list("source", flat=True)) == {
        "vrijlating-handmatig" if channel == "hand" else "einde-melding"
    }


@pytest.mark.django_db
def test_outcomes_at_release_are_what_the_checklist_said(trajectory, alice, justid, payload):
    screen(alice, trajectory, identiteit="in-orde", huisvesting="hulp-nodig")

    end_notification(justid, payload)

    outcomes = dict(
        ReleaseOutcome.objects.filter(trajectory=trajectory).values_list("condition", "outcome")
    )
    assert outcomes["identiteit"] == "in-orde"
    assert outcomes["huisvesting"] == "niet-in-orde"
    assert outcomes["inkomen"] == "niet-in-orde"  # never screened
    row = ReleaseOutcome.objects.get(trajectory=trajectory, condition="huisvesting")
    assert row.released_on == dt.date(2026, 11, 20)
    assert row.recorded_by == justid
    assert ProcessingLogEntry.objects.filter(
        trajectory_uuid=trajectory.uuid, purpose="uitkomst bij vrijlating vastleggen"
    ).exists()


@pytest.mark.django_db
def test_a_second_einde_notification_records_nothing_twice(trajectory, alice, justid, payload):
    _release_by_hand(trajectory, alice, JudicialTitle.NONE)
    first = list(ReleaseOutcome.objects.values_list("pk", flat=True))

    end_notification(justid, payload)

    assert list(ReleaseOutcome.objects.values_list("pk", flat=True)) == first
    trajectory.refresh_from_db()
    assert trajectory.events.filter(kind=EventKind.RELEASE).count() == 1


@pytest.mark.django_db
def test_a_later_einde_notification_corrects_the_release_date_typed_by_hand(
    trajectory, alice, justid, payload
):
    """JustID's end date is the official one: it replaces the date typed by hand, in the
    history, without recording the outcomes again or moving casusregie."""
    released = _release_by_hand(trajectory, alice, JudicialTitle.NONE)
    first = list(ReleaseOutcome.objects.values_list("pk", "released_on"))

    end_notification(justid, payload, end_date="2026-11-21")

    released.refresh_from_db()
    assert released.end_date == dt.date(2026, 11, 21)
    assert (released.phase, released.case_lead.code) == (Phase.AFTER_RELEASE, "GM0153")
    correction = released.events.filter(kind=EventKind.RELEASE).order_by("-id").first()
    assert (correction.from_value, correction.to_value) == ("20-11-2026", "21-11-2026")
    assert correction.actor == justid
    assert list(ReleaseOutcome.objects.values_list("pk", "released_on")) == first
    assert ProcessingLogEntry.objects.filter(
        trajectory_uuid=released.uuid, detail="einddatum gecorrigeerd"
    ).exists()


@pytest.mark.django_db
def test_releasing_twice_by_hand_is_refused(trajectory, alice):
    released = _release_by_hand(trajectory, alice, JudicialTitle.NONE)
    with pytest.raises(ServiceError) as exc:
        _release_by_hand(released, alice, JudicialTitle.NONE)
    assert exc.value.code == "already_released"
    assert ReleaseOutcome.objects.count() == 6


@pytest.mark.django_db
def test_release_date_in_the_future_is_an_expected_release_not_a_release(trajectory, alice):
    with pytest.raises(ServiceError) as exc:
        trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2026, 11, 23),
            judicial_title=JudicialTitle.NONE,
        )
    assert (exc.value.field, exc.value.code) == ("datum", "future")
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE and trajectory.end_date is None


@pytest.mark.django_db
def test_today_is_a_valid_release_date(trajectory, alice):
    released = trajectory_release(
        actor=alice,
        trajectory=trajectory,
        end_date=dt.date(2026, 11, 22),
        judicial_title=JudicialTitle.NONE,
    )
    assert released.end_date == dt.date(2026, 11, 22)


@pytest.mark.django_db
def test_release_before_the_start_is_refused(trajectory, alice):
    with pytest.raises(ServiceError) as exc:
        trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2026, 10, 1),
            judicial_title=JudicialTitle.NONE,
        )
    assert exc.value.code == "before_start"


@pytest.mark.django_db
def test_judicial_title_is_required_while_unknown(trajectory, alice):
    with pytest.raises(ServiceError) as exc:
        trajectory_release(
            actor=alice, trajectory=trajectory, end_date=dt.date(2026, 11, 20), judicial_title=None
        )
    assert exc.value.field == "justitieleTitel"
    set_title(trajectory, JudicialTitle.CONDITIONAL_SENTENCE)
    released = trajectory_release(
        actor=alice, trajectory=trajectory, end_date=dt.date(2026, 11, 20), judicial_title=None
    )
    assert released.case_lead.code == "RN"


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_nothing_changes(trajectory, alice):
    with pytest.raises(Conflict):
        trajectory_release(
            actor=alice,
            trajectory=trajectory,
            end_date=dt.date(2026, 11, 20),
            judicial_title=JudicialTitle.NONE,
            expected_version=trajectory.version - 1,
        )
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE
    assert not ReleaseOutcome.objects.exists()


@pytest.mark.django_db
def test_the_phase_service_does_not_release(trajectory, alice):
    """Releases go through `trajectory_release` and its checks, never the phase service."""
    with pytest.raises(ServiceError) as exc:
        trajectory_transition(actor=alice, trajectory=trajectory, to_phase=Phase.AFTER_RELEASE)
    assert exc.value.code == "use_release"
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE and trajectory.end_date is None
    assert not ReleaseOutcome.objects.exists()


@pytest.mark.django_db
def test_a_failing_outcome_record_rolls_the_release_back(trajectory, alice, monkeypatch):
    from nieuwestart.handover import services

    def broken(**kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(services, "release_outcomes_record", broken)
    with pytest.raises(RuntimeError):
        _release_by_hand(trajectory, alice, JudicialTitle.NONE)
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE and trajectory.end_date is None


# --- Web: the release form ---------------------------------------------------------------


@pytest.mark.django_db
def test_release_form_shows_the_checklist_and_releases(client, trajectory, alice):
    screen(alice, trajectory, identiteit="in-orde", huisvesting="hulp-nodig")
    client.force_login(alice)
    url = f"/trajecten/{trajectory.uuid}/vrijlaten"

    page = client.get(url).content.decode()
    assert "Stand per basisvoorwaarde bij vrijlating" in page
    assert "Niet in orde" in page and "Huisvesting" in page
    assert 'value="onbekend"' not in page  # the title must be chosen, not left unknown

    response = client.post(
        url, {"datum": "2026-11-21", "justitiele_titel": "vi", "versie": trajectory.version}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/trajecten/{trajectory.uuid}/overdracht"
    trajectory.refresh_from_db()
    assert (trajectory.phase, trajectory.case_lead.code) == (Phase.AFTER_RELEASE, "RN")
    page = client.get(response["Location"]).content.decode()
    assert "Uitkomst bij vrijlating" in page
    assert "De casusregie ligt nu bij Reclassering Nederland" in page


@pytest.mark.django_db
def test_release_form_without_title_says_what_is_missing(client, trajectory, alice):
    client.force_login(alice)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/vrijlaten",
        {"datum": "2026-11-30", "versie": trajectory.version},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kies of er na de vrijlating een justitiële titel volgt." in page


@pytest.mark.django_db
def test_release_form_refuses_a_future_date_in_dutch(client, trajectory, alice):
    client.force_login(alice)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/vrijlaten",
        {"datum": "2026-12-01", "justitiele_titel": "geen", "versie": trajectory.version},
    )
    assert "De datum van vrijlating kan niet in de toekomst liggen." in response.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE


@pytest.mark.django_db
def test_release_conflict_keeps_the_input(client, trajectory, alice):
    client.force_login(alice)
    response = client.post(
        f"/trajecten/{trajectory.uuid}/vrijlaten",
        {
            "datum": "2026-11-19",
            "justitiele_titel": "voorwaardelijke-straf",
            "toelichting": "Vrij na zitting",
            "versie": trajectory.version - 1,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft" in page
    assert 'value="2026-11-19"' in page and "Vrij na zitting" in page
    assert f'name="versie" value="{trajectory.version}"' in page
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.INTAKE
