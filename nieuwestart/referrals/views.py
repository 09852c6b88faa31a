"""Web pages to register and change a referral (the list is on the trajectory page).

Views translate HTTP only: access through the chokepoint (`Action.REFERRAL_EDIT`), changes
through services, reads through selectors. A form page shows the person's name and the referral,
so every render (the first view, a form with errors, a conflict) is logged as a read, with
`zorginhoud` only when the page shows care content.
After a conflict the page comes back with the user's input and the referral as it is now.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.referrals import selectors
from nieuwestart.referrals.forms import ReferralCreateForm, ReferralEditForm, today_initial
from nieuwestart.referrals.models import Referral
from nieuwestart.referrals.services import (
    PURPOSE,
    ReferralConflict,
    ReferralInvalid,
    referral_register,
    referral_update,
    sees_care_content,
)
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError


def _access(user: User, traject_id: UUID) -> Trajectory:
    # The read is logged below, once we know whether the page shows care content.
    return access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=Action.REFERRAL_EDIT,
        categories=(Category.IDENTITY, Category.CONDITIONS),
        detail=True,
        log_read=False,
    )


def _log_read(user: User, trajectory: Trajectory, *, care: bool) -> None:
    categories = [Category.IDENTITY.value, Category.CONDITIONS.value]
    if care:
        categories.append(Category.CARE_DETAILS.value)
    log_processing(
        actor=user,
        action=LogAction.READ,
        categories=categories,
        purpose=PURPOSE,
        channel=Channel.WEB,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
    )


def _back(trajectory: Trajectory) -> str:
    return reverse("trajectories:detail", kwargs={"traject_id": trajectory.uuid}) + "#verwijzingen"


def _add_errors(form: Any, exc: ServiceError) -> None:
    errors = exc.errors if isinstance(exc, ReferralInvalid) else [(exc.field, exc.message)]
    for field, message in errors:
        form.add_error(field if field in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    care_hidden = not sees_care_content(user)
    form = ReferralCreateForm(request.POST or None, care_help=care_hidden, initial=today_initial())
    if request.method == "POST" and form.is_valid():
        try:
            referral_register(actor=user, trajectory=trajectory, **form.arguments())
        except ServiceError as exc:
            if exc.code == "closed":
                messages.error(request, exc.message)
                return redirect(_back(trajectory))
            _add_errors(form, exc)
        else:
            messages.success(request, _("De verwijzing is geregistreerd."))
            return redirect(_back(trajectory))
    # Every page shown (the empty form, or the form with errors) shows the person's name.
    _log_read(user, trajectory, care=False)
    return render(
        request,
        "referrals/form.html",
        {
            "trajectory": trajectory,
            "person": trajectory.person,
            "form": form,
            "creating": True,
            "care_hidden": care_hidden,
        },
    )


def _referral(trajectory: Trajectory, verwijzing_id: UUID) -> Referral:
    referral = selectors.referral_for(trajectory, verwijzing_id)
    if referral is None:
        raise Http404
    return referral


def _keep_input(form: ReferralEditForm, version: int) -> None:
    data = form.data.copy()  # type: ignore[attr-defined]
    data["versie"] = str(version)
    form.data = data


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, traject_id: UUID, verwijzing_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    referral = _referral(trajectory, verwijzing_id)
    content_visible = not referral.is_care or sees_care_content(user)
    form = ReferralEditForm(
        request.POST or None,
        referral=referral,
        content_visible=content_visible,
        initial=ReferralEditForm.initial_for(referral, content_visible=content_visible),
    )
    conflict: ReferralConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            referral_update(
                actor=user,
                trajectory=trajectory,
                referral_id=referral.uuid,
                expected_version=form.cleaned_data["versie"],
                changes=form.changes(),
            )
        except ReferralConflict as exc:
            conflict = exc
            referral = exc.current
            _keep_input(form, referral.version)
        except ServiceError as exc:
            if exc.code in ("closed", "not_found"):
                messages.error(request, exc.message)
                return redirect(_back(trajectory))
            _add_errors(form, exc)
        else:
            messages.success(request, _("De verwijzing is opgeslagen."))
            return redirect(_back(trajectory))
    view = selectors.referral_view(referral, trajectory, user, timezone.localdate())
    # Every page shown (first view, errors, conflict) shows the person and the referral as
    # saved; a care referral's provider and note only to a full care reader, logged as such.
    _log_read(user, trajectory, care=selectors.shows_care_content([view]))
    return render(
        request,
        "referrals/form.html",
        {
            "trajectory": trajectory,
            "person": trajectory.person,
            "form": form,
            "creating": False,
            "referral": view,
            "conflict": conflict,
        },
    )
