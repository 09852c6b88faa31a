"""The base serializer of the busiest API endpoints: DRF's, with its fields copied cheaply.

For every request DRF gives each serializer a copy of its declared fields
(`Serializer.get_fields`: `copy.deepcopy`), and a field's deep copy is a new field built again
from its arguments. For the work list, the notifications and the trajectory that was about
three fifths of what the serializers cost (py-spy, docs/benchmarks.md). The copy exists so that
binding a field to its serializer (its name, parent, label and source) and changing a field on
one serializer never touch the declared one or another request's. A shallow copy of a plain
field keeps that: binding sets those attributes on the copy, and the rest of a plain field
(its choices, validators, error messages) is only read. Fields that hold other fields or
serializers (nested serializers, lists, dicts) are deep-copied as DRF does.
"""

from __future__ import annotations

import copy

from rest_framework import serializers

# Fields whose state after construction is only read; anything else is deep-copied.
PLAIN_FIELDS: frozenset[type[serializers.Field]] = frozenset(
    {
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateField,
        serializers.DateTimeField,
        serializers.EmailField,
        serializers.FloatField,
        serializers.IntegerField,
        serializers.URLField,
        serializers.UUIDField,
    }
)


class Serializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.copy(field) if type(field) in PLAIN_FIELDS else copy.deepcopy(field)
            for name, field in self._declared_fields.items()
        }
