"""The rows of the notifications page, built in Python: `{% load ns_notify %}`.

A page shows up to 50 notifications, each with a title, a name, a date and (when unread) a
form of its own. Through the template language every value is a lookup, a filter and an
escape, and every date a look-up of the format and the month names: most of the page's
rendering time (docs/benchmarks.md). `notification_rows` builds the same bytes the template
loop built (`notify/tests/test_notification_rows.py` renders both and compares them): every
value escaped, texts translated once per list, dates in the local time zone as the `date`
filter writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_ROW = """
  <li class="ns-notify{unread_class}">
    <article aria-labelledby="bericht-{uuid}">
      <h3 class="utrecht-heading-3 ns-notify__title" id="bericht-{uuid}">
        {new}{title}
      </h3>
      <p class="utrecht-paragraph ns-notify__meta">
        {person}<time datetime="{iso}">{when}</time>{read}
      </p>
      {text}
      {form}
    </article>
  </li>
  """

_FORM = """
      <form method="post" action="{action}">{csrf}
        <input type="hidden" name="bericht" value="{uuid}">
        {only_unread}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action ns-button--small">{mark}<span class="ns-visually-hidden">: {title}</span></button>
      </form>
      """


def _e(value: Any) -> str:
    return conditional_escape("" if value is None else value)


@register.simple_tag(takes_context=True)
def notification_rows(
    context: template.Context, rows: Iterable[Any], only_unread: bool
) -> SafeString:
    """The list items of the notifications page for `rows` (notifications with their
    trajectory and person read), each unread one with its "Markeer als gelezen" form."""
    new = (
        f'<span class="ns-notify__new">{_e(gettext("Nieuw"))}'
        '<span class="ns-visually-hidden">:</span></span> '
    )
    read = f" · {_e(gettext('gelezen'))}"
    mark = _e(gettext("Markeer als gelezen"))
    action = _e(reverse("notify:mark_read"))
    csrf = CsrfTokenNode().render(context)
    unread_field = '<input type="hidden" name="lijst" value="ongelezen">' if only_unread else ""
    # "j F Y, H:i" as the date filter writes it, with the language's full month names.
    months = [""] + [_e(date_filter(dt.date(2000, month, 1), "F")) for month in range(1, 13)]

    parts = []
    for n in rows:
        local = timezone.localtime(n.created_at)
        uuid = _e(str(n.uuid))
        title = _e(n.title)
        person = (
            f'<a class="utrecht-link" href="{_e(n.link)}">{_e(n.trajectory.person.sort_name)}</a>'
            " · "
            if n.trajectory
            else ""
        )
        parts.append(
            _ROW.format(
                unread_class="" if n.read_at else " ns-notify--unread",
                uuid=uuid,
                new="" if n.read_at else new,
                title=title,
                person=person,
                iso=_e(local.isoformat()),
                when=(
                    f"{local.day} {months[local.month]} {local.year:04d}, "
                    f"{local.hour:02d}:{local.minute:02d}"
                ),
                read=read if n.read_at else "",
                text=f'<p class="utrecht-paragraph">{_e(n.text)}</p>' if n.text else "",
                form=""
                if n.read_at
                else _FORM.format(
                    action=action,
                    csrf=csrf,
                    uuid=uuid,
                    only_unread=unread_field,
                    mark=mark,
                    title=title,
                ),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # every value escaped above
