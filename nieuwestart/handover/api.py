"""Release and handover in the API (issue 4, item 5), with the foundation's conventions.

- `GET /trajecten/{id}/overdracht`: the checklist before release, the outcome per basic
  condition at release, the closing. Sends the trajectory's `ETag` (`"<uuid>-<versie>"`).
- `PUT /trajecten/{id}/overdracht/{basisvoorwaarde}`: confirm or correct one condition before
  release (`Action.HANDOVER_EDIT`, every partner). Based on `lijstVersie` (body) or `If-Match`
  `"<uuid>-h<lijstVersie>"`.
- `POST /trajecten/{id}/vrijlating`: release by hand (`Action.RELEASE`, the PI).
- `POST /trajecten/{id}/afsluiting`: close (`Action.CLOSE`; only the organisation with
  casusregie, others get 403 with the reason in Dutch).

Concurrency as in the screening: a write names the version it is based on, as `If-Match` (a
stale one: 412) or as `versie` in the body (a stale one: 409); without either: 428. Invalid
input: 400 with every invalid field in `invalidParams`. A release of a released trajectory or
a close before release: 409. Reads are logged by the chokepoint; writes by the services.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.handover import selectors
from nieuwestart.handover.models import ClosingReason, ConditionState, OutcomeSource
from nieuwestart.handover.services import NotCaseLead, handover_check_record, trajectory_close
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.trajectories.models import JudicialTitle, Phase, Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError, trajectory_release

PURPOSE = "overdracht"
CATEGORIES = (Category.IDENTITY, Category.DETENTION, Category.CONDITIONS)
STATE_CONFLICTS = frozenset({"already_released", "not_released", "already_closed", "released"})


# Choice sets are documented in the field's text, not as schema enums: enum component names
# are global and these short names (stand, bron, reden) collide with other apps' enums.
def _one_of(values: list[str], text: str) -> str:
    return f"{text}. Een van: " + ", ".join(f"`{v}`" for v in values) + "."


def _choice(value: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise serializers.ValidationError(
            _("Kies een van: %(choices)s.") % {"choices": ", ".join(allowed)},
            code="invalid_choice",
        )
    return value


TITLES = [c for c in JudicialTitle.values if c != JudicialTitle.UNKNOWN]
CONDITIONS_HELP = _one_of(list(SCHEMA), "Code van de basisvoorwaarde")
STATES_HELP = _one_of(ConditionState.values, "Stand")
REASONS_HELP = _one_of(ClosingReason.values, "Reden")


# --- Serializers (component names are global: every one starts with Overdracht/Vrijlating/
# Afsluiting) -------------------------------------------------------------------------------


class OverdrachtTermijnSerializer(serializers.Serializer):
    soort = serializers.CharField(source="code")
    omschrijving = serializers.CharField(source="label")
    uiterlijk = serializers.DateField(source="due")
    status = serializers.CharField()


class OverdrachtBasisvoorwaardeSerializer(serializers.Serializer):
    basisvoorwaarde = serializers.CharField(source="code", help_text=CONDITIONS_HELP)
    naam = serializers.CharField(source="label")
    stand = serializers.CharField(source="state", help_text=STATES_HELP)
    standOmschrijving = serializers.CharField(source="state_label")
    uitleg = serializers.CharField(source="explanation")
    toelichting = serializers.CharField(
        source="note", help_text="De toelichting van de partner die de stand bevestigde."
    )
    toelichtingVerborgen = serializers.BooleanField(
        source="note_hidden",
        help_text="Er is een toelichting over zorg die uw organisatie niet ziet.",
    )
    geregeldDoor = serializers.CharField(source="arranged_by")
    wiePaktHetOp = serializers.CharField(source="acting_partner_label")
    hulpvraag = serializers.CharField(source="help_question")
    bevestigd = serializers.BooleanField(source="confirmed")
    bevestigdOp = serializers.DateTimeField(source="confirmed_at", allow_null=True)
    gaatInOp = serializers.DateField(source="in_place_on", allow_null=True)
    screeningDaarnaGewijzigd = serializers.BooleanField(source="screening_changed_since")
    termijn = OverdrachtTermijnSerializer(source="deadline", allow_null=True)


class OverdrachtUitkomstSerializer(serializers.Serializer):
    basisvoorwaarde = serializers.CharField(source="code", help_text=CONDITIONS_HELP)
    naam = serializers.CharField(source="label")
    uitkomst = serializers.CharField(source="outcome", help_text=STATES_HELP)
    toelichting = serializers.CharField(source="note")
    toelichtingVerborgen = serializers.BooleanField(source="note_hidden")
    bevestigd = serializers.BooleanField(source="confirmed")
    gaatInOp = serializers.DateField(source="in_place_on", allow_null=True)
    vrijgelatenOp = serializers.DateField(source="released_on")
    bron = serializers.CharField(
        source="source", help_text=_one_of(OutcomeSource.values, "Hoe de vrijlating binnenkwam")
    )
    vastgelegdOp = serializers.DateTimeField(source="recorded_at")
    vastgelegdDoor = serializers.CharField(source="recorded_by")


class AfsluitingSerializer(serializers.Serializer):
    reden = serializers.CharField(help_text=REASONS_HELP)
    toelichting = serializers.CharField(
        help_text="Alleen voor de organisatie die het traject afsloot; anders leeg."
    )
    toelichtingVerborgen = serializers.BooleanField(
        help_text="Er is een toelichting die alleen de organisatie die afsloot ziet."
    )
    op = serializers.DateTimeField()
    door = serializers.CharField()
    organisatie = serializers.CharField()


class OverdrachtSerializer(serializers.Serializer):
    fase = serializers.ChoiceField(choices=Phase.choices)
    verwachteEinddatum = serializers.DateField(allow_null=True)
    einddatum = serializers.DateField(allow_null=True)
    justitieleTitel = serializers.CharField(
        help_text=_one_of(JudicialTitle.values, "Justitiële titel na vrijlating")
    )
    casusregie = serializers.CharField(help_text="Code van de organisatie met de casusregie.")
    vrijgelaten = serializers.BooleanField()
    vrijlatingDichtbij = serializers.BooleanField()
    versie = serializers.IntegerField(help_text="Versie van het traject (vrijlating, afsluiting).")
    lijstVersie = serializers.IntegerField(help_text="Versie van de overdrachtslijst.")
    basisvoorwaarden = OverdrachtBasisvoorwaardeSerializer(many=True)
    uitkomsten = OverdrachtUitkomstSerializer(many=True)
    afsluiting = AfsluitingSerializer(allow_null=True)


class OverdrachtControleInvoerSerializer(serializers.Serializer):
    stand = serializers.CharField(help_text=STATES_HELP)
    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    gaatInOp = serializers.DateField(required=False, allow_null=True)
    lijstVersie = serializers.IntegerField(
        required=False, min_value=0, help_text="Of If-Match met de ETag van deze lijst."
    )

    def validate_stand(self, value: str) -> str:
        return _choice(value, ConditionState.values)


class VrijlatingInvoerSerializer(serializers.Serializer):
    datum = serializers.DateField(help_text="De dag van vrijlating: vandaag of eerder.")
    justitieleTitel = serializers.CharField(
        required=False,
        help_text=_one_of(TITLES, "Verplicht als de titel nog 'onbekend' is"),
    )

    def validate_justitieleTitel(self, value: str) -> str:
        return _choice(value, TITLES)

    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    versie = serializers.IntegerField(required=False, min_value=0)


class AfsluitingInvoerSerializer(serializers.Serializer):
    reden = serializers.CharField(help_text=REASONS_HELP)

    def validate_reden(self, value: str) -> str:
        return _choice(value, ClosingReason.values)

    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    versie = serializers.IntegerField(required=False, min_value=0)


# --- Representation -----------------------------------------------------------------------


def handover_representation(trajectory: Trajectory, user: User) -> dict[str, Any]:
    view = selectors.handover_view(trajectory, user)
    closure = view.closure
    data = {
        "fase": trajectory.phase,
        "verwachteEinddatum": trajectory.expected_end_date,
        "einddatum": trajectory.end_date,
        "justitieleTitel": trajectory.judicial_title,
        "casusregie": trajectory.case_lead.code,
        "vrijgelaten": view.released,
        "vrijlatingDichtbij": view.release_near,
        "versie": trajectory.version,
        "lijstVersie": view.version,
        "basisvoorwaarden": view.items,
        "uitkomsten": view.outcomes,
        "afsluiting": {
            "reden": closure.reason,
            "toelichting": view.closure_note,
            "toelichtingVerborgen": view.closure_note_hidden,
            "op": closure.closed_at,
            "door": closure.closed_by.display_name if closure.closed_by else "",
            "organisatie": closure.closed_by_organisation.code
            if closure.closed_by_organisation
            else "",
        }
        if closure
        else None,
    }
    return dict(OverdrachtSerializer(data).data)


# --- HTTP helpers ---------------------------------------------------------------------------


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


def trajectory_etag(trajectory: Trajectory) -> str:
    return f'"{trajectory.uuid}-{trajectory.version}"'


def _problem(code: int, detail: str, **kwargs: Any) -> Response:
    return Response(problem(code, detail, **kwargs), status=code, content_type=PROBLEM_CONTENT_TYPE)


def _whole_number(field: str, value: Any) -> int | None:
    """The body's version, read before the serializer runs; None (or null): not given."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValidationError({field: [_("Vul een heel getal in.")]})
    return None if value is None else int(value)


