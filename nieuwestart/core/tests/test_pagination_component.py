"""The page links of a list use the parameter the views read (`pagina`), and keep the filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_use_pagina_and_keep_other_parameters():
    request = RequestFactory().get("/werk/", {"lijst": "wachtlijsten", "pagina": "2"})
    page = Paginator(list(range(100)), 25).get_page(request.GET.get("pagina"))
    html = render_to_string(
        "components/pagination.html", {"page_obj": page, "request": request}, request=request
    )
    assert "?lijst=wachtlijsten&amp;pagina=3" in html
    assert "?lijst=wachtlijsten&amp;pagina=1" in html
    assert "page=" not in html
