"""Writes on trajectories. Each is one transaction that also writes its log rows.

Every service takes the acting user explicitly, locks the trajectory row it changes
(select_for_update), appends a TrajectoryEvent for the history and a processing-log entry for
the privacy officer. Permission checks happen before, in the access chokepoint; the services
check the facts (is this municipality real, does this person work there).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.trajectories.models import (
    Assignment,
    DetentionNotification,
    EventKind,
    Involvement,
    InvolvementKind,
    JudicialTitle,
    NotificationKind,
    Person,
    Phase,
    Trajectory,
    TrajectoryEvent,
)
from nieuwestart.trajectories.notifications import (
    FieldError,
    InvalidNotification,
    ValidNotification,
)
from nieuwestart.trajectories.phases import can_transition, case_lead_kind
from nieuwestart.trajectories.signals import (
    RELEASE_BY_HAND,
    RELEASE_BY_NOTIFICATION,
    trajectory_released,
)


class ServiceError(Exception):
    """A business rule refused the change; the message is for the user (Dutch, B1)."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class Conflict(ServiceError):
    """Somebody else changed the trajectory since the user loaded it."""


# Roles a PI can name on a trajectory, and who holds each kind of assignment.
PRISON_ASSIGNMENT_ROLES = (Role.CASEMANAGER, Role.MENTOR)
ASSIGNMENT_ORGANISATION_KIND: dict[str, tuple[str, ...]] = {
    Role.CASEMANAGER: (OrganisationKind.PRISON,),
    Role.MENTOR: (OrganisationKind.PRISON,),
    Role.PROBATION_OFFICER: (OrganisationKind.PROBATION,),
    Role.AFTERCARE_COORDINATOR: (OrganisationKind.MUNICIPALITY, OrganisationKind.SAFETY_HOUSE),
}


def _event(
    trajectory: Trajectory,
    kind: str,
    *,
    actor: User | None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
) -> None:
    TrajectoryEvent.objects.create(
        trajectory=trajectory,
        kind=kind,
        from_value=from_value[:200],
        to_value=to_value[:200],
        reason=reason,
        actor=actor,
        actor_organisation=actor.organisation if actor is not None else None,
        created_at=timezone.now(),
    )


def _log_write(
    trajectory: Trajectory,
    *,
    actor: User | None,
    action: str,
    categories: list[str],
    purpose: str,
    channel: str,
    detail: str = "",
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


def _lock(trajectory: Trajectory, expected_version: int | None) -> Trajectory:
    locked = Trajectory.objects.select_for_update(no_key=True).get(pk=trajectory.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "Iemand anders heeft dit traject net gewijzigd. Bekijk de nieuwe gegevens en "
                "probeer het opnieuw."
            ),
            code="conflict",
        )
    return locked


def _involve(
    trajectory: Trajectory, organisation: Organisation, kind: str, now: dt.datetime
) -> None:
    Involvement.objects.create(
        trajectory=trajectory,
        organisation=organisation,
        kind=kind,
        active=True,
        started_at=now,
        trajectory_open=trajectory.phase != Phase.CLOSED,
    )


def _end_involvement(trajectory: Trajectory, kind: str, now: dt.datetime) -> None:
    # One save per involvement (there is one active per kind), not a queryset update: whether
    # probation is involved is a fact of the deadlines, and their stored index must see the
    # write (`deadlines.signals`).
    for involvement in Involvement.objects.filter(trajectory=trajectory, kind=kind, active=True):
        involvement.active, involvement.ended_at = False, now
        involvement.save(update_fields=["active", "ended_at"])


def _end_assignments(trajectory: Trajectory, organisation_id: int, now: dt.datetime) -> None:
    Assignment.objects.filter(
        trajectory=trajectory, organisation_id=organisation_id, active=True
    ).update(active=False, ended_at=now)


