"""The privacy officer's retention page: terms, reports, what is about to go, legal holds.

Only the privacy officer may open it (403 for everyone else). A legal hold is placed by the
trajectory's number; the trajectory is looked up through the chokepoint's privacy-officer
path (`access_processing_log`), which logs the look-up.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nieuwestart.access.trajectories import access_processing_log
from nieuwestart.accounts.models import Role, User
from nieuwestart.audit.models import Channel
from nieuwestart.audit.selectors import log_purge_term
from nieuwestart.retention.categories import IMPORT_ABANDONED_BASIS, IMPORT_BASIS, LOG_BASIS
from nieuwestart.retention.forms import HoldForm
from nieuwestart.retention.import_batches import import_term_days
from nieuwestart.retention.models import LegalHold
from nieuwestart.retention.selectors import active_holds, latest_reports, pending_items
from nieuwestart.retention.services import (
    RetentionError,
    current_rules,
    legal_hold_lift,
    legal_hold_place,
)


def _privacy_officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.PRIVACY_OFFICER or not user.is_active:
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    officer = _privacy_officer(request)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trajectory = access_processing_log(
                officer, form.cleaned_data["traject"], channel=Channel.WEB
            )
        except Http404:
            form.add_error("traject", _("Er is geen traject met dit nummer."))
        else:
            try:
                legal_hold_place(
                    actor=officer,
                    trajectory=trajectory,
                    reason=form.cleaned_data["reden"],
                    reference=form.cleaned_data["kenmerk"],
                )
            except RetentionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("De bewaarplicht is ingesteld."))
                return redirect("retention:home")
    return render(
        request,
        "retention/home.html",
        {
            "form": form,
            "rules": list(current_rules().values()),
            "log_months": settings.RETENTION_LOG_MONTHS,
            "log_basis": LOG_BASIS,
            "import_days": import_term_days(),
            "import_basis": IMPORT_BASIS,
            "import_abandoned_basis": IMPORT_ABANDONED_BASIS,
            # PostgreSQL: the owner's term the purge function enforces (audit migration 0005).
            "log_database_months": getattr(log_purge_term(), "months", None),
            "notice_days": settings.RETENTION_NOTICE_DAYS,
            "reports": latest_reports(),
            "pending": pending_items(),
            "holds": active_holds(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def hold_lift(request: HttpRequest, hold_id: UUID) -> HttpResponse:
    officer = _privacy_officer(request)
    hold = get_object_or_404(LegalHold, uuid=hold_id)
    try:
        legal_hold_lift(actor=officer, hold=hold)
    except RetentionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("De bewaarplicht is opgeheven."))
    return redirect("retention:home")