def _version_rule(etag: re.Pattern[str], field: str) -> VersionRule:
    return VersionRule(
        etag=etag,
        foreign=gettext_lazy(
            "Deze ETag hoort hier niet bij. Haal de overdracht opnieuw op met GET en stuur de "
            "ETag die u daarbij krijgt."
        ),
        stale=gettext_lazy(
            "Er is intussen iets gewijzigd. Haal de overdracht opnieuw op en probeer het nog eens."
        ),
        missing=gettext_lazy(
            "Stuur mee op welke versie uw wijziging is gebaseerd: '%(field)s' in de inhoud, of "
            "de ETag in de header If-Match. Zo overschrijft u nooit het werk van een ander."
        ),
        missing_title=gettext_lazy("Versie ontbreekt."),
        field=field,
        body_version=_whole_number,
    )


# The list's version (a check before release) and the trajectory's (release, closing).
LIST_VERSION = _version_rule(
    re.compile(r'"(?P<uuid>[0-9a-f-]{36})-h(?P<version>\d+)"'), "lijstVersie"
)
TRAJECTORY_VERSION = _version_rule(
    re.compile(r'"(?P<uuid>[0-9a-f-]{36})-(?P<version>\d+)"'), "versie"
)


def _validate(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = request.data
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


def _service_error(exc: ServiceError) -> Response:
    if isinstance(exc, Conflict):
        return _problem(409, exc.message)
    if isinstance(exc, NotCaseLead):
        raise PermissionDenied(exc.message)
    if exc.code in STATE_CONFLICTS:
        return _problem(409, exc.message)
    raise ValidationError({exc.field or "body": [ErrorDetail(exc.message, code=exc.code)]})


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="De ETag van GET .../overdracht. Of stuur de versie in de inhoud mee.",
)