def process_lead_for(municipality: Organisation) -> Organisation:
    """The return municipality holds procesregie, or its safety house when it coordinates."""
    if municipality.aftercare_via_safety_house and municipality.safety_house is not None:
        return municipality.safety_house
    return municipality


def _set_municipality_involvement(
    trajectory: Trajectory, municipality: Organisation, now: dt.datetime
) -> None:
    _involve(trajectory, municipality, InvolvementKind.MUNICIPALITY, now)
    if municipality.aftercare_via_safety_house and municipality.safety_house is not None:
        _involve(trajectory, municipality.safety_house, InvolvementKind.SAFETY_HOUSE, now)


# --- Detention notifications ------------------------------------------------------------------


@transaction.atomic
def notification_receive(
    *, actor: User | None, notification: ValidNotification, channel: str = Channel.API
) -> tuple[Trajectory, bool]:
    """Process one validated notification. Returns (trajectory, created_now).

    The same meldingId again returns the trajectory it produced before and changes nothing.
    """
    previous = DetentionNotification.objects.filter(message_id=notification.message_id).first()
    if previous is not None:
        return previous.trajectory, False
    if notification.kind == NotificationKind.START:
        trajectory = _start(actor=actor, notification=notification, channel=channel)
    elif notification.kind == NotificationKind.CHANGE:
        trajectory = _change(actor=actor, notification=notification, channel=channel)
    else:
        trajectory = _end(actor=actor, notification=notification, channel=channel)
    try:
        with transaction.atomic():
            DetentionNotification.objects.create(
                message_id=notification.message_id,
                kind=notification.kind,
                trajectory=trajectory,
                payload=notification.raw,
                received_at=timezone.now(),
                received_by=actor,
            )
    except IntegrityError as exc:  # a concurrent request with the same meldingId won
        raise Conflict(_("Deze melding wordt al verwerkt."), code="duplicate") from exc
    return trajectory, notification.kind == NotificationKind.START


def _open_trajectory_of(bsn: str) -> Trajectory | None:
    return (
        Trajectory.objects.select_for_update(no_key=True)
        .filter(person__bsn=bsn)
        .exclude(phase__in=[Phase.CLOSED])
        .order_by("-start_date", "-id")
        .first()
    )


def _start(*, actor: User | None, notification: ValidNotification, channel: str) -> Trajectory:
    data = notification.person
    person, _created = Person.objects.get_or_create(
        bsn=data.bsn,
        defaults={
            "given_names": data.given_names,
            "surname_prefix": data.surname_prefix,
            "surname": data.surname,
            "birth_date": data.birth_date,
        },
    )
    if not _created:
        Person.objects.filter(pk=person.pk).update(
            given_names=data.given_names,
            surname_prefix=data.surname_prefix,
            surname=data.surname,
            birth_date=data.birth_date,
        )
    running = _open_trajectory_of(data.bsn)
    if running is not None and running.phase != Phase.AFTER_RELEASE:
        raise ServiceError(
            _(
                "Deze persoon zit al in detentie volgens een eerdere melding. Stuur een "
                "wijziging in plaats van een nieuwe aanvang."
            ),
            field="soort",
            code="already_detained",
        )
    now = timezone.now()
    municipality = notification.registration_municipality
    trajectory = Trajectory.objects.create(
        person=person,
        prison=notification.prison,
        start_date=notification.start_date,
        expected_end_date=notification.expected_end_date,
        registration_municipality=municipality,
        return_municipality=municipality,
        phase=Phase.INTAKE,
        case_lead=notification.prison,
        process_lead=process_lead_for(municipality),
    )
    _involve(trajectory, notification.prison, InvolvementKind.PRISON, now)
    _set_municipality_involvement(trajectory, municipality, now)
    _event(
        trajectory,
        EventKind.CREATED,
        actor=actor,
        to_value=notification.prison.name,
        reason=f"Detentiemelding {notification.message_id}",
    )
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.CREATE,
        categories=[Category.IDENTITY, Category.DETENTION],
        purpose="detentiemelding verwerken",
        channel=channel,
        detail=f"melding {notification.message_id}",
    )
    return trajectory


