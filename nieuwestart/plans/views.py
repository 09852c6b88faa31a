"""Web screens of the D&R-plan: the plan with its tasks, establishing it, its versions and
probation's advice. Views translate HTTP only: access goes through the chokepoint, changes
through services, reads through selectors.

Concurrent edits: every form carries the plan's version (`versie`). A save based on an older
version is refused; the page comes back with the user's input kept, a message that says what
the other person changed, and the new version, so that saving again is a deliberate choice.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory, may
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.plans import selectors
from nieuwestart.plans.forms import (
    AdviceForm,
    EstablishForm,
    SectionsForm,
    TaskForm,
    who_initial,
)
from nieuwestart.plans.models import PlanDomain, PlanStatus
from nieuwestart.plans.sections import (
    AGREEMENTS,
    GOALS,
    SECTION_BY_KEY,
    editable_keys,
    may_edit_tasks,
)
from nieuwestart.plans.services import (
    PlanConflict,
    SectionNotAllowed,
    involved_organisations,
    plan_establish,
    plan_probation_advice_save,
    plan_task_add,
    plan_task_remove,
    plan_task_update,
    plan_update,
)
from nieuwestart.trajectories.models import Assignment, Trajectory
from nieuwestart.trajectories.services import ServiceError

PURPOSE = "D&R-plan"
READ_CATEGORIES = (Category.IDENTITY, Category.PLAN)


def _access(user: User, traject_id: UUID, action: Action | None = None) -> Trajectory:
    return access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=action,
        categories=READ_CATEGORIES,
        detail=True,
    )


def _plan_url(trajectory: Trajectory, anchor: str = "") -> str:
    url = reverse("plans:plan", kwargs={"traject_id": trajectory.uuid})
    return f"{url}#{anchor}" if anchor else url


# The professionals named on a trajectory, with their organisation: kept SQL (core.compiled).
_NAMED: CompiledQuery[Assignment] = CompiledQuery(
    "people named on a trajectory",
    lambda trajectory_id: (
        Assignment.objects.filter(trajectory_id=trajectory_id, active=True)
        .select_related("user", "user__organisation")
        .order_by("started_at", "pk")
    ),
)


def _people(trajectory: Trajectory) -> list[User]:
    """The professionals named on the trajectory, who can be asked to do a task."""
    return [a.user for a in _NAMED(trajectory.pk) if a.user.is_active]


def _keep_input(form: Form, version: int) -> None:
    """After a conflict: keep what the user typed, with the plan's current version."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["versie"] = str(version)
    form.data = data


