"""The indicator dashboard (`/indicatoren/`) and its CSV and XLSX exports.

Views translate HTTP only: who may see what comes from `selectors.scope_for` (403 for every
role but management and the chain-wide role), the filters from `forms.FilterForm`, the figures
from `selectors.dashboard`. No personal data is read or shown, so nothing is written to the
processing log; responses are not cached (`no-store`), because figures are per organisation.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nieuwestart.accounts.ratelimits import export_quota
from nieuwestart.accounts.requests import signed_in_user
from nieuwestart.indicators import charts, exports, registry, selectors
from nieuwestart.indicators.forms import FilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(
    request: HttpRequest,
) -> tuple[selectors.Scope, FilterForm, selectors.Filters | None]:
    scope = selectors.scope_for(signed_in_user(request))
    fixed = frozenset({scope.forced}) if scope.forced else frozenset()
    params = request.GET if request.GET else None
    form = FilterForm(params or {}, fixed=fixed)
    if not form.is_valid():
        return scope, form, None
    return scope, form, selectors.filters_from(form.cleaned_data, scope, request.GET.dict())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, form, filters = _filters(request)
    today = timezone.localdate()
    context: dict[str, Any] = {"form": form, "scope": scope, "pending": registry.PENDING}
    if filters is not None:
        data = selectors.dashboard(filters, scope, today)
        step = _("kwartaal") if filters.step == "kwartaal" else _("maand")
        context.update(
            data=data,
            # Called by the template only when the cards are not in its fragment cache (keyed
            # on the figures' key and the language): the charts and tables are built once per
            # refresh, selection and language, not on every request.
            sections=lambda: _sections(data.results, step),
            cards_seconds=selectors.CACHE_SECONDS,
            query=urlencode(filters.as_params()),
            step_label=step,
        )
    response = render(request, "indicators/dashboard.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _sections(results: list[selectors.Result], step: str) -> list[tuple[str, list[Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        indicator = result.indicator
        title = _(
            "Staafdiagram: %(title)s, per %(step)s. De cijfers staan in de tabel hieronder."
        ) % {"title": indicator.title, "step": step}
        waiting = isinstance(indicator, registry.DurationIndicator) and bool(
            indicator.waiting_field
        )
        sections.setdefault(str(indicator.section), []).append(
            {
                "result": result,
                "chart": charts.svg(charts.bar_chart(result.trend), indicator.code, title),
                "rows": charts.table_rows(result.trend, waiting),
            }
        )
    return list(sections.items())


def _export(request: HttpRequest) -> tuple[list[str], list[list[Any]], str] | HttpResponse:
    scope, form, filters = _filters(request)
    if filters is None:
        response = render(
            request,
            "indicators/dashboard.html",
            {"form": form, "scope": scope, "pending": registry.PENDING},
            status=400,
        )
        return response
    results = selectors.indicator_results(filters, timezone.localdate())
    header, rows = selectors.export_table(results)
    name = f"indicatoren-{filters.start:%Y-%m}-{filters.end:%Y-%m}"
    return header, rows, name


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
@export_quota
def export_csv(request: HttpRequest) -> HttpResponse:
    table = _export(request)
    if isinstance(table, HttpResponse):
        return table
    header, rows, name = table
    return _download(exports.to_csv(header, rows), "text/csv; charset=utf-8", f"{name}.csv")


@login_required
@require_GET
@export_quota
def export_xlsx(request: HttpRequest) -> HttpResponse:
    table = _export(request)
    if isinstance(table, HttpResponse):
        return table
    header, rows, name = table
    body = exports.to_xlsx(header, rows, sheet_name=_("Indicatoren"))
    return _download(body, XLSX, f"{name}.xlsx")