def _require_open(bsn: str) -> Trajectory:
    trajectory = _open_trajectory_of(bsn)
    if trajectory is None:
        raise InvalidNotification(
            [
                FieldError(
                    "persoon.bsn", "no_trajectory", _("Er loopt geen traject voor deze persoon.")
                )
            ]
        )
    return trajectory


def _change(*, actor: User | None, notification: ValidNotification, channel: str) -> Trajectory:
    trajectory = _require_open(notification.person.bsn)
    now = timezone.now()
    changed: list[str] = []
    if notification.expected_end_date != trajectory.expected_end_date:
        _event(
            trajectory,
            EventKind.RELEASE_DATE,
            actor=actor,
            from_value=_fmt(trajectory.expected_end_date),
            to_value=_fmt(notification.expected_end_date),
        )
        trajectory.expected_end_date = notification.expected_end_date
        changed.append("verwachte einddatum")
    if notification.prison.pk != trajectory.prison_id:
        old_prison = trajectory.prison
        _end_involvement(trajectory, InvolvementKind.PRISON, now)
        _end_assignments(trajectory, old_prison.pk, now)
        _involve(trajectory, notification.prison, InvolvementKind.PRISON, now)
        trajectory.prison = notification.prison
        trajectory.unit = ""
        if trajectory.case_lead_id == old_prison.pk:
            trajectory.case_lead = notification.prison
        _event(
            trajectory,
            EventKind.TRANSFER,
            actor=actor,
            from_value=old_prison.name,
            to_value=notification.prison.name,
        )
        changed.append("inrichting")
    if changed:
        trajectory.version += 1
        trajectory.save()
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.DETENTION],
        purpose="detentiemelding verwerken",
        channel=channel,
        detail=", ".join(changed) or "geen wijziging",
    )
    return trajectory


def _end(*, actor: User | None, notification: ValidNotification, channel: str) -> Trajectory:
    trajectory = _require_open(notification.person.bsn)
    assert notification.end_date is not None
    if trajectory.phase == Phase.AFTER_RELEASE:
        return _correct_end_date(
            trajectory, actor=actor, end_date=notification.end_date, channel=channel
        )
    return _release(
        trajectory,
        actor=actor,
        end_date=notification.end_date,
        judicial_title=None,
        reason="Einde detentie gemeld",
        source=RELEASE_BY_NOTIFICATION,
        channel=channel,
    )


def _correct_end_date(
    trajectory: Trajectory, *, actor: User | None, end_date: dt.date, channel: str
) -> Trajectory:
    """Released by hand before the `einde` notification came: JustID's date is the official
    one, so it replaces the date typed by hand, with a history row. The phase, casusregie and
    the outcome per basic condition at release stay as they are (recorded once)."""
    if end_date == trajectory.end_date:
        return trajectory
    if end_date < trajectory.start_date:
        raise ServiceError(
            _("De datum van vrijlating ligt voor de start van de detentie (%(start)s).")
            % {"start": _fmt(trajectory.start_date)},
            field="einddatum",
            code="before_start",
        )
    old = trajectory.end_date
    trajectory.end_date = end_date
    trajectory.version += 1
    trajectory.save(update_fields=["end_date", "version", "updated_at"])
    _event(
        trajectory,
        EventKind.RELEASE,
        actor=actor,
        from_value=_fmt(old),
        to_value=_fmt(end_date),
        reason="Datum van vrijlating volgens de einde-melding",
    )
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.DETENTION],
        purpose="detentiemelding verwerken",
        channel=channel,
        detail="einddatum gecorrigeerd",
    )
    return trajectory


