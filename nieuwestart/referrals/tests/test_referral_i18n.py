"""Every message a user reads from the referral services and API goes through gettext (Dutch
msgids, docs/decisions/0001-dutch-source-strings.md), so the English interface can translate it.

`marked_translation` (conftest) makes every translated message start with a marker: a message
without it was not wrapped. The processing-log detail stays untranslated (it is a record)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from nieuwestart.audit.models import ProcessingLogEntry
from nieuwestart.referrals.services import (
    ReferralConflict,
    ReferralInvalid,
    referral_register,
    referral_update,
)
from nieuwestart.trajectories.services import ServiceError

pytestmark = pytest.mark.django_db


def test_register_errors_are_translatable(marked_translation, carol, trajectory):
    with pytest.raises(ReferralInvalid) as caught:
        referral_register(
            actor=carol,
            trajectory=trajectory,
            kind="paleis",
            referred_on=dt.date(2026, 11, 9),
            status="gestart",
        )
    with pytest.raises(ReferralInvalid) as caught_care:
        referral_register(
            actor=carol,
            trajectory=trajectory,
            kind="zorg",
            referred_on=dt.date(2026, 11, 9),
            provider="Mediant",
            note="x" * 3000,
        )
    with pytest.raises(ReferralInvalid) as caught_other:
        referral_register(
            actor=carol,
            trajectory=trajectory,
            kind="anders",
            referred_on=dt.date(2026, 11, 9),
            provider="",
        )
    messages = [m for exc in (caught, caught_care, caught_other) for _f, m in exc.value.errors]
    assert len(messages) >= 6
    assert all(m.startswith(marked_translation) for m in messages), messages
    assert any("Gebruik hooguit 2000 tekens." in m for m in messages)


def test_update_errors_are_translatable(marked_translation, alice, trajectory, refer):
    referral = refer(alice, status="gestart", actual_start=dt.date(2026, 11, 20))
    with pytest.raises(ReferralInvalid) as caught:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=1,
            changes={"status": "op-wachtlijst", "kind": "zorg", "colour": "rood", "provider": ""},
        )
    messages = [m for _f, m in caught.value.errors]
    assert len(messages) == 5  # unknown field, kind, transition, provider, actual start
    assert all(m.startswith(marked_translation) for m in messages), messages
    assert any("kan niet meer veranderen in" in m for m in messages)

    with pytest.raises(ReferralConflict) as conflict:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=referral.uuid,
            expected_version=7,
            changes={},
        )
    with pytest.raises(ServiceError) as missing:
        referral_update(
            actor=alice,
            trajectory=trajectory,
            referral_id=uuid.uuid4(),
            expected_version=1,
            changes={},
        )
    assert conflict.value.message.startswith(marked_translation)
    assert missing.value.message.startswith(marked_translation)


def test_log_detail_stays_untranslated(marked_translation, alice, trajectory, refer):
    refer(alice)
    entry = ProcessingLogEntry.objects.filter(purpose="verwijzingen", action="aanmaken").get()
    assert entry.detail.startswith("verwijzing begeleid-wonen geregistreerd")


def test_api_messages_are_translatable(marked_translation, api, alice, trajectory, refer):
    client = api(alice)
    base = f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen"
    response = client.post(
        base,
        {"soort": "paleis", "status": "weg", "onbekend": 1},
        format="json",
    )
    assert response.status_code == 400
    reasons = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    for name in ("soort", "status", "onbekend"):
        assert reasons[name].startswith(marked_translation), reasons

    referral = refer(alice)
    response = client.patch(f"{base}/{referral.uuid}", {"soort": "zorg"}, format="json")
    assert response.json()["invalidParams"][0]["reason"].startswith(marked_translation)
    response = client.patch(f"{base}/{referral.uuid}", {"status": "op-wachtlijst"}, format="json")
    assert response.status_code == 428
    body = response.json()
    assert body["detail"].startswith(marked_translation)
    assert body["title"].startswith(marked_translation)
    response = client.patch(
        f"{base}/{referral.uuid}", {"status": "op-wachtlijst"}, format="json", HTTP_IF_MATCH='"x"'
    )
    assert response.status_code == 412
    assert response.json()["detail"].startswith(marked_translation)
    response = client.get(f"{base}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(marked_translation)
    response = client.post(base, ["geen", "object"], format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["reason"].startswith(marked_translation)
