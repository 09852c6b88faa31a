"""The notifications page (/berichten/): list, mark as read, all read, the e-mail preference.

Views translate HTTP only. The list comes from `selectors.notifications_for`, which hides
notifications about trajectories the user can no longer see. The page shows the person's name
next to a notification about a trajectory, so the trajectories on the page are logged as a list
read (purpose "berichten"). Following a link opens the normal trajectory page, which goes
through the access chokepoint again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nieuwestart.access.policy import CASE_ROLES, Category
from nieuwestart.access.trajectories import record_list_read
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Channel
from nieuwestart.core.paging import counted_page
from nieuwestart.notify import selectors, services
from nieuwestart.notify.context_processors import unread_for_request
from nieuwestart.notify.forms import PreferenceForm
from nieuwestart.notify.models import Notification, NotificationPreference

PURPOSE = "berichten"
PAGE_SIZE = 50
# A notification shows the person's name and what is due in the plan's timeline.
CATEGORIES = (Category.IDENTITY, Category.DETENTION, Category.PLAN)


def _case_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role not in CASE_ROLES or user.organisation is None:
        raise PermissionDenied
    return user


def log_shown(user: User, notifications: list[Notification], channel: str) -> None:
    """One processing-log row per trajectory whose notification was shown."""
    shown = {n.trajectory_id: n.trajectory for n in notifications if n.trajectory is not None}
    record_list_read(
        user,
        [t for t in shown.values() if t is not None],
        purpose=PURPOSE,
        channel=channel,
        categories=CATEGORIES,
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _case_user(request)
    only_unread = request.GET.get("lijst") == "ongelezen"
    items = selectors.notification_list(user, unread=True if only_unread else None)
    page = counted_page(items, request.GET.get("pagina"), PAGE_SIZE)
    rows = list(page.object_list)
    log_shown(user, rows, Channel.WEB)
    preference = NotificationPreference.objects.filter(user=user).first()
    form = PreferenceForm(initial={"digest": preference.digest} if preference else None)
    return render(
        request,
        "notify/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "only_unread": only_unread,
            "unread": unread_for_request(request, user),
            "form": form,
            "has_email": bool(user.email),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    if request.POST.get("lijst") == "ongelezen":
        return redirect("/berichten/?lijst=ongelezen")
    return redirect("notify:list")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    user = _case_user(request)
    try:
        services.notification_mark_read(
            actor=user, notification_uuid=request.POST.get("bericht", "")
        )
    except services.NotificationNotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Het bericht is gemarkeerd als gelezen."))
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user = _case_user(request)
    count = services.notifications_mark_all_read(actor=user)
    messages.success(
        request,
        _("Alle berichten zijn gemarkeerd als gelezen.")
        if count
        else _("U had geen ongelezen berichten."),
    )
    return _back(request)


@login_required
@require_POST
def preference(request: HttpRequest) -> HttpResponse:
    user = _case_user(request)
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies of u een e-mail wilt ontvangen."))
        return redirect("notify:list")
    services.notification_preference_set(actor=user, digest=form.cleaned_data["digest"])
    messages.success(request, _("Uw keuze voor e-mail is opgeslagen."))
    return redirect("notify:list")
