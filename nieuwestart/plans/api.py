"""The D&R-plan API: `/api/v1/trajecten/{id}/plan` and below.

Views translate HTTP only: access through the chokepoint, changes through services, reads
through selectors. Field names are Dutch camelCase (the same names as the plan's snapshot).

Concurrency: `GET .../plan` sends `ETag: "<traject-uuid>-p<versie>"`. Every write needs the
version it is based on, as `If-Match` with that ETag or as `versie` in the body: without it the
answer is 428, with an old one 412 (with `wijzigingen`: what others changed since). A write
answers with the new ETag.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.api.pagination import Pagination
from nieuwestart.api.problems import PROBLEM_CONTENT_TYPE, problem
from nieuwestart.api.schema import API_VERSION_HEADER, page_of, problem_responses
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.core.versions import VersionRule, expected_version
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans import selectors
from nieuwestart.plans.models import PlanDomain, PlanTask, PlanTaskStatus
from nieuwestart.plans.sections import (
    ADVICE,
    DATE,
    NUMBER,
    SECTION_BY_KEY,
    SECTIONS,
    editable_keys,
)
from nieuwestart.plans.services import (
    MAX_NOTE,
    MAX_TEXT,
    MAX_WEEKS,
    PlanConflict,
    SectionNotAllowed,
    plan_establish,
    plan_probation_advice_save,
    plan_task_add,
    plan_task_remove,
    plan_task_update,
    plan_update,
)
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError

PURPOSE = "D&R-plan"
CATEGORIES = [Category.PLAN]
VERSION = VersionRule(
    etag=re.compile(r'"(?P<uuid>[0-9a-f-]{36})-p(?P<version>\d+)"'),
    foreign="Deze ETag hoort niet bij dit plan. Haal het plan opnieuw op met GET en stuur de "
    "ETag die u daarbij krijgt.",
    missing="Stuur mee op welke versie van het plan uw wijziging is gebaseerd: de ETag van GET "
    ".../plan in de header If-Match, of 'versie' in de inhoud. Zo overschrijft u nooit het werk "
    "van een ander.",
    missing_title="Versie van het plan ontbreekt.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='De ETag van GET .../plan, zoals "<traject-id>-p3". Of stuur `versie` mee.',
)
TAGS = ["D&R-plan"]


# --- Serializers (input checks and documentation) ---------------------------------------------


def _section_field(kind: str) -> serializers.Field:
    if kind == NUMBER:
        return serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=MAX_WEEKS
        )
    if kind == DATE:
        return serializers.DateField(required=False, allow_null=True)
    return serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)


def _section_output_field(kind: str) -> serializers.Field:
    if kind == NUMBER:
        return serializers.IntegerField(allow_null=True)
    if kind == DATE:
        return serializers.DateField(allow_null=True)
    return serializers.CharField(allow_null=True, help_text="null: alleen een samenvatting.")


def _versie_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="De versie van het plan waarop deze wijziging is gebaseerd (of If-Match).",
    )


PlanWijzigingSerializer = type(
    "PlanWijzigingSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Onderdelen van het plan die u wijzigt; alleen wat uw organisatie schrijft.",
        "versie": _versie_field(),
        **{s.key: _section_field(s.kind) for s in SECTIONS if s.group != ADVICE},
    },
)


class PlanOrganisatieSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class TaakSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    domein = serializers.ChoiceField(choices=PlanDomain.choices)
    domeinOmschrijving = serializers.CharField()
    wat = serializers.CharField()
    organisatie = PlanOrganisatieSerializer(allow_null=True)
    doetPersoonZelf = serializers.BooleanField()
    persoon = serializers.CharField()
    uitvoerder = serializers.UUIDField(allow_null=True)
    wie = serializers.CharField(help_text="Wie het doet, in woorden.")
    uiterlijk = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=PlanTaskStatus.choices)
    statusOmschrijving = serializers.CharField()
    verborgen = serializers.BooleanField(
        help_text="Zorgtaak van een andere organisatie: de gemeente ziet alleen dat zorg doorloopt."
    )


class TaakAntwoordSerializer(TaakSerializer):
    planVersie = serializers.IntegerField()


class TaakInvoerSerializer(serializers.Serializer):
    versie = _versie_field()
    domein = serializers.ChoiceField(choices=PlanDomain.choices)
    wat = serializers.CharField(max_length=500)
    organisatie = serializers.CharField(
        required=False, allow_null=True, help_text="Code van een betrokken organisatie."
    )
    doetPersoonZelf = serializers.BooleanField(required=False, default=False)
    persoon = serializers.CharField(required=False, allow_blank=True, max_length=200)
    uitvoerder = serializers.UUIDField(
        required=False, allow_null=True, help_text="Id van een professional (gebruiker)."
    )
    uiterlijk = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PlanTaskStatus.choices, required=False)


class VastgesteldeVersieSerializer(serializers.Serializer):
    nummer = serializers.IntegerField()
    vastgesteldOp = serializers.DateTimeField()
    vastgesteldDoor = serializers.CharField()
    organisatie = serializers.CharField()
    toelichting = serializers.CharField()


class WijzigingSerializer(serializers.Serializer):
    sectie = serializers.CharField(help_text="Naam van het onderdeel, 'taken' of 'status'.")
    # "label" is also an attribute of every DRF field; DRF takes the declared field.
    label = serializers.CharField()  # type: ignore[assignment]
    soort = serializers.ChoiceField(choices=["toegevoegd", "verwijderd", "gewijzigd"])
    taak = serializers.CharField()
    oud = serializers.CharField()
    nieuw = serializers.CharField()


class VersieDetailSerializer(VastgesteldeVersieSerializer):
    vorigeVersie = serializers.IntegerField(allow_null=True)
    plan = serializers.DictField(help_text="Het plan zoals het toen werd vastgesteld.")
    wijzigingen = WijzigingSerializer(many=True)


class AdviesSerializer(serializers.Serializer):
    tekst = serializers.CharField()
    gegeven = serializers.BooleanField()
    door = serializers.CharField()
    organisatie = serializers.CharField()
    op = serializers.DateTimeField(allow_null=True)


PlanSerializer = type(
    "PlanSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Het D&R-plan zoals u het mag zien.",
        "traject": serializers.UUIDField(),
        "status": serializers.ChoiceField(choices=["concept", "vastgesteld"]),
        "statusOmschrijving": serializers.CharField(),
        "versie": serializers.IntegerField(),
        "vastgesteldeVersie": VastgesteldeVersieSerializer(allow_null=True),
        "gewijzigdSindsVaststelling": serializers.BooleanField(),
        **{s.key: _section_output_field(s.kind) for s in SECTIONS if s.group != ADVICE},
        "samengevat": serializers.DictField(
            child=serializers.CharField(),
            help_text="Onderdelen die u alleen als samenvatting ziet, met die samenvatting.",
        ),
        "reclasseringsadvies": AdviesSerializer(),
        "taken": TaakSerializer(many=True),
        "bewerkbaar": serializers.ListField(
            child=serializers.CharField(), help_text="Onderdelen die uw organisatie schrijft."
        ),
        "volgendeStap": serializers.CharField(),
    },
)


class VaststellenSerializer(serializers.Serializer):
    versie = _versie_field()
    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE)


class AdviesInvoerSerializer(serializers.Serializer):
    versie = _versie_field()
    advies = serializers.CharField(max_length=MAX_TEXT)


# --- Representations --------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def task_representation(task: selectors.TaskView) -> dict[str, Any]:
    organisation = task.organisation
    return {
        "id": str(task.uuid),
        "domein": task.domain,
        "domeinOmschrijving": task.domain_label,
        "wat": task.what,
        "organisatie": {"code": organisation.code, "naam": organisation.name}
        if organisation is not None
        else None,
        "doetPersoonZelf": task.for_detainee,
        "persoon": task.person_name or task.assignee_name,
        "uitvoerder": str(task.assignee.uuid) if task.assignee is not None else None,
        "wie": task.who,
        "uiterlijk": _iso(task.due_date),
        "status": task.status,
        "statusOmschrijving": task.status_label,
        "verborgen": task.hidden,
    }


def _version_representation(info: selectors.VersionInfo) -> dict[str, Any]:
    return {
        "nummer": info.number,
        "vastgesteldOp": _iso(info.established_at),
        "vastgesteldDoor": info.established_by,
        "organisatie": info.organisation_name,
        "toelichting": info.note,
    }


def plan_representation(trajectory: Trajectory, user: User) -> dict[str, Any]:
    view = selectors.plan_view(trajectory, user)
    data: dict[str, Any] = {
        "traject": str(trajectory.uuid),
        "status": view.status,
        "statusOmschrijving": view.status_label,
        "versie": view.version,
        "vastgesteldeVersie": _version_representation(view.last_established)
        if view.last_established
        else None,
        "gewijzigdSindsVaststelling": view.changed_since_established,
    }
    summaries = {}
    for section in view.sections + view.agreements:
        data[section.key] = _iso(section.value) if section.kind == DATE else section.value
        if section.summarised:
            summaries[section.key] = section.text
    advice = view.probation_advice
    if advice.summarised:
        summaries["reclasseringsadvies"] = advice.text
    data["samengevat"] = summaries
    data["reclasseringsadvies"] = {
        "tekst": "" if advice.summarised else advice.text,
        "gegeven": advice.given,
        "door": advice.by,
        "organisatie": advice.organisation_name,
        "op": _iso(advice.at),
    }
    data["taken"] = [task_representation(t) for t in view.tasks]
    data["bewerkbaar"] = sorted(editable_keys(user))
    data["volgendeStap"] = view.next_step
    return data


# --- HTTP helpers -----------------------------------------------------------------------------


def etag(trajectory: Trajectory, version: int) -> str:
    return f'"{trajectory.uuid}-p{version}"'


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


def _problem(code: int, detail: str, **extra: Any) -> Response:
    body = problem(code, detail)
    body.update(extra)
    return Response(body, status=code, content_type=PROBLEM_CONTENT_TYPE)


def _body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"body": ["Stuur een JSON-object."]})
    return dict(data)


def _validate(
    serializer_class: type[serializers.Serializer], data: dict[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Every invalid field at once, unknown fields included."""
    serializer = serializer_class(data=data, partial=partial)
    errors: dict[str, Any] = {}
    if not serializer.is_valid():
        errors.update(serializer.errors)
    for name in sorted(set(data) - set(serializer.fields)):
        errors[name] = ["Dit veld bestaat hier niet."]
    if errors:
        raise ValidationError(errors)
    return dict(serializer.validated_data)


