"""Page-number pagination with the same shape Open Zaak uses: count, next, previous, results."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    max_page_size = 200
