"""Registering and changing referrals: the rules, one transaction, one log row each."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.referrals.models import Referral
from nieuwestart.referrals.services import (
    ReferralConflict,
    ReferralInvalid,
    referral_register,
    referral_update,
)
from nieuwestart.trajectories.models import Phase
from nieuwestart.trajectories.services import ServiceError

pytestmark = pytest.mark.django_db


def fields_of(exc: ReferralInvalid) -> list[str]:
    return [f for f, _ in exc.errors]


def test_housing_referral_is_registered_with_its_condition_organisation_and_log(
    alice, trajectory, refer
):
    referral = refer(alice, "begeleid-wonen", expected_start=dt.date(2027, 5, 1), note="Intake")
    assert referral.condition == "huisvesting"
    assert referral.organisation.code == "PI-ALMELO"
    assert referral.created_by == alice
    assert referral.version == 1
    entry = ProcessingLogEntry.objects.filter(purpose="verwijzingen").get()
    assert entry.action == "aanmaken"
    assert entry.categories == "basisvoorwaarden"
    assert "begeleid-wonen" in entry.detail


def test_kind_decides_the_condition_and_other_needs_one(alice, trajectory, refer):
    assert refer(alice, "reclasseringstoezicht").condition == "toezicht"
    with pytest.raises(ReferralInvalid) as exc:
        refer(alice, "anders")
    assert fields_of(exc.value) == ["basisvoorwaarde"]
    assert refer(alice, "anders", condition="inkomen").condition == "inkomen"
    with pytest.raises(ReferralInvalid):
        refer(alice, "begeleid-wonen", condition="inkomen")


def test_provider_is_required_for_housing(alice, trajectory, refer):
    with pytest.raises(ReferralInvalid) as exc:
        refer(alice, "beschermd-wonen", provider="  ")
    assert fields_of(exc.value) == ["aanbieder"]
    assert "aanbieder" in exc.value.message


def test_every_wrong_field_is_reported_at_once(alice, trajectory, refer):
    with pytest.raises(ReferralInvalid) as exc:
        refer(
            alice,
            "begeleid-wonen",
            provider="x" * 201,
            referred_on=dt.date(2026, 12, 1),
            actual_start=dt.date(2026, 11, 20),
        )
    assert fields_of(exc.value) == ["aanbieder", "aangemeldOp", "werkelijkeStart"]
    assert not Referral.objects.exists()


def test_municipality_registers_care_only_as_a_signal(carol, trajectory, refer):
    with pytest.raises(ReferralInvalid) as exc:
        refer(carol, "zorg", provider="Mediant GGZ", note="Depressie")
    assert fields_of(exc.value) == ["aanbieder", "toelichting"]
    assert "zorginhoud" in exc.value.message
    referral = refer(carol, "zorg", expected_start=dt.date(2027, 2, 1))
    assert referral.provider == ""
    assert ProcessingLogEntry.objects.filter(purpose="verwijzingen").get().categories == (
        "basisvoorwaarden"
    )


def test_probation_registers_care_with_provider_and_logs_care_content(bob, trajectory, refer):
    referral = refer(bob, "behandeling", provider="De Woenselse Poort", note="Forensisch FACT")
    assert referral.is_care
    entry = ProcessingLogEntry.objects.filter(purpose="verwijzingen").get()
    assert entry.categories == "basisvoorwaarden,zorginhoud"


def test_status_moves_and_actual_start(alice, trajectory, refer):
    referral = refer(alice)
    referral = referral_update(
        actor=alice,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=1,
        changes={"status": "op-wachtlijst", "expected_start": dt.date(2027, 6, 1)},
    )
    assert (referral.status, referral.version) == ("op-wachtlijst", 2)
    referral = referral_update(
        actor=alice,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=2,
        changes={"status": "gestart", "actual_start": dt.date(2026, 11, 23)},
    )
    assert referral.status == "gestart"
    with pytest.raises(ReferralInvalid) as exc:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=3,
            changes={"status": "op-wachtlijst"},
        )
    assert "kan niet meer veranderen" in exc.value.message
    details = list(
        ProcessingLogEntry.objects.filter(action="wijzigen", purpose="verwijzingen").values_list(
            "detail", flat=True
        )
    )
    assert any("aangemeld -> op-wachtlijst" in d for d in details)


def test_started_needs_a_start_date(alice, trajectory, refer):
    referral = refer(alice)
    with pytest.raises(ReferralInvalid) as exc:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=1,
            changes={"status": "gestart"},
        )
    assert fields_of(exc.value) == ["werkelijkeStart"]


def test_stale_version_is_a_conflict_with_the_current_referral(alice, bob, trajectory, refer):
    referral = refer(alice)
    referral_update(
        actor=bob,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=1,
        changes={"expected_start": dt.date(2027, 2, 1)},
    )
    with pytest.raises(ReferralConflict) as exc:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=1,
            changes={"status": "op-wachtlijst"},
        )
    assert exc.value.current.version == 2
    assert Referral.objects.get().status == "aangemeld"


def test_kind_never_changes(alice, trajectory, refer):
    referral = refer(alice)
    with pytest.raises(ReferralInvalid) as exc:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=1,
            changes={"kind": "zorg"},
        )
    assert "registreer een nieuwe" in exc.value.message


def test_signal_reader_changes_status_of_care_referral_but_not_its_content(
    alice, bob, trajectory, refer
):
    referral = refer(bob, "zorg", provider="Tactus Verslavingszorg", note="Ambulant")
    with pytest.raises(ReferralInvalid):
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=1,
            changes={"provider": "Iets anders"},
        )
    updated = referral_update(
        actor=alice,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=1,
        changes={"status": "op-wachtlijst", "expected_start": dt.date(2027, 3, 1)},
    )
    assert (updated.status, updated.provider, updated.note) == (
        "op-wachtlijst",
        "Tactus Verslavingszorg",
        "Ambulant",
    )


def test_no_change_no_new_version(alice, trajectory, refer):
    referral = refer(alice)
    same = referral_update(
        actor=alice,
        trajectory=trajectory,
        referral_id=referral.uuid,
        expected_version=1,
        changes={"status": "aangemeld"},
    )
    assert same.version == 1
    assert not ProcessingLogEntry.objects.filter(action="wijzigen", purpose="verwijzingen").exists()


def test_closed_trajectory_takes_no_referrals(alice, trajectory):
    trajectory.phase = Phase.CLOSED
    trajectory.save()
    with pytest.raises(ServiceError) as exc:
        referral_register(
            actor=alice,
            trajectory=trajectory,
            kind="begeleid-wonen",
            provider="Domus",
            referred_on=dt.date(2026, 11, 9),
        )
    assert exc.value.code == "closed"


def test_unknown_referral_is_not_found(alice, trajectory):
    import uuid

    with pytest.raises(ServiceError) as exc:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=uuid.uuid4(),
            expected_version=1,
            changes={},
        )
    assert exc.value.code == "not_found"