def _conflict(request: Request, trajectory: Trajectory, exc: PlanConflict) -> Response:
    # The message shows what others changed: that is a read of the plan, so it is logged.
    log_processing(
        actor=signed_in_user(request),
        action=LogAction.READ,
        categories=[Category.PLAN.value],
        purpose=PURPOSE,
        channel=Channel.API,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail="wijziging geweigerd: verouderde versie",
    )
    return _problem(
        412,
        exc.message,
        wijzigingen=[{**r.change.as_api(), "door": r.by} for r in exc.changes],
    )


def _service_error(exc: ServiceError) -> Exception:
    if isinstance(exc, SectionNotAllowed):
        return PermissionDenied(exc.message)
    if exc.code == "not_found":
        return NotFound(exc.message)
    return ValidationError({exc.field or "body": [exc.message]})


def _with_etag(response: Response, trajectory: Trajectory) -> Response:
    response["ETag"] = etag(trajectory, selectors.plan_summary(trajectory).version)
    return response


def _task_response(trajectory: Trajectory, user: User, task: PlanTask, code: int) -> Response:
    view = next(t for t in selectors.plan_view(trajectory, user).tasks if t.uuid == task.uuid)
    version = selectors.plan_summary(trajectory).version
    response = Response({**task_representation(view), "planVersie": version}, status=code)
    response["ETag"] = etag(trajectory, version)
    return response


