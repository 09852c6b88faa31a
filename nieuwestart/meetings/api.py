"""The meetings API: `/api/v1/trajecten/{id}/overleggen` and below.

- `GET .../overleggen`: the trajectory's meetings, newest first, paginated.
- `POST .../overleggen`: plan a meeting. Without `agenda` the proposal is used (open plan tasks
  and deadlines that are late or due within six weeks, then "Rondvraag").
- `GET .../overleggen/agendavoorstel`: that proposal, as the reader may see it.
- `GET .../overleggen/{overleg_id}`: one meeting, with `ETag: "<overleg-id>-o<versie>"`.
- `POST .../overleggen/{overleg_id}/verslag`: record attendance, minutes and decisions, once.
- `POST .../overleggen/{overleg_id}/afgelasten`: cancel a planned meeting.

Writes need the version they are based on: `If-Match` with the ETag or `versie` in the body
(428 without; 412 when stale). Errors are problem+json with `invalidParams`. Access goes
through the chokepoint: not involved 404, involved without `overleg-plannen` 403.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.meetings import selectors
from nieuwestart.meetings.agenda import ProposedItem
from nieuwestart.meetings.models import (
    AgendaSource,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ParticipantKind,
)
from nieuwestart.meetings.services import (
    PURPOSE,
    AgendaInput,
    DecisionInput,
    MeetingConflict,
    ParticipantInput,
    meeting_cancel,
    meeting_plan,
    meeting_record,
)
from nieuwestart.meetings.views import agenda_inputs, proposal
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.models import PlanDomain
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CATEGORIES = [Category.CONTACTS, Category.PLAN]
VERSION = VersionRule(
    etag=re.compile(r'"(?P<uuid>[0-9a-f-]{36})-o(?P<version>\d+)"'),
    foreign=gettext_lazy(
        "Deze ETag hoort niet bij dit overleg. Haal het overleg opnieuw op met GET en stuur de "
        "ETag die u daarbij krijgt."
    ),
    missing=gettext_lazy(
        "Stuur mee op welke versie van het overleg uw wijziging is gebaseerd: de ETag in de "
        "header If-Match, of 'versie' in de inhoud."
    ),
    missing_title=gettext_lazy("Versie van het overleg ontbreekt."),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='De ETag van GET .../overleggen/{overleg_id}, zoals "<overleg-id>-o1". Of '
    "stuur `versie` mee.",
)
TAGS = ["overleggen"]
# Dutch messages for a date and time that cannot be read or cannot be converted.
DATETIME_ERRORS: dict[str, StrOrPromise] = {
    "invalid": gettext_lazy("Vul een datum en tijd in als 2026-11-19T10:00:00+01:00."),
    "date": gettext_lazy("Vul een datum met een tijd in, als 2026-11-19T10:00:00+01:00."),
    "make_aware": gettext_lazy("Deze tijd bestaat niet in de Nederlandse tijdzone."),
    "overflow": gettext_lazy(
        "Deze datum kan niet. Vul een datum in als 2026-11-19T10:00:00+01:00."
    ),
    "required": gettext_lazy("Vul de datum en de tijd in."),
    "null": gettext_lazy("Vul de datum en de tijd in."),
}


# --- Serializers ------------------------------------------------------------------------------


class OverlegDeelnemerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=ParticipantKind.choices)
    naam = serializers.CharField()
    organisatie = serializers.CharField(allow_blank=True)
    gebruiker = serializers.UUIDField(allow_null=True)
    aanwezigheid = serializers.ChoiceField(choices=Attendance.choices)


class OverlegAgendapuntSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    nummer = serializers.IntegerField()
    onderwerp = serializers.CharField()
    bron = serializers.ChoiceField(choices=AgendaSource.choices)
    bronId = serializers.CharField(
        allow_blank=True, help_text="De id van de taak of de code van de termijn."
    )
    domein = serializers.CharField()
    verborgen = serializers.BooleanField(
        help_text="Zorgtaak van een andere organisatie: de gemeente ziet alleen dat zorg doorloopt."
    )
    verslag = serializers.CharField(
        allow_null=True, help_text="null als u het verslag van dit punt niet mag zien."
    )
    verslagVerborgen = serializers.BooleanField(
        help_text="Verslag over zorg dat alleen wie zorginhoud mag zien kan lezen (de "
        "reclassering, of de organisatie die het schreef). `verslag` is dan null."
    )


class OverlegBesluitSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tekst = serializers.CharField()
    verborgen = serializers.BooleanField()
    domein = serializers.ChoiceField(choices=PlanDomain.choices)
    organisatie = serializers.CharField(allow_blank=True)
    uitvoerder = serializers.UUIDField(allow_null=True)
    doetPersoonZelf = serializers.BooleanField()
    wie = serializers.CharField()
    uiterlijk = serializers.DateField(allow_null=True)
    taak = serializers.UUIDField(allow_null=True, help_text="De taak in het D&R-plan.")
    agendapunt = serializers.UUIDField(allow_null=True)


class OverlegSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=MeetingKind.choices)
    aanvang = serializers.DateTimeField()
    locatie = serializers.CharField(allow_blank=True)
    onlineLink = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    versie = serializers.IntegerField()
    geplandDoor = serializers.CharField()
    verslagDoor = serializers.CharField(allow_blank=True)
    verslagOp = serializers.DateTimeField(allow_null=True)
    redenAfgelast = serializers.CharField(allow_blank=True)
    deelnemers = OverlegDeelnemerSerializer(many=True)
    agenda = OverlegAgendapuntSerializer(many=True)
    besluiten = OverlegBesluitSerializer(many=True)


class OverlegSamenvattingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=MeetingKind.choices)
    aanvang = serializers.DateTimeField()
    locatie = serializers.CharField(allow_blank=True)
    onlineLink = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    aantalDeelnemers = serializers.IntegerField()


class OverleggenPaginaSerializer(serializers.Serializer):
    """Eén pagina overleggen: count, next, previous en results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OverlegSamenvattingSerializer(many=True)


