"""Forms of the meeting screens: plan a meeting, record it afterwards, cancel it.

Labels and errors are plain Dutch (B1). The record form carries the meeting's version
(`versie`), so a second person who records the same meeting gets a message instead of
overwriting the first one's minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nieuwestart.accounts.models import Role, User
from nieuwestart.meetings.agenda import ProposedItem
from nieuwestart.meetings.models import Attendance, MeetingKind
from nieuwestart.meetings.selectors import AgendaItemView, MeetingView, ParticipantView
from nieuwestart.meetings.services import (
    MAX_MINUTES,
    DecisionInput,
    ParticipantInput,
    clean_online_link,
)
from nieuwestart.organisations.models import Organisation
from nieuwestart.plans.forms import SELF, who_choices
from nieuwestart.plans.models import PlanDomain
from nieuwestart.trajectories.services import ServiceError

DECISION_SLOTS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TimeInput(),
        help_text=_("Bijvoorbeeld 10:00."),
        error_messages={
            "required": _("Vul de tijd in."),
            "invalid": _("Vul een tijd in als 10:00."),
        },
    )


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _role_label(user: User) -> str:
    return str(Role(user.role).label) if user.role in Role.values else user.role


class PlanMeetingForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Soort overleg"),
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het soort overleg.")},
    )
    datum = _date_field(_("Datum"))
    tijd = _time_field(_("Tijd"))
    locatie = forms.CharField(
        label=_("Plaats"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: PI Almelo, spreekkamer 2."),
    )
    link = forms.CharField(
        label=_("Link om online mee te doen"),
        required=False,
        max_length=500,
        help_text=_("Begint met https://. Vul een plaats of een link in, of allebei."),
    )
    deelnemers = forms.MultipleChoiceField(
        label=_("Wie doen er mee?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De professionals van de organisaties die bij het traject betrokken zijn."),
        error_messages={"invalid_choice": _("Kies iemand uit de lijst.")},
    )
    gedetineerde = forms.BooleanField(
        label=_("De gedetineerde doet mee"), required=False, initial=True
    )
    anderen = forms.CharField(
        label=_("Andere deelnemers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Eén persoon per regel: naam, organisatie. Bijvoorbeeld: Sanne Jansen, "
            "woningcorporatie."
        ),
    )
    agenda = forms.MultipleChoiceField(
        label=_("Agenda: voorstel uit het plan en de termijnen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De open taken en de termijnen die eraan komen. Haal weg wat niet hoeft."),
        error_messages={"invalid_choice": _("Kies een punt uit de lijst.")},
    )
    extra = forms.CharField(
        label=_("Andere agendapunten"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Eén punt per regel. Alle deelnemers zien de agenda: schrijf hier geen diagnoses "
            "of inhoud van behandeling."
        ),
    )

    def __init__(
        self,
        *args: Any,
        people: list[User],
        proposal: list[ProposedItem],
        labels: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._people = {f"user:{p.uuid}": p for p in people}
        self._proposal = {item.key: item for item in proposal}
        groups: dict[str, list[tuple[str, str]]] = {}
        for person in people:
            organisation = person.organisation.name if person.organisation else ""
            groups.setdefault(organisation, []).append(
                (f"user:{person.uuid}", f"{person.display_name} ({_role_label(person)})")
            )
        field = self.fields["deelnemers"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(groups.items())
        agenda = self.fields["agenda"]
        assert isinstance(agenda, forms.MultipleChoiceField)
        agenda.choices = [(item.key, labels.get(item.key, item.title)) for item in proposal]

    def clean_link(self) -> str:
        try:
            return clean_online_link(self.cleaned_data.get("link", ""))
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("locatie") and not data.get("link") and "link" not in self.errors:
            self.add_error(
                "locatie", _("Vul in waar het overleg is, of een link om online mee te doen.")
            )
        chosen = bool(data.get("deelnemers")) or bool(data.get("gedetineerde"))
        if not chosen and not str(data.get("anderen") or "").strip():
            self.add_error("deelnemers", _("Kies wie er meedoen."))
        picked = bool(data.get("agenda")) or bool(str(data.get("extra") or "").strip())
        if not picked and "agenda" not in self.errors:
            self.add_error("agenda", _("Zet minstens één punt op de agenda."))
        return data

    def starts_at(self) -> dt.datetime:
        return combine(self.cleaned_data["datum"], self.cleaned_data["tijd"])

    def participants(self) -> list[ParticipantInput]:
        rows = [
            ParticipantInput(kind="professional", user=self._people[key])
            for key in self.cleaned_data["deelnemers"]
        ]
        if self.cleaned_data["gedetineerde"]:
            rows.append(ParticipantInput(kind="gedetineerde"))
        for line in str(self.cleaned_data.get("anderen") or "").splitlines():
            name, _sep, organisation = line.partition(",")
            if name.strip():
                rows.append(
                    ParticipantInput(
                        kind="extern", name=name.strip(), organisation_name=organisation.strip()
                    )
                )
        return rows

    def chosen_items(self) -> list[ProposedItem]:
        return [self._proposal[key] for key in self.cleaned_data["agenda"]]

    def extra_items(self) -> list[str]:
        return [
            line.strip()
            for line in str(self.cleaned_data.get("extra") or "").splitlines()
            if line.strip()
        ]


class RecordForm(forms.Form):
    """Attendance per participant, minutes per agenda item, and up to three decisions."""

    datum = _date_field(_("Datum van het overleg"))
    tijd = _time_field(_("Tijd"))
    versie = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("De versie van het overleg ontbreekt. Open het overleg opnieuw."),
            "invalid": _("De versie van het overleg ontbreekt. Open het overleg opnieuw."),
        },
    )

    def __init__(
        self,
        *args: Any,
        meeting: MeetingView,
        organisations: list[Organisation],
        people: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self._organisations = {f"org:{o.uuid}": o for o in organisations}
        self._people = {f"user:{p.uuid}": p for p in people}
        for participant in meeting.participants:
            self.fields[f"aanwezig-{participant.uuid}"] = forms.ChoiceField(
                label=_participant_label(participant),
                choices=Attendance.choices,
                initial=participant.attendance,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies of deze persoon er was.")},
            )
        for item in meeting.agenda:
            if not item.minutes_writable:
                # Care minutes: only who may read care content writes them (no field, so a
                # posted value is ignored; the service refuses it as well).
                continue
            self.fields[f"verslag-{item.uuid}"] = forms.CharField(
                label=f"{item.number}. {item.title}",
                required=False,
                max_length=MAX_MINUTES,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        item_choices = [("", _("Geen"))] + [
            (str(i.uuid), f"{i.number}. {i.title}") for i in meeting.agenda
        ]
        for n in range(1, DECISION_SLOTS + 1):
            self.fields[f"besluit-{n}-tekst"] = forms.CharField(
                label=_("Wat is er besloten?"),
                required=False,
                max_length=500,
                help_text=_("Wordt een taak in het D&R-plan. Kort en concreet."),
            )
            self.fields[f"besluit-{n}-domein"] = forms.ChoiceField(
                label=_("Basisvoorwaarde"),
                required=False,
                choices=[("", _("Kies een basisvoorwaarde")), *PlanDomain.choices],
            )
            self.fields[f"besluit-{n}-wie"] = forms.ChoiceField(
                label=_("Wie doet het?"),
                required=False,
                choices=who_choices(organisations, people),
                error_messages={"invalid_choice": _("Kies iemand uit de lijst.")},
            )
            self.fields[f"besluit-{n}-uiterlijk"] = forms.DateField(
                label=_("Klaar op"),
                required=False,
                widget=DateInput(),
                error_messages={"invalid": _("Vul een geldige datum in.")},
            )
            self.fields[f"besluit-{n}-agendapunt"] = forms.ChoiceField(
                label=_("Bij agendapunt"), required=False, choices=item_choices
            )

    # Groups of bound fields for the template, which lays the form out in sections.
    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"aanwezig-{p.uuid}"] for p in self.meeting.participants]

    def minutes_fields(self) -> list[tuple[AgendaItemView, forms.BoundField | None]]:
        """Per agenda item its minutes field; None for a care item this user may not write."""
        return [
            (i, self[f"verslag-{i.uuid}"] if i.minutes_writable else None)
            for i in self.meeting.agenda
        ]

    def decision_fields(self) -> list[tuple[int, list[forms.BoundField]]]:
        names = ("tekst", "domein", "wie", "uiterlijk", "agendapunt")
        return [
            (n, [self[f"besluit-{n}-{name}"] for name in names])
            for n in range(1, DECISION_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, DECISION_SLOTS + 1):
            text = str(data.get(f"besluit-{n}-tekst") or "").strip()
            if not text:
                continue
            if not data.get(f"besluit-{n}-domein"):
                self.add_error(f"besluit-{n}-domein", _("Kies een basisvoorwaarde."))
            if not data.get(f"besluit-{n}-wie"):
                self.add_error(f"besluit-{n}-wie", _("Kies wie dit doet."))
        return data

    def held_at(self) -> dt.datetime:
        return combine(self.cleaned_data["datum"], self.cleaned_data["tijd"])

    def attendance(self) -> dict[str, str]:
        return {
            str(p.uuid): self.cleaned_data[f"aanwezig-{p.uuid}"] for p in self.meeting.participants
        }

    def minutes(self) -> dict[str, str]:
        return {
            str(i.uuid): self.cleaned_data.get(f"verslag-{i.uuid}", "")
            for i in self.meeting.agenda
            if i.minutes_writable
        }

    def decisions(self) -> list[DecisionInput]:
        rows = []
        for n in range(1, DECISION_SLOTS + 1):
            text = str(self.cleaned_data.get(f"besluit-{n}-tekst") or "").strip()
            if not text:
                continue
            who = self.cleaned_data.get(f"besluit-{n}-wie") or ""
            person = self._people.get(who)
            rows.append(
                DecisionInput(
                    text=text,
                    domain=self.cleaned_data.get(f"besluit-{n}-domein") or "algemeen",
                    organisation=person.organisation if person else self._organisations.get(who),
                    assignee=person,
                    for_detainee=who == SELF,
                    due_date=self.cleaned_data.get(f"besluit-{n}-uiterlijk"),
                    agenda_item=self.cleaned_data.get(f"besluit-{n}-agendapunt") or None,
                )
            )
        return rows

    def add_service_error(self, exc: ServiceError) -> None:
        """Put a service's error on the field it is about (`besluiten.0.wie` -> slot 1)."""
        parts = exc.field.split(".")
        if parts[0] == "besluiten" and len(parts) == 3 and parts[1].isdigit():
            slots = [
                n
                for n in range(1, DECISION_SLOTS + 1)
                if str(self.cleaned_data.get(f"besluit-{n}-tekst") or "").strip()
            ]
            index = int(parts[1])
            field = {"organisatie": "wie", "uitvoerder": "wie"}.get(parts[2], parts[2])
            name = f"besluit-{slots[index]}-{field}" if index < len(slots) else ""
            if name in self.fields:
                self.add_error(name, exc.message)
                return
        if parts[0] == "gehoudenOp":
            self.add_error("datum", exc.message)
            return
        if parts[0] == "verslag" and len(parts) == 2 and f"verslag-{parts[1]}" in self.fields:
            self.add_error(f"verslag-{parts[1]}", exc.message)
            return
        self.add_error(None, exc.message)


def _participant_label(participant: ParticipantView) -> str:
    if participant.organisation_name:
        return f"{participant.name} ({participant.organisation_name})"
    if participant.kind == "gedetineerde":
        return f"{participant.name} ({participant.kind_label.lower()})"
    return participant.name


class CancelForm(forms.Form):
    reden = forms.CharField(
        label=_("Waarom gaat het overleg niet door?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Schrijf waarom het overleg niet doorgaat.")},
    )
    versie = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def organisations_of(people: Iterable[User]) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for person in people:
        if person.organisation is not None:
            seen.setdefault(person.organisation.pk, person.organisation)
    return list(seen.values())
