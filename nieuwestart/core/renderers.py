"""The API's JSON renderer: DRF's, and once an answer is rendered, its objects let go of.

DRF ties every API request into reference cycles: the view keeps its request and its response,
the request keeps the view (`parser_context`), the response keeps both (`renderer_context`),
and each serializer keeps its fields while each field keeps its serializer (`parent`), the
answer's data keeping the serializer (`ReturnDict.serializer`) and so the objects it
serialized. All of it, the page's model instances included, waits for Python's cyclic
collector (decision 0020, docs/benchmarks.md).

Once the JSON is written, nothing reads those links again: the answer is bytes. `JSONRenderer`
then unties the serializers of the answer's data (a field's `parent`, a serializer's cached
`fields`, a list's `child`), drops the data's link to its serializer, and empties the view, the
request's `parser_context` and the response's `renderer_context`. Reference counting then frees
the answer's objects when the server lets go of the response. The data itself (what tests read
as `response.data`) stays. Test: core/tests/test_renderers.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rest_framework import renderers, serializers


def _untie(field: Any) -> None:
    """Break the field tree's links upwards and its cached children, recursively."""
    fields = field.__dict__.pop("fields", None)  # Serializer.fields (a cached property)
    if fields is not None:
        for child in fields.values():
            _untie(child)
    child = field.__dict__.get("child")  # ListSerializer, ListField, DictField
    if isinstance(child, serializers.Field):
        _untie(child)
    field.parent = None


def _serialized(data: Any) -> Iterator[Any]:
    """The data of an answer and, one level down, what a page of a list holds."""
    yield data
    if isinstance(data, Mapping):
        yield from data.values()


def release_answer(data: Any, renderer_context: dict[str, Any]) -> None:
    """Let go of what a rendered answer no longer needs (module docstring)."""
    for value in _serialized(data):
        serializer = getattr(value, "serializer", None)
        if isinstance(serializer, serializers.BaseSerializer):
            _untie(serializer)
            value.serializer = None
    request = renderer_context.get("request")
    parser_context = getattr(request, "parser_context", None)
    if isinstance(parser_context, dict):
        parser_context.clear()
    view = renderer_context.get("view")
    if view is not None:
        vars(view).clear()
    renderer_context.clear()


class JSONRenderer(renderers.JSONRenderer):
    """settings.REST_FRAMEWORK's renderer: DRF's JSON, then `release_answer`."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        finally:
            if isinstance(renderer_context, dict) and "view" in renderer_context:
                release_answer(data, renderer_context)