# --- Views ----------------------------------------------------------------------------------


class OverdrachtView(APIView):
    @extend_schema(
        operation_id="overdracht_read",
        summary="Overdracht en uitkomst bij vrijlating",
        description=(
            "Per basisvoorwaarde de stand bij vrijlating (in-orde, geregeld, niet-in-orde) met "
            "uitleg, wie het regelde en de termijn; na de vrijlating de vastgelegde uitkomst."
        ),
        parameters=[API_VERSION_HEADER],
        responses={200: OverdrachtSerializer, **problem_responses(404)},
        tags=["overdracht"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _access(request, traject_id)
        response = Response(handover_representation(trajectory, signed_in_user(request)))
        response["ETag"] = trajectory_etag(trajectory)
        return response


class OverdrachtBasisvoorwaardeView(APIView):
    @extend_schema(
        operation_id="overdracht_basisvoorwaarde_update",
        summary="Stand van een basisvoorwaarde bevestigen of aanpassen",
        description=(
            "Voor de vrijlating. Een toelichting is nodig, behalve bij 'in-orde'. 'gaatInOp' "
            "hoort alleen bij 'geregeld'."
        ),
        request=OverdrachtControleInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: OverdrachtBasisvoorwaardeSerializer,
            **problem_responses(400, 403, 404, 409, 412, 428),
        },
        tags=["overdracht"],
    )
    def put(self, request: Request, traject_id: str, basisvoorwaarde: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.HANDOVER_EDIT)
        if basisvoorwaarde not in SCHEMA:
            return _problem(404, _("Deze basisvoorwaarde bestaat niet."))
        current, _checks = selectors.latest_checks(trajectory)
        body = request.data if isinstance(request.data, dict) else {}
        version = expected_version(
            request, body, LIST_VERSION, uuid=trajectory.uuid, current=current
        )
        data = _validate(OverdrachtControleInvoerSerializer, request)
        try:
            handover_check_record(
                actor=user,
                trajectory=trajectory,
                condition=basisvoorwaarde,
                state=data["stand"],
                note=data.get("toelichting", ""),
                in_place_on=data.get("gaatInOp"),
                expected_version=version,
                channel=Channel.API,
            )
        except ServiceError as exc:
            return _service_error(exc)
        item = next(i for i in selectors.checklist(trajectory, user) if i.code == basisvoorwaarde)
        response = Response(OverdrachtBasisvoorwaardeSerializer(item).data)
        response["ETag"] = f'"{trajectory.uuid}-h{current + 1}"'
        return response


class VrijlatingView(APIView):
    @extend_schema(
        operation_id="vrijlating_create",
        summary="Vrijlating met de hand vastleggen",
        description=(
            "Als er geen einde-melding van JustID komt. Zet de einddatum, de fase na-detentie "
            "en de casusregie volgens de regel, en legt de uitkomst per basisvoorwaarde vast."
        ),
        request=VrijlatingInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: OverdrachtSerializer,
            **problem_responses(400, 403, 404, 409, 412, 428),
        },
        tags=["overdracht"],
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.RELEASE)
        body = request.data if isinstance(request.data, dict) else {}
        version = expected_version(
            request, body, TRAJECTORY_VERSION, uuid=trajectory.uuid, current=trajectory.version
        )
        data = _validate(VrijlatingInvoerSerializer, request)
        try:
            trajectory = trajectory_release(
                actor=user,
                trajectory=trajectory,
                end_date=data["datum"],
                judicial_title=data.get("justitieleTitel"),
                reason=data.get("toelichting", ""),
                expected_version=version,
                channel=Channel.API,
            )
        except ServiceError as exc:
            return _service_error(exc)
        trajectory = Trajectory.objects.select_related("case_lead").get(pk=trajectory.pk)
        response = Response(handover_representation(trajectory, user))
        response["ETag"] = trajectory_etag(trajectory)
        return response