class AgendavoorstelSerializer(serializers.Serializer):
    bron = serializers.ChoiceField(choices=AgendaSource.choices)
    bronId = serializers.CharField(allow_blank=True)
    onderwerp = serializers.CharField()
    domein = serializers.CharField()
    verborgen = serializers.BooleanField()


class DeelnemerInvoerSerializer(serializers.Serializer):
    soort = serializers.ChoiceField(choices=ParticipantKind.choices)
    gebruiker = serializers.UUIDField(
        required=False, help_text="Bij soort professional: de id van de gebruiker."
    )
    naam = serializers.CharField(required=False, allow_blank=True, max_length=200)
    organisatie = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AgendapuntInvoerSerializer(serializers.Serializer):
    bron = serializers.ChoiceField(choices=AgendaSource.choices, default=AgendaSource.FREE)
    bronId = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Bij bron taak of termijn: de id van de taak of de code van de termijn uit "
        "GET .../overleggen/agendavoorstel.",
    )
    onderwerp = serializers.CharField(required=False, allow_blank=True, max_length=500)


class OverlegInvoerSerializer(serializers.Serializer):
    soort = serializers.ChoiceField(choices=MeetingKind.choices)
    aanvang = serializers.DateTimeField(
        error_messages=DATETIME_ERRORS,
        help_text="Op of na de startdatum van het traject en hoogstens twee jaar vooruit.",
    )
    locatie = serializers.CharField(required=False, allow_blank=True, max_length=200)
    onlineLink = serializers.CharField(required=False, allow_blank=True, max_length=500)
    deelnemers = DeelnemerInvoerSerializer(many=True)
    agenda = AgendapuntInvoerSerializer(
        many=True, required=False, help_text="Zonder agenda: het agendavoorstel."
    )


