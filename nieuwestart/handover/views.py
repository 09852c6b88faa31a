"""Web screens of release and handover: the checklist, checking one condition, release by
hand, closing. Views translate HTTP only: access goes through the chokepoint, changes through
the services; a conflict keeps what the user typed."""

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
from nieuwestart.access.trajectories import access_trajectory, may
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.handover import selectors
from nieuwestart.handover.forms import CheckForm, CloseForm, ReleaseForm
from nieuwestart.handover.models import ConditionState
from nieuwestart.handover.services import NotCaseLead, handover_check_record, trajectory_close
from nieuwestart.screening.domains import SCHEMA
from nieuwestart.trajectories.models import JudicialTitle, Phase, Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError, trajectory_release

PURPOSE = "overdracht"
CATEGORIES: tuple[Category, ...] = (Category.IDENTITY, Category.DETENTION, Category.CONDITIONS)


def _access(
    request: HttpRequest, traject_id: UUID, *, purpose: str, action: Action | None = None
) -> Trajectory:
    return access_trajectory(
        signed_in_user(request),
        traject_id,
        purpose=purpose,
        channel=Channel.WEB,
        action=action,
        categories=CATEGORIES,
        detail=True,
    )


def _crumbs(trajectory: Trajectory, current: str, *, via_handover: bool = True) -> list[Any]:
    crumbs: list[tuple[str, str]] = [
        (_("Werklijst"), reverse("trajectories:worklist")),
        (
            trajectory.person.full_name,
            reverse("trajectories:detail", kwargs={"traject_id": trajectory.uuid}),
        ),
    ]
    if via_handover:
        crumbs.append(
            (
                _("Overdracht"),
                reverse("handover:handover", kwargs={"traject_id": trajectory.uuid}),
            )
        )
    crumbs.append((current, ""))
    return crumbs


@login_required
@require_http_methods(["GET"])
def handover(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(request, traject_id, purpose=PURPOSE)
    view = selectors.handover_view(trajectory, user)
    return render(
        request,
        "handover/handover.html",
        {
            "trajectory": trajectory,
            "view": view,
            "crumbs": _crumbs(trajectory, _("Overdracht"), via_handover=False),
            "can_edit": not view.released and may(user, Action.HANDOVER_EDIT),
            "can_release": not view.released and may(user, Action.RELEASE),
            "can_close": trajectory.is_open
            and may(user, Action.CLOSE)
            and not selectors.close_refusal(trajectory, user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, traject_id: UUID, condition: str) -> HttpResponse:
    user = signed_in_user(request)
    if condition not in SCHEMA:
        raise Http404
    trajectory = _access(request, traject_id, purpose=PURPOSE, action=Action.HANDOVER_EDIT)
    item = next(i for i in selectors.checklist(trajectory, user) if i.code == condition)
    version, _checks = selectors.latest_checks(trajectory)
    conflict = False
    if request.method == "POST":
        form = CheckForm(request.POST)
        if form.is_valid():
            try:
                handover_check_record(
                    actor=user,
                    trajectory=trajectory,
                    condition=condition,
                    state=form.cleaned_data["stand"],
                    note=form.cleaned_data["toelichting"],
                    in_place_on=form.cleaned_data["gaat_in_op"],
                    expected_version=form.cleaned_data["versie"],
                    channel=Channel.WEB,
                )
            except Conflict as exc:
                conflict = True
                form.add_error(None, exc.message)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(condition)s is vastgelegd als: %(state)s.")
                    % {"condition": item.label, "state": _state_label(form.cleaned_data["stand"])},
                )
                return redirect("handover:handover", traject_id=trajectory.uuid)
    else:
        form = CheckForm(
            initial={
                "stand": item.state,
                "toelichting": item.note,
                "gaat_in_op": item.in_place_on,
                "versie": version,
            }
        )
    return render(
        request,
        "handover/check.html",
        {
            "trajectory": trajectory,
            "item": item,
            "form": form,
            "conflict": conflict,
            "version": version,
            "released": selectors.is_released(trajectory),
            "crumbs": _crumbs(trajectory, item.label),
        },
    )


def _state_label(state: str) -> str:
    return str(ConditionState(state).label).lower()


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(
        request, traject_id, purpose="vrijlating vastleggen", action=Action.RELEASE
    )
    conflict = False
    released = selectors.is_released(trajectory)
    title_known = trajectory.judicial_title != JudicialTitle.UNKNOWN
    if request.method == "POST" and not released:
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                trajectory = trajectory_release(
                    actor=user,
                    trajectory=trajectory,
                    end_date=form.cleaned_data["datum"],
                    judicial_title=form.cleaned_data["justitiele_titel"],
                    reason=form.cleaned_data["toelichting"],
                    expected_version=form.cleaned_data["versie"],
                    channel=Channel.WEB,
                )
            except Conflict as exc:
                conflict = True
                form.add_error(None, exc.message)
                trajectory.refresh_from_db()
            except ServiceError as exc:
                field = {"datum": "datum", "justitieleTitel": "justitiele_titel"}.get(exc.field)
                form.add_error(field, exc.message)
            else:
                trajectory.refresh_from_db()
                messages.success(
                    request,
                    _(
                        "De vrijlating is vastgelegd. De casusregie ligt nu bij %(lead)s. De "
                        "uitkomst per basisvoorwaarde staat hieronder."
                    )
                    % {"lead": trajectory.case_lead.name},
                )
                return redirect("handover:handover", traject_id=trajectory.uuid)
    else:
        form = ReleaseForm(
            initial={
                "datum": timezone.localdate(),
                "justitiele_titel": trajectory.judicial_title if title_known else None,
                "versie": trajectory.version,
            }
        )
    return render(
        request,
        "handover/release.html",
        {
            "trajectory": trajectory,
            "form": form,
            "conflict": conflict,
            "released": released,
            "items": selectors.checklist(trajectory, user),
            "crumbs": _crumbs(trajectory, _("Vrijlating vastleggen")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(request, traject_id, purpose="traject afsluiten", action=Action.CLOSE)
    refusal = selectors.close_refusal(trajectory, user)
    conflict = False
    if request.method == "POST" and not refusal:
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                trajectory_close(
                    actor=user,
                    trajectory=trajectory,
                    reason=form.cleaned_data["reden"],
                    note=form.cleaned_data["toelichting"],
                    expected_version=form.cleaned_data["versie"],
                    channel=Channel.WEB,
                )
            except Conflict as exc:
                conflict = True
                form.add_error(None, exc.message)
                trajectory.refresh_from_db()
            except NotCaseLead as exc:
                refusal = exc.message
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Het traject is afgesloten."))
                return redirect("trajectories:detail", traject_id=trajectory.uuid)
    else:
        form = CloseForm(initial={"versie": trajectory.version})
    return render(
        request,
        "handover/close.html",
        {
            "trajectory": trajectory,
            "form": form,
            "conflict": conflict,
            "refusal": refusal,
            "not_released": trajectory.phase != Phase.AFTER_RELEASE,
            "crumbs": _crumbs(trajectory, _("Traject afsluiten")),
        },
    )