class AfsluitingView(APIView):
    @extend_schema(
        operation_id="afsluiting_create",
        summary="Traject afsluiten",
        description=(
            "Alleen de organisatie met de casusregie, na de vrijlating (bij overlijden of "
            "overplaatsing ook eerder). Reden 'anders' vraagt een toelichting."
        ),
        request=AfsluitingInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: OverdrachtSerializer,
            **problem_responses(400, 403, 404, 409, 412, 428),
        },
        tags=["overdracht"],
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.CLOSE)
        refusal = selectors.close_refusal(trajectory, user)
        if trajectory.phase == Phase.CLOSED:
            return _problem(409, refusal)
        if refusal:
            raise PermissionDenied(refusal)
        body = request.data if isinstance(request.data, dict) else {}
        version = expected_version(
            request, body, TRAJECTORY_VERSION, uuid=trajectory.uuid, current=trajectory.version
        )
        data = _validate(AfsluitingInvoerSerializer, request)
        try:
            trajectory = trajectory_close(
                actor=user,
                trajectory=trajectory,
                reason=data["reden"],
                note=data.get("toelichting", ""),
                expected_version=version,
                channel=Channel.API,
            )
        except ServiceError as exc:
            return _service_error(exc)
        trajectory = Trajectory.objects.select_related("case_lead").get(pk=trajectory.pk)
        response = Response(handover_representation(trajectory, user))
        response["ETag"] = trajectory_etag(trajectory)
        return response