def _fmt(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "onbekend"


# --- Return municipality, people, phase -------------------------------------------------------


@transaction.atomic
def trajectory_change_return_municipality(
    *,
    actor: User,
    trajectory: Trajectory,
    municipality: Organisation,
    reason: str,
    expected_version: int | None = None,
    channel: str = Channel.WEB,
) -> Trajectory:
    """Confirm or change where the person returns to (report §3.1: registration is a guess).

    The new municipality (and its safety house) becomes involved, the old one no longer is and
    loses its named coordinator. Both facts are in the history and the processing log.
    """
    if municipality.kind != OrganisationKind.MUNICIPALITY:
        raise ServiceError(_("Kies een gemeente."), field="terugkeergemeente", code="unknown")
    if not reason.strip():
        raise ServiceError(
            _("Schrijf kort op waarom dit de terugkeergemeente is."),
            field="toelichting",
            code="required",
        )
    trajectory = _lock(trajectory, expected_version)
    old = trajectory.return_municipality
    now = timezone.now()
    if old.pk == municipality.pk:
        if not trajectory.return_municipality_confirmed:
            trajectory.return_municipality_confirmed = True
            trajectory.version += 1
            trajectory.save()
            _event(
                trajectory,
                EventKind.RETURN_MUNICIPALITY,
                actor=actor,
                from_value=old.name,
                to_value=f"{municipality.name} (bevestigd)",
                reason=reason,
            )
            _log_write(
                trajectory,
                actor=actor,
                action=LogAction.UPDATE,
                categories=[Category.IDENTITY],
                purpose="terugkeergemeente bevestigen",
                channel=channel,
            )
        return trajectory
    old_process_lead_id = trajectory.process_lead_id
    old_safety_house = (
        Involvement.objects.filter(
            trajectory=trajectory, kind=InvolvementKind.SAFETY_HOUSE, active=True
        )
        .values_list("organisation_id", flat=True)
        .first()
    )
    _end_involvement(trajectory, InvolvementKind.MUNICIPALITY, now)
    _end_involvement(trajectory, InvolvementKind.SAFETY_HOUSE, now)
    _end_assignments(trajectory, old.pk, now)
    if old_safety_house is not None:
        _end_assignments(trajectory, old_safety_house, now)
    _set_municipality_involvement(trajectory, municipality, now)
    trajectory.return_municipality = municipality
    trajectory.return_municipality_confirmed = True
    new_process_lead = process_lead_for(municipality)
    trajectory.process_lead = new_process_lead
    if trajectory.case_lead_id in (old.pk, old_process_lead_id):
        trajectory.case_lead = new_process_lead
    trajectory.version += 1
    trajectory.save()
    _event(
        trajectory,
        EventKind.RETURN_MUNICIPALITY,
        actor=actor,
        from_value=old.name,
        to_value=municipality.name,
        reason=reason,
    )
    if old_process_lead_id != new_process_lead.pk:
        _event(trajectory, EventKind.PROCESS_LEAD, actor=actor, to_value=new_process_lead.name)
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.IDENTITY],
        purpose="terugkeergemeente wijzigen",
        channel=channel,
        detail=f"{old.code} naar {municipality.code}",
    )
    return trajectory


def assignable_users(trajectory: Trajectory, role: str) -> list[User]:
    """Active professionals of the involved organisation who can hold this role."""
    kinds = ASSIGNMENT_ORGANISATION_KIND.get(role, ())
    organisation_ids = list(
        Involvement.objects.filter(
            trajectory=trajectory, active=True, organisation__kind__in=kinds
        ).values_list("organisation_id", flat=True)
    )
    roles = {role}
    if role == Role.AFTERCARE_COORDINATOR:
        roles.add(Role.PROCESS_DIRECTOR)
    return list(
        User.objects.filter(
            organisation_id__in=organisation_ids, role__in=roles, is_active=True
        ).order_by("last_name", "first_name")
    )


