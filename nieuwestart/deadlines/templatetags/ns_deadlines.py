"""The rows of the trajectory page's deadlines table, built in Python: `{% load ns_deadlines %}`.

About eleven deadlines a trajectory, each with two dates and a count in words. Through the
template language every date was a `date` filter looking up the format and the month names
again, and every count a `blocktranslate` of its own: a tenth of the trajectory page's time.
`deadline_rows` builds the same bytes the template loop built
(`deadlines/tests/test_deadline_rows.py` renders both and compares them): every value
escaped, texts translated once per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from nieuwestart.core.templatetags.ns_components import status_badge_html

register = template.Library()

_ROW = """
      <tr class="utrecht-table__row">
        <td class="utrecht-table__cell">{label}<br><small>{explanation}</small></td>
        <td class="utrecht-table__cell ns-nowrap"><time datetime="{iso}">{due}</time></td>
        <td class="utrecht-table__cell">{responsible}</td>
        <td class="utrecht-table__cell">{status}</td>
      </tr>
    """


@register.simple_tag
def deadline_rows(deadlines: Iterable[Any]) -> SafeString:
    """The table rows for `deadlines.selectors.DeadlineView`s."""
    # "j F Y" as the date filter writes it: day, the language's month name, year.
    months = [""] + [date_filter(dt.date(2000, month, 1), "F") for month in range(1, 13)]

    def long_date(day: dt.date) -> str:
        return f"{day.day} {months[day.month]} {day.year:04d}"

    parts = []
    for d in deadlines:
        status = str(status_badge_html(d.badge, d.status_label))
        if d.is_met:
            if d.met_on:
                met = gettext("op %(date)s") % {"date": conditional_escape(long_date(d.met_on))}
                if d.met_by:
                    met += " " + gettext("door %(name)s") % {"name": conditional_escape(d.met_by)}
                status += f"<br><small>{met}</small>"
        elif d.days_left is not None:
            if d.days_late:
                n = d.days_late
                words = ngettext("%(n)s werkdag te laat", "%(n)s werkdagen te laat", n)
            else:
                n = d.days_left
                words = ngettext("nog %(n)s werkdag", "nog %(n)s werkdagen", n)
            status += f"<br><small>{words % {'n': n}}</small>"
        due = d.due
        parts.append(
            _ROW.format(
                label=conditional_escape(d.label),
                explanation=conditional_escape(d.explanation),
                iso=f"{due.year:04d}-{due.month:02d}-{due.day:02d}",
                due=conditional_escape(long_date(due)),
                responsible=conditional_escape(d.responsible_label),
                status=status,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # every value escaped above
