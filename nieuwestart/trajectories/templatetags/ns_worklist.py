"""The rows of the work list `/`, built in Python: `{% load ns_worklist %}`.

A page holds up to 50 rows of about 25 values each. Through the template language every value
is a lookup, a filter and an escape of its own, which made the rows most of the page's
rendering time (docs/benchmarks.md). `worklist_rows` builds the same bytes the template loop
built (`trajectories/tests/test_worklist_rows.py` renders both and compares them): every value
escaped, texts translated once per list. Two of Django's shortcuts were slow per row and are
done once per list here: `get_phase_display` translates every phase label to look one up, and
the `date` filter looks up the format and month names for every date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from nieuwestart.core.templatetags.ns_components import status_badge_html, status_row_html
from nieuwestart.trajectories.models import Phase

register = template.Library()

_ZERO = UUID(int=0)

_ROW = """
    <tr class="utrecht-table__row">
      <th scope="row" class="utrecht-table__header-cell ns-worklist__name">
        <a class="utrecht-link" href="{href}">{name}</a>
        <span class="ns-worklist__sub ns-nowrap">{birth_date}</span>
        <span class="ns-worklist__sub ns-worklist__sub--narrow">{casemanager_label} {casemanager_short}</span>
        <span class="ns-worklist__sub ns-worklist__sub--narrow">{coordinator_label} {coordinator_short}</span>
      </th>
      <td class="utrecht-table__cell">{phase}</td>
      <td class="utrecht-table__cell">{status_row}</td>
      <td class="utrecht-table__cell">{release}</td>
      <td class="utrecht-table__cell ns-col--optional">{prison}</td>
      <td class="utrecht-table__cell">{municipality}</td>
      <td class="utrecht-table__cell ns-col--optional">{casemanager}</td>
      <td class="utrecht-table__cell ns-col--optional">{coordinator}</td>
    </tr>
  """


def _e(value: Any) -> str:
    return conditional_escape("" if value is None else value)


def _birth_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def _assignee(name: str | None) -> str | None:
    """An assigned user's display name, escaped; None when nobody is assigned."""
    return None if name is None else _e(name)


@register.simple_tag
def worklist_rows(rows: Iterable[Any]) -> SafeString:
    """The table rows of the work list, for trajectories prepared by `trajectories.views.
    worklist` (person, organisations, status board, and the casemanager's and aftercare
    coordinator's names or None)."""
    casemanager_label = _e(gettext("Casemanager:"))
    coordinator_label = _e(gettext("Nazorg gemeente:"))
    nobody = _e(gettext("niemand"))
    not_yet = _e(gettext("nog niet opgepakt"))
    released_since = _e(gettext("vrij sinds"))
    unknown = _e(gettext("onbekend"))
    to_confirm = "<br>" + status_badge_html("aandacht", gettext("nog bevestigen"))
    nobody_badge = status_badge_html("aandacht", gettext("niemand"))
    not_yet_badge = status_badge_html("onbekend", gettext("nog niet opgepakt"))
    href_start, href_end = reverse("trajectories:detail", args=[_ZERO]).split(str(_ZERO))
    phases = {value: _e(label) for value, label in Phase.choices}
    # "j M Y" as the date filter writes it: day, the language's short month name, year.
    months = [""] + [_e(date_filter(dt.date(2000, month, 1), "M")) for month in range(1, 13)]

    def day_month_year(day: dt.date) -> str:
        return f"{day.day} {months[day.month]} {day.year:04d}"

    parts = []
    for t in rows:
        casemanager = _assignee(t.casemanager_name)
        coordinator = _assignee(t.coordinator_name)
        if t.end_date:
            release = (
                f'{released_since} <span class="ns-nowrap">{day_month_year(t.end_date)}</span>'
            )
        elif t.expected_end_date:
            release = f'<span class="ns-nowrap">{day_month_year(t.expected_end_date)}</span>'
        else:
            release = unknown
        municipality = _e(t.return_municipality.name)
        if not t.return_municipality_confirmed:
            municipality += to_confirm
        parts.append(
            _ROW.format(
                href=_e(f"{href_start}{t.uuid}{href_end}"),
                name=_e(t.person.sort_name),
                birth_date=_birth_date(t.person.birth_date),
                casemanager_label=casemanager_label,
                coordinator_label=coordinator_label,
                casemanager_short=nobody if casemanager is None else casemanager,
                coordinator_short=not_yet if coordinator is None else coordinator,
                phase=phases.get(t.phase) or _e(t.phase),
                status_row=status_row_html(t.status_board),
                release=release,
                prison=_e(t.prison.name),
                municipality=municipality,
                casemanager=nobody_badge if casemanager is None else casemanager,
                coordinator=not_yet_badge if coordinator is None else coordinator,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # every value escaped above