class AanwezigheidInvoerSerializer(serializers.Serializer):
    deelnemer = serializers.UUIDField()
    aanwezigheid = serializers.ChoiceField(choices=Attendance.choices)


class VerslagpuntInvoerSerializer(serializers.Serializer):
    agendapunt = serializers.UUIDField()
    tekst = serializers.CharField(allow_blank=True, max_length=10_000)


class BesluitInvoerSerializer(serializers.Serializer):
    tekst = serializers.CharField(max_length=500)
    domein = serializers.ChoiceField(choices=PlanDomain.choices, default=PlanDomain.GENERAL)
    organisatie = serializers.CharField(required=False, allow_blank=True)
    uitvoerder = serializers.UUIDField(required=False, allow_null=True)
    doetPersoonZelf = serializers.BooleanField(default=False)
    uiterlijk = serializers.DateField(required=False, allow_null=True)
    agendapunt = serializers.UUIDField(required=False, allow_null=True)


class VerslagInvoerSerializer(serializers.Serializer):
    versie = serializers.IntegerField(required=False, min_value=0)
    gehoudenOp = serializers.DateTimeField(
        required=False,
        error_messages=DATETIME_ERRORS,
        help_text="Als het overleg op een ander tijdstip was dan gepland. Op of na de "
        "startdatum van het traject en niet in de toekomst.",
    )
    aanwezigheid = AanwezigheidInvoerSerializer(many=True, required=False)
    verslag = VerslagpuntInvoerSerializer(many=True, required=False)
    besluiten = BesluitInvoerSerializer(many=True, required=False)


class AfgelastenInvoerSerializer(serializers.Serializer):
    versie = serializers.IntegerField(required=False, min_value=0)
    reden = serializers.CharField(max_length=500)


# --- Representation ---------------------------------------------------------------------------


def meeting_representation(view: selectors.MeetingView) -> dict[str, Any]:
    return {
        "id": str(view.uuid),
        "soort": view.kind,
        "aanvang": view.starts_at.isoformat(),
        "locatie": view.location,
        "onlineLink": view.online_link,
        "status": view.status,
        "versie": view.version,
        "geplandDoor": view.created_by,
        "verslagDoor": view.recorded_by,
        "verslagOp": view.recorded_at.isoformat() if view.recorded_at else None,
        "redenAfgelast": view.cancel_reason,
        "deelnemers": [
            {
                "id": str(p.uuid),
                "soort": p.kind,
                "naam": p.name,
                "organisatie": p.organisation_name,
                "gebruiker": str(p.user_uuid) if p.user_uuid else None,
                "aanwezigheid": p.attendance,
            }
            for p in view.participants
        ],
        "agenda": [
            {
                "id": str(i.uuid),
                "nummer": i.number,
                "onderwerp": i.title,
                "bron": i.source,
                "bronId": i.source_ref,
                "domein": i.domain,
                "verborgen": i.hidden,
                "verslag": i.minutes,
                "verslagVerborgen": i.minutes_hidden,
            }
            for i in view.agenda
        ],
        "besluiten": [
            {
                "id": str(d.uuid),
                "tekst": d.text,
                "verborgen": d.hidden,
                "domein": d.domain,
                "organisatie": d.organisation_code,
                "uitvoerder": str(d.assignee_uuid) if d.assignee_uuid else None,
                "doetPersoonZelf": d.for_detainee,
                "wie": d.who,
                "uiterlijk": d.due_date.isoformat() if d.due_date else None,
                "taak": str(d.plan_task_uuid) if d.plan_task_uuid else None,
                "agendapunt": str(d.agenda_item_uuid) if d.agenda_item_uuid else None,
            }
            for d in view.decisions
        ],
    }


