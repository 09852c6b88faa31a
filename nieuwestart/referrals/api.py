"""The referrals API: `/api/v1/trajecten/{id}/verwijzingen` and `.../verwijzingen/{verwijzing_id}`.

Views translate HTTP only: access through the chokepoint, changes through services, reads
through selectors. Field names are Dutch camelCase; a care referral comes without `soort`,
`aanbieder`, `plaats` and `toelichting` (`verborgen: true`) for a reader who sees care content
only as a signal.

Concurrency: each referral has its own version. `GET .../verwijzingen/{id}` and every write send
`ETag: "<verwijzing-id>-v<versie>"`. A PATCH needs the version it is based on, as `If-Match` with
that ETag or as `versie` in the body: without it 428, with an older one 412 (with `verwijzing`:
how it is now, as you may see it).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
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
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.referrals import selectors
from nieuwestart.referrals.models import (
    MAX_CITY,
    MAX_NOTE,
    MAX_PROVIDER,
    Condition,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from nieuwestart.referrals.services import (
    CREATE_STATUSES,
    PURPOSE,
    ReferralConflict,
    ReferralInvalid,
    referral_register,
    referral_update,
)
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError

VERSION = VersionRule(
    etag=re.compile(r'"(?P<uuid>[0-9a-f-]{36})-v(?P<version>\d+)"'),
    foreign=gettext_lazy(
        "Deze ETag hoort niet bij deze verwijzing. Haal de verwijzing opnieuw op met GET en "
        "stuur de ETag die u daarbij krijgt."
    ),
    missing=gettext_lazy(
        "Stuur mee op welke versie van de verwijzing uw wijziging is gebaseerd: de ETag van GET "
        "in de header If-Match, of 'versie' in de inhoud. Zo overschrijft u nooit het werk van "
        "een ander."
    ),
    missing_title=gettext_lazy("Versie van de verwijzing ontbreekt."),
)
TAGS = ["verwijzingen"]
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='De ETag van GET .../verwijzingen/{id}, zoals "<verwijzing-id>-v2". Of stuur '
    "`versie` mee.",
)
SIGNAL_HELP = (
    "vrijgelaten-zonder-plek, dreigt-vrijlating-zonder-plek, start-verlopen of lang-wachten; "
    "het dringendste eerst."
)

# API name -> service argument.
NAMES = {
    "soort": "kind",
    "basisvoorwaarde": "condition",
    "aanbieder": "provider",
    "plaats": "provider_city",
    "aangemeldOp": "referred_on",
    "verwachteStart": "expected_start",
    "werkelijkeStart": "actual_start",
    "status": "status",
    "toelichting": "note",
}


# --- Serializers (input checks and documentation) ---------------------------------------------


class VerwijzingSignaalSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=SIGNAL_HELP)
    omschrijving = serializers.CharField()
    toelichting = serializers.CharField()


class VerwijzingOrganisatieSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class VerwijzingSerializer(serializers.Serializer):
    """Eén verwijzing zoals u die mag zien."""

    id = serializers.UUIDField()
    soort = serializers.CharField(
        allow_null=True,
        help_text="begeleid-wonen, beschermd-wonen, maatschappelijke-opvang, zorg, behandeling, "
        "reclasseringstoezicht of anders. null bij zorg of behandeling als u geen zorginhoud "
        "ziet.",
    )
    soortOmschrijving = serializers.CharField()
    basisvoorwaarde = serializers.CharField(
        help_text="identiteit, huisvesting, inkomen, financien, zorg, sociaal-netwerk of toezicht."
    )
    basisvoorwaardeOmschrijving = serializers.CharField()
    aanbieder = serializers.CharField(allow_null=True, help_text="null: zorginhoud.")
    plaats = serializers.CharField(allow_null=True, help_text="null: zorginhoud.")
    toelichting = serializers.CharField(allow_null=True, help_text="null: zorginhoud.")
    aangemeldOp = serializers.DateField()
    verwachteStart = serializers.DateField(allow_null=True, help_text="null: nog onbekend.")
    werkelijkeStart = serializers.DateField(allow_null=True)
    status = serializers.CharField(
        help_text="aangemeld, op-wachtlijst, gestart, afgewezen of ingetrokken."
    )
    statusOmschrijving = serializers.CharField()
    loopt = serializers.BooleanField(help_text="Aangemeld of op de wachtlijst.")
    wachtdagen = serializers.IntegerField(
        allow_null=True,
        help_text="Dagen van aanmelding tot start (of tot vandaag als hij nog loopt).",
    )
    vrijlating = serializers.DateField(
        allow_null=True, help_text="De (verwachte) vrijlating waarmee de start is vergeleken."
    )
    signalen = VerwijzingSignaalSerializer(many=True)
    verborgen = serializers.BooleanField(
        help_text="Zorg of behandeling: u ziet alleen dat de verwijzing loopt en de data."
    )
    organisatie = VerwijzingOrganisatieSerializer(help_text="Wie de verwijzing registreerde.")
    versie = serializers.IntegerField()


class VerwijzingenPaginaSerializer(serializers.Serializer):
    """Eén pagina verwijzingen: count, next, previous en results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VerwijzingSerializer(many=True)