def _render_plan(
    request: HttpRequest,
    user: User,
    trajectory: Trajectory,
    *,
    forms: dict[str, Any] | None = None,
    conflict: PlanConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    view = selectors.plan_view(trajectory, user)
    keys = editable_keys(user)
    can_edit_tasks = may_edit_tasks(user)
    version = {"versie": view.version}
    organisations = involved_organisations(trajectory)
    people = _people(trajectory) if can_edit_tasks else []

    goals_form = forms.get("doelen") or SectionsForm(
        group=GOALS, keys=keys, initial={**_values(view.sections), **version}
    )
    agreements_form = forms.get("afspraken") or SectionsForm(
        group=AGREEMENTS, keys=keys, initial={**_values(view.agreements), **version}
    )
    domain = request.GET.get("domein", "")
    task_form = forms.get("taak-toevoegen")
    if task_form is None and can_edit_tasks:
        task_form = TaskForm(
            organisations=organisations,
            people=people,
            auto_id="nieuw_%s",
            initial={"domein": domain if domain in PlanDomain.values else "", **version},
        )
    edit_form, edit_task = forms.get("taak-wijzigen"), None
    editing = edit_form.data.get("taak") if edit_form is not None else request.GET.get("taak", "")
    if editing and can_edit_tasks:
        edit_task = next((t for t in view.tasks if str(t.uuid) == editing and not t.hidden), None)
    if edit_task is not None and edit_form is None:
        edit_form = TaskForm(
            organisations=organisations,
            people=people,
            full=True,
            auto_id="taak_%s",
            initial={
                "domein": edit_task.domain,
                "wat": edit_task.what,
                "wie": who_initial(
                    edit_task.organisation, edit_task.assignee, edit_task.for_detainee
                ),
                "naam": edit_task.person_name,
                "uiterlijk": edit_task.due_date,
                "status": edit_task.status,
                "taak": edit_task.uuid,
                **version,
            },
        )
    can_advise = may(user, Action.PROBATION_ADVICE)
    advice_form = forms.get("advies")
    if advice_form is None and can_advise:
        advice_form = AdviceForm(
            initial={"advies": view.probation_advice.text, **version},
        )
    used = {t.domain for t in view.tasks}
    context = {
        "trajectory": trajectory,
        "person": trajectory.person,
        "plan": view,
        "goals_form": goals_form if goals_form.section_keys else None,
        "agreements_form": agreements_form if agreements_form.section_keys else None,
        "goals_readonly": [s for s in view.sections if s.key not in keys],
        "agreements_readonly": [s for s in view.agreements if s.key not in keys],
        "task_form": task_form,
        "edit_form": edit_form if edit_task is not None else None,
        "edit_task": edit_task,
        "advice_form": advice_form,
        "can_edit_tasks": can_edit_tasks,
        "can_establish": may(user, Action.PLAN_ESTABLISH),
        "can_advise": can_advise,
        "conflict": conflict,
        "conflict_texts": _conflict_texts(conflict, view),
        "empty_domains": [(code, label) for code, label in PlanDomain.choices if code not in used],
        "is_established": view.status == PlanStatus.ESTABLISHED,
    }
    return render(request, "plans/plan.html", context, status=status)


def _values(sections: list[selectors.SectionView]) -> dict[str, Any]:
    return {s.key: s.value for s in sections if not s.summarised}


def _conflict_texts(
    conflict: PlanConflict | None, view: selectors.PlanView
) -> list[tuple[str, str]]:
    """For long texts the others changed: the text as it is saved now (label, text)."""
    if conflict is None:
        return []
    keys = []
    for recorded in conflict.changes:
        if recorded.change.is_long_text and recorded.change.section not in keys:
            keys.append(recorded.change.section)
    result = []
    for key in keys:
        section = view.section(key)
        if section is not None:
            result.append((section.label, section.text or _("(leeg)")))
        elif key == "reclasseringsadvies":
            result.append((str(SECTION_BY_KEY[key].label), view.probation_advice.text))
    return result


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    """The plan: sections, tasks per basic condition, probation's advice; edit what you own."""
    user = signed_in_user(request)
    if request.method == "GET":
        trajectory = _access(user, traject_id)
        return _render_plan(request, user, trajectory)
    trajectory = _access(user, traject_id, action=Action.PLAN_EDIT)
    action = request.POST.get("actie", "")
    if action in (GOALS, AGREEMENTS):
        return _save_sections(request, user, trajectory, action)
    if action in ("taak-toevoegen", "taak-wijzigen"):
        return _save_task(request, user, trajectory, action)
    if action == "taak-verwijderen":
        return _remove_task(request, user, trajectory)
    raise BadRequest


def _save_sections(
    request: HttpRequest, user: User, trajectory: Trajectory, group: str
) -> HttpResponse:
    form = SectionsForm(request.POST, group=group, keys=editable_keys(user))
    if not form.section_keys:
        raise PermissionDenied
    if form.is_valid():
        try:
            saved = plan_update(
                actor=user,
                trajectory=trajectory,
                expected_version=form.cleaned_data["versie"],
                sections={SECTION_BY_KEY[k].field: form.cleaned_data[k] for k in form.section_keys},
            )
        except PlanConflict as exc:
            _keep_input(form, _current_version(trajectory))
            return _render_plan(request, user, trajectory, forms={group: form}, conflict=exc)
        except SectionNotAllowed as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _saved_message(saved.status, trajectory))
            return redirect(_plan_url(trajectory, group))
    return _render_plan(request, user, trajectory, forms={group: form})


def _current_version(trajectory: Trajectory) -> int:
    """The plan's version now (after a conflict)."""
    return selectors.plan_summary(trajectory).version


def _saved_message(status: str, trajectory: Trajectory) -> str:
    summary = selectors.plan_summary(trajectory)
    if status == PlanStatus.DRAFT and summary.established_version:
        return _(
            "Het plan is opgeslagen. Het is nu een concept: de PI stelt de nieuwe versie vast."
        )
    return _("Het plan is opgeslagen.")


def _task_form(
    request: HttpRequest, trajectory: Trajectory, *, full: bool, auto_id: str
) -> TaskForm:
    return TaskForm(
        request.POST,
        organisations=involved_organisations(trajectory),
        people=_people(trajectory),
        full=full,
        auto_id=auto_id,
    )


