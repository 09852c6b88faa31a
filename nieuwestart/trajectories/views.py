"""Web screens for the shared trajectory: work list, trajectory page, return municipality,
people on the case, and the batch import. Views translate HTTP only: access goes through the
chokepoint, changes through services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nieuwestart.access.policy import POLICY, Action, Category, Visibility
from nieuwestart.access.trajectories import (
    FILE_CATEGORIES,
    LIST_CATEGORIES,
    access_trajectory,
    category_visibility,
    may,
    record_list_read,
)
from nieuwestart.accounts.models import Role, User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.deadlines import selectors as deadline_selectors
from nieuwestart.handover import selectors as handover_selectors
from nieuwestart.infosheet import selectors as infosheet_selectors
from nieuwestart.meetings import selectors as meeting_selectors
from nieuwestart.plans import selectors as plan_selectors
from nieuwestart.referrals import selectors as referral_selectors
from nieuwestart.screening import selectors as screening_selectors
from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.forms import (
    AssignForm,
    ImportForm,
    PhaseForm,
    ProbationForm,
    ReturnMunicipalityForm,
    WorklistFilterForm,
)
from nieuwestart.trajectories.imports import (
    ImportFileError,
    import_batch_create,
    import_batch_process,
    import_summary,
)
from nieuwestart.trajectories.models import ImportBatch, ImportRow, ImportRowStatus, Phase
from nieuwestart.trajectories.services import (
    Conflict,
    ServiceError,
    assignable_users,
    trajectory_assign,
    trajectory_assign_probation,
    trajectory_change_return_municipality,
    trajectory_transition,
)

PURPOSE = "re-integratietraject uitvoeren"
# The trajectory page shows the file's facts, contacts, the status board and the plan status.
DETAIL_CATEGORIES = (*FILE_CATEGORIES, Category.CONDITIONS, Category.PLAN)
PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def worklist(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role == Role.PRIVACY_OFFICER:
        return redirect("audit:home")
    if user.role == Role.ADMINISTRATOR:
        return redirect("trajectories:import_upload")
    if user.role in (Role.MANAGEMENT, Role.CHAIN_ANALYST):
        return redirect("indicators:dashboard")
    # Names are searched with POST so they never end up in a URL or a server log.
    data = request.POST if request.method == "POST" else request.GET
    form = WorklistFilterForm(data)
    form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    page = selectors.worklist_page(
        user,
        request.GET.get("pagina"),
        PAGE_SIZE,
        phase=filters.get("fase") or "",
        query=(filters.get("zoek") or "") if request.method == "POST" else "",
        mine=bool(filters.get("mijn")),
    )
    rows = list(page.object_list)
    record_list_read(
        user,
        rows,
        purpose="werklijst",
        channel=Channel.WEB,
        categories=(*LIST_CATEGORIES, Category.CONDITIONS),
    )
    ids = [t.pk for t in rows]
    boards = screening_selectors.status_boards(ids, user=user)
    names = selectors.assignee_names(ids)
    for trajectory in rows:
        trajectory.status_board = boards[trajectory.pk]  # type: ignore[attr-defined]
        by_role = names[trajectory.pk]
        trajectory.casemanager_name = by_role.get(Role.CASEMANAGER)  # type: ignore[attr-defined]
        trajectory.coordinator_name = by_role.get(Role.AFTERCARE_COORDINATOR)  # type: ignore[attr-defined]
    return render(
        request,
        "trajectories/worklist.html",
        {"form": form, "page_obj": page, "rows": rows, "total": page.paginator.count},
    )


def _policy_rows(user: User) -> list[dict[str, Any]]:
    rows = []
    for category, rule in POLICY.items():
        level = category_visibility(user, category)
        rows.append(
            {
                "label": category.label,
                "examples": rule.examples,
                "level": level,
                "level_label": Visibility(level).label,
                "legal_basis": rule.legal_basis,
                "visible": level != Visibility.NONE,
            }
        )
    return rows


@login_required
def detail(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        categories=DETAIL_CATEGORIES,
        detail=True,
    )
    # The page's blocks read the same rows (screening, plan, sheets, meetings, people): read
    # them once and hand each block what it needs; the deadlines are computed once too.
    record = deadline_selectors.trajectory_record(trajectory)
    terms = deadline_selectors.terms()
    deadlines = deadline_selectors.deadlines_for_records([record], terms_=terms)[trajectory.pk]
    involved = selectors.involved_organisations(
        trajectory, involvements=record.involvements, assignments=record.assignments
    )
    contacts = [c for org in involved for c in org.contacts]
    roles_present = {c.role for c in contacts}
    missing = []
    if Role.CASEMANAGER not in roles_present:
        missing.append(_("Er is nog geen casemanager toegewezen."))
    if Role.AFTERCARE_COORDINATOR not in roles_present:
        missing.append(_("De gemeente heeft nog geen nazorgcoördinator genoemd."))
    lead_person = next((c for c in contacts if c.organisation.pk == trajectory.case_lead_id), None)
    process_person = next(
        (c for c in contacts if c.organisation.pk == trajectory.process_lead_id), None
    )
    return render(
        request,
        "trajectories/detail.html",
        {
            "trajectory": trajectory,
            "person": trajectory.person,
            "involved": involved,
            "missing": missing,
            "lead_person": lead_person,
            "process_person": process_person,
            "events": selectors.history(trajectory),
            "policy_rows": _policy_rows(user),
            "organisation_kind_label": user.organisation.get_kind_display()
            if user.organisation
            else "",
            "can_change_municipality": may(user, Action.CHANGE_RETURN_MUNICIPALITY),
            "can_change_phase": may(user, Action.CHANGE_PHASE) and trajectory.is_open,
            "can_assign": any(
                may(user, a)
                for a in (
                    Action.ASSIGN_PRISON_STAFF,
                    Action.ASSIGN_PROBATION,
                    Action.ASSIGN_PROBATION_OFFICER,
                    Action.ASSIGN_AFTERCARE,
                )
            ),
            "phases": [(value, label) for value, label in Phase.choices],
            # The page brings together what the later apps register (issue 3).
            "status_board": screening_selectors.status_board(
                trajectory, user, assessments=record.assessments
            ),
            "can_screen": may(user, Action.SCREENING_EDIT),
            "plan_summary": plan_selectors.plan_summary_from(
                record.plan, record.versions, [task.status for task in record.tasks or []]
            ),
            "infosheet": infosheet_selectors.sheet_summary_from(
                trajectory, record.latest_sheet, rows=record
            ),
            **deadline_selectors.deadline_context(trajectory, deadlines=deadlines),
            **handover_selectors.trajectory_block(
                trajectory, user, record=record, deadlines=deadlines, settings=terms.settings
            ),
            **meeting_selectors.trajectory_block(trajectory, user, rows=record.meetings),
            **referral_selectors.trajectory_block(trajectory, user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_return_municipality(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose="terugkeergemeente wijzigen",
        channel=Channel.WEB,
        action=Action.CHANGE_RETURN_MUNICIPALITY,
        detail=True,
    )
    conflict = False
    if request.method == "POST":
        form = ReturnMunicipalityForm(request.POST)
        if form.is_valid():
            try:
                trajectory_change_return_municipality(
                    actor=user,
                    trajectory=trajectory,
                    municipality=form.cleaned_data["terugkeergemeente"],
                    reason=form.cleaned_data["toelichting"],
                    expected_version=form.cleaned_data["versie"],
                    channel=Channel.WEB,
                )
            except Conflict as exc:
                conflict = True
                form.add_error(None, exc.message)
                trajectory.refresh_from_db()
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("De terugkeergemeente is nu %(name)s.")
                    % {"name": form.cleaned_data["terugkeergemeente"].name},
                )
                return redirect("trajectories:detail", traject_id=trajectory.uuid)
    else:
        form = ReturnMunicipalityForm(
            initial={
                "terugkeergemeente": trajectory.return_municipality,
                "versie": trajectory.version,
            }
        )
    return render(
        request,
        "trajectories/return_municipality.html",
        {"trajectory": trajectory, "form": form, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_phase(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose="fase wijzigen",
        channel=Channel.WEB,
        action=Action.CHANGE_PHASE,
        detail=True,
    )
    form = PhaseForm(
        request.POST or None,
        current_phase=trajectory.phase,
        initial={"versie": trajectory.version},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            trajectory_transition(
                actor=user,
                trajectory=trajectory,
                to_phase=form.cleaned_data["fase"],
                reason=form.cleaned_data["toelichting"],
                expected_version=form.cleaned_data["versie"],
            )
        except Conflict as exc:
            conflict = True
            form.add_error(None, exc.message)
            trajectory.refresh_from_db()
        except ServiceError as exc:
            form.add_error("fase", exc.message)
        else:
            messages.success(
                request,
                _("Het traject staat nu in de fase: %(phase)s.")
                % {"phase": Phase(form.cleaned_data["fase"]).label},
            )
            return redirect("trajectories:detail", traject_id=trajectory.uuid)
    # Release and closing have their own screens with their own rules; link to them.
    released = trajectory.phase in (Phase.AFTER_RELEASE, Phase.CLOSED)
    return render(
        request,
        "trajectories/phase.html",
        {
            "trajectory": trajectory,
            "form": form,
            "conflict": conflict,
            "can_release": not released and may(user, Action.RELEASE),
            "can_close": trajectory.is_open
            and may(user, Action.CLOSE)
            and user.organisation_id == trajectory.case_lead_id,
        },
    )


ASSIGNABLE = [
    (Role.CASEMANAGER, Action.ASSIGN_PRISON_STAFF),
    (Role.MENTOR, Action.ASSIGN_PRISON_STAFF),
    (Role.PROBATION_OFFICER, Action.ASSIGN_PROBATION_OFFICER),
    (Role.AFTERCARE_COORDINATOR, Action.ASSIGN_AFTERCARE),
]


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    allowed = [(role, action) for role, action in ASSIGNABLE if may(user, action)]
    can_probation = may(user, Action.ASSIGN_PROBATION)
    needed = allowed[0][1] if allowed else Action.ASSIGN_PROBATION
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose="betrokkenen toewijzen",
        channel=Channel.WEB,
        action=needed,
        detail=True,
    )
    posted_role = request.POST.get("rol", "") if request.method == "POST" else ""
    forms_by_role: dict[str, dict[str, Any]] = {}
    for role, _action in allowed:
        current = selectors.active_assignment(trajectory, role)
        bound = request.POST if posted_role == role else None
        form = AssignForm(
            bound,
            users=assignable_users(trajectory, role),
            label=str(Role(role).label).capitalize(),
            initial={"gebruiker": current.user if current else None},
            prefix=role,
        )
        forms_by_role[role] = {"form": form, "current": current, "label": Role(role).label}
    probation_form = ProbationForm(
        request.POST if posted_role == "reclassering" else None, prefix="reclassering"
    )
    if request.method == "POST":
        if posted_role == "reclassering" and can_probation:
            if probation_form.is_valid():
                trajectory_assign_probation(
                    actor=user,
                    trajectory=trajectory,
                    organisation=probation_form.cleaned_data["reclassering"],
                )
                messages.success(request, _("De reclassering is toegevoegd aan het traject."))
                return redirect("trajectories:detail", traject_id=trajectory.uuid)
        elif posted_role in forms_by_role:
            form = forms_by_role[posted_role]["form"]
            if form.is_valid():
                try:
                    trajectory_assign(
                        actor=user,
                        trajectory=trajectory,
                        role=posted_role,
                        user=form.cleaned_data["gebruiker"],
                    )
                except ServiceError as exc:
                    form.add_error("gebruiker", exc.message)
                else:
                    messages.success(
                        request,
                        _("%(name)s staat nu op het traject als %(role)s.")
                        % {
                            "name": form.cleaned_data["gebruiker"].display_name,
                            "role": Role(posted_role).label,
                        },
                    )
                    return redirect("trajectories:detail", traject_id=trajectory.uuid)
        else:
            raise PermissionDenied
    return render(
        request,
        "trajectories/assign.html",
        {
            "trajectory": trajectory,
            "forms": forms_by_role,
            "probation_form": probation_form if can_probation else None,
        },
    )


# --- Batch import (functional administrator) -----------------------------------------------


def _require_admin(user: User) -> None:
    if user.role != Role.ADMINISTRATOR:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    _require_admin(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bestand"]
        try:
            batch = import_batch_create(actor=user, file_name=upload.name, content=upload.read())
        except ImportFileError as exc:
            form.add_error("bestand", str(exc))
        else:
            return redirect("trajectories:import_progress", batch_id=batch.uuid)
    batches = ImportBatch.objects.filter(uploaded_by=user).order_by("-uploaded_at")[:10]
    return render(request, "trajectories/import_upload.html", {"form": form, "batches": batches})


@login_required
def import_progress(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    _require_admin(user)
    batch = get_object_or_404(ImportBatch, uuid=batch_id, uploaded_by=user)
    summary = import_summary(batch)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(summary)
    rejected = ImportRow.objects.filter(batch=batch, status=ImportRowStatus.REJECTED)[:500]
    # After the retention term the rows have lost their data (docs/retention.md).
    rows = ImportRow.objects.filter(batch=batch)
    emptied = batch.finished_at is not None and not rows.exclude(data={}).exists()
    return render(
        request,
        "trajectories/import_progress.html",
        {"batch": batch, "summary": summary, "rejected": rejected, "emptied": emptied},
    )


@login_required
@require_POST
def import_step(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    _require_admin(user)
    batch = get_object_or_404(ImportBatch, uuid=batch_id, uploaded_by=user)
    import_batch_process(actor=user, batch=batch, limit=200)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(import_summary(batch))
    return redirect("trajectories:import_progress", batch_id=batch.uuid)