@transaction.atomic
def trajectory_assign(
    *,
    actor: User,
    trajectory: Trajectory,
    role: str,
    user: User,
    channel: str = Channel.WEB,
) -> Assignment:
    """Name a professional on the trajectory; replaces whoever held that role."""
    if role not in ASSIGNMENT_ORGANISATION_KIND:
        raise ServiceError(_("Deze rol kunt u niet toewijzen."), field="rol")
    trajectory = _lock(trajectory, None)
    if user not in assignable_users(trajectory, role):
        raise ServiceError(
            _("Deze persoon werkt niet bij een organisatie die voor deze rol betrokken is."),
            field="gebruiker",
        )
    now = timezone.now()
    current = Assignment.objects.filter(trajectory=trajectory, role=role, active=True).first()
    if current is not None and current.user_id == user.pk:
        return current
    if current is not None:
        Assignment.objects.filter(pk=current.pk).update(active=False, ended_at=now)
    assert user.organisation is not None
    assignment = Assignment.objects.create(
        trajectory=trajectory,
        user=user,
        organisation=user.organisation,
        role=role,
        active=True,
        started_at=now,
    )
    trajectory.version += 1
    trajectory.save(update_fields=["version", "updated_at"])
    _event(
        trajectory,
        EventKind.ASSIGNMENT,
        actor=actor,
        from_value=current.user.display_name if current else "",
        to_value=f"{user.display_name} ({Role(role).label})",
    )
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.CONTACTS],
        purpose="betrokkenen toewijzen",
        channel=channel,
        detail=role,
    )
    return assignment


@transaction.atomic
def trajectory_assign_probation(
    *,
    actor: User,
    trajectory: Trajectory,
    organisation: Organisation,
    channel: str = Channel.WEB,
) -> Trajectory:
    """Involve a probation organisation; it then sees the trajectory and names its officer."""
    if organisation.kind != OrganisationKind.PROBATION:
        raise ServiceError(_("Kies een reclasseringsorganisatie."), field="reclassering")
    trajectory = _lock(trajectory, None)
    current = Involvement.objects.filter(
        trajectory=trajectory, kind=InvolvementKind.PROBATION, active=True
    ).first()
    if current is not None and current.organisation_id == organisation.pk:
        return trajectory
    now = timezone.now()
    if current is not None:
        _end_involvement(trajectory, InvolvementKind.PROBATION, now)
        _end_assignments(trajectory, current.organisation_id, now)
        if trajectory.case_lead_id == current.organisation_id:
            trajectory.case_lead = organisation
    _involve(trajectory, organisation, InvolvementKind.PROBATION, now)
    trajectory.version += 1
    trajectory.save()
    _event(
        trajectory,
        EventKind.INVOLVEMENT,
        actor=actor,
        from_value=current.organisation.name if current else "",
        to_value=organisation.name,
    )
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.CONTACTS],
        purpose="reclassering toewijzen",
        channel=channel,
        detail=organisation.code,
    )
    return trajectory