def _save_task(
    request: HttpRequest, user: User, trajectory: Trajectory, action: str
) -> HttpResponse:
    full = action == "taak-wijzigen"
    form = _task_form(request, trajectory, full=full, auto_id="taak_%s" if full else "nieuw_%s")
    if full and not form.data.get("taak"):
        raise BadRequest
    if form.is_valid():
        data = form.cleaned_data
        try:
            if full:
                plan_task_update(
                    actor=user,
                    trajectory=trajectory,
                    expected_version=data["versie"],
                    task_id=data["taak"],
                    changes={
                        "domain": data["domein"],
                        "what": data["wat"],
                        "person_name": data["naam"],
                        "due_date": data["uiterlijk"],
                        "status": data["status"],
                        **form.who(),
                    },
                )
            else:
                plan_task_add(
                    actor=user,
                    trajectory=trajectory,
                    expected_version=data["versie"],
                    domain=data["domein"],
                    what=data["wat"],
                    due_date=data["uiterlijk"],
                    **form.who(),
                )
        except PlanConflict as exc:
            _keep_input(form, _current_version(trajectory))
            return _render_plan(request, user, trajectory, forms={action: form}, conflict=exc)
        except SectionNotAllowed as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            if exc.code == "not_found":
                raise Http404 from exc
            field = {"organisatie": "wie", "uitvoerder": "wie"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            text = _("De taak is gewijzigd.") if full else _("De taak is toegevoegd.")
            messages.success(request, text)
            return redirect(_plan_url(trajectory, f"domein-{data['domein']}"))
    return _render_plan(request, user, trajectory, forms={action: form})


def _remove_task(request: HttpRequest, user: User, trajectory: Trajectory) -> HttpResponse:
    try:
        version = int(request.POST.get("versie", ""))
    except ValueError as exc:
        raise BadRequest from exc
    task_id = request.POST.get("taak", "")
    try:
        plan_task_remove(
            actor=user, trajectory=trajectory, expected_version=version, task_id=task_id
        )
    except PlanConflict as exc:
        return _render_plan(request, user, trajectory, conflict=exc)
    except SectionNotAllowed as exc:
        raise PermissionDenied from exc
    except ServiceError as exc:
        raise Http404 from exc
    messages.success(request, _("De taak is verwijderd."))
    return redirect(_plan_url(trajectory, "taken"))


@login_required
@require_POST
def advice(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    """Probation writes its advice into the plan (only probation)."""
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, action=Action.PROBATION_ADVICE)
    form = AdviceForm(request.POST)
    if form.is_valid():
        try:
            plan_probation_advice_save(
                actor=user,
                trajectory=trajectory,
                expected_version=form.cleaned_data["versie"],
                advice=form.cleaned_data["advies"],
            )
        except PlanConflict as exc:
            _keep_input(form, _current_version(trajectory))
            return _render_plan(request, user, trajectory, forms={"advies": form}, conflict=exc)
        except SectionNotAllowed as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error("advies", exc.message)
        else:
            messages.success(request, _("Uw advies staat in het plan."))
            return redirect(_plan_url(trajectory, "advies"))
    return _render_plan(request, user, trajectory, forms={"advies": form})


@login_required
@require_http_methods(["GET", "POST"])
def establish(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    """The PI establishes the plan (art. 18a Pbw), after seeing what changed."""
    user = signed_in_user(request)
    trajectory = _access(user, traject_id, action=Action.PLAN_ESTABLISH)
    view = selectors.plan_view(trajectory, user)
    form = EstablishForm(request.POST or None, initial={"versie": view.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            version = plan_establish(
                actor=user,
                trajectory=trajectory,
                expected_version=form.cleaned_data["versie"],
                note=form.cleaned_data["toelichting"],
            )
        except PlanConflict as exc:
            conflict = exc
            view = selectors.plan_view(trajectory, user)
            _keep_input(form, view.version)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Het plan is vastgesteld als versie %(number)d.") % {"number": version.number},
            )
            return redirect(_plan_url(trajectory))
    return render(
        request,
        "plans/establish.html",
        {
            "trajectory": trajectory,
            "person": trajectory.person,
            "plan": view,
            "form": form,
            "conflict": conflict,
            "changes": selectors.changes_since_established(trajectory, user),
            "next_number": (view.established_version or 0) + 1,
        },
    )


@login_required
@require_GET
def versions(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    return render(
        request,
        "plans/versions.html",
        {
            "trajectory": trajectory,
            "person": trajectory.person,
            "plan": selectors.plan_view(trajectory, user),
            "versions": selectors.established_versions(trajectory),
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, traject_id: UUID, number: int) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _access(user, traject_id)
    detail = selectors.version_detail(trajectory, number, user)
    if detail is None:
        raise Http404
    return render(
        request,
        "plans/version.html",
        {"trajectory": trajectory, "person": trajectory.person, "version": detail},
    )
