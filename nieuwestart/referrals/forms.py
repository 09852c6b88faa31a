"""Forms for registering and changing a referral. Field names are the API's Dutch names, so a
service error names the same field on the web and in the API. The rules themselves live in the
services and in `waiting.validate`; the forms only read the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nieuwestart.referrals.models import (
    CONDITION_OF_KIND,
    MAX_CITY,
    MAX_NOTE,
    MAX_PROVIDER,
    TRANSITIONS,
    Condition,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from nieuwestart.referrals.services import CREATE_STATUSES

CARE_KINDS = frozenset(k for k, c in CONDITION_OF_KIND.items() if c == Condition.CARE)
DATE_ERRORS = {"invalid": _("Vul een geldige datum in, bijvoorbeeld 15-03-2027.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: Any, *, required: bool, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={**DATE_ERRORS, "required": _("Vul een datum in.")},
    )


def _text_fields(form: forms.Form, *, care_help: bool, provider_required: bool = True) -> None:
    form.fields["aanbieder"] = forms.CharField(
        label=_("Aanbieder"),
        max_length=MAX_PROVIDER,
        required=provider_required,
        help_text=_(
            "De instelling of organisatie waarnaar u verwijst. Bij zorg of behandeling laat u "
            "dit leeg: dat is zorginhoud, die uw organisatie niet ziet."
        )
        if care_help
        else _(
            "De instelling of organisatie waarnaar u verwijst. Bij zorg of behandeling mag dit "
            "leeg blijven."
        ),
        error_messages={
            "required": _("Vul in naar welke aanbieder of organisatie u verwijst."),
            "max_length": _("Gebruik hooguit %(limit_value)d tekens."),
        },
    )
    form.fields["plaats"] = forms.CharField(
        label=_("Plaats van de aanbieder"),
        max_length=MAX_CITY,
        required=False,
        error_messages={"max_length": _("Gebruik hooguit %(limit_value)d tekens.")},
    )
    form.fields["toelichting"] = forms.CharField(
        label=_("Toelichting"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bijvoorbeeld: wat de aanbieder nog nodig heeft, of met wie u contact had."),
        error_messages={"max_length": _("Gebruik hooguit %(limit_value)d tekens.")},
    )


class ReferralCreateForm(forms.Form):
    # No browser validation: the page checks on the server and says what is wrong in Dutch
    # (an unchecked required radio group would otherwise show red before anything was typed).
    use_required_attribute = False

    soort = forms.ChoiceField(
        label=_("Soort verwijzing"),
        choices=ReferralKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een soort verwijzing.")},
    )
    basisvoorwaarde = forms.ChoiceField(
        label=_("Voor welke basisvoorwaarde?"),
        choices=[("", _("Volgt uit de soort verwijzing")), *Condition.choices],
        required=False,
        help_text=_("Alleen nodig bij 'Andere verwijzing'."),
    )

    def __init__(self, *args: Any, care_help: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _text_fields(self, care_help=care_help)
        self.fields["aangemeldOp"] = _date(
            _("Aangemeld op"), required=True, help_text=_("De datum waarop u de persoon aanmeldde.")
        )
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[(s.value, s.label) for s in CREATE_STATUSES],
            initial=ReferralStatus.REFERRED,
            widget=forms.RadioSelect,
        )
        self.fields["verwachteStart"] = _date(
            _("Verwachte start"),
            required=False,
            help_text=_("Laat leeg als de aanbieder dit nog niet weet."),
        )
        self.fields["werkelijkeStart"] = _date(
            _("Werkelijke start"),
            required=False,
            help_text=_("Alleen als de plaatsing of start er al is geweest."),
        )
        self.order_fields(
            [
                "soort",
                "basisvoorwaarde",
                "aanbieder",
                "plaats",
                "aangemeldOp",
                "status",
                "verwachteStart",
                "werkelijkeStart",
                "toelichting",
            ]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A care referral may go without a provider (the service has the same rule).
        kind = cleaned.get("soort")
        is_care = kind in CARE_KINDS or (
            kind == ReferralKind.OTHER and cleaned.get("basisvoorwaarde") == Condition.CARE
        )
        if is_care and "aanbieder" in self.errors and not self.data.get("aanbieder", "").strip():
            del self.errors["aanbieder"]
            cleaned["aanbieder"] = ""
        return cleaned

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["soort"],
            "condition": data["basisvoorwaarde"],
            "provider": data["aanbieder"],
            "provider_city": data["plaats"],
            "referred_on": data["aangemeldOp"],
            "expected_start": data["verwachteStart"],
            "actual_start": data["werkelijkeStart"],
            "status": data["status"],
            "note": data["toelichting"],
        }


class ReferralEditForm(forms.Form):
    """Status and dates; the provider and the note only for who may see them."""

    use_required_attribute = False

    def __init__(
        self, *args: Any, referral: Referral, content_visible: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.content_visible = content_visible
        if content_visible:
            _text_fields(self, care_help=False, provider_required=not referral.is_care)
        current = ReferralStatus(referral.status)
        allowed = {current, *TRANSITIONS[current]}
        # After a conflict the referral may have moved on: keep what the user chose, so the
        # service (not the form) explains why a move is not possible.
        posted = self.data.get("status") if self.is_bound else None
        if posted in ReferralStatus.values:
            allowed.add(ReferralStatus(posted))
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[(s.value, s.label) for s in ReferralStatus if s in allowed],
            widget=forms.RadioSelect,
            help_text=_(
                "Gestart, afgewezen of ingetrokken is definitief. Daarna registreert u zo nodig "
                "een nieuwe verwijzing."
            ),
        )
        self.fields["aangemeldOp"] = _date(_("Aangemeld op"), required=True)
        self.fields["verwachteStart"] = _date(
            _("Verwachte start"),
            required=False,
            help_text=_("Laat leeg als de aanbieder dit nog niet weet."),
        )
        self.fields["werkelijkeStart"] = _date(
            _("Werkelijke start"),
            required=False,
            help_text=_("Vul dit in als u de status 'Geplaatst of gestart' kiest."),
        )
        self.fields["versie"] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=1,
            error_messages={
                "required": _("De versie van de verwijzing ontbreekt. Open de verwijzing opnieuw."),
                "invalid": _("De versie van de verwijzing ontbreekt. Open de verwijzing opnieuw."),
            },
        )
        order = ["status", "aangemeldOp", "verwachteStart", "werkelijkeStart"]
        if content_visible:
            order = ["aanbieder", "plaats", *order, "toelichting"]
        self.order_fields([*order, "versie"])

    @staticmethod
    def initial_for(referral: Referral, *, content_visible: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "status": referral.status,
            "aangemeldOp": referral.referred_on,
            "verwachteStart": referral.expected_start,
            "werkelijkeStart": referral.actual_start,
            "versie": referral.version,
        }
        if content_visible:
            initial.update(
                aanbieder=referral.provider,
                plaats=referral.provider_city,
                toelichting=referral.note,
            )
        return initial

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {
            "status": data["status"],
            "referred_on": data["aangemeldOp"],
            "expected_start": data["verwachteStart"],
            "actual_start": data["werkelijkeStart"],
        }
        if self.content_visible:
            changes.update(
                provider=data["aanbieder"],
                provider_city=data["plaats"],
                note=data["toelichting"],
            )
        return changes


def today_initial() -> dict[str, dt.date]:
    return {"aangemeldOp": timezone.localdate()}
