"""The rows of the work list `/`, built in Python: `{% load ns_worklist %}`.

A page holds up to 50 rows of about 25 values each. Through the template language every value
is a lookup, a filter and an escape of its own, which made the rows most of the page's
rendering time (docs/benchmarks.md). `worklist_rows` builds the same bytes the template loop
built (`trajectories/tests/test_worklist_rows.py` renders both and compares them): every value
escaped, dates through Django's `date` filter, texts translated once per list.
"""

from __future__ import annotations

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


def _assignee(assignment: Any) -> str | None:
    """The display name of an assignment's user, escaped; None when nobody is assigned."""
    return None if assignment is None else _e(assignment.user.display_name)


@register.simple_tag
def worklist_rows(rows: Iterable[Any]) -> SafeString:
    """The table rows of the work list, for trajectories prepared by `trajectories.views.
    worklist` (person, organisations, status board and the three assignments set)."""
    texts = {
        "casemanager_label": _e(gettext("Casemanager:")),
        "coordinator_label": _e(gettext("Nazorg gemeente:")),
    }
    nobody = _e(gettext("niemand"))
    not_yet = _e(gettext("nog niet opgepakt"))
    released_since = _e(gettext("vrij sinds"))
    unknown = _e(gettext("onbekend"))
    to_confirm = "<br>" + status_badge_html("aandacht", gettext("nog bevestigen"))
    nobody_badge = status_badge_html("aandacht", gettext("niemand"))
    not_yet_badge = status_badge_html("onbekend", gettext("nog niet opgepakt"))
    href = reverse("trajectories:detail", args=[_ZERO]).replace(str(_ZERO), "{}")
    parts = []
    for t in rows:
        casemanager = _assignee(t.casemanager)
        coordinator = _assignee(t.coordinator)
        if t.end_date:
            release = (
                f'{released_since} <span class="ns-nowrap">{_e(date_filter(t.end_date, "j M Y"))}'
                "</span>"
            )
        elif t.expected_end_date:
            release = (
                f'<span class="ns-nowrap">{_e(date_filter(t.expected_end_date, "j M Y"))}</span>'
            )
        else:
            release = unknown
        municipality = _e(t.return_municipality.name)
        if not t.return_municipality_confirmed:
            municipality += to_confirm
        parts.append(
            _ROW.format(
                href=_e(href.format(t.uuid)),
                name=_e(t.person.sort_name),
                birth_date=_e(date_filter(t.person.birth_date, "d-m-Y")),
                casemanager_short=nobody if casemanager is None else casemanager,
                coordinator_short=not_yet if coordinator is None else coordinator,
                phase=_e(t.get_phase_display()),
                status_row=status_row_html(t.status_board),
                release=release,
                prison=_e(t.prison.name),
                municipality=municipality,
                casemanager=nobody_badge if casemanager is None else casemanager,
                coordinator=not_yet_badge if coordinator is None else coordinator,
                **texts,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # every value escaped above