def _choice_field(choices: list[str], message: Any, **kwargs: Any) -> serializers.CharField:
    """A code field that lists its codes in the help text (one enum name per choice set is
    kept for the shared sets in settings; these sets are local to referrals)."""

    def check(value: str) -> None:
        if value not in choices:
            raise ValidationError(message)

    return serializers.CharField(validators=[check], help_text=", ".join(choices) + ".", **kwargs)


class VerwijzingInvoerSerializer(serializers.Serializer):
    soort = _choice_field(
        list(ReferralKind.values), gettext_lazy("Kies een bestaande soort verwijzing.")
    )
    basisvoorwaarde = _choice_field(
        list(Condition.values),
        gettext_lazy("Kies een bestaande basisvoorwaarde."),
        required=False,
        allow_blank=True,
    )
    aanbieder = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PROVIDER)
    plaats = serializers.CharField(required=False, allow_blank=True, max_length=MAX_CITY)
    aangemeldOp = serializers.DateField()
    verwachteStart = serializers.DateField(required=False, allow_null=True)
    werkelijkeStart = serializers.DateField(required=False, allow_null=True)
    status = _choice_field(
        [s.value for s in CREATE_STATUSES],
        gettext_lazy(
            "Een nieuwe verwijzing is aangemeld, staat op de wachtlijst of is al gestart."
        ),
        required=False,
    )
    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE)


class VerwijzingWijzigingSerializer(serializers.Serializer):
    versie = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="De versie van de verwijzing waarop deze wijziging is gebaseerd (of If-Match).",
    )
    aanbieder = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PROVIDER)
    plaats = serializers.CharField(required=False, allow_blank=True, max_length=MAX_CITY)
    aangemeldOp = serializers.DateField(required=False)
    verwachteStart = serializers.DateField(required=False, allow_null=True)
    werkelijkeStart = serializers.DateField(required=False, allow_null=True)
    status = _choice_field(
        list(ReferralStatus.values), gettext_lazy("Kies een bestaande status."), required=False
    )
    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE)


# --- Representations --------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def referral_representation(view: selectors.ReferralView) -> dict[str, Any]:
    return {
        "id": str(view.uuid),
        "soort": view.kind,
        "soortOmschrijving": view.kind_label,
        "basisvoorwaarde": view.condition,
        "basisvoorwaardeOmschrijving": view.condition_label,
        "aanbieder": view.provider,
        "plaats": view.provider_city,
        "toelichting": view.note,
        "aangemeldOp": _iso(view.referred_on),
        "verwachteStart": _iso(view.expected_start),
        "werkelijkeStart": _iso(view.actual_start),
        "status": view.status,
        "statusOmschrijving": view.status_label,
        "loopt": view.is_open,
        "wachtdagen": view.assessment.days_waiting,
        "vrijlating": _iso(view.assessment.release_date),
        "signalen": [
            {"code": s.code, "omschrijving": s.label, "toelichting": s.explanation}
            for s in sorted(view.assessment.signals, key=lambda s: s.rank)
        ],
        "verborgen": view.hidden,
        "organisatie": {"code": view.organisation_code, "naam": view.organisation_name},
        "versie": view.version,
    }


# --- HTTP helpers -----------------------------------------------------------------------------


def _access(request: Request, traject_id: str, action: Action | None = None) -> Trajectory:
    # Reads are logged once we know whether care content is shown (`_log_read`).
    return access_trajectory(
        signed_in_user(request),
        traject_id,
        purpose=PURPOSE,
        channel=Channel.API,
        action=action,
        categories=[Category.CONDITIONS],
        log_read=False,
    )


def _log_read(user: User, trajectory: Trajectory, views: list[selectors.ReferralView]) -> None:
    categories = [Category.CONDITIONS.value]
    if selectors.shows_care_content(views):
        categories.append(Category.CARE_DETAILS.value)
    log_processing(
        actor=user,
        action=LogAction.READ,
        categories=categories,
        purpose=PURPOSE,
        channel=Channel.API,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
    )


def etag(referral: Referral | selectors.ReferralView) -> str:
    return f'"{referral.uuid}-v{referral.version}"'


def _problem(code: int, detail: str, **extra: Any) -> Response:
    body = problem(code, detail)
    body.update(extra)
    return Response(body, status=code, content_type=PROBLEM_CONTENT_TYPE)


def _body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"body": [_("Stuur een JSON-object.")]})
    return dict(data)


def _validate(
    serializer_class: type[serializers.Serializer], data: dict[str, Any]
) -> dict[str, Any]:
    """Every invalid field at once, unknown fields included."""
    serializer = serializer_class(data=data)
    errors: dict[str, Any] = {}
    if not serializer.is_valid():
        errors.update(serializer.errors)
    for name in sorted(set(data) - set(serializer.fields)):
        if name in ("soort", "basisvoorwaarde"):
            errors[name] = [
                _(
                    "De soort verwijzing verandert niet. Trek deze verwijzing in en "
                    "registreer een nieuwe."
                )
            ]
        else:
            errors[name] = [_("Dit veld bestaat hier niet.")]
    if errors:
        raise ValidationError(errors)
    return dict(serializer.validated_data)


