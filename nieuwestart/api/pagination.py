"""Page-number pagination with the same shape Open Zaak uses: count, next, previous, results.

A page number that is not a positive whole number, or lies past the last page, is invalid
input: 400 with `invalidParams` naming `pagina` (DRF's own answer would be a 404, which a
client cannot tell apart from "this list does not exist").
"""

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from nieuwestart.core.paging import CountingPaginator


class Pagination(PageNumberPagination):
    # The page and the count in one query (core.paging).
    django_paginator_class = CountingPaginator
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    max_page_size = 200

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise ValidationError({self.page_query_param: [str(exc.detail)]}) from exc
