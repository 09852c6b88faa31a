"""Web screens of the information sheet and "Mijn plan". Views translate HTTP only: access
goes through the chokepoint (every read and export logged there or here), changes through the
services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nieuwestart.access.policy import Action, Category
from nieuwestart.access.trajectories import access_trajectory, may
from nieuwestart.accounts.ratelimits import export_quota
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.audit.models import Channel
from nieuwestart.infosheet import selectors
from nieuwestart.infosheet.models import InfoSheet
from nieuwestart.infosheet.pdf import render_pdf
from nieuwestart.infosheet.selectors import SHEET_CATEGORIES
from nieuwestart.infosheet.services import (
    PURPOSE,
    InfoSheetError,
    infosheet_acknowledge,
    infosheet_send,
)
from nieuwestart.trajectories.models import Trajectory

MY_PLAN_PURPOSE = "mijn plan"
MY_PLAN_CATEGORIES: tuple[Category, ...] = (
    Category.IDENTITY,
    Category.DETENTION,
    Category.CONTACTS,
    Category.CONDITIONS,
    Category.PLAN,
)
SECTION_LABELS = {
    "persoon": gettext_lazy("persoonsgegevens"),
    "detentie": gettext_lazy("detentie"),
    "casemanager": gettext_lazy("casemanager"),
    "reclassering": gettext_lazy("reclassering"),
    "terugkeergemeente": gettext_lazy("terugkeergemeente"),
    "regie": gettext_lazy("regie"),
    "kenmerken": gettext_lazy("kenmerken"),
    "basisvoorwaarden": gettext_lazy("basisvoorwaarden"),
    "vraagAanGemeente": gettext_lazy("vraag aan de gemeente"),
    "plan": gettext_lazy("D&R-plan"),
}


def _read(
    request: HttpRequest,
    traject_id: UUID,
    *,
    purpose: str,
    categories: tuple[Category, ...],
    export: str = "",
) -> Trajectory:
    """The trajectory for this reader, logged as a read, or as an export when `export` names
    the document that leaves the system as a file."""
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose=purpose,
        channel=Channel.WEB,
        categories=categories,
        detail=True,
        export=export,
    )
    return trajectory


def render_dutch(template: str, context: dict[str, Any]) -> str:
    """The PDFs are Dutch documents (lang="nl", sent between Dutch organisations, handed to the
    detainee), whatever language the reader's screen is in."""
    with translation.override("nl"):
        return render_to_string(template, context)


