"""An API answer's objects are freed when it is rendered (core/renderers.py)."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator

import pytest
from rest_framework import renderers, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from nieuwestart.core.renderers import JSONRenderer
from nieuwestart.core.serializers import Serializer


class Row:
    """Stands for a model instance an answer serializes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tags = [name.upper()]


class RowSerializer(Serializer):
    name = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class Pages(PageNumberPagination):
    page_size = 2


ROWS: list[Row] = []


class RowsView(APIView):
    """A paginated list, as the work list and the notifications are."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    renderer_classes = [JSONRenderer]

    def get(self, request):  # type: ignore[no-untyped-def]
        paginator = Pages()
        page = paginator.paginate_queryset(ROWS, request, view=self)
        return paginator.get_paginated_response(RowSerializer(page, many=True).data)


class DrfRowsView(RowsView):
    renderer_classes = [renderers.JSONRenderer]


class OneRowView(RowsView):
    def get(self, request):  # type: ignore[no-untyped-def]
        return Response(RowSerializer(ROWS[0]).data)


@pytest.fixture
def collector_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    ROWS.clear()
    if was_enabled:
        gc.enable()


def _answer(view: type[APIView]) -> tuple[dict, list[weakref.ref]]:
    ROWS[:] = [Row("een"), Row("twee"), Row("drie")]
    refs = [weakref.ref(row) for row in ROWS]
    response = view.as_view()(APIRequestFactory().get("/rijen"))
    response.render()
    body = json.loads(response.content)
    ROWS.clear()
    del response
    return body, refs


@pytest.mark.usefixtures("collector_off")
def test_a_rendered_list_lets_go_of_its_rows(settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    body, refs = _answer(RowsView)
    assert body["count"] == 3
    assert body["results"] == [{"name": "een", "tags": ["EEN"]}, {"name": "twee", "tags": ["TWEE"]}]
    assert [ref() for ref in refs] == [None, None, None]


@pytest.mark.usefixtures("collector_off")
def test_a_rendered_object_lets_go_of_it(settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    body, refs = _answer(OneRowView)
    assert body == {"name": "een", "tags": ["EEN"]}
    assert [ref() for ref in refs] == [None, None, None]


@pytest.mark.usefixtures("collector_off")
def test_drfs_own_renderer_keeps_them_for_the_collector(settings) -> None:
    """Why the renderer exists: with DRF's, the answer's cycles keep the rows of its page."""
    settings.ALLOWED_HOSTS = ["testserver"]
    body, refs = _answer(DrfRowsView)
    assert body["count"] == 3
    assert refs[0]() is not None
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None]


def test_the_data_stays_readable_after_rendering(settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    ROWS[:] = [Row("een")]
    response = OneRowView.as_view()(APIRequestFactory().get("/rijen"))
    response.render()
    ROWS.clear()
    assert response.data == {"name": "een", "tags": ["EEN"]}
    assert json.loads(response.content) == response.data


@pytest.mark.django_db
def test_the_apis_answers_go_through_it(client) -> None:
    """A real API answer (here the 401 problem+json without a token) is rendered by this
    renderer and has let go of its view and request afterwards."""
    response = client.get("/api/v1/werklijst")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.renderer_context == {}
    assert response.json()["status"] == 401
