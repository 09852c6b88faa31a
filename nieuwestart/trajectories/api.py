"""The trajectory API: detention notifications in, shared trajectories out.

Views only translate HTTP: they ask the access chokepoint for the trajectory, call a service to
change it, and shape the answer. Field names are Dutch (NL API Design Rules); see
docs/glossary.md for the mapping to code names.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action
from nieuwestart.access.trajectories import (
    LIST_CATEGORIES,
    access_trajectory,
    record_list_read,
    visible_trajectories,
)
from nieuwestart.accounts.models import Role, User
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.audit.models import Channel
from nieuwestart.core.serializers import Serializer
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.organisations.models import Organisation, OrganisationKind
from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.models import Phase, Trajectory
from nieuwestart.trajectories.notifications import InvalidNotification, validate_notification
from nieuwestart.trajectories.services import (
    Conflict,
    ServiceError,
    notification_receive,
    trajectory_change_return_municipality,
)

PURPOSE_API = "re-integratietraject uitvoeren"


class OrganisatieKortSerializer(Serializer):
    code = serializers.CharField()
    naam = serializers.CharField(source="name")
    soort = serializers.CharField(source="kind")


class PersoonSerializer(Serializer):
    bsn = serializers.CharField()
    voornamen = serializers.CharField(source="given_names")
    voorvoegsel = serializers.CharField(source="surname_prefix")
    geslachtsnaam = serializers.CharField(source="surname")
    geboortedatum = serializers.DateField(source="birth_date")


class BetrokkeneSerializer(Serializer):
    organisatie = OrganisatieKortSerializer(source="organisation")
    rol = serializers.CharField(source="role")
    rolOmschrijving = serializers.CharField(source="role_label")
    naam = serializers.CharField(source="name")
    telefoon = serializers.CharField(source="phone")
    email = serializers.CharField()


class TrajectContactpuntSerializer(Serializer):
    organisatie = OrganisatieKortSerializer(source="organisation")
    betrokkenAls = serializers.CharField(source="kind")
    telefoon = serializers.CharField(source="organisation.contact_phone")
    email = serializers.CharField(source="organisation.contact_email")
    bereikbaar = serializers.CharField(source="organisation.contact_hours")


class RegieSerializer(Serializer):
    organisatie = OrganisatieKortSerializer(source="organisation")
    persoon = BetrokkeneSerializer(allow_null=True, source="contact")


class TrajectLijstSerializer(Serializer):
    id = serializers.UUIDField(source="uuid")
    persoon = PersoonSerializer(source="person")
    inrichting = serializers.CharField(source="prison.code")
    startdatum = serializers.DateField(source="start_date")
    verwachteEinddatum = serializers.DateField(source="expected_end_date", allow_null=True)
    einddatum = serializers.DateField(source="end_date", allow_null=True)
    fase = serializers.ChoiceField(choices=Phase.choices, source="phase")
    terugkeergemeente = serializers.CharField(source="return_municipality.code")
    casusregie = serializers.CharField(source="case_lead.code")
    procesregie = serializers.CharField(source="process_lead.code")


class TrajectSerializer(Serializer):
    id = serializers.UUIDField(source="uuid")
    persoon = PersoonSerializer(source="person")
    inrichting = serializers.CharField(source="prison.code")
    inrichtingNaam = serializers.CharField(source="prison.name")
    afdeling = serializers.CharField(source="unit")
    startdatum = serializers.DateField(source="start_date")
    verwachteEinddatum = serializers.DateField(source="expected_end_date", allow_null=True)
    einddatum = serializers.DateField(source="end_date", allow_null=True)
    fase = serializers.ChoiceField(choices=Phase.choices, source="phase")
    gemeenteVanInschrijving = serializers.CharField(source="registration_municipality.code")
    terugkeergemeente = serializers.CharField(source="return_municipality.code")
    terugkeergemeenteBevestigd = serializers.BooleanField(source="return_municipality_confirmed")
    casusregie = RegieSerializer(source="case_lead_view")
    procesregie = RegieSerializer(source="process_lead_view")
    betrokkenen = BetrokkeneSerializer(many=True, source="contact_list")
    contactpunten = TrajectContactpuntSerializer(many=True, source="involved")
    versie = serializers.IntegerField(source="version")


class DetentiemeldingPersoonSerializer(Serializer):
    bsn = serializers.CharField(min_length=9, max_length=9)
    voornamen = serializers.CharField()
    voorvoegsel = serializers.CharField(required=False, allow_blank=True)
    geslachtsnaam = serializers.CharField()
    geboortedatum = serializers.DateField()


# The request body of a detention notification, for the OpenAPI document only: validation is
# shared with the file import (validate_notification). A comment, not a docstring, because
# drf-spectacular publishes docstrings as (Dutch) schema descriptions.
class DetentiemeldingSerializer(Serializer):
    meldingId = serializers.CharField(max_length=100)
    soort = serializers.ChoiceField(choices=["aanvang", "wijziging", "einde"])
    persoon = DetentiemeldingPersoonSerializer()
    inrichting = serializers.CharField(help_text="Code van de inrichting, zoals PI-ALMELO.")
    startdatum = serializers.DateField()
    verwachteEinddatum = serializers.DateField(allow_null=True, required=False)
    gemeenteVanInschrijving = serializers.CharField(help_text="CBS-code, zoals GM0363.")
    einddatum = serializers.DateField(required=False, help_text="Verplicht bij soort 'einde'.")


class DetentiemeldingAntwoordSerializer(Serializer):
    traject = TrajectSerializer()


class TrajectWijzigingSerializer(Serializer):
    terugkeergemeente = serializers.CharField(help_text="CBS-code, zoals GM0363.")
    toelichting = serializers.CharField(help_text="Waarom dit de terugkeergemeente is.")


def _regie(
    trajectory: Trajectory, organisation: Organisation, contacts: list[Any]
) -> dict[str, Any]:
    lead_roles: dict[str, str] = {
        OrganisationKind.PRISON: Role.CASEMANAGER,
        OrganisationKind.PROBATION: Role.PROBATION_OFFICER,
        OrganisationKind.MUNICIPALITY: Role.AFTERCARE_COORDINATOR,
        OrganisationKind.SAFETY_HOUSE: Role.AFTERCARE_COORDINATOR,
    }
    role = lead_roles.get(organisation.kind)
    contact = next(
        (c for c in contacts if c.organisation.pk == organisation.pk and c.role == role), None
    )
    return {"organisation": organisation, "contact": contact}


def trajectory_representation(trajectory: Trajectory) -> dict[str, Any]:
    involved = selectors.involved_organisations(trajectory)
    contact_list = [c for org in involved for c in org.contacts]
    trajectory.involved = involved  # type: ignore[attr-defined]
    trajectory.contact_list = contact_list  # type: ignore[attr-defined]
    trajectory.case_lead_view = _regie(trajectory, trajectory.case_lead, contact_list)  # type: ignore[attr-defined]
    trajectory.process_lead_view = _regie(trajectory, trajectory.process_lead, contact_list)  # type: ignore[attr-defined]
    return TrajectSerializer(trajectory).data


def _etag(trajectory: Trajectory) -> str:
    return f'"{trajectory.uuid}-{trajectory.version}"'


# If-Match is optional here; when sent it must be the current ETag (no version in the body).
_CHANGED = "Het traject is intussen gewijzigd. Haal het opnieuw op en probeer het nog eens."
VERSION = VersionRule(
    etag=re.compile(r'"(?P<uuid>[0-9a-f-]{36})-(?P<version>0|[1-9]\d*)"'),
    foreign=_CHANGED,
    stale=_CHANGED,
    required=False,
)


class DetentiemeldingenView(APIView):
    @extend_schema(
        operation_id="detentiemelding_create",
        summary="Detentiemelding ontvangen",
        description=(
            "Alleen voor de systeemkoppeling van JustID. Dezelfde meldingId opnieuw geeft 200 "
            "met hetzelfde traject en verandert niets."
        ),
        request=DetentiemeldingSerializer,
        parameters=[API_VERSION_HEADER],
        responses={
            201: DetentiemeldingAntwoordSerializer,
            200: DetentiemeldingAntwoordSerializer,
            **problem_responses(400, 403, 409),
        },
        tags=["detentiemeldingen"],
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if user.role != Role.SYSTEM:
            raise PermissionDenied("Alleen de systeemkoppeling van JustID mag meldingen sturen.")
        try:
            notification = validate_notification(request.data, today=timezone.localdate())
        except InvalidNotification as exc:
            return _invalid(exc)
        try:
            trajectory, created = notification_receive(
                actor=user, notification=notification, channel=Channel.API
            )
        except InvalidNotification as exc:
            return _invalid(exc)
        except ServiceError as exc:
            code = 409 if exc.code in {"already_detained", "duplicate", "conflict"} else 400
            return Response(
                problem(
                    code,
                    exc.message,
                    invalid_params=[
                        {"name": exc.field or "body", "code": exc.code, "reason": exc.message}
                    ],
                ),
                status=code,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        trajectory = selectors.trajectory_detail_queryset().get(pk=trajectory.pk)
        body = {"traject": trajectory_representation(trajectory)}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _invalid(exc: InvalidNotification) -> Response:
    return Response(
        problem(
            400,
            "De melding is niet verwerkt: niet alle gegevens kloppen. Er is niets opgeslagen.",
            invalid_params=[e.as_dict() for e in exc.errors],
        ),
        status=400,
        content_type=PROBLEM_CONTENT_TYPE,
    )


class TrajectenView(APIView):
    @extend_schema(
        operation_id="traject_list",
        summary="Trajecten die u mag zien",
        parameters=[
            OpenApiParameter("fase", str, enum=list(Phase.values), required=False),
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(TrajectLijstSerializer, "TrajectenPagina"),
            **problem_responses(400),
        },
        tags=["trajecten"],
    )
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        phase = request.query_params.get("fase", "")
        if phase and phase not in Phase.values:
            raise ValidationError({"fase": [f"Kies uit: {', '.join(Phase.values)}."]})
        qs = selectors.worklist(user, phase=phase)
        if phase == Phase.CLOSED:
            qs = (
                visible_trajectories(user)
                .filter(phase=Phase.CLOSED)
                .select_related("person")
                .with_organisations()
                .order_by("-end_date", "pk")
            )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        record_list_read(
            user, page, purpose=PURPOSE_API, channel=Channel.API, categories=LIST_CATEGORIES
        )
        return paginator.get_paginated_response(TrajectLijstSerializer(page, many=True).data)


class TrajectView(APIView):
    @extend_schema(
        operation_id="traject_read",
        summary="Eén traject",
        parameters=[API_VERSION_HEADER],
        responses={200: TrajectSerializer, **problem_responses(404)},
        tags=["trajecten"],
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose=PURPOSE_API,
            channel=Channel.API,
            detail=True,
        )
        response = Response(trajectory_representation(trajectory))
        response["ETag"] = _etag(trajectory)
        return response

    @extend_schema(
        operation_id="traject_partial_update",
        summary="Terugkeergemeente bevestigen of wijzigen",
        request=TrajectWijzigingSerializer,
        parameters=[
            OpenApiParameter("If-Match", str, location=OpenApiParameter.HEADER, required=False),
            API_VERSION_HEADER,
        ],
        responses={200: TrajectSerializer, **problem_responses(400, 403, 404, 412)},
        tags=["trajecten"],
    )
    def patch(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = access_trajectory(
            user,
            traject_id,
            purpose="terugkeergemeente wijzigen",
            channel=Channel.API,
            action=Action.CHANGE_RETURN_MUNICIPALITY,
            log_read=False,
        )
        expected = expected_version(
            request, {}, VERSION, uuid=trajectory.uuid, current=trajectory.version
        )
        data = request.data if isinstance(request.data, dict) else {}
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(data) - {"terugkeergemeente", "toelichting"})
        for name in unknown:
            errors[name] = ["Dit veld kunt u hier niet wijzigen."]
        code = data.get("terugkeergemeente")
        municipality = None
        if not code:
            errors["terugkeergemeente"] = ["Dit veld is verplicht."]
        elif (
            not isinstance(code, str)
            or (
                municipality := Organisation.objects.filter(
                    code=code, kind=OrganisationKind.MUNICIPALITY
                ).first()
            )
            is None
        ):
            errors["terugkeergemeente"] = [f"Er is geen gemeente met CBS-code '{str(code)[:40]}'."]
        reason = data.get("toelichting")
        if not isinstance(reason, str) or not reason.strip():
            errors["toelichting"] = ["Schrijf kort op waarom dit de terugkeergemeente is."]
        if errors:
            raise ValidationError(errors)
        assert municipality is not None and isinstance(reason, str)
        try:
            trajectory = trajectory_change_return_municipality(
                actor=user,
                trajectory=trajectory,
                municipality=municipality,
                reason=reason,
                expected_version=expected,
                channel=Channel.API,
            )
        except Conflict as exc:
            return Response(
                problem(412, exc.message), status=412, content_type=PROBLEM_CONTENT_TYPE
            )
        except ServiceError as exc:
            raise ValidationError({exc.field or "body": [exc.message]}) from exc
        trajectory = selectors.trajectory_detail_queryset().get(pk=trajectory.pk)
        response = Response(trajectory_representation(trajectory))
        response["ETag"] = _etag(trajectory)
        return response