def _task_arguments(data: dict[str, Any], trajectory: Trajectory) -> dict[str, Any]:
    """API names to service arguments; organisation codes and user ids to rows."""
    errors: dict[str, list[str]] = {}
    arguments: dict[str, Any] = {}
    names = {
        "domein": "domain",
        "wat": "what",
        "doetPersoonZelf": "for_detainee",
        "persoon": "person_name",
        "uiterlijk": "due_date",
        "status": "status",
    }
    for api_name, name in names.items():
        if api_name in data:
            arguments[name] = data[api_name]
    if "organisatie" in data:
        code = data["organisatie"]
        arguments["organisation"] = None
        if code:
            organisation = Organisation.objects.filter(code=code).first()
            if organisation is None:
                errors["organisatie"] = [f"Er is geen organisatie met code '{str(code)[:40]}'."]
            arguments["organisation"] = organisation
    if "uitvoerder" in data:
        arguments["assignee"] = None
        if data["uitvoerder"]:
            assignee = User.objects.filter(uuid=data["uitvoerder"]).first()
            if assignee is None:
                errors["uitvoerder"] = ["Deze persoon kennen we niet."]
            arguments["assignee"] = assignee
    if errors:
        raise ValidationError(errors)
    return arguments


# --- Endpoints --------------------------------------------------------------------------------


