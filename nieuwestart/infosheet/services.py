"""Writes for the information sheet: send a version, acknowledge receipt.

Rules (DOMAIN.md, "The information sheet"; issue 3, item 5):
- Sending freezes the sheet generated at that moment as the next numbered version. The system
  delivers it to the municipality's work list, so sending records that the municipality
  received it (`received_at`). Sending again without any change is refused: the municipality
  would get the same sheet twice.
- The municipality (or its safety house) acknowledges a version it received; that is recorded
  once, with who and for which organisation.
- Who may send or acknowledge is decided before, in the access chokepoint
  (`Action.INFOSHEET_SEND`, `Action.INFOSHEET_ACKNOWLEDGE`). The services check the facts and
  write one processing-log row each, in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.infosheet.selectors import SHEET_CATEGORIES, build_sheet, content_hash
from nieuwestart.trajectories.models import Trajectory

PURPOSE = "informatieblad"


class InfoSheetError(Exception):
    """A business rule refused the change; the message is for the user (Dutch, B1)."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@transaction.atomic
def infosheet_send(*, actor: User, trajectory: Trajectory, channel: str = Channel.WEB) -> InfoSheet:
    """Freeze the current sheet as the next version and deliver it to the municipality."""
    # Lock the trajectory so two casemanagers pressing "send" at once cannot both get number n.
    trajectory = (
        Trajectory.objects.select_for_update(no_key=True)
        .select_related("person")
        .with_organisations()
        .get(pk=trajectory.pk)
    )
    content = build_sheet(trajectory)
    digest = content_hash(content)
    latest = InfoSheet.objects.filter(trajectory=trajectory).order_by("-number").first()
    if latest is not None and latest.content_hash == digest:
        raise InfoSheetError(
            f"Er is niets veranderd sinds versie {latest.number}. "
            "De gemeente heeft dit informatieblad al.",
            code="unchanged",
        )
    number = (
        InfoSheet.objects.filter(trajectory=trajectory).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    now = timezone.now()
    assert actor.organisation is not None  # only a PI casemanager may call this
    sheet = InfoSheet.objects.create(
        trajectory=trajectory,
        number=number,
        content=content,
        content_hash=digest,
        generated_at=now,
        sent_at=now,
        sent_by=actor,
        sent_by_organisation=actor.organisation,
        recipient=trajectory.return_municipality,
        received_at=now,
    )
    log_processing(
        actor=actor,
        action=LogAction.CREATE,
        categories=[c.value for c in SHEET_CATEGORIES],
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=f"versie {number} verstuurd naar {trajectory.return_municipality.code}",
    )
    return sheet


def _recipients(sheet: InfoSheet) -> set[int]:
    """The municipality it went to, and the safety house that coordinates for it."""
    municipality = sheet.recipient
    allowed = {municipality.pk}
    if municipality.safety_house_id is not None:
        allowed.add(municipality.safety_house_id)
    return allowed


@transaction.atomic
def infosheet_acknowledge(
    *, actor: User, trajectory: Trajectory, number: int, channel: str = Channel.WEB
) -> InfoSheet:
    """The municipality confirms it has received version `number`."""
    sheet = (
        InfoSheet.objects.select_for_update()
        .select_related("recipient")
        .filter(trajectory=trajectory, number=number)
        .first()
    )
    if sheet is None:
        raise InfoSheetError(f"Er is geen informatieblad met versie {number}.", code="not_found")
    if actor.organisation_id not in _recipients(sheet):
        raise InfoSheetError(
            f"Versie {number} is naar {sheet.recipient.name} gestuurd. "
            "Alleen die gemeente (of haar zorg- en veiligheidshuis) bevestigt de ontvangst.",
            code="not_recipient",
        )
    if sheet.acknowledged_at is not None:
        raise InfoSheetError(
            f"De ontvangst van versie {number} is al bevestigd.", code="already_acknowledged"
        )
    sheet.acknowledged_at = timezone.now()
    sheet.acknowledged_by = actor
    sheet.acknowledged_organisation = actor.organisation
    sheet.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_organisation"])
    log_processing(
        actor=actor,
        action=LogAction.UPDATE,
        categories=[c.value for c in SHEET_CATEGORIES],
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=f"ontvangst van versie {number} bevestigd",
    )
    return sheet