def _transition(
    trajectory: Trajectory,
    *,
    actor: User | None,
    to_phase: str,
    reason: str,
    channel: str,
    judicial_title: str | None = None,
    expected_version: int | None = None,
) -> Trajectory:
    trajectory = _lock(trajectory, expected_version)
    if not can_transition(trajectory.phase, to_phase):
        raise ServiceError(
            _("Een traject in fase '%(from)s' kan niet naar '%(to)s'.")
            % {"from": Phase(trajectory.phase).label, "to": Phase(to_phase).label},
            field="fase",
            code="transition",
        )
    old_phase = trajectory.phase
    trajectory.phase = to_phase
    if judicial_title is not None and judicial_title != trajectory.judicial_title:
        _event(
            trajectory,
            EventKind.JUDICIAL_TITLE,
            actor=actor,
            from_value=str(JudicialTitle(trajectory.judicial_title).label),
            to_value=str(JudicialTitle(judicial_title).label),
        )
        trajectory.judicial_title = judicial_title
    lead_kind = case_lead_kind(
        phase=to_phase,
        judicial_title=trajectory.judicial_title,
        probation_involved=trajectory.involvements.filter(
            kind=InvolvementKind.PROBATION, active=True
        ).exists(),
    )
    new_lead = _lead_organisation(trajectory, lead_kind)
    old_lead = trajectory.case_lead
    trajectory.case_lead = new_lead
    trajectory.version += 1
    trajectory.save()
    if to_phase == Phase.CLOSED:
        # The work lists' index holds the involvements of open trajectories only.
        Involvement.objects.filter(trajectory=trajectory).update(trajectory_open=False)
    _event(
        trajectory,
        EventKind.PHASE,
        actor=actor,
        from_value=str(Phase(old_phase).label),
        to_value=str(Phase(to_phase).label),
        reason=reason,
    )
    if old_lead.pk != new_lead.pk:
        _event(
            trajectory,
            EventKind.CASE_LEAD,
            actor=actor,
            from_value=old_lead.name,
            to_value=new_lead.name,
        )
    _log_write(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        categories=[Category.DETENTION],
        purpose="fase wijzigen",
        channel=channel,
        detail=f"{old_phase} naar {to_phase}",
    )
    return trajectory


def _lead_organisation(trajectory: Trajectory, lead_kind: str) -> Organisation:
    if lead_kind == "inrichting":
        return trajectory.prison
    if lead_kind == "reclassering":
        involvement = trajectory.involvements.select_related("organisation").get(
            kind=InvolvementKind.PROBATION, active=True
        )
        return involvement.organisation
    return trajectory.process_lead


@transaction.atomic
def trajectory_transition(
    *,
    actor: User,
    trajectory: Trajectory,
    to_phase: str,
    reason: str = "",
    channel: str = Channel.WEB,
    expected_version: int | None = None,
) -> Trajectory:
    """Move the trajectory to another phase along the allowed transitions, with history.

    Release and closing have rules of their own and are refused here (phases.OWN_SERVICE_PHASES):
    a release needs a release date and a judicial title (`trajectory_release`); closing is for
    the organisation with casusregie, with a reason (`handover.services.trajectory_close`).
    """
    if to_phase == Phase.AFTER_RELEASE:
        raise ServiceError(
            _(
                "Een vrijlating legt u vast met 'Vrijlating vastleggen'. Daar vult u de datum "
                "van vrijlating en de justitiële titel in."
            ),
            field="fase",
            code="use_release",
        )
    if to_phase == Phase.CLOSED:
        raise ServiceError(
            _(
                "Een traject sluit u af met 'Traject afsluiten'. Dat doet de organisatie met de "
                "casusregie, met een reden."
            ),
            field="fase",
            code="use_close",
        )
    return _transition(
        trajectory,
        actor=actor,
        to_phase=to_phase,
        reason=reason,
        channel=channel,
        expected_version=expected_version,
    )


@transaction.atomic
def trajectory_close_phase(
    *,
    actor: User,
    trajectory: Trajectory,
    reason_label: str,
    channel: str = Channel.WEB,
    expected_version: int | None = None,
) -> Trajectory:
    """Set the phase to `afgesloten`: the phase part of `handover.services.trajectory_close`.

    Call `trajectory_close`, not this: it checks the closing reason and writes the `Closure`.
    This part checks what the trajectory knows itself: only the organisation that holds
    casusregie closes, and only along the allowed transitions. `reason_label` is the label of
    the closing reason; it goes into the history, which every partner reads, so it is never
    free text.
    """
    locked = _lock(trajectory, expected_version)
    if locked.phase == Phase.CLOSED:
        raise ServiceError(_("Dit traject is al afgesloten."), field="fase", code="already_closed")
    if actor.organisation_id != locked.case_lead_id:
        raise ServiceError(
            _(
                "Alleen %(lead)s kan dit traject afsluiten: die organisatie heeft nu de "
                "casusregie. Vraag hen het traject af te sluiten."
            )
            % {"lead": locked.case_lead.name},
            field="casusregie",
            code="not_case_lead",
        )
    return _transition(
        locked, actor=actor, to_phase=Phase.CLOSED, reason=reason_label, channel=channel
    )


