"""The shapes of the screening API, for its OpenAPI description (/api/v1/openapi.json).

They document; they do not validate: the services check the input (`validation.py`), so the
API and the web form give the same answers. The per-domain facts (`feiten`) are built from
`domains.SCHEMA`, so the description always matches what the screening asks.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from nieuwestart.access.policy import Category
from nieuwestart.core.serializers import Serializer
from nieuwestart.screening.domains import SCHEMA, DomainSpec, Fact, FactType
from nieuwestart.screening.models import Answer, Domain, Partner, Status

CARE_NOTE = "Zorginhoud: alleen voor wie die categorie volledig mag zien (de reclassering)."


class ScreeningBijdrageSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    domein = serializers.ChoiceField(choices=Domain.values)
    tekst = serializers.CharField(max_length=2000)
    auteur = serializers.CharField(read_only=True)
    organisatie = serializers.CharField(read_only=True)
    datum = serializers.DateTimeField(read_only=True)


class ScreeningBijdrageInDomeinSerializer(Serializer):
    id = serializers.UUIDField()
    tekst = serializers.CharField()
    auteur = serializers.CharField()
    organisatie = serializers.CharField()
    datum = serializers.DateTimeField()


def _fact_serializer_field(fact: Fact) -> serializers.Field:
    help_text = str(fact.label)
    if fact.category == Category.CARE_DETAILS:
        help_text += f". {CARE_NOTE}"
    common: dict[str, Any] = {"required": False, "allow_null": True, "help_text": help_text}
    if fact.type == FactType.BOOL:
        return serializers.BooleanField(**common)
    if fact.type == FactType.CHOICE:
        return serializers.ChoiceField(choices=[code for code, _label in fact.choices], **common)
    if fact.type == FactType.DATE:
        return serializers.DateField(**common)
    if fact.type == FactType.MONEY:
        return serializers.DecimalField(max_digits=10, decimal_places=2, **common)
    return serializers.CharField(max_length=1000, **common)


def _class_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("-"))


def _domain_serializer(spec: DomainSpec) -> type[serializers.Serializer]:
    name = _class_name(spec.domain.value)
    feiten = type(
        f"ScreeningFeiten{name}Serializer",
        (Serializer,),
        {fact.code: _fact_serializer_field(fact) for fact in spec.facts},
    )
    fields: dict[str, Any] = {
        "naam": serializers.CharField(read_only=True),
        "status": serializers.ChoiceField(choices=Status.choices, required=False),
        "statusOmschrijving": serializers.CharField(read_only=True),
        "hulpvraag": serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Verplicht bij status 'aandacht' en 'hulp-nodig': de vraag in woorden.",
        ),
        "actiePartner": serializers.ChoiceField(
            choices=["", *Partner.values], required=False, allow_blank=True
        ),
        "toelichtingActie": serializers.CharField(required=False, allow_blank=True),
        "feiten": feiten(required=False),
        "bijdragen": ScreeningBijdrageInDomeinSerializer(many=True, read_only=True),
        "gewijzigdDoor": serializers.CharField(read_only=True),
        "gewijzigdDoorOrganisatie": serializers.CharField(read_only=True),
        "gewijzigdOp": serializers.DateTimeField(read_only=True, allow_null=True),
    }
    if spec.domain == Domain.CARE:
        fields["zorgNodigNaVrijlating"] = serializers.BooleanField(
            read_only=True, help_text="Het signaal dat iedere betrokkene ziet."
        )
    return type(f"ScreeningDomein{name}Serializer", (Serializer,), fields)


ScreeningDomeinenSerializer = type(
    "ScreeningDomeinenSerializer",
    (Serializer,),
    {code: _domain_serializer(spec)(required=False) for code, spec in SCHEMA.items()},
)


class ScreeningKenmerkenSerializer(Serializer):
    lvb = serializers.ChoiceField(choices=Answer.values, required=False)
    eersteDetentie = serializers.ChoiceField(choices=Answer.values, required=False)
    kortVerblijf = serializers.BooleanField(
        read_only=True, help_text="Afgeleid: verwachte einddatum minder dan 3 maanden na start."
    )
    zeerKortVerblijf = serializers.BooleanField(
        read_only=True, help_text="Afgeleid: verwachte einddatum minder dan 28 dagen na start."
    )
    taalbehoeften = serializers.CharField(
        required=False, allow_blank=True, help_text="Bijvoorbeeld: tolk Arabisch. Leeg: geen."
    )
    leesbehoeften = serializers.BooleanField(required=False)


class ScreeningSerializer(Serializer):
    traject = serializers.UUIDField(read_only=True)
    versie = serializers.IntegerField(
        required=False, help_text="De versie die u las; of stuur de ETag in If-Match."
    )
    kenmerken = ScreeningKenmerkenSerializer(required=False)
    eigenWoorden = serializers.CharField(required=False, allow_blank=True)
    afgerond = serializers.BooleanField(
        required=False, help_text="true: de screening is klaar (afronden kan niet terug)."
    )
    afgerondOp = serializers.DateTimeField(read_only=True, allow_null=True)
    afgerondDoor = serializers.CharField(read_only=True)
    gewijzigdOp = serializers.DateTimeField(read_only=True, allow_null=True)
    gewijzigdDoor = serializers.CharField(read_only=True)
    gewijzigdDoorOrganisatie = serializers.CharField(read_only=True)
    domeinen = ScreeningDomeinenSerializer(required=False)
