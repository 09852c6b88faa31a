"""Web screens of the screening: one page with all six domains, saved at once, and the
contributions of the partners. Views translate HTTP only: access through the chokepoint,
changes through the services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory, may
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.screening import selectors
from nieuwestart.screening.forms import ContributionForm, ScreeningForm
from nieuwestart.screening.models import Domain
from nieuwestart.screening.services import (
    PURPOSE,
    ScreeningConflict,
    ScreeningInvalid,
    screening_contribute,
    screening_save,
    sees_care_details,
)
from nieuwestart.screening.short_stay import stay_length
from nieuwestart.trajectories.models import Trajectory


def read_categories(user: User) -> list[Category]:
    """What the screening page shows this user: the name, the conditions, care content if any."""
    categories = [Category.IDENTITY, Category.CONDITIONS]
    if sees_care_details(user):
        categories.append(Category.CARE_DETAILS)
    return categories


def _trajectory(request: HttpRequest, traject_id: UUID, *, edit: bool) -> Trajectory:
    user = signed_in_user(request)
    return access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=Action.SCREENING_EDIT if edit else None,
        categories=read_categories(user),
        detail=True,
    )


def _page(
    request: HttpRequest,
    trajectory: Trajectory,
    *,
    form: ScreeningForm | None = None,
    contribution_form: ContributionForm | None = None,
    conflict: ScreeningConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    view = selectors.screening_view(trajectory, user)
    can_edit = may(user, Action.SCREENING_EDIT)
    care_details = sees_care_details(user)
    if can_edit and form is None:
        form = ScreeningForm(initial=ScreeningForm.initial_from(view), care_details=care_details)
    # The version the form carries: the one the user started from, until they have seen the
    # other person's changes (a conflict); then the current one.
    form_version = view.version
    if form is not None and form.is_bound and conflict is None:
        form_version = form.data.get("versie", view.version)
    context: dict[str, Any] = {
        "trajectory": trajectory,
        "person": trajectory.person,
        "screening": view,
        "board": selectors.status_board(trajectory, user),
        "flags": selectors.flag_labels(view, include_stay=False),  # stay has its own line
        "care_status": view.domain(Domain.CARE).status,
        "stay": stay_length(trajectory.start_date, trajectory.expected_end_date),
        "can_edit": can_edit,
        "form": form,
        "groups": form.groups() if form is not None else [],
        "form_version": form_version,
        "error_items": form.error_items() if form is not None and form.is_bound else [],
        "conflict": conflict,
        "contribution_form": contribution_form or ContributionForm(),
    }
    return render(request, "screening/screening.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    """GET: everyone involved reads the screening. POST: save it (Action.SCREENING_EDIT)."""
    user = signed_in_user(request)
    if request.method == "GET":
        return _page(request, _trajectory(request, traject_id, edit=False))
    trajectory = _trajectory(request, traject_id, edit=True)
    form = ScreeningForm(request.POST, care_details=sees_care_details(user))
    if not form.is_valid():
        return _page(request, trajectory, form=form)
    try:
        screening_save(
            actor=user,
            trajectory=trajectory,
            complete="afronden" in request.POST,
            channel=Channel.WEB,
            **form.service_arguments(),
        )
    except ScreeningConflict as exc:
        form.add_error(None, exc.message)
        return _page(request, trajectory, form=form, conflict=exc)
    except ScreeningInvalid as exc:
        form.add_service_errors(exc.errors)
        return _page(request, trajectory, form=form)
    if "afronden" in request.POST:
        messages.success(request, _("De screening is opgeslagen en afgerond."))
    else:
        messages.success(request, _("De screening is opgeslagen."))
    return redirect(reverse("screening:screening", args=[trajectory.uuid]))


@login_required
@require_POST
def contribute(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    """Add what the user's organisation knows to one domain, attributed to them."""
    user = signed_in_user(request)
    trajectory = _trajectory(request, traject_id, edit=True)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            screening_contribute(
                actor=user,
                trajectory=trajectory,
                domain=form.cleaned_data["domein"],
                text=form.cleaned_data["tekst"],
                channel=Channel.WEB,
            )
        except ScreeningInvalid as exc:
            for path, errors in exc.errors.items():
                for error in errors:
                    form.add_error(path if path in form.fields else None, error)
        else:
            messages.success(request, _("Uw bijdrage staat bij de screening."))
            url = reverse("screening:screening", args=[trajectory.uuid])
            return redirect(f"{url}#domein-{form.cleaned_data['domein']}")
    return _page(request, trajectory, contribution_form=form)
