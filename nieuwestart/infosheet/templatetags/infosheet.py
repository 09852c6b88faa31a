"""Template helpers for the information sheet and "Mijn plan": dates from the stored sheet
(ISO strings) and the pictograms of the basic conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from nieuwestart.infosheet.pdf import pictogram as pictogram_svg

register = template.Library()


@register.filter
def isodate(value: Any) -> dt.date | None:
    """'2027-03-15' (as stored in the sheet) -> a date, for the |date filter."""
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def before_date(value: Any, today: dt.date | None = None) -> str:
    """'vóór 12 januari' (with the year only when it is not this year): easy to read."""
    day = isodate(value)
    if day is None:
        return ""
    this_year = (today or timezone.localdate()).year
    text = date_format(day, "j F" if day.year == this_year else "j F Y")
    return _("vóór %(date)s") % {"date": text}


@register.simple_tag
def pictogram(name: str) -> SafeString:
    return pictogram_svg(name)
