"""The privacy officer's screens: who looked at this person's file, and what did this user see.

The privacy officer sees the processing log, never case content. Searching for a person is by
BSN in a POST body (never in a URL); the privacy officer's own searches are logged too.
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from nieuwestart.access.trajectories import access_processing_log
from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Action, Channel
from nieuwestart.audit.selectors import entries_for_person, entries_for_trajectory, entries_for_user
from nieuwestart.audit.services import log_processing
from nieuwestart.core.bsn import is_acceptable_bsn
from nieuwestart.trajectories.models import Person


class PersonSearchForm(forms.Form):
    bsn = forms.CharField(
        label=_("BSN van de persoon"),
        min_length=9,
        max_length=9,
        error_messages={
            "required": _("Vul een BSN in."),
            "min_length": _("Een BSN heeft 9 cijfers."),
        },
    )

    def clean_bsn(self) -> str:
        value: str = self.cleaned_data["bsn"].strip()
        if not is_acceptable_bsn(value):
            raise forms.ValidationError(
                _("Dit is geen geldig BSN: het klopt niet met de elfproef.")
            )
        return value


class UserSearchForm(forms.Form):
    gebruikersnaam = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        error_messages={"required": _("Vul een gebruikersnaam in.")},
    )


def _log_lookup(officer: User, detail: str, *, person_id: int | None = None) -> None:
    """The privacy officer's own look-ups are processing too, and are logged."""
    log_processing(
        actor=officer,
        action=Action.READ,
        categories=["verwerkingenlog"],
        purpose="privacytoezicht",
        channel=Channel.WEB,
        person_id=person_id,
        detail=detail,
    )


def _privacy_officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.PRIVACY_OFFICER:
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    officer = _privacy_officer(request)
    which = request.POST.get("zoek", "")
    person_form = PersonSearchForm(request.POST if which == "persoon" else None)
    user_form = UserSearchForm(request.POST if which == "gebruiker" else None)
    person = None
    entries = None
    found_user = None
    not_found = ""
    if which == "persoon" and person_form.is_valid():
        person = Person.objects.filter(bsn=person_form.cleaned_data["bsn"]).first()
        if person is None:
            not_found = str(_("Er is geen dossier met dit BSN."))
        else:
            _log_lookup(officer, "wie heeft dit dossier ingezien", person_id=person.pk)
            entries = entries_for_person(person.pk)[:500]
    if which == "gebruiker" and user_form.is_valid():
        found_user = User.objects.filter(username=user_form.cleaned_data["gebruikersnaam"]).first()
        if found_user is None:
            not_found = str(_("Er is geen gebruiker met deze naam."))
        else:
            entries = entries_for_user(found_user.pk)[:500]
            _log_lookup(officer, f"verwerkingen van gebruiker {found_user.username}")
    return render(
        request,
        "audit/home.html",
        {
            "person_form": person_form,
            "user_form": user_form,
            "person": person,
            "found_user": found_user,
            "entries": entries,
            "not_found": not_found,
        },
    )


@login_required
def trajectory_log(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    trajectory = access_processing_log(user, traject_id, channel=Channel.WEB)
    page = Paginator(entries_for_trajectory(trajectory.uuid), 100).get_page(
        request.GET.get("pagina")
    )
    return render(request, "audit/trajectory.html", {"trajectory": trajectory, "page_obj": page})


@login_required
def user_log(request: HttpRequest, user_id: UUID) -> HttpResponse:
    officer = _privacy_officer(request)
    subject = get_object_or_404(User, uuid=user_id)
    _log_lookup(officer, f"verwerkingen van gebruiker {subject.username}")
    page = Paginator(entries_for_user(subject.pk), 100).get_page(request.GET.get("pagina"))
    return render(request, "audit/user.html", {"subject": subject, "page_obj": page})
