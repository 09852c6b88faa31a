"""A page and its total in one query (core.paging.counted_page) gives the page Django's own
paginator gives, for every page number a link or a person could type, and the same navigation:
what the user sees does not change, only the second pass over the rows is gone."""

from __future__ import annotations

import pytest
from django.core.paginator import InvalidPage, Paginator

from nieuwestart.core.paging import CountingPaginator, counted_page
from nieuwestart.organisations.models import Organisation

NUMBERS = [None, "", "1", 1, 2, "3", 3, 4, 99, 0, -1, "abc", 2.0, 2.5, "2.0"]


def _same(page, expected):
    assert [o.pk for o in page.object_list] == [o.pk for o in expected.object_list]
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert page.has_next() == expected.has_next()
    assert page.has_previous() == expected.has_previous()
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


@pytest.mark.django_db
@pytest.mark.parametrize("number", NUMBERS)
def test_every_page_number_gives_the_page_django_gives(reference_data, number):
    # 7 of the organisations, 3 to a page: pages of 3, 3 and 1.
    codes = list(Organisation.objects.order_by("code").values_list("code", flat=True)[:7])
    qs = Organisation.objects.filter(code__in=codes).order_by("code")

    _same(counted_page(qs, number, 3), Paginator(qs, 3).get_page(number))


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "queries"), [(None, 1), (1, 1), (2, 2), ("x", 1)])
def test_an_empty_list_has_one_empty_page(number, queries, django_assert_num_queries):
    # Opening an empty list costs one query; an old link to page 2 also counts (Django's way).
    qs = Organisation.objects.filter(code="BESTAAT-NIET").order_by("code")

    with django_assert_num_queries(queries):
        page = counted_page(qs, number, 3)
        list(page.object_list)

    _same(page, Paginator(qs, 3).get_page(number))
    assert page.number == 1 and list(page.object_list) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "first_row"), [(None, 0), ("", 0), ("abc", 0), (1, 0), ("2", 10), (3.0, 20)]
)
def test_a_page_that_exists_costs_one_query(
    reference_data, django_assert_num_queries, number, first_row
):
    # The first page (no number in the address) is the one every work list opens on.
    qs = Organisation.objects.order_by("code")
    total = qs.count()

    with django_assert_num_queries(1):
        page = counted_page(qs, number, 10)
        rows = list(page.object_list)
        count = page.paginator.count

    assert count == total
    assert [o.pk for o in rows] == [o.pk for o in qs[first_row : first_row + 10]]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [1, "2", 3, 0, 4, 99, -1, "abc", None, 2.5])
def test_the_api_paginator_answers_each_number_as_django_does(reference_data, number):
    """DRF calls `page`: a page that exists is the same page; a number that is not a page
    raises the same error (the API turns it into a 400 naming `pagina`)."""
    codes = list(Organisation.objects.order_by("code").values_list("code", flat=True)[:7])
    qs = Organisation.objects.filter(code__in=codes).order_by("code")

    def answer(paginator):
        try:
            return paginator.page(number)
        except InvalidPage as exc:
            return type(exc)

    ours, django = answer(CountingPaginator(qs, 3)), answer(Paginator(qs, 3))
    if isinstance(django, type):
        assert ours is django
    else:
        _same(ours, django)