def _pdf_response(html: str, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _answer(code: Any) -> str:
    return {"ja": _("Ja"), "nee": _("Nee")}.get(str(code), _("Nog niet bekend"))


def _flags(sheet: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The flags as (label, value, stands out) rows: every flag is shown, also when it is "no",
    so the municipality never has to guess whether LVB was asked (report §3.1)."""
    flags = sheet.get("kenmerken", {})
    if flags.get("zeerKortVerblijf"):
        stay = _("Zeer kort: minder dan 28 dagen")
    elif flags.get("kortVerblijf"):
        stay = _("Kort: minder dan 3 maanden")
    elif sheet.get("detentie", {}).get("verwachteEinddatum"):
        stay = _("3 maanden of langer")
    else:
        stay = _("Nog niet bekend: er is geen einddatum")
    language = flags.get("taalbehoeften") or ""
    return [
        (
            _("Licht verstandelijke beperking (LVB)"),
            _answer(flags.get("lvb")),
            flags.get("lvb") == "ja",
        ),
        (_("Verblijfsduur"), stay, bool(flags.get("kortVerblijf"))),
        (
            _("Eerste detentie"),
            _answer(flags.get("eersteDetentie")),
            flags.get("eersteDetentie") == "ja",
        ),
        (_("Taal"), language or _("Geen tolk of vertaling nodig"), bool(language)),
        (
            _("Moeite met lezen"),
            _("Ja") if flags.get("leesbehoeften") else _("Nee"),
            bool(flags.get("leesbehoeften")),
        ),
    ]


def sheet_context(sheet: dict[str, Any], version: InfoSheet | None) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "version": version,
        "flags": _flags(sheet),
        "lvb": sheet.get("kenmerken", {}).get("lvb") == "ja",
    }


def _filename(trajectory: Trajectory, what: str) -> str:
    return f"{what}-{trajectory.person.surname.lower().replace(' ', '-')}.pdf"


# --- The information sheet -----------------------------------------------------------------


@login_required
@require_GET
def sheet(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _read(request, traject_id, purpose=PURPOSE, categories=SHEET_CATEGORIES)
    state = selectors.sheet_state(trajectory)
    return render(
        request,
        "infosheet/sheet.html",
        {
            **sheet_context(state.content, None),
            "trajectory": trajectory,
            "state": state,
            "changed": [SECTION_LABELS.get(key, key) for key in state.changed_sections],
            "can_send": may(user, Action.INFOSHEET_SEND),
            "can_acknowledge": may(user, Action.INFOSHEET_ACKNOWLEDGE),
        },
    )


@login_required
@require_GET
@export_quota
def sheet_pdf(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    trajectory = _read(
        request,
        traject_id,
        purpose=PURPOSE,
        categories=SHEET_CATEGORIES,
        export="informatieblad als PDF",
    )
    content = selectors.build_sheet(trajectory)
    html = render_dutch(
        "infosheet/sheet_pdf.html",
        {**sheet_context(content, None), "printed_at": timezone.now()},
    )
    return _pdf_response(html, _filename(trajectory, "informatieblad"))


def _version_or_404(trajectory: Trajectory, number: int) -> InfoSheet:
    found = selectors.version(trajectory, number)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def version(request: HttpRequest, traject_id: UUID, number: int) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = _read(request, traject_id, purpose=PURPOSE, categories=SHEET_CATEGORIES)
    found = _version_or_404(trajectory, number)
    latest = selectors.latest_version(trajectory)
    return render(
        request,
        "infosheet/version.html",
        {
            **sheet_context(found.content, found),
            "trajectory": trajectory,
            "is_latest": latest is not None and latest.pk == found.pk,
            "can_acknowledge": may(user, Action.INFOSHEET_ACKNOWLEDGE),
        },
    )


@login_required
@require_GET
@export_quota
def version_pdf(request: HttpRequest, traject_id: UUID, number: int) -> HttpResponse:
    trajectory = _read(
        request,
        traject_id,
        purpose=PURPOSE,
        categories=SHEET_CATEGORIES,
        export=f"informatieblad versie {number} als PDF",
    )
    found = _version_or_404(trajectory, number)
    html = render_dutch(
        "infosheet/sheet_pdf.html",
        {**sheet_context(found.content, found), "printed_at": timezone.now()},
    )
    return _pdf_response(html, _filename(trajectory, f"informatieblad-versie-{number}"))


@login_required
@require_POST
def send(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=Action.INFOSHEET_SEND,
        categories=SHEET_CATEGORIES,
        log_read=False,
    )
    try:
        sent = infosheet_send(actor=user, trajectory=trajectory, channel=Channel.WEB)
    except InfoSheetError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _("Versie %(number)s van het informatieblad staat nu bij %(municipality)s.")
            % {"number": sent.number, "municipality": sent.recipient.name},
        )
    return redirect("infosheet:sheet", traject_id=trajectory.uuid)


@login_required
@require_POST
def acknowledge(request: HttpRequest, traject_id: UUID, number: int) -> HttpResponse:
    user = signed_in_user(request)
    trajectory = access_trajectory(
        user,
        traject_id,
        purpose=PURPOSE,
        channel=Channel.WEB,
        action=Action.INFOSHEET_ACKNOWLEDGE,
        categories=SHEET_CATEGORIES,
        log_read=False,
    )
    _version_or_404(trajectory, number)
    try:
        infosheet_acknowledge(actor=user, trajectory=trajectory, number=number)
    except InfoSheetError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _("U hebt bevestigd dat %(organisation)s versie %(number)s heeft ontvangen.")
            % {"organisation": user.organisation, "number": number},
        )
    return redirect("infosheet:version", traject_id=trajectory.uuid, number=number)


# --- Mijn plan -----------------------------------------------------------------------------


@login_required
@require_GET
def my_plan(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    trajectory = _read(request, traject_id, purpose=MY_PLAN_PURPOSE, categories=MY_PLAN_CATEGORIES)
    plan = selectors.my_plan(trajectory, signed_in_user(request))
    return render(request, "infosheet/my_plan.html", {"trajectory": trajectory, "plan": plan})


@login_required
@require_GET
@export_quota
def my_plan_pdf(request: HttpRequest, traject_id: UUID) -> HttpResponse:
    trajectory = _read(
        request,
        traject_id,
        purpose=MY_PLAN_PURPOSE,
        categories=MY_PLAN_CATEGORIES,
        export="mijn plan als PDF",
    )
    plan = selectors.my_plan(trajectory, signed_in_user(request))
    html = render_dutch(
        "infosheet/my_plan_pdf.html",
        {"plan": plan, "printed_at": timezone.now()},
    )
    return _pdf_response(html, _filename(trajectory, "mijn-plan"))
