"""Queries that keep their SQL (core.compiled) answer exactly what Django's own query answers,
for every call, and fall back to a plain query whenever keeping the SQL would not be safe.

The organisations (reference data: prisons, municipalities, probation) are the rows read."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from nieuwestart.core.compiled import CompiledQuery
from nieuwestart.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL Django builds, one entry per SELECT compiled (watching, not replacing)."""
    seen: list[str] = []
    real = SQLCompiler.as_sql

    def as_sql(self: Any, *args: Any, **kwargs: Any) -> Any:
        sql, params = real(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return seen


def _ids(kind: str, n: int, skip: int = 0) -> list[int]:
    return list(
        Organisation.objects.filter(kind=kind, active=True)
        .order_by("code")
        .values_list("pk", flat=True)
    )[skip : skip + n]


def _by_kind_and_ids(kind: str, ids: list[int]) -> Any:
    return Organisation.objects.filter(kind=kind, pk__in=ids, active=True).order_by("-code")


def _data(rows: list[Any]) -> list[Any]:
    return [
        {k: v for k, v in vars(row).items() if k != "_state"} if hasattr(row, "_state") else row
        for row in rows
    ]


def test_each_call_answers_for_its_own_arguments_and_the_sql_is_built_once(compiles):
    query = CompiledQuery("organisations", _by_kind_and_ids)
    first, second = _ids(OrganisationKind.PRISON, 3), _ids(OrganisationKind.PRISON, 3, skip=3)
    assert len(first) == len(second) == 3 and not set(first) & set(second)
    assert _data(query(OrganisationKind.PRISON, first)) == _data(
        list(_by_kind_and_ids(OrganisationKind.PRISON, first))
    )
    compiles.clear()
    with CaptureQueriesContext(connection) as queries:
        rows = query(OrganisationKind.PRISON, second)
    assert compiles == [], "the kept SQL is used, not built again"
    assert sorted(r.pk for r in rows) == sorted(second)
    assert _data(rows) == _data(list(_by_kind_and_ids(OrganisationKind.PRISON, second)))
    assert len(queries.captured_queries) == 1
    # Another kind of organisation through the same SQL: the kind is an argument too.
    municipalities = _ids(OrganisationKind.MUNICIPALITY, 3)
    assert {r.kind for r in query(OrganisationKind.MUNICIPALITY, municipalities)} == {
        OrganisationKind.MUNICIPALITY
    }
    assert query(OrganisationKind.PRISON, municipalities) == []


def test_a_list_of_another_length_gets_its_own_sql():
    query = CompiledQuery("organisations", _by_kind_and_ids)
    for n in (1, 4, 2, 4, 1, 7):
        ids = _ids(OrganisationKind.MUNICIPALITY, n, skip=n)
        expected = list(_by_kind_and_ids(OrganisationKind.MUNICIPALITY, ids))
        assert len(expected) == n
        assert _data(query(OrganisationKind.MUNICIPALITY, ids)) == _data(expected)


def test_related_rows_constants_and_values_come_back_as_django_reads_them():
    def build(ids: list[int]) -> Any:
        return (
            Organisation.objects.filter(pk__in=ids)
            .filter(Q(kind=OrganisationKind.MUNICIPALITY) | Q(for_women=True))
            .select_related("safety_house")
            .order_by("name")
        )

    def values(ids: list[int]) -> Any:
        return build(ids).values_list("code", "safety_house__name")

    related, listed = CompiledQuery("with safety house", build), CompiledQuery("codes", values)
    with_house = list(
        Organisation.objects.filter(safety_house__isnull=False).values_list("pk", flat=True)[:9]
    )
    assert with_house, "the reference data links municipalities to safety houses"
    for ids in (with_house[:3], with_house[3:6], with_house[6:9]):
        rows = related(ids)
        assert _data(rows) == _data(list(build(ids)))
        assert [r.safety_house.name for r in rows] == [r.safety_house.name for r in build(ids)]
        assert listed(ids) == list(values(ids))


def test_a_value_made_inside_the_builder_is_never_kept(compiles):
    """A date, a time or a counter read in the builder differs between calls: such a query runs
    plainly every time, with the value of that call."""
    counter = itertools.count(1)

    def build(ids: list[int]) -> Any:
        # A different population limit on every call, as `timezone.now()` would be.
        return Organisation.objects.filter(pk__in=ids, population__gte=next(counter) * 0)

    def today(ids: list[int]) -> Any:
        return Organisation.objects.filter(pk__in=ids, population__gte=0).exclude(
            name=str(dt.date.today())
        )

    ids = _ids(OrganisationKind.MUNICIPALITY, 3)
    for builder in (build, today):
        query = CompiledQuery("made inside", builder)
        for _ in range(3):
            compiles.clear()
            assert _data(query(ids)) == _data(list(builder(ids)))
        if builder is build:
            assert compiles, "built again on every call"


def test_an_empty_list_and_a_value_the_database_layer_changes_run_plainly():
    empty = CompiledQuery("none", lambda ids: Organisation.objects.filter(pk__in=ids))
    assert empty([]) == [] and empty([]) == []
    contains = CompiledQuery(
        "name contains", lambda text: Organisation.objects.filter(name__icontains=text)
    )
    for text in ("almelo", "Utrecht", "zzz-none"):
        expected = list(Organisation.objects.filter(name__icontains=text))
        assert _data(contains(text)) == _data(expected)
    assert _data(contains("almelo")), "the reference data has PI Almelo"


def test_switched_off_every_call_builds_its_sql(settings, compiles):
    settings.COMPILED_QUERIES = False
    query = CompiledQuery("organisations", _by_kind_and_ids)
    ids = _ids(OrganisationKind.PRISON, 2)
    for _ in range(3):
        compiles.clear()
        rows = query(OrganisationKind.PRISON, ids)
        assert len(compiles) == 1
        assert _data(rows) == _data(list(_by_kind_and_ids(OrganisationKind.PRISON, ids)))


def test_threads_share_the_sql_but_each_reads_with_its_own_connection(
    transactional_db, reference_data
):
    """Gunicorn's threads: one kept SQL, each thread its own connection and its own rows."""
    if connection.vendor == "sqlite":
        pytest.skip("the SQLite test database lives in one connection")
    query = CompiledQuery("organisations", _by_kind_and_ids)
    kinds = [OrganisationKind.MUNICIPALITY] * 4 + [OrganisationKind.PRISON] * 4
    wanted = {n: (kind, _ids(kind, 3, skip=n)) for n, kind in enumerate(kinds)}
    expected = {n: [o.pk for o in _by_kind_and_ids(*args)] for n, args in wanted.items()}
    assert all(expected.values())
    got: dict[int, set[tuple[int, ...]]] = {n: set() for n in wanted}
    failures: list[BaseException] = []
    start = threading.Barrier(len(wanted))

    def work(n: int) -> None:
        from django.db import connection as own

        try:
            start.wait()
            for _ in range(30):
                got[n].add(tuple(o.pk for o in query(*wanted[n])))
        except BaseException as exc:
            failures.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert got == {n: {tuple(pks)} for n, pks in expected.items()}


def test_a_value_the_database_layer_wraps_is_wrapped_the_same_way(compiles):
    """psycopg gets a big integer as Int8 from Django (the rate counters' window): the kept SQL
    passes each new value the same way, and finds the right row."""
    from nieuwestart.accounts.models import RateCounter

    for n, window in enumerate((1_795_461_840, 1_795_461_900, 1_795_461_960)):
        RateCounter.objects.create(key=f"test:{n}", window_start=window, hits=n + 1)
    query = CompiledQuery(
        "hits",
        lambda key, window: RateCounter.objects.filter(key=key, window_start=window).values_list(
            "hits", flat=True
        ),
    )
    assert query("test:0", 1_795_461_840) == [1]
    compiles.clear()
    assert query("test:2", 1_795_461_960) == [3]
    assert query("test:1", 1_795_461_900) == [2]
    assert query("test:1", 1_795_461_960) == []
    if connection.vendor == "postgresql":
        assert compiles == [], "kept on PostgreSQL, where the wrapping happens"


def test_an_argument_that_changes_the_sql_itself_runs_plainly():
    """A slice is written into the SQL, not passed as a parameter: such an argument is never
    kept, so every call gets its own slice."""
    query = CompiledQuery(
        "first n", lambda n: Organisation.objects.filter(active=True).order_by("code")[:n]
    )
    for n in (2, 5, 1, 5):
        assert [o.code for o in query(n)] == [
            o.code for o in Organisation.objects.filter(active=True).order_by("code")[:n]
        ]
        assert len(query(n)) == n


def test_a_value_escaped_for_like_is_never_kept_unescaped():
    """On SQLite `iexact` is a LIKE, and Django escapes `_` and `%` in the value: a kept SQL
    would send the next value unescaped, so that `_` matched any letter. Such a query runs
    plainly; on PostgreSQL (no LIKE, nothing escaped) it is kept. Either way `A_melo` does not
    find Almelo."""
    query = CompiledQuery("name is", lambda text: Organisation.objects.filter(name__iexact=text))
    almelo = Organisation.objects.filter(name__icontains="almelo").first()
    assert almelo is not None
    assert [o.pk for o in query(almelo.name)] == [almelo.pk]
    assert query(almelo.name.replace("l", "_", 1)) == []
    assert [o.pk for o in query(almelo.name.upper())] == [almelo.pk]


def test_nothing_of_a_real_call_stays_in_memory_with_the_kept_sql():
    """What is kept is built from made-up values: a session key or a token's hash passed once
    is not in the kept query (an error page that shows local variables cannot reveal it)."""
    from django.contrib.sessions.models import Session

    query = CompiledQuery("session", lambda key: Session.objects.filter(session_key=key))
    secret = "geheim0sessiesleutel0van0alice"
    assert query(secret) == []
    kept = [shape for shape in query._shapes.values() if hasattr(shape, "template")]
    assert kept, "a plain filter on a string is kept"
    for shape in kept:
        assert secret not in str(shape.template.query)
        assert secret not in str(shape.compiler.query)
    assert query("another key") == []


def _of_kind(kind: str) -> Any:
    return Organisation.objects.filter(kind=kind, active=True).order_by("name", "pk")


def test_every_page_is_the_slice_django_reads_with_one_kept_sql(compiles):
    """A list's pages (the work list: 50 rows a page) share one kept SQL; each page holds the
    rows Django's slice holds, also the last, short one and one past the end."""
    query = CompiledQuery("organisations of a kind", _of_kind)
    everything = list(_of_kind(OrganisationKind.MUNICIPALITY))
    prisons = list(_of_kind(OrganisationKind.PRISON))
    assert len(everything) > 100
    assert _data(query.page(50, 0, OrganisationKind.MUNICIPALITY)) == _data(everything[:50])
    compiles.clear()
    last = (len(everything) // 50) * 50
    for offset in (50, 100, last, last + 50):
        assert _data(query.page(50, offset, OrganisationKind.MUNICIPALITY)) == _data(
            everything[offset : offset + 50]
        ), offset
    assert _data(query.page(7, 3, OrganisationKind.PRISON)) == _data(prisons[3:10])
    assert compiles == [], "the kept SQL is used for every page, not built again"
    # The same kept SQL without a page: every row.
    assert len(query(OrganisationKind.MUNICIPALITY)) == len(everything)


def test_a_page_of_a_builder_that_slices_itself_is_refused():
    query = CompiledQuery("sliced", lambda kind: _of_kind(kind)[:5])
    with pytest.raises(ValueError):
        query.page(5, 0, OrganisationKind.PRISON)
    with pytest.raises(ValueError):
        CompiledQuery("organisations of a kind", _of_kind).page(0, 0, OrganisationKind.PRISON)


def test_a_kept_lock_is_refused_outside_a_transaction_as_django_refuses_it(
    transactional_db, reference_data
):
    """A row lock outside a transaction would end at once: Django refuses it when it builds
    the SQL, and kept SQL (the screening's save) is refused the same way, not run."""
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite does not lock rows")
    query = CompiledQuery(
        "locked organisation", lambda pk: Organisation.objects.select_for_update().filter(pk=pk)
    )
    pk = _ids(OrganisationKind.PRISON, 1)[0]
    with transaction.atomic():
        assert [o.pk for o in query(pk)] == [pk]  # the first call keeps the SQL
        with CaptureQueriesContext(connection) as kept:
            assert [o.pk for o in query(pk)] == [pk]
    assert "FOR UPDATE" in kept.captured_queries[0]["sql"]
    refused = []
    for read in (lambda: query(pk), lambda: list(Organisation.objects.select_for_update())):
        with pytest.raises(TransactionManagementError) as error:
            read()
        refused.append(str(error.value))
    assert refused[0] == refused[1]