def _proposal_representation(item: ProposedItem, user: User) -> dict[str, Any]:
    label = selectors.proposal_label(item, user)
    hidden = label != item.title
    return {
        "bron": item.source,
        "bronId": "" if hidden else item.source_ref,
        "onderwerp": label,
        "domein": item.domain,
        "verborgen": hidden,
    }


# --- HTTP helpers -----------------------------------------------------------------------------


def etag(meeting: Meeting | selectors.MeetingView) -> str:
    return f'"{meeting.uuid}-o{meeting.version}"'


def _access(request: Request, traject_id: str, action: Action | None = None) -> Trajectory:
    return access_trajectory(
        signed_in_user(request),
        traject_id,
        purpose=PURPOSE,
        channel=Channel.API,
        action=action,
        categories=CATEGORIES,
        log_read=action is None,
    )


def _meeting(trajectory: Trajectory, overleg_id: str) -> Meeting:
    meeting = selectors.get_meeting(trajectory, overleg_id)
    if meeting is None:
        raise NotFound(_("Dit overleg bestaat niet bij dit traject."))
    return meeting


def _problem(code: int, detail: str, title: str | None = None) -> Response:
    return Response(
        problem(code, detail, title=title), status=code, content_type=PROBLEM_CONTENT_TYPE
    )


def _validate(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError({"body": [_("Stuur een JSON-object.")]})
    serializer = serializer_class(data=data)
    errors: dict[str, Any] = {}
    if not serializer.is_valid():
        errors.update(serializer.errors)
    for name in sorted(set(data) - set(serializer.fields)):
        errors[name] = [_("Dit veld bestaat hier niet.")]
    if errors:
        raise ValidationError(errors)
    return dict(serializer.validated_data)


def _service_error(exc: ServiceError) -> Exception:
    return ValidationError({exc.field or "body": [exc.message]})


def _meeting_response(meeting: Meeting, user: User, code: int = 200) -> Response:
    view = selectors.meeting_view(meeting, user)
    response = Response(meeting_representation(view), status=code)
    response["ETag"] = etag(view)
    return response


def _participants(rows: list[dict[str, Any]]) -> list[ParticipantInput]:
    errors: dict[str, list[str]] = {}
    result = []
    users = {
        u.uuid: u
        for u in User.objects.filter(
            uuid__in=[r["gebruiker"] for r in rows if r.get("gebruiker")]
        ).select_related("organisation")
    }
    for index, row in enumerate(rows):
        user = None
        if row["soort"] == ParticipantKind.PROFESSIONAL:
            user = users.get(row.get("gebruiker"))  # type: ignore[arg-type]
            if user is None:
                errors[f"deelnemers.{index}.gebruiker"] = [_("Deze persoon kennen we niet.")]
        result.append(
            ParticipantInput(
                kind=row["soort"],
                user=user,
                name=row.get("naam", ""),
                organisation_name=row.get("organisatie", ""),
            )
        )
    if errors:
        raise ValidationError(errors)
    return result


def _agenda(trajectory: Trajectory, rows: list[dict[str, Any]] | None) -> list[AgendaInput]:
    items = proposal(trajectory)
    if rows is None:
        return agenda_inputs(items, [])
    by_key = {i.key: i for i in items}
    tasks = {i.source_ref: i for i in items if i.source == AgendaSource.TASK}
    errors: dict[str, list[str]] = {}
    result = []
    for index, row in enumerate(rows):
        source = row.get("bron", AgendaSource.FREE)
        ref = str(row.get("bronId") or "")
        if source == AgendaSource.FREE:
            result.append(AgendaInput(title=row.get("onderwerp", "")))
            continue
        found = tasks.get(ref) if source == AgendaSource.TASK else by_key.get(f"{source}:{ref}")
        if found is None:
            errors[f"agenda.{index}.bronId"] = [
                _(
                    "Dit staat niet (meer) in het agendavoorstel: een open taak of een termijn "
                    "die eraan komt."
                )
            ]
            continue
        result.append(
            AgendaInput(
                title=row.get("onderwerp") or found.title,
                source=found.source,
                source_ref=found.source_ref,
                domain=found.domain,
                organisation_id=found.organisation_id,
            )
        )
    if errors:
        raise ValidationError(errors)
    return result


def _decisions(rows: list[dict[str, Any]]) -> list[DecisionInput]:
    errors: dict[str, list[str]] = {}
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=[r["organisatie"] for r in rows if r.get("organisatie")]
        )
    }
    users = {
        u.uuid: u
        for u in User.objects.filter(
            uuid__in=[r["uitvoerder"] for r in rows if r.get("uitvoerder")]
        ).select_related("organisation")
    }
    result = []
    for index, row in enumerate(rows):
        organisation = None
        if row.get("organisatie"):
            organisation = organisations.get(row["organisatie"])
            if organisation is None:
                errors[f"besluiten.{index}.organisatie"] = [
                    _("Er is geen organisatie met code '%(code)s'.")
                    % {"code": str(row["organisatie"])[:40]}
                ]
        assignee = None
        if row.get("uitvoerder"):
            assignee = users.get(row["uitvoerder"])
            if assignee is None:
                errors[f"besluiten.{index}.uitvoerder"] = [_("Deze persoon kennen we niet.")]
        result.append(
            DecisionInput(
                text=row["tekst"],
                domain=row.get("domein", PlanDomain.GENERAL),
                organisation=organisation,
                assignee=assignee,
                for_detainee=row.get("doetPersoonZelf", False),
                due_date=row.get("uiterlijk"),
                agenda_item=row.get("agendapunt"),
            )
        )
    if errors:
        raise ValidationError(errors)
    return result


