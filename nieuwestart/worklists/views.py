"""The work list page "Wat moet er gebeuren" and the one-click "Oppakken".

Views translate HTTP only: the lists come from `selectors`, the trajectory for a pick-up from
the access chokepoint, the change from `services`. Each list shown is logged, one row per
trajectory on the page (purpose "werklijst").
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nieuwestart.access.policy import CASE_ROLES, Action, Category
from nieuwestart.access.trajectories import LIST_CATEGORIES, access_trajectory, record_list_read
from nieuwestart.accounts.models import User
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.trajectories.services import ServiceError
from nieuwestart.worklists import selectors
from nieuwestart.worklists.services import trajectory_pick_up

PURPOSE = "werklijst"
PAGE_SIZE = 50
# A work-list row shows who the person is, where they are, and which deadline of the plan is due.
DUE_CATEGORIES = (*LIST_CATEGORIES, Category.PLAN)

TAB_LABELS = {
    "mij": gettext_lazy("Voor mij"),
    "organisatie": gettext_lazy("Voor mijn organisatie"),
    "nieuw": gettext_lazy("Nieuw binnen (nog niet opgepakt)"),
    "escalaties": gettext_lazy("Escalaties"),
    "wachtlijsten": gettext_lazy("Wachtlijsten"),
}
# A waiting-list row shows who, where, the release date and the referral (a basic condition).
WAITING_CATEGORIES = (*LIST_CATEGORIES, Category.CONDITIONS)


def _tabs(user: User) -> list[str]:
    tabs = ["mij", "organisatie"]
    if selectors.is_municipal(user):
        tabs.append("nieuw")
    if selectors.is_escalation_receiver(user):
        tabs.append("escalaties")
    tabs.append("wachtlijsten")
    return tabs


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role not in CASE_ROLES or user.organisation is None:
        raise PermissionDenied
    tabs = _tabs(user)
    current = request.GET.get("lijst", "mij")
    if current not in tabs:
        current = "mij"
    today = timezone.localdate()
    context: dict[str, Any] = {
        "tabs": [(key, TAB_LABELS[key]) for key in tabs],
        "current": current,
        "current_label": TAB_LABELS[current],
        "today": today,
    }
    if current == "nieuw":
        inbox_page = Paginator(selectors.municipality_inbox(user), PAGE_SIZE).get_page(
            request.GET.get("pagina")
        )
        inbox = list(inbox_page.object_list)
        record_list_read(user, [i.trajectory for i in inbox], purpose=PURPOSE, channel=Channel.WEB)
        context.update(page_obj=inbox_page, inbox=inbox)
        return render(request, "worklists/home.html", context)
    if current == "wachtlijsten":
        waiting_page = Paginator(selectors.waiting_lists(user, today), PAGE_SIZE).get_page(
            request.GET.get("pagina")
        )
        waiting = list(waiting_page.object_list)
        log_waiting_read(user, waiting, channel=Channel.WEB)
        context.update(
            page_obj=waiting_page,
            waiting=waiting,
            at_risk_count=sum(1 for w in waiting if w.referral.assessment.at_risk),
        )
        return render(request, "worklists/home.html", context)
    if current == "organisatie":
        items = selectors.due_for_organisation(user, today)
    elif current == "escalaties":
        items = selectors.escalations(user, today)
    else:
        items = selectors.due_for_user(user, today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    record_list_read(
        user,
        selectors.unique_trajectories(rows),
        purpose=PURPOSE,
        channel=Channel.WEB,
        categories=DUE_CATEGORIES,
    )
    context.update(page_obj=page, rows=rows, late_count=sum(1 for r in rows if r.is_late))
    return render(request, "worklists/home.html", context)


def log_waiting_read(user: User, items: list[selectors.WaitingItem], *, channel: str) -> None:
    """One read row per trajectory shown; `zorginhoud` only where care content is shown."""
    plain, with_care = selectors.waiting_log_groups(items)
    record_list_read(user, plain, purpose=PURPOSE, channel=channel, categories=WAITING_CATEGORIES)
    record_list_read(
        user,
        with_care,
        purpose=PURPOSE,
        channel=channel,
        categories=(*WAITING_CATEGORIES, Category.CARE_DETAILS),
    )


@login_required
@require_POST
def pick_up(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose="nazorg oppakken",
        channel=Channel.WEB,
        action=Action.ASSIGN_AFTERCARE,
        log_read=False,
    )
    try:
        trajectory_pick_up(actor=user, trajectory=trajectory)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("U bent nu nazorgcoördinator van %(naam)s.") % {"naam": trajectory.person.full_name},
        )
    return redirect(f"{reverse('worklists:home')}?lijst=nieuw")
