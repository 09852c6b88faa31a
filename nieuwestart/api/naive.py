"""Naive endpoints, for the benchmark only (issue 6, docs/benchmarks.md).

The same queries and the same JSON as the API endpoints they shadow, WITHOUT the access policy
(no `visible_trajectories`, no `access_trajectory`) and WITHOUT the processing log of reads, so
alternating benchmark runs show what the chokepoint costs. Mounted under /naief/ only when
NIEUWESTART_BENCHMARK_NAIVE is on, which the settings refuse outside tests and DEBUG: these
views would show any trajectory to any signed-in user. Authentication (API token) stays, so the
comparison isolates the policy and the log.

A write (screening PUT) goes through the same service as the real endpoint: the change and its
log row are one transaction in the service, not part of the chokepoint, so they stay.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nieuwestart.accounts.models import User
from nieuwestart.api.pagination import Pagination
from nieuwestart.audit.models import Channel
from nieuwestart.core.versions import named_version
from nieuwestart.notify.api import BerichtSerializer
from nieuwestart.notify.models import Notification
from nieuwestart.plans.api import etag as plan_etag
from nieuwestart.plans.api import plan_representation
from nieuwestart.screening.api import VERSION as SCREENING_VERSION
from nieuwestart.screening.api import (
    etag as screening_etag,
)
from nieuwestart.screening.api import (
    parse_screening_body,
    screening_representation,
)
from nieuwestart.screening.selectors import screening_view
from nieuwestart.screening.services import (
    SavedScreening,
    ScreeningConflict,
    ScreeningInvalid,
    screening_errors,
    screening_save,
)
from nieuwestart.trajectories import selectors as trajectory_selectors
from nieuwestart.trajectories.api import trajectory_representation
from nieuwestart.trajectories.models import Assignment, Phase, Trajectory
from nieuwestart.worklists import selectors as worklist_selectors
from nieuwestart.worklists.api import due_item_representation


def _trajectory(traject_id: str, *, detail: bool = False) -> Trajectory:
    queryset = (
        trajectory_selectors.trajectory_detail_queryset() if detail else Trajectory.objects.all()
    )
    try:
        return queryset.get(uuid=traject_id)
    except (Trajectory.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


class NaiveWorklistView(APIView):
    """`GET /api/v1/werklijst` (voor=mij) without the policy and the log."""

    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        organisation_id = user.organisation_id
        if organisation_id is None:
            raise Http404
        mine = Assignment.objects.filter(trajectory=OuterRef("pk"), user=user, active=True)
        trajectories = Trajectory.objects.exclude(phase=Phase.CLOSED).filter(Exists(mine))
        # The same query as the work list, minus the policy (the page's rows read their
        # trajectories with the assignees, `DueList`).
        items = worklist_selectors._due_items(
            user,
            trajectories,
            timezone.localdate(),
            worklist_selectors._ours(user),
            responsible=worklist_selectors._responsible(user),
        )
        paginator = Pagination()
        page: list[Any] = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response([due_item_representation(i) for i in page])


class NaiveTrajectoryView(APIView):
    """`GET /api/v1/trajecten/{id}` without the policy and the log."""

    def get(self, request: Request, traject_id: str) -> Response:
        trajectory = _trajectory(traject_id, detail=True)
        response = Response(trajectory_representation(trajectory))
        response["ETag"] = f'"{trajectory.uuid}-{trajectory.version}"'
        return response


class NaiveScreeningView(APIView):
    """`GET`/`PUT /api/v1/trajecten/{id}/screening` without the policy and the read log."""

    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        return self._answer(_trajectory(traject_id), user)

    @staticmethod
    def _answer(trajectory: Trajectory, user: User, rows: SavedScreening | None = None) -> Response:
        view = screening_view(trajectory, user, rows=rows)
        response = Response(screening_representation(trajectory, view))
        response["ETag"] = screening_etag(trajectory, view.version)
        return response

    def put(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = _trajectory(traject_id)
        data: dict[str, Any] = request.data if isinstance(request.data, dict) else {}
        expected = named_version(
            request.headers.get("If-Match", ""), SCREENING_VERSION, trajectory.uuid
        )
        if expected is None:
            return Response(status=428)
        arguments, errors = parse_screening_body(data)
        errors |= screening_errors(actor=user, **arguments)
        if errors:
            raise ValidationError(errors)
        try:
            saved = screening_save(
                actor=user,
                trajectory=trajectory,
                complete=data.get("afgerond") is True,  # as the real endpoint
                expected_version=expected,
                channel=Channel.API,
                **arguments,
            )
        except ScreeningConflict:
            return Response(status=412)
        except ScreeningInvalid as exc:
            raise ValidationError(exc.errors) from exc
        return self._answer(trajectory, user, saved)  # as the real endpoint: not read again


class NaivePlanView(APIView):
    """`GET /api/v1/trajecten/{id}/plan` without the policy and the log."""

    def get(self, request: Request, traject_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        trajectory = _trajectory(traject_id)
        data = plan_representation(trajectory, user)
        response = Response(data)
        response["ETag"] = plan_etag(trajectory, data["versie"])
        return response


class NaiveNotificationsView(APIView):
    """`GET /api/v1/berichten` without the policy and the log."""

    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        items = (
            Notification.objects.filter(recipient=user)
            .select_related("trajectory__person")
            .order_by("-created_at", "-id")
        )
        paginator = Pagination()
        page: list[Notification] = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(BerichtSerializer(page, many=True).data)
