"""A page of a list and its total in one query.

Django's `Paginator` first counts the whole list (`SELECT COUNT(*)`) and then reads the page:
two passes over the same rows. For the work list of a large prison both passes filter and join
every open trajectory the organisation is involved in, about half of the page's PostgreSQL time
(docs/benchmarks.md). `CountingPaginator` reads the page with the total as a window count
(`COUNT(*) OVER ()`, computed over all matching rows before the page is cut off), so a page
costs one pass, and an empty list one query too. Only for a page number past the end, or one
that is not a page (below 1, not a whole number, for `page`) does it do what `Paginator` does:
count, and pick the last page or raise, the same answers as before.

A `KeptList` goes one step further for the busiest lists (the work list, the notifications):
its pages are read through kept SQL (`core.compiled`, LIMIT and OFFSET as parameters), so the
list's SQL is not built again for every page shown.

`counted_page(queryset_or_kept_list, number, per_page)` is `Paginator.get_page` for the web
lists; the API's pagination (`api.pagination`) uses the paginator class, so DRF's `page` gets it
too. The pages are Django `Page`s whose paginator already knows its count: templates
(`components/pagination.html`) and DRF's `count`, `next` and `previous` use them as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable

from nieuwestart.core.compiled import CompiledQuery

# The annotation that carries the total on every row of a counted page.
PAGING_TOTAL = "paging_total"


def with_total(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset with the number of all its rows on each row (`COUNT(*) OVER ()`)."""
    return queryset.annotate(**{PAGING_TOTAL: Window(Count("pk"))})


def page_number(number: Any, *, otherwise_first: bool) -> int | None:
    """The page number as `Paginator` reads it: a whole number, also "2" or 2.0; else None, or
    1 with `otherwise_first` (what `get_page` does)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError(number)
        return int(number)
    except (TypeError, ValueError):
        return 1 if otherwise_first else None


@dataclass(frozen=True)
class KeptList:
    """A list whose pages are read through kept SQL (`core.compiled`): `query` is a
    CompiledQuery whose builder returns the list `with_total`, called with `args`; `plain` is
    the same list as a queryset, for what only Django's paginator does (count to find the last
    page); `prepare` is applied to the rows of each page read (attach what the rows name)."""

    query: CompiledQuery[Any]
    args: tuple[Any, ...]
    plain: QuerySet[Any]
    prepare: Callable[[list[Any]], None] | None = None


class CountingPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *args: Any, **kwargs: Any) -> None:
        self.kept = object_list if isinstance(object_list, KeptList) else None
        if self.kept is not None:
            object_list = self.kept.plain
        super().__init__(object_list, per_page, *args, **kwargs)

    def _counted(self, number: Any, *, otherwise_first: bool) -> Page[Any] | None:
        """The page with the count from the same query; None when that does not apply.
        `otherwise_first`: a number that is not a whole number means page 1 (`get_page`)."""
        queryset = self.object_list
        if (
            "count" in self.__dict__
            or not isinstance(queryset, QuerySet)
            or queryset._iterable_class is not ModelIterable
            or self.orphans
        ):
            return None
        wanted = page_number(number, otherwise_first=otherwise_first)
        if wanted is None or wanted < 1:
            return None
        start = (wanted - 1) * self.per_page
        rows: list[Any]
        if self.kept is not None:
            rows = self.kept.query.page(self.per_page, start, *self.kept.args)
            if self.kept.prepare is not None:
                self.kept.prepare(rows)
        else:
            rows = list(with_total(queryset)[start : start + self.per_page])
        if not rows and not (wanted == 1 and self.allow_empty_first_page):
            return None  # past the end: Paginator counts and finds the last page
        # A cached property: see page_of_rows. An empty first page: an empty list.
        self.count = getattr(rows[0], PAGING_TOTAL) if rows else 0
        return self._get_page(rows, wanted, self)  # type: ignore[attr-defined]  # Django's hook

    def page(self, number: Any) -> Page[Any]:
        counted = self._counted(number, otherwise_first=False)
        return counted if counted is not None else super().page(number)

    def get_page(self, number: Any) -> Page[Any]:
        counted = self._counted(number, otherwise_first=True)
        return counted if counted is not None else super().get_page(number)


def counted_page(queryset: QuerySet[Any] | KeptList, number: Any, per_page: int) -> Page[Any]:
    """The page `number` of `queryset` (ordered), like `Paginator(queryset, per_page).get_page(
    number)`: a number that is not a whole number gives page 1; one past the end or below 1
    gives the last page."""
    return CountingPaginator(queryset, per_page).get_page(number)