# --- Release ----------------------------------------------------------------------------------


def _release(
    trajectory: Trajectory,
    *,
    actor: User | None,
    end_date: dt.date,
    judicial_title: str | None,
    reason: str,
    source: str,
    channel: str,
    expected_version: int | None = None,
) -> Trajectory:
    """The one release path: end date, phase `na-detentie`, casusregie by rule, history, and
    `trajectory_released` inside the transaction (handover records the outcomes)."""
    trajectory = _lock(trajectory, expected_version)
    if trajectory.phase in (Phase.AFTER_RELEASE, Phase.CLOSED):
        raise ServiceError(
            _("Dit traject is al vrijgelaten. Vernieuw de pagina om de stand te zien."),
            field="fase",
            code="already_released",
        )
    if end_date < trajectory.start_date:
        raise ServiceError(
            _("De datum van vrijlating ligt voor de start van de detentie (%(start)s).")
            % {"start": _fmt(trajectory.start_date)},
            field="datum",
            code="before_start",
        )
    trajectory.end_date = end_date
    trajectory.save(update_fields=["end_date", "updated_at"])
    _event(trajectory, EventKind.RELEASE, actor=actor, to_value=_fmt(end_date), reason=reason)
    trajectory = _transition(
        trajectory,
        actor=actor,
        to_phase=Phase.AFTER_RELEASE,
        reason=reason,
        channel=channel,
        judicial_title=judicial_title,
    )
    trajectory_released.send(
        sender=Trajectory, trajectory=trajectory, actor=actor, source=source, channel=channel
    )
    return trajectory


@transaction.atomic
def trajectory_release(
    *,
    actor: User,
    trajectory: Trajectory,
    end_date: dt.date,
    judicial_title: str | None,
    expected_version: int | None = None,
    reason: str = "",
    channel: str = Channel.WEB,
) -> Trajectory:
    """Release by hand, when no `einde` notification comes (issue 4, item 5).

    The release date is today or in the past: a future date is an expected release, not a
    release. The judicial title after release is required while it is still `onbekend`,
    because it decides who holds casusregie next (phases.case_lead_kind): probation for
    conditional release or a conditional sentence when probation is involved, otherwise the
    municipality (or its safety house). Casusregie is never empty.
    """
    if end_date > timezone.localdate():
        raise ServiceError(
            _(
                "De datum van vrijlating kan niet in de toekomst liggen. Is de persoon nog niet "
                "vrij? Dan is dit de verwachte einddatum; die komt met de detentiemelding."
            ),
            field="datum",
            code="future",
        )
    if judicial_title is not None and judicial_title not in JudicialTitle.values:
        raise ServiceError(
            _("Kies of er na de vrijlating een justitiële titel volgt."),
            field="justitieleTitel",
            code="invalid",
        )
    title = judicial_title or trajectory.judicial_title
    if title == JudicialTitle.UNKNOWN:
        raise ServiceError(
            _(
                "Kies of er na de vrijlating een justitiële titel volgt. Die bepaalt wie de "
                "casusregie krijgt: de reclassering of de gemeente."
            ),
            field="justitieleTitel",
            code="required",
        )
    return _release(
        trajectory,
        actor=actor,
        end_date=end_date,
        judicial_title=judicial_title or None,
        reason=reason.strip() or "Vrijlating met de hand vastgelegd",
        source=RELEASE_BY_HAND,
        channel=channel,
        expected_version=expected_version,
    )