def _invalid(exc: ServiceError) -> ValidationError:
    errors = (
        exc.errors if isinstance(exc, ReferralInvalid) else [(exc.field or "body", exc.message)]
    )
    detail: dict[str, list[str]] = {}
    for field, message in errors:
        detail.setdefault(field or "body", []).append(message)
    return ValidationError(detail)


def _view(trajectory: Trajectory, user: User, referral: Referral) -> selectors.ReferralView:
    return selectors.referral_view(referral, trajectory, user, timezone.localdate())


def _referral(trajectory: Trajectory, verwijzing_id: str) -> Referral:
    referral = selectors.referral_for(trajectory, verwijzing_id)
    if referral is None:
        raise NotFound(_("Deze verwijzing bestaat niet."))
    return referral


def _single(trajectory: Trajectory, user: User, referral: Referral, code: int) -> Response:
    view = _view(trajectory, user, referral)
    response = Response(referral_representation(view), status=code)
    response["ETag"] = etag(view)
    return response


# --- Endpoints --------------------------------------------------------------------------------


class VerwijzingenApiView(APIView):
    @extend_schema(
        operation_id="verwijzingen_list",
        summary="Verwijzingen en wachtlijsten van een traject",
        description=(
            "Lopende verwijzingen eerst, de dringendste bovenaan. Bij zorg of behandeling ziet "
            "wie zorginhoud alleen als signaal ziet (inrichting, gemeente) geen soort, aanbieder "
            "en toelichting."
        ),
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={200: VerwijzingenPaginaSerializer, **problem_responses(400, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id)
        views = selectors.referrals_for(trajectory, user)
        paginator = Pagination()
        page: list[selectors.ReferralView] = (
            paginator.paginate_queryset(views, request, view=self) or []
        )
        _log_read(user, trajectory, page)
        return paginator.get_paginated_response([referral_representation(v) for v in page])

    @extend_schema(
        operation_id="verwijzingen_create",
        summary="Verwijzing registreren",
        description=(
            "Alle partners registreren hun verwijzingen. De basisvoorwaarde volgt uit de soort, "
            "behalve bij `anders`. Bij zorg of behandeling vult wie geen zorginhoud ziet geen "
            "aanbieder, plaats of toelichting in (400)."
        ),
        request=VerwijzingInvoerSerializer,
        parameters=[API_VERSION_HEADER],
        responses={201: VerwijzingSerializer, **problem_responses(400, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.REFERRAL_EDIT)
        data = _validate(VerwijzingInvoerSerializer, _body(request))
        arguments = {NAMES[k]: v for k, v in data.items()}
        for name in ("expected_start", "actual_start"):
            arguments.setdefault(name, None)
        try:
            referral = referral_register(
                actor=user, trajectory=trajectory, channel=Channel.API, **arguments
            )
        except ServiceError as exc:
            raise _invalid(exc) from exc
        response = _single(trajectory, user, referral, status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/trajecten/{trajectory.uuid}/verwijzingen/{referral.uuid}"
        return response


class VerwijzingApiView(APIView):
    @extend_schema(
        operation_id="verwijzing_read",
        summary="Eén verwijzing",
        parameters=[API_VERSION_HEADER],
        responses={200: VerwijzingSerializer, **problem_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str, verwijzing_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id)
        referral = _referral(trajectory, verwijzing_id)
        view = _view(trajectory, user, referral)
        _log_read(user, trajectory, [view])
        response = Response(referral_representation(view))
        response["ETag"] = etag(view)
        return response

    @extend_schema(
        operation_id="verwijzing_partial_update",
        summary="Verwijzing wijzigen: status, data, aanbieder, toelichting",
        description=(
            "De soort verandert niet. Gestart, afgewezen en ingetrokken zijn definitief. Wie "
            "zorginhoud niet ziet, wijzigt bij zorg of behandeling alleen status en data."
        ),
        request=VerwijzingWijzigingSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: VerwijzingSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def patch(self, request: Request, traject_id: str, verwijzing_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.REFERRAL_EDIT)
        referral = _referral(trajectory, verwijzing_id)
        data = _validate(VerwijzingWijzigingSerializer, _body(request))
        expected = expected_version(request, data, VERSION, uuid=referral.uuid)
        data.pop("versie", None)
        try:
            referral = referral_update(
                actor=user,
                trajectory=trajectory,
                referral_id=referral.uuid,
                expected_version=expected,
                changes={NAMES[k]: v for k, v in data.items()},
                channel=Channel.API,
            )
        except ReferralConflict as exc:
            view = _view(trajectory, user, exc.current)
            _log_read(user, trajectory, [view])
            response = _problem(412, exc.message, verwijzing=referral_representation(view))
            response["ETag"] = etag(view)
            return response
        except ServiceError as exc:
            if exc.code == "not_found":
                raise NotFound(exc.message) from exc
            raise _invalid(exc) from exc
        return _single(trajectory, user, referral, status.HTTP_200_OK)
