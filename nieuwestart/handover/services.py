"""Writes of release and handover: check a condition, record the outcomes, close.

Rules (issue 4, item 5):
- Before release any partner (`Action.HANDOVER_EDIT`) confirms or corrects the state of a
  basic condition. A note is needed unless the state is `in-orde`: what is arranged, or what is
  missing. `gaat in op` only belongs to `geregeld`. After release the checklist is frozen: the
  outcome at release is a fact for the indicators.
- At release (`trajectories.signals.trajectory_released`, from the `einde` notification or
  the release form and API) the checklist is stored as one `ReleaseOutcome` per
  condition, in the release's transaction. Once per trajectory: a second call adds nothing.
- Only the organisation that holds casusregie closes the trajectory, after release, with a
  reason (`anders` needs a note). Death and transfer (`overleden`, `overgeplaatst`) may close
  a trajectory before release too, as the phase table allows. This is the only way to close:
  the phase screen (`trajectory_transition`) refuses `afgesloten`.
- The history, which every partner reads, gets the reason's label only. The note may be
  personal (and must hold no care content): it stays on the `Closure` row, which only the
  closing organisation reads (`selectors.closure_note_visible`).
Permission to call a service is checked before, in the access chokepoint; the services check
the facts and write the history and the processing log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.handover.models import (
    ClosingReason,
    Closure,
    ConditionState,
    Handover,
    HandoverCheck,
    ReleaseOutcome,
)
from nieuwestart.handover.selectors import checklist, latest_checks
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.trajectories.models import Phase, Trajectory
from nieuwestart.trajectories.phases import can_transition
from nieuwestart.trajectories.services import Conflict, ServiceError, trajectory_close_phase

PURPOSE_CHECK = "overdracht vastleggen"
PURPOSE_OUTCOME = "uitkomst bij vrijlating vastleggen"
PURPOSE_CLOSE = "traject afsluiten"
# Reasons that may close a trajectory before release.
CLOSE_BEFORE_RELEASE = frozenset({ClosingReason.DECEASED, ClosingReason.TRANSFERRED})


class NotCaseLead(ServiceError):
    """The actor's organisation does not hold casusregie."""


def _log(
    trajectory: Trajectory,
    *,
    actor: User | None,
    action: str,
    categories: list[str],
    purpose: str,
    channel: str,
    detail: str,
) -> None:
    log_processing(
        actor=actor,
        action=action,
        categories=categories,
        purpose=purpose,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=detail,
    )


@transaction.atomic
def handover_check_record(
    *,
    actor: User,
    trajectory: Trajectory,
    condition: str,
    state: str,
    note: str = "",
    in_place_on: dt.date | None = None,
    expected_version: int | None = None,
    channel: str = Channel.WEB,
) -> HandoverCheck:
    """Confirm or correct the state of one basic condition before release."""
    if condition not in SCHEMA:
        raise ServiceError(_("Deze basisvoorwaarde bestaat niet."), field="basisvoorwaarde")
    if state not in ConditionState.values:
        raise ServiceError(
            _("Kies: in orde, geregeld of niet in orde."), field="stand", code="required"
        )
    note = note.strip()
    if state != ConditionState.IN_ORDER and not note:
        raise ServiceError(
            _("Schrijf kort op wat er geregeld is.")
            if state == ConditionState.ARRANGED
            else _("Schrijf kort op wat er nog niet in orde is."),
            field="toelichting",
            code="required",
        )
    if state != ConditionState.ARRANGED:
        in_place_on = None
    # Lock the trajectory: the release and a check cannot cross each other.
    locked = Trajectory.objects.select_for_update(no_key=True).get(pk=trajectory.pk)
    if locked.phase in (Phase.AFTER_RELEASE, Phase.CLOSED):
        raise ServiceError(
            _(
                "De persoon is al vrijgelaten. De uitkomst bij vrijlating ligt vast en kan niet "
                "meer veranderen."
            ),
            field="stand",
            code="released",
        )
    handover, _created = Handover.objects.get_or_create(trajectory=locked)
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if expected_version is not None and handover.version != expected_version:
        raise Conflict(
            _(
                "Iemand anders heeft de overdrachtslijst net gewijzigd. Bekijk de nieuwe stand "
                "en sla opnieuw op."
            ),
            code="conflict",
        )
    assert actor.organisation is not None  # only involved case roles get here
    check = HandoverCheck.objects.create(
        handover=handover,
        condition=condition,
        state=state,
        note=note,
        in_place_on=in_place_on,
        recorded_by=actor,
        recorded_by_organisation=actor.organisation,
        recorded_at=timezone.now(),
    )
    handover.version += 1
    handover.save(update_fields=["version", "updated_at"])
    _log(
        locked,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.CONDITIONS.value],
        purpose=PURPOSE_CHECK,
        channel=channel,
        detail=f"{condition}: {state}",
    )
    return check


