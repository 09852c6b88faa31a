"""Writes on referrals: register one, change it (status, dates, provider, note).

Rules (issue 4, item 6; docs/referrals.md):
- Who may write is decided before, in the access chokepoint (`Action.REFERRAL_EDIT`: the case
  roles of all three partners). The services check the facts, one transaction each, and write
  their own processing-log row.
- The kind of a referral does not change; the basic condition follows from the kind, except for
  "anders", where the user names it.
- Dates: see `waiting.validate` (referred on not in the future, starts not before the referral,
  an actual start only with status "gestart"). Status moves follow `models.TRANSITIONS`.
- A referral that serves care reveals care content. A user who does not see care content in
  full (the PI casemanager, the municipality) may register one and keep its status and dates up
  to date, but does not write its provider or note: they could not read them back.
- Concurrent edits: every change names the version it is based on; an older one is refused
  with `ReferralConflict`, which carries the referral as it is now.
- No writes on a closed trajectory.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.access.trajectories import sees_care_content
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.referrals import waiting
from nieuwestart.referrals.models import (
    CONDITION_OF_KIND,
    MAX_CITY,
    MAX_NOTE,
    MAX_PROVIDER,
    TRANSITIONS,
    Condition,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from nieuwestart.trajectories.models import Phase, Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError

PURPOSE = "verwijzingen"
CREATE_STATUSES = (ReferralStatus.REFERRED, ReferralStatus.WAITING, ReferralStatus.STARTED)
# Fields only a reader of care content writes on a care referral.
CARE_CONTENT_FIELDS = ("provider", "provider_city", "note")
API_NAMES = {
    "kind": "soort",
    "condition": "basisvoorwaarde",
    "provider": "aanbieder",
    "provider_city": "plaats",
    "referred_on": waiting.REFERRED_ON,
    "expected_start": waiting.EXPECTED_START,
    "actual_start": waiting.ACTUAL_START,
    "status": waiting.STATUS,
    "note": "toelichting",
}
EDITABLE = (
    "provider",
    "provider_city",
    "referred_on",
    "expected_start",
    "actual_start",
    "status",
    "note",
)


class ReferralInvalid(ServiceError):
    """One or more fields are wrong; `errors` lists every one as (field, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        field, message = errors[0]
        super().__init__(message, field=field, code="invalid")
        self.errors = errors


class ReferralConflict(Conflict):
    """Somebody changed the referral since the user opened it; `current` is how it is now."""

    def __init__(self, current: Referral) -> None:
        super().__init__(
            _(
                "Iemand anders heeft deze verwijzing gewijzigd nadat u hem opende. Wat u "
                "invulde, is niet opgeslagen. Kijk of uw wijziging nog klopt en sla opnieuw op."
            ),
            code="conflict",
        )
        self.current = current


def _care_refused_message() -> str:
    return _(
        "Bij een verwijzing naar zorg of behandeling vult u de aanbieder en de toelichting "
        "niet in. Dat is zorginhoud: uw organisatie ziet die daarna niet terug. De "
        "reclassering vult ze aan."
    )


def _log(*, actor: User, referral: Referral, action: str, channel: str, detail: str) -> None:
    categories = [Category.CONDITIONS.value]
    if referral.is_care and sees_care_content(actor):
        categories.append(Category.CARE_DETAILS.value)
    log_processing(
        actor=actor,
        action=action,
        categories=categories,
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=referral.trajectory.uuid,
        person_id=referral.trajectory.person_id,
        detail=detail,
    )


def _require_open(trajectory: Trajectory) -> None:
    if trajectory.phase == Phase.CLOSED:
        raise ServiceError(
            _("Dit traject is afgesloten. U kunt geen verwijzingen meer registreren of wijzigen."),
            code="closed",
        )


def _check_texts(values: dict[str, Any], errors: list[tuple[str, str]]) -> None:
    limits = {"provider": MAX_PROVIDER, "provider_city": MAX_CITY, "note": MAX_NOTE}
    for name, limit in limits.items():
        if len(values.get(name) or "") > limit:
            errors.append(
                (API_NAMES[name], _("Gebruik hooguit %(limit)d tekens.") % {"limit": limit})
            )


@transaction.atomic
def referral_register(
    *,
    actor: User,
    trajectory: Trajectory,
    kind: str,
    referred_on: dt.date,
    provider: str = "",
    provider_city: str = "",
    condition: str = "",
    expected_start: dt.date | None = None,
    actual_start: dt.date | None = None,
    status: str = ReferralStatus.REFERRED,
    note: str = "",
    channel: str = Channel.WEB,
    today: dt.date | None = None,
) -> Referral:
    """Register a referral (and its place on a waiting list) on the trajectory."""
    today = today or timezone.localdate()
    trajectory = Trajectory.objects.select_for_update(no_key=True).get(pk=trajectory.pk)
    _require_open(trajectory)
    provider, provider_city, note = provider.strip(), provider_city.strip(), note.strip()
    errors: list[tuple[str, str]] = []
    if kind not in ReferralKind.values:
        errors.append(("soort", _("Kies een soort verwijzing.")))
    elif kind in CONDITION_OF_KIND:
        if condition and condition != CONDITION_OF_KIND[kind]:
            errors.append(
                (
                    "basisvoorwaarde",
                    _("Bij deze soort verwijzing hoort een andere basisvoorwaarde."),
                )
            )
        condition = CONDITION_OF_KIND[kind]
    elif condition not in Condition.values:
        errors.append(("basisvoorwaarde", _("Kies voor welke basisvoorwaarde de verwijzing is.")))
    if status not in CREATE_STATUSES:
        errors.append(
            (
                waiting.STATUS,
                _("Een nieuwe verwijzing is aangemeld, staat op de wachtlijst of is al gestart."),
            )
        )
    is_care = condition == Condition.CARE
    if is_care and not sees_care_content(actor):
        if provider or provider_city:
            errors.append(("aanbieder", _care_refused_message()))
        if note:
            errors.append(("toelichting", _care_refused_message()))
    elif not provider and not is_care:
        errors.append(("aanbieder", _("Vul in naar welke aanbieder of organisatie u verwijst.")))
    _check_texts({"provider": provider, "provider_city": provider_city, "note": note}, errors)
    errors += waiting.validate(
        status=status,
        referred_on=referred_on,
        expected_start=expected_start,
        actual_start=actual_start,
        today=today,
        trajectory_start=trajectory.start_date,
    )
    if errors:
        raise ReferralInvalid(errors)
    assert actor.organisation is not None  # only case roles pass the chokepoint
    referral = Referral.objects.create(
        trajectory=trajectory,
        kind=kind,
        condition=condition,
        provider=provider,
        provider_city=provider_city,
        referred_on=referred_on,
        expected_start=expected_start,
        actual_start=actual_start,
        status=status,
        note=note,
        created_by=actor,
        organisation=actor.organisation,
        updated_by=actor,
    )
    _log(
        actor=actor,
        referral=referral,
        action=LogAction.CREATE,
        channel=channel,
        detail=f"verwijzing {referral.kind} geregistreerd, status {referral.status}",
    )
    return referral


def _lock(trajectory: Trajectory, referral_id: UUID | str) -> Referral:
    referral = (
        Referral.objects.select_for_update()
        .select_related("trajectory")
        .filter(trajectory=trajectory, uuid=referral_id)
        .first()
    )
    if referral is None:
        raise ServiceError(_("Deze verwijzing bestaat niet."), code="not_found")
    return referral


@transaction.atomic
def referral_update(
    *,
    actor: User,
    trajectory: Trajectory,
    referral_id: UUID | str,
    expected_version: int,
    changes: dict[str, Any],
    channel: str = Channel.WEB,
    today: dt.date | None = None,
) -> Referral:
    """Change a referral: status, dates, and (who may see it) provider and note.

    `changes` holds only the fields to change (names as in the model: `status`,
    `expected_start`, ...). The kind and the basic condition never change.
    """
    today = today or timezone.localdate()
    _require_open(trajectory)
    referral = _lock(trajectory, referral_id)
    if referral.version != expected_version:
        raise ReferralConflict(referral)
    unknown = sorted(set(changes) - set(EDITABLE))
    errors: list[tuple[str, str]] = []
    for name in unknown:
        if name in ("kind", "condition"):
            errors.append(
                (
                    API_NAMES[name],
                    _(
                        "De soort verwijzing verandert niet. Trek deze verwijzing in en "
                        "registreer een nieuwe."
                    ),
                )
            )
        else:
            errors.append((API_NAMES.get(name, name), _("Dit veld bestaat hier niet.")))
    values = {name: changes[name] for name in EDITABLE if name in changes}
    for name in CARE_CONTENT_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if referral.is_care and not sees_care_content(actor):
        for name in CARE_CONTENT_FIELDS:
            if name in values and values[name] != getattr(referral, name):
                errors.append((API_NAMES[name], _care_refused_message()))
                break
    new_status = values.get("status", referral.status)
    if new_status not in ReferralStatus.values:
        errors.append((waiting.STATUS, _("Kies een status.")))
    elif new_status != referral.status and new_status not in TRANSITIONS[referral.status]:
        errors.append(
            (
                waiting.STATUS,
                _(
                    "Een verwijzing met status '%(old)s' kan niet meer veranderen in "
                    "'%(new)s'. Registreer zo nodig een nieuwe verwijzing."
                )
                % {
                    "old": str(referral.get_status_display()).lower(),
                    "new": str(ReferralStatus(new_status).label).lower(),
                },
            )
        )
    if not referral.is_care and "provider" in values and not values["provider"]:
        errors.append(("aanbieder", _("Vul in naar welke aanbieder of organisatie u verwijst.")))
    _check_texts(values, errors)
    merged = {name: values.get(name, getattr(referral, name)) for name in EDITABLE}
    errors += waiting.validate(
        status=merged["status"],
        referred_on=merged["referred_on"],
        expected_start=merged["expected_start"],
        actual_start=merged["actual_start"],
        today=today,
        trajectory_start=trajectory.start_date,
    )
    if errors:
        raise ReferralInvalid(errors)
    changed = [name for name in EDITABLE if merged[name] != getattr(referral, name)]
    if not changed:
        return referral
    old_status = referral.status
    for name in changed:
        setattr(referral, name, merged[name])
    referral.version += 1
    referral.updated_by = actor
    referral.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    detail = "verwijzing gewijzigd: " + ", ".join(API_NAMES[n] for n in changed)
    if referral.status != old_status:
        detail += f" (status {old_status} -> {referral.status})"
    _log(actor=actor, referral=referral, action=LogAction.UPDATE, channel=channel, detail=detail)
    return referral