def _api_field(field: str, minutes: list[dict[str, Any]]) -> str:
    """A service's field name as the API names it: the minutes of an agenda item
    (`verslag.<agendapunt-id>`) become `verslag.<index>.tekst`, the place in the request."""
    parts = field.split(".")
    if parts[0] == "verslag" and len(parts) == 2:
        for index, row in enumerate(minutes):
            if str(row["agendapunt"]) == parts[1]:
                return f"verslag.{index}.tekst"
    return field


# --- Endpoints --------------------------------------------------------------------------------


class OverleggenApiView(APIView):
    @extend_schema(
        operation_id="overleggen_list",
        summary="Overleggen van een traject",
        description="MDO's, trajectoverleggen en de voorbereiding van de vrijlating, nieuwste eerst.",
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={200: OverleggenPaginaSerializer, **problem_responses(400, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _access(request, traject_id)
        items = selectors.meetings_for(trajectory)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(
            [
                {
                    "id": str(m.uuid),
                    "soort": m.kind,
                    "aanvang": m.starts_at.isoformat(),
                    "locatie": m.location,
                    "onlineLink": m.online_link,
                    "status": m.status,
                    "aantalDeelnemers": m.participant_count,
                }
                for m in page
            ]
        )

    @extend_schema(
        operation_id="overleg_create",
        summary="Overleg plannen",
        description=(
            "Deelnemers: professionals van de betrokken organisaties (`gebruiker`), mensen van "
            "andere organisaties (`naam`, `organisatie`) en de gedetineerde. Zonder `agenda` "
            "wordt het agendavoorstel de agenda. `onlineLink` begint met https://."
        ),
        request=OverlegInvoerSerializer,
        parameters=[API_VERSION_HEADER],
        responses={201: OverlegSerializer, **problem_responses(400, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.MEETING_EDIT)
        data = _validate(OverlegInvoerSerializer, request.data)
        participants = _participants(data["deelnemers"])
        agenda = _agenda(trajectory, data.get("agenda"))
        try:
            meeting = meeting_plan(
                actor=user,
                trajectory=trajectory,
                kind=data["soort"],
                starts_at=data["aanvang"],
                location=data.get("locatie", ""),
                online_link=data.get("onlineLink", ""),
                participants=participants,
                agenda=agenda,
                channel=Channel.API,
            )
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _meeting_response(meeting, user, status.HTTP_201_CREATED)


class AgendavoorstelApiView(APIView):
    @extend_schema(
        operation_id="overleg_agendavoorstel",
        summary="Agendavoorstel",
        description=(
            "De open taken van het plan en de termijnen die te laat zijn of binnen zes weken "
            "vallen, met als laatste punt de rondvraag."
        ),
        parameters=[API_VERSION_HEADER],
        responses={200: AgendavoorstelSerializer(many=True), **problem_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id)
        return Response([_proposal_representation(i, user) for i in proposal(trajectory)])


class OverlegApiView(APIView):
    @extend_schema(
        operation_id="overleg_read",
        summary="Eén overleg",
        description=(
            "Met deelnemers en aanwezigheid, agenda, verslag en besluiten. De gemeente ziet een "
            "agendapunt over een zorgtaak van een andere organisatie alleen als 'Vervolg van "
            "zorg na detentie' (`verborgen`). Het verslag van een agendapunt over zorg en de "
            "tekst van een besluit over zorg ziet alleen wie zorginhoud mag zien, of de "
            "organisatie die het schreef (`verslagVerborgen`, besluit `verborgen`)."
        ),
        parameters=[API_VERSION_HEADER],
        responses={200: OverlegSerializer, **problem_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str, overleg_id: str) -> Response:
        trajectory = _access(request, traject_id)
        return _meeting_response(_meeting(trajectory, overleg_id), signed_in_user(request))


class OverlegVerslagApiView(APIView):
    @extend_schema(
        operation_id="overleg_verslag",
        summary="Verslag, aanwezigheid en besluiten vastleggen",
        description=(
            "Eén keer: daarna is het overleg gehouden en verandert het verslag niet meer. Elk "
            "besluit wordt een taak in het D&R-plan (`besluiten[].taak`). Alles wordt samen "
            "opgeslagen of niets."
        ),
        request=VerslagInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: OverlegSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str, overleg_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.MEETING_EDIT)
        meeting = _meeting(trajectory, overleg_id)
        data = _validate(VerslagInvoerSerializer, request.data)
        expected = expected_version(request, data, VERSION, uuid=meeting.uuid)
        decisions = _decisions(data.get("besluiten", []))
        held_at: dt.datetime | None = data.get("gehoudenOp")
        try:
            meeting_record(
                actor=user,
                meeting=meeting,
                expected_version=expected,
                attendance={
                    str(r["deelnemer"]): r["aanwezigheid"] for r in data.get("aanwezigheid", [])
                },
                minutes={str(r["agendapunt"]): r["tekst"] for r in data.get("verslag", [])},
                decisions=decisions,
                held_at=held_at,
                channel=Channel.API,
            )
        except MeetingConflict as exc:
            return _problem(412, exc.message)
        except ServiceError as exc:
            field = _api_field(exc.field, data.get("verslag", []))
            raise ValidationError({field or "body": [exc.message]}) from exc
        return _meeting_response(meeting, user)


class OverlegAfgelastenApiView(APIView):
    @extend_schema(
        operation_id="overleg_afgelasten",
        summary="Overleg afgelasten",
        request=AfgelastenInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: OverlegSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str, overleg_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.MEETING_EDIT)
        meeting = _meeting(trajectory, overleg_id)
        data = _validate(AfgelastenInvoerSerializer, request.data)
        expected = expected_version(request, data, VERSION, uuid=meeting.uuid)
        try:
            meeting_cancel(
                actor=user,
                meeting=meeting,
                expected_version=expected,
                reason=data["reden"],
                channel=Channel.API,
            )
        except MeetingConflict as exc:
            return _problem(412, exc.message)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _meeting_response(meeting, user)
