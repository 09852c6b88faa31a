"""The API's base serializer (core.serializers.Serializer) copies plain fields shallowly: the
answers and the validation errors are exactly DRF's, and no request's serializer shares a bound
field with another one or with the declared fields."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from rest_framework import serializers

from nieuwestart.core.serializers import PLAIN_FIELDS, Serializer


def _declare(base: type) -> type:
    class Person(base):  # type: ignore[misc, valid-type]
        naam = serializers.CharField(source="full_name")

    class Item(base):  # type: ignore[misc, valid-type]
        id = serializers.UUIDField(source="uuid")
        titel = serializers.CharField(max_length=10)
        soort = serializers.ChoiceField(choices=["open", "te-laat"])
        aantal = serializers.IntegerField(min_value=0)
        gedaan = serializers.BooleanField()
        op = serializers.DateField(source="day")
        om = serializers.DateTimeField(source="moment", allow_null=True)
        gewicht = serializers.FloatField()
        mail = serializers.EmailField(required=False)
        link = serializers.URLField(required=False)
        persoon = Person(source="person", allow_null=True)
        codes = serializers.ListField(child=serializers.CharField(max_length=3))

    return Item


OURS, DRFS = _declare(Serializer), _declare(serializers.Serializer)

ROWS = [
    SimpleNamespace(
        uuid=uuid.UUID(int=n),
        titel=f"taak {n}",
        soort="open" if n % 2 else "te-laat",
        aantal=n,
        gedaan=bool(n % 2),
        day=dt.date(2026, 11, n + 1),
        moment=None if n == 2 else dt.datetime(2026, 11, 23, 10, n, tzinfo=dt.UTC),
        gewicht=n / 3,
        mail="a@example.org",
        link="https://example.org/x",
        person=None if n == 1 else SimpleNamespace(full_name=f"Jansen <{n}>"),
        codes=["a", "bc"],
    )
    for n in range(4)
]


def test_the_answers_are_drfs():
    assert OURS(ROWS, many=True).data == DRFS(ROWS, many=True).data
    assert OURS(ROWS[3]).data == DRFS(ROWS[3]).data


def test_the_validation_errors_are_drfs():
    for data in (
        {},
        {
            "id": "geen-uuid",
            "titel": "veel te lange titel",
            "soort": "dicht",
            "aantal": -1,
            "gedaan": "misschien",
            "op": "2026-13-01",
            "om": "gisteren",
            "gewicht": "zwaar",
            "mail": "geen mail",
            "link": "geen link",
            "persoon": {"naam": ""},
            "codes": ["abcd"],
        },
    ):
        ours, drfs = OURS(data=data), DRFS(data=data)
        assert ours.is_valid() is drfs.is_valid() is False
        assert ours.errors == drfs.errors


def test_no_two_serializers_share_a_bound_field():
    first, second = OURS(ROWS[0]), OURS(ROWS[1], context={"request": "tweede"})
    for name, declared in OURS._declared_fields.items():
        a, b = first.fields[name], second.fields[name]
        assert a is not b and a is not declared and b is not declared
        assert a.parent is first and b.parent is second
        # The declared field is never bound: the next request copies it as it was declared.
        assert declared.field_name is None and declared.parent is None
    # A change to one request's field stays there.
    first.fields["titel"].required = False
    assert second.fields["titel"].required is True
    assert OURS._declared_fields["titel"].required is True
    # The nested serializer is its own copy and sees its own request's context.
    assert second.fields["persoon"].fields["naam"].context == {"request": "tweede"}
    assert first.fields["persoon"].fields["naam"].context == {}


def test_only_plain_fields_are_copied_shallowly():
    assert not any(
        issubclass(kind, (serializers.BaseSerializer, serializers.ListField))
        for kind in PLAIN_FIELDS
    )
