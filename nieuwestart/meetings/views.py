"""Web screens of meetings: the list, planning a meeting, the meeting page, the printable
meeting pack (HTML and PDF), recording the minutes, cancelling.

Views translate HTTP only: access goes through the chokepoint (every read, export and refusal
is logged there), changes through the services, reads through the selectors. The agenda
proposal needs the deadlines (a higher layer), so the views compute it and pass it in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory, may
from nieuwestart.accounts.models import User
from nieuwestart.accounts.ratelimits import export_quota
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.deadlines.selectors import deadlines_for
from nieuwestart.meetings import selectors
from nieuwestart.meetings.agenda import ProposedItem, agenda_proposal
from nieuwestart.meetings.forms import CancelForm, PlanMeetingForm, RecordForm
from nieuwestart.meetings.models import AgendaSource, Meeting
from nieuwestart.meetings.pdf import render_pack_pdf
from nieuwestart.meetings.services import (
    PURPOSE,
    AgendaInput,
    MeetingConflict,
    meeting_cancel,
    meeting_plan,
    meeting_record,
)
from nieuwestart.plans.selectors import plan_summary, plan_view
from nieuwestart.plans.services import involved_organisations
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import ServiceError

READ_CATEGORIES = (Category.IDENTITY, Category.CONTACTS, Category.PLAN)
PROPOSAL_WEEKS = 6


def _access(
    user: User, traject_id: UUID, *, action: Action | None = None, export: str = ""
) -> Trajectory:
    return access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=action,
        categories=READ_CATEGORIES,
        detail=True,
        export=export,
    )


def _meeting(trajectory: Trajectory, overleg_id: UUID) -> Meeting:
    meeting = selectors.get_meeting(trajectory, overleg_id)
    if meeting is None:
        raise Http404
    return meeting


def proposal(trajectory: Trajectory, today: dt.date | None = None) -> list[ProposedItem]:
    """The agenda proposal for this trajectory now, in Dutch (it is stored as written)."""
    today = today or timezone.localdate()
    with translation.override("nl"):
        return agenda_proposal(
            selectors.open_plan_tasks(trajectory),
            deadlines_for(trajectory, today),
            until=today + dt.timedelta(weeks=PROPOSAL_WEEKS),
        )


def agenda_inputs(chosen: list[ProposedItem], extra: list[str]) -> list[AgendaInput]:
    """The chosen proposed items, then the extra ones, with "Rondvraag" last."""
    closing = [i for i in chosen if i.source == AgendaSource.FREE]
    items = [
        AgendaInput(
            title=i.title,
            source=i.source,
            source_ref=i.source_ref,
            domain=i.domain,
            organisation_id=i.organisation_id,
        )
        for i in chosen
        if i.source != AgendaSource.FREE
    ]
    items += [AgendaInput(title=text) for text in extra]
    items += [AgendaInput(title=i.title) for i in closing]
    return items


# --- List and plan -----------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    return render(
        request,
        "meetings/list.html",
        {
            "trajectory": trajectory,
            "meetings": selectors.meetings_for(trajectory),
            "can_plan": may(user, Action.MEETING_EDIT) and trajectory.is_open,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, action=Action.MEETING_EDIT)
    if not trajectory.is_open:
        messages.info(request, _("Dit traject is afgesloten. U kunt geen overleg meer plannen."))
        return redirect("meetings:list", traject_id=trajectory.uuid)
    items = proposal(trajectory)
    labels = {item.key: selectors.proposal_label(item, user) for item in items}
    people = selectors.people_to_invite(trajectory)
    if request.method == "POST":
        form = PlanMeetingForm(request.POST, people=people, proposal=items, labels=labels)
        if form.is_valid():
            try:
                meeting = meeting_plan(
                    actor=user,
                    trajectory=trajectory,
                    kind=form.cleaned_data["soort"],
                    starts_at=form.starts_at(),
                    location=form.cleaned_data["locatie"],
                    online_link=form.cleaned_data["link"],
                    participants=form.participants(),
                    agenda=agenda_inputs(form.chosen_items(), form.extra_items()),
                )
            except ServiceError as exc:
                field = exc.field.split(".")[0]
                form.add_error(
                    {"aanvang": "datum", "onlineLink": "link", "soort": "soort"}.get(field, field)
                    if field
                    in ("aanvang", "onlineLink", "soort", "locatie", "deelnemers", "agenda")
                    else None,
                    exc.message,
                )
            else:
                messages.success(
                    request,
                    _("Het overleg is gepland. Druk het overlegpakket af voor het overleg."),
                )
                return redirect(
                    "meetings:detail", traject_id=trajectory.uuid, overleg_id=meeting.uuid
                )
    else:
        own = [f"user:{user.uuid}"] if any(p.pk == user.pk for p in people) else []
        form = PlanMeetingForm(
            people=people,
            proposal=items,
            labels=labels,
            initial={
                "soort": request.GET.get("soort", ""),
                "deelnemers": own,
                "gedetineerde": True,
                "agenda": [item.key for item in items],
                "locatie": trajectory.prison.name,
            },
        )
    return render(
        request,
        "meetings/plan.html",
        {"trajectory": trajectory, "form": form, "has_proposal": len(items) > 1},
    )


# --- One meeting ------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, traject_id: UUID, overleg_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    meeting = selectors.meeting_view(_meeting(trajectory, overleg_id), user)
    can_edit = may(user, Action.MEETING_EDIT)
    return render(
        request,
        "meetings/detail.html",
        {
            "trajectory": trajectory,
            "meeting": meeting,
            "can_edit": can_edit and meeting.is_planned,
            "can_record": can_edit
            and meeting.is_planned
            and trajectory.is_open
            and timezone.localdate(meeting.starts_at) <= timezone.localdate(),
            "cancel_form": CancelForm(initial={"versie": meeting.version})
            if can_edit and meeting.is_planned
            else None,
        },
    )


def _pack_context(trajectory: Trajectory, meeting: Meeting, user: User) -> dict[str, Any]:
    view = selectors.meeting_view(meeting, user)
    tasks = [t for t in plan_view(trajectory, user).tasks if not t.is_done]
    return {
        "trajectory": trajectory,
        "person": trajectory.person,
        "meeting": view,
        "plan": plan_summary(trajectory),
        "open_tasks": tasks,
        "printed_at": timezone.now(),
    }


@login_required
@require_GET
def pack(request: HttpRequest, traject_id: UUID, overleg_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    meeting = _meeting(trajectory, overleg_id)
    return render(request, "meetings/pack.html", _pack_context(trajectory, meeting, user))


@login_required
@require_GET
@export_quota
def pack_pdf(request: HttpRequest, traject_id: UUID, overleg_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, export="overlegpakket als PDF")
    meeting = _meeting(trajectory, overleg_id)
    with translation.override("nl"):
        html = render_to_string("meetings/pack_pdf.html", _pack_context(trajectory, meeting, user))
    response = HttpResponse(render_pack_pdf(html), content_type="application/pdf")
    surname = trajectory.person.surname.lower().replace(" ", "-")
    day = timezone.localtime(meeting.starts_at)
    response["Content-Disposition"] = (
        f'inline; filename="overlegpakket-{surname}-{day:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _record_form(
    request: HttpRequest, trajectory: Trajectory, view: selectors.MeetingView, data: Any = None
) -> RecordForm:
    people = selectors.people_to_invite(trajectory)
    local = timezone.localtime(view.starts_at)
    return RecordForm(
        data,
        meeting=view,
        organisations=involved_organisations(trajectory),
        people=people,
        initial={"datum": local.date(), "tijd": local.time(), "versie": view.version},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, traject_id: UUID, overleg_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, action=Action.MEETING_EDIT)
    meeting = _meeting(trajectory, overleg_id)
    view = selectors.meeting_view(meeting, user)
    conflict = ""
    if request.method == "POST":
        form = _record_form(request, trajectory, view, request.POST)
        if form.is_valid():
            try:
                meeting_record(
                    actor=user,
                    meeting=meeting,
                    expected_version=form.cleaned_data["versie"],
                    attendance=form.attendance(),
                    minutes=form.minutes(),
                    decisions=form.decisions(),
                    held_at=form.held_at(),
                )
            except MeetingConflict as exc:
                conflict = exc.message
                data = form.data.copy()  # type: ignore[attr-defined]
                data["versie"] = str(selectors.meeting_view(meeting, user).version)
                form.data = data
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Het verslag is vastgelegd. De besluiten staan als taak in het D&R-plan."),
                )
                return redirect(
                    "meetings:detail", traject_id=trajectory.uuid, overleg_id=meeting.uuid
                )
    elif not view.is_planned:
        messages.info(request, _("Het verslag van dit overleg kan niet meer veranderen."))
        return redirect("meetings:detail", traject_id=trajectory.uuid, overleg_id=meeting.uuid)
    elif not trajectory.is_open:
        messages.info(request, _("Dit traject is afgesloten. U kunt geen verslag meer vastleggen."))
        return redirect("meetings:detail", traject_id=trajectory.uuid, overleg_id=meeting.uuid)
    else:
        form = _record_form(request, trajectory, view)
    return render(
        request,
        "meetings/record.html",
        {"trajectory": trajectory, "meeting": view, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, traject_id: UUID, overleg_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, action=Action.MEETING_EDIT)
    meeting = _meeting(trajectory, overleg_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            meeting_cancel(
                actor=user,
                meeting=meeting,
                expected_version=form.cleaned_data["versie"],
                reason=form.cleaned_data["reden"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Het overleg is afgelast. De deelnemers zien dat hier."))
    else:
        messages.error(request, _("Schrijf waarom het overleg niet doorgaat."))
    return redirect("meetings:detail", traject_id=trajectory.uuid, overleg_id=meeting.uuid)