@transaction.atomic
def release_outcomes_record(
    *, actor: User | None, trajectory: Trajectory, source: str, channel: str
) -> list[ReleaseOutcome]:
    """Freeze the checklist as the outcome per basic condition at release. Once only."""
    if ReleaseOutcome.objects.filter(trajectory=trajectory).exists():
        return []
    assert trajectory.end_date is not None  # the release sets it first
    _version, checks = latest_checks(trajectory)
    now = timezone.now()
    rows = []
    for item in checklist(trajectory, None, with_deadlines=False):
        check = checks.get(item.code)
        partner_note = check.note if check is not None and item.confirmed else ""
        rows.append(
            ReleaseOutcome(
                trajectory=trajectory,
                condition=item.code,
                outcome=item.state,
                note=partner_note or item.explanation,
                note_organisation=check.recorded_by_organisation
                if check is not None and partner_note
                else None,
                confirmed=item.confirmed,
                in_place_on=item.in_place_on,
                released_on=trajectory.end_date,
                source=source,
                recorded_by=actor,
                recorded_at=now,
            )
        )
    ReleaseOutcome.objects.bulk_create(rows)
    _log(
        trajectory,
        actor=actor,
        action=LogAction.CREATE,
        categories=[Category.CONDITIONS.value],
        purpose=PURPOSE_OUTCOME,
        channel=channel,
        detail=", ".join(f"{r.condition}: {r.outcome}" for r in rows),
    )
    return rows


def record_outcomes_on_release(sender: Any, **kwargs: Any) -> None:
    """Receiver of `trajectories.signals.trajectory_released` (connected in apps.py)."""
    release_outcomes_record(
        actor=kwargs.get("actor"),
        trajectory=kwargs["trajectory"],
        source=kwargs["source"],
        channel=kwargs.get("channel", Channel.SYSTEM),
    )


@transaction.atomic
def trajectory_close(
    *,
    actor: User,
    trajectory: Trajectory,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
    channel: str = Channel.WEB,
) -> Trajectory:
    """Close the trajectory: only by the organisation with casusregie, with a reason."""
    note = note.strip()
    locked = (
        Trajectory.objects.select_for_update(no_key=True)
        .select_related("case_lead")
        .get(pk=trajectory.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "Iemand anders heeft dit traject net gewijzigd. Bekijk de nieuwe gegevens en "
                "probeer het opnieuw."
            ),
            code="conflict",
        )
    if locked.phase == Phase.CLOSED:
        raise ServiceError(_("Dit traject is al afgesloten."), field="fase", code="already_closed")
    if actor.organisation_id != locked.case_lead_id:
        raise NotCaseLead(
            _(
                "Alleen %(lead)s kan dit traject afsluiten: die organisatie heeft nu de "
                "casusregie. Vraag hen het traject af te sluiten."
            )
            % {"lead": locked.case_lead.name},
            field="casusregie",
            code="not_case_lead",
        )
    if reason not in ClosingReason.values:
        raise ServiceError(
            _("Kies waarom het traject stopt."),
            field="reden",
            code="required" if not reason else "invalid",
        )
    if reason == ClosingReason.OTHER and not note:
        raise ServiceError(
            _("Schrijf kort op waarom het traject stopt."), field="toelichting", code="required"
        )
    if locked.phase != Phase.AFTER_RELEASE and not (
        reason in CLOSE_BEFORE_RELEASE and can_transition(locked.phase, Phase.CLOSED)
    ):
        raise ServiceError(
            _(
                "Een traject sluit u af na de vrijlating. Is de persoon vrij? Leg dan eerst de "
                "vrijlating vast."
            ),
            field="fase",
            code="not_released",
        )
    # The history gets the reason's label only; the note stays on the Closure row (see the
    # module docstring).
    closed = trajectory_close_phase(
        actor=actor,
        trajectory=locked,
        reason_label=str(ClosingReason(reason).label),
        channel=channel,
    )
    assert actor.organisation is not None
    Closure.objects.create(
        trajectory=closed,
        reason=reason,
        note=note,
        closed_by=actor,
        closed_by_organisation=actor.organisation,
        closed_at=timezone.now(),
    )
    _log(
        closed,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.DETENTION.value],
        purpose=PURPOSE_CLOSE,
        channel=channel,
        detail=reason,
    )
    return closed