class PlanApiView(APIView):
    @extend_schema(
        operation_id="plan_read",
        summary="Het D&R-plan van een traject",
        description=(
            "De gemeente ziet taken en afspraken volledig, maar van de gedragsdoelen, de "
            "begeleiding en het advies van de reclassering alleen een samenvatting "
            "(`samengevat`). Zonder plan: een leeg concept met versie 0."
        ),
        parameters=[API_VERSION_HEADER],
        responses={200: PlanSerializer, **problem_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _access(request, traject_id)
        data = plan_representation(trajectory, signed_in_user(request))
        response = Response(data)
        response["ETag"] = etag(trajectory, data["versie"])
        return response

    @extend_schema(
        operation_id="plan_partial_update",
        summary="Onderdelen van het plan wijzigen",
        description=(
            "De inrichting schrijft alle onderdelen; reclassering en gemeente de afspraken. "
            "Een onderdeel dat uw organisatie niet schrijft geeft 403. Een vastgesteld plan "
            "wordt door een wijziging weer een concept."
        ),
        request=PlanWijzigingSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: PlanSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def patch(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PLAN_EDIT)
        body = _body(request)
        data = _validate(PlanWijzigingSerializer, body, partial=True)
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        data.pop("versie", None)
        refused_keys = sorted(set(data) - editable_keys(user))
        if refused_keys:
            raise PermissionDenied(
                "Deze onderdelen van het plan schrijft uw organisatie niet: "
                + ", ".join(refused_keys)
                + "."
            )
        try:
            plan_update(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                sections={SECTION_BY_KEY[k].field: v for k, v in data.items()},
                channel=Channel.API,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _with_etag(Response(plan_representation(trajectory, user)), trajectory)


class PlanTakenApiView(APIView):
    @extend_schema(
        operation_id="plan_taak_create",
        summary="Taak toevoegen",
        description=(
            "Wie doet het: een betrokken organisatie (`organisatie`, een code), een professional "
            "(`uitvoerder`), de persoon zelf (`doetPersoonZelf`), of een combinatie."
        ),
        request=TaakInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            201: TaakAntwoordSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PLAN_EDIT)
        data = _validate(TaakInvoerSerializer, _body(request))
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        arguments = _task_arguments(data, trajectory)
        try:
            task = plan_task_add(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                channel=Channel.API,
                **arguments,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _task_response(trajectory, user, task, status.HTTP_201_CREATED)


class PlanTaakApiView(APIView):
    @extend_schema(
        operation_id="plan_taak_partial_update",
        summary="Taak wijzigen",
        description="Alleen de status wijzigen (voortgang) laat een vastgesteld plan vastgesteld.",
        request=TaakInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: TaakAntwoordSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def patch(self, request: Request, traject_id: str, taak_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PLAN_EDIT)
        data = _validate(TaakInvoerSerializer, _body(request), partial=True)
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        arguments = _task_arguments(data, trajectory)
        try:
            task = plan_task_update(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                task_id=taak_id,
                changes=arguments,
                channel=Channel.API,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _task_response(trajectory, user, task, status.HTTP_200_OK)

    @extend_schema(
        operation_id="plan_taak_delete",
        summary="Taak verwijderen",
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={204: None, **problem_responses(403, 404, 412, 428)},
        tags=TAGS,
    )
    def delete(self, request: Request, traject_id: str, taak_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PLAN_EDIT)
        body = request.data if isinstance(request.data, dict) else {}
        expected = expected_version(request, _validate_version(body), VERSION, uuid=trajectory.uuid)
        try:
            plan_task_remove(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                task_id=taak_id,
                channel=Channel.API,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _with_etag(Response(status=status.HTTP_204_NO_CONTENT), trajectory)


def _validate_version(body: dict[str, Any]) -> dict[str, Any]:
    field = _versie_field()
    if body.get("versie") is None:
        return {}
    try:
        return {"versie": field.run_validation(body["versie"])}
    except ValidationError as exc:
        raise ValidationError({"versie": exc.detail}) from exc


class PlanVaststellenApiView(APIView):
    @extend_schema(
        operation_id="plan_vaststellen",
        summary="Plan vaststellen (alleen de inrichting)",
        description=(
            "Maakt de volgende genummerde versie. Vereist een afgesproken frequentie van het "
            "trajectoverleg (`trajectoverlegElkeWeken`)."
        ),
        request=VaststellenSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            201: VastgesteldeVersieSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def post(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PLAN_ESTABLISH)
        data = _validate(VaststellenSerializer, _body(request))
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        try:
            version = plan_establish(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                note=data.get("toelichting", ""),
                channel=Channel.API,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        info = next(
            v for v in selectors.established_versions(trajectory) if v.number == version.number
        )
        response = _with_etag(
            Response(_version_representation(info), status=status.HTTP_201_CREATED), trajectory
        )
        response["Location"] = f"/api/v1/trajecten/{trajectory.uuid}/plan/versies/{info.number}"
        return response


class PlanVersiesApiView(APIView):
    @extend_schema(
        operation_id="plan_versies_list",
        summary="Vastgestelde versies van het plan, nieuwste eerst",
        parameters=[
            OpenApiParameter("pagina", int, required=False),
            OpenApiParameter("paginaGrootte", int, required=False),
            API_VERSION_HEADER,
        ],
        responses={
            200: page_of(VastgesteldeVersieSerializer, "VastgesteldeVersiesPagina"),
            **problem_responses(400, 404),
        },
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _access(request, traject_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.established_versions(trajectory), request, view=self
        )
        return paginator.get_paginated_response([_version_representation(v) for v in page or []])


class PlanVersieApiView(APIView):
    @extend_schema(
        operation_id="plan_versie_read",
        summary="Eén vastgestelde versie, met wat er veranderde sinds de vorige",
        parameters=[API_VERSION_HEADER],
        responses={200: VersieDetailSerializer, **problem_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, traject_id: str, nummer: int) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id)
        detail = selectors.version_detail(trajectory, nummer, user)
        if detail is None:
            raise NotFound("Deze versie van het plan bestaat niet.")
        return Response(
            {
                **_version_representation(detail.info),
                "vorigeVersie": detail.previous,
                "plan": detail.snapshot,
                "wijzigingen": [c.as_api() for c in detail.changes],
            }
        )


class ReclasseringsadviesApiView(APIView):
    @extend_schema(
        operation_id="plan_reclasseringsadvies_update",
        summary="Advies van de reclassering in het plan (alleen de reclassering)",
        request=AdviesInvoerSerializer,
        parameters=[IF_MATCH, API_VERSION_HEADER],
        responses={
            200: PlanSerializer,
            **problem_responses(400, 403, 404, 412, 428),
        },
        tags=TAGS,
    )
    def put(self, request: Request, traject_id: str) -> Response:
        user = signed_in_user(request)
        trajectory = _access(request, traject_id, Action.PROBATION_ADVICE)
        data = _validate(AdviesInvoerSerializer, _body(request))
        expected = expected_version(request, data, VERSION, uuid=trajectory.uuid)
        try:
            plan_probation_advice_save(
                actor=user,
                trajectory=trajectory,
                expected_version=expected,
                advice=data["advies"],
                channel=Channel.API,
            )
        except PlanConflict as exc:
            return _conflict(request, trajectory, exc)
        except ServiceError as exc:
            raise _service_error(exc) from exc
        return _with_etag(Response(plan_representation(trajectory, user)), trajectory)
