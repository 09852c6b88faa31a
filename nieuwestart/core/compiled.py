"""Hot read queries whose SQL is built once per process instead of on every request.

Django turns a queryset into SQL anew each time it runs it. For the queries a page runs on
every request (the trajectory page's records, the signed-in user) that compilation cost more
CPU than the database spent answering them: about half of the Python time of those queries
(docs/benchmarks.md). A `CompiledQuery` keeps the SQL of its queryset per *shape* and only puts
the new values in on later calls:

    screenings = CompiledQuery(
        "screenings of trajectories",
        lambda ids: Screening.objects.filter(trajectory_id__in=ids).select_related("completed_by"),
    )
    for screening in screenings(ids): ...

The rules, checked where they can be:
- Everything in the query that can change between calls is an argument of the builder: a
  scalar (int, str, UUID, date, datetime) or a list of them. The shape is the type of each
  scalar argument and the length (and first item's type) of each list argument
  (`IN (%s, %s)` depends on it).
- Every argument must appear as a parameter of the SQL: one that changes the SQL text instead
  (a slice, a choice between orderings) makes the query run plainly.
- The first call of a shape builds the queryset twice, with the real arguments and with made-up
  ones of the same types, and compiles both. Only when both give the same SQL and every
  parameter is either exactly one argument or a constant (a bool, int, str, float or None,
  or a subclass such as a choices member, that is the same in both) is the SQL kept.
  Anything else (a date or time in the builder itself, a value the database layer
  transforms, an empty list, a shape that differs) runs as a plain queryset every time.
- Not caught by that check, so a rule for the builder: it must not branch on an argument's
  value or compute a constant from one (`if role == ...`, `flag=(kind == X)`), since the
  made-up value and the first real one may take the same branch. Only filter on arguments.
- A call returns a list (model instances, or values for `values()` / `values_list()`), the
  same rows in the same order as `list(builder(*args))`.
- `NIEUWESTART_COMPILED_QUERIES=0` switches the whole mechanism off (every call is a plain
  queryset), for comparison and as a way out.

What is shared between threads is only the SQL text and a compiler that is copied per call and
given the calling thread's own connection.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

log = logging.getLogger(__name__)


# Per CompiledQuery at most this many shapes (list lengths): a work list page has at most 50.
MAX_SHAPES = 256
_CONSTANT_TYPES = (bool, int, str, float, type(None))


@dataclass(frozen=True)
class _Shape:
    sql: str
    # Per parameter: the index of the (flattened) argument it takes, or None for a constant.
    slots: tuple[int | None, ...]
    constants: tuple[Any, ...]
    # Per parameter: the type the database layer wraps the argument in, if it does.
    wrappers: tuple[type | None, ...]
    template: QuerySet[Any]
    compiler: Any  # a compiled SQLCompiler: its select, klass_info and columns are reused


_PLAIN = object()  # a shape that runs as a plain queryset every time


def _flatten(args: Sequence[Any]) -> list[Any]:
    values: list[Any] = []
    for arg in args:
        if isinstance(arg, (list, tuple)):
            values.extend(arg)
        else:
            values.append(arg)
    return values


def _probe(value: Any, n: int) -> Any:
    """A made-up value of the same type as `value`, different from every real one."""
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int):
        return -(10**15) - n
    if isinstance(value, str):
        # Upper and lower case, LIKE's wildcards and escape, spaces: a value the database
        # layer or the builder transforms (escaped for LIKE, lowercased, stripped) no longer
        # equals the made-up one, so the query runs plainly.
        return f" \x1fProbe %_\\ {n}-{uuid.uuid4().hex} "
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, dt.datetime):
        return dt.datetime(1901, 1, 1, tzinfo=value.tzinfo) + dt.timedelta(seconds=n)
    if isinstance(value, dt.date):
        return dt.date(1901, 1, 1) + dt.timedelta(days=n)
    raise TypeError(type(value).__name__)


def _probe_args(args: Sequence[Any]) -> tuple[Any, ...]:
    n = 0
    probed: list[Any] = []
    for arg in args:
        if isinstance(arg, (list, tuple)):
            items = []
            for item in arg:
                items.append(_probe(item, n))
                n += 1
            probed.append(items)
        else:
            probed.append(_probe(arg, n))
            n += 1
    return tuple(probed)


def _compile(queryset: QuerySet[Any]) -> tuple[Any, str, tuple[Any, ...]]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


class CompiledQuery[T]:
    def __init__(self, name: str, build: Callable[..., QuerySet[Any]]) -> None:
        self.name = name
        self.build = build
        self._shapes: dict[tuple[Any, ...], _Shape | object] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<CompiledQuery {self.name}>"

    def __call__(self, *args: Any) -> list[T]:
        if not settings.COMPILED_QUERIES:
            return list(self.build(*args))
        key = self._key(args)
        shape = self._shapes.get(key)
        if shape is None:
            if len(self._shapes) >= MAX_SHAPES:
                return list(self.build(*args))  # full: new shapes run plainly
            return self._first(key, args)
        if shape is _PLAIN:
            return list(self.build(*args))
        assert isinstance(shape, _Shape)
        return self._run(shape, _flatten(args))

    def page(self, limit: int, offset: int, *args: Any) -> list[T]:
        """Rows `offset` up to `offset + limit` of the query, as `build(*args)[offset:offset +
        limit]` reads them. The kept SQL is the same for every page: LIMIT and OFFSET are
        parameters (a slice in the builder would write them into the SQL, so it runs plainly)."""
        if limit < 1 or offset < 0:
            raise ValueError("a page has a limit of at least 1 and an offset of at least 0")
        shape = None
        if settings.COMPILED_QUERIES:
            key = self._key(args)
            shape = self._shapes.get(key)
            if shape is None and len(self._shapes) < MAX_SHAPES:
                shape = self._keep(key, self._unsliced(args), args)
        if isinstance(shape, _Shape):
            return self._run(shape, _flatten(args), page=(limit, offset))
        return list(self._unsliced(args)[offset : offset + limit])

    def _unsliced(self, args: tuple[Any, ...]) -> QuerySet[Any]:
        queryset = self.build(*args)
        if queryset.query.is_sliced:
            raise ValueError(f"{self.name}: page() needs a builder without a slice")
        return queryset

    @staticmethod
    def _key(args: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (len(a), type(a[0]) if a else None) if isinstance(a, (list, tuple)) else type(a)
            for a in args
        )

    def _keep(
        self, key: tuple[Any, ...], queryset: QuerySet[Any], args: tuple[Any, ...]
    ) -> _Shape | object:
        """Compile the shape and keep it (or that it runs plainly)."""
        shape: _Shape | object = _PLAIN
        try:
            shape = self._shape(queryset, args)
        except Exception as exc:  # the plain query raises what is real
            log.debug("compiled query %s: shape %s runs plain (%s)", self.name, key, exc)
        with self._lock:
            if len(self._shapes) < MAX_SHAPES:
                self._shapes[key] = shape
        return shape

    def _first(self, key: tuple[Any, ...], args: tuple[Any, ...]) -> list[T]:
        """Build and compile the shape, keep it when it is safe to, and run the query."""
        queryset = self.build(*args)
        self._keep(key, queryset, args)
        return list(queryset)

    def _shape(self, queryset: QuerySet[Any], args: tuple[Any, ...]) -> _Shape | object:
        real = _flatten(args)
        probes = _probe_args(args)
        probe_values = _flatten(probes)
        _, sql, params = _compile(queryset)
        other = self.build(*probes)
        if other.db != queryset.db:
            return _PLAIN
        # The compiler and the template kept are those of the made-up values: nothing of a
        # real call (a session key, a token's hash) stays in memory with the shape.
        compiler, other_sql, other_params = _compile(other)
        if other_sql != sql or len(other_params) != len(params):
            return _PLAIN
        slots: list[int | None] = []
        constants: list[Any] = []
        wrappers: list[type | None] = []
        for value, probe in zip(params, other_params, strict=True):
            matches = [
                i for i, p in enumerate(probe_values) if isinstance(probe, type(p)) and p == probe
            ]
            if matches:
                if len(matches) != 1 or real[matches[0]] != value:
                    return _PLAIN
                # The database layer may wrap a value in a subclass (psycopg's Int8 for a
                # big integer): the kept SQL gets the same wrapping.
                wrapper = None if type(value) is type(real[matches[0]]) else type(value)
                if wrapper is not None and not (
                    isinstance(value, type(real[matches[0]]))
                    and type(wrapper(real[matches[0]])) is wrapper
                    and wrapper(probe_values[matches[0]]) == probe
                ):
                    return _PLAIN
                slots.append(matches[0])
                constants.append(None)
                wrappers.append(wrapper)
            elif (
                isinstance(value, _CONSTANT_TYPES) and type(probe) is type(value) and probe == value
            ):
                slots.append(None)
                constants.append(value)
                wrappers.append(None)
            else:
                return _PLAIN
        if set(slots) - {None} != set(range(len(real))):
            return _PLAIN  # an argument that changes the SQL itself (a slice, a choice)
        return _Shape(
            sql=sql,
            slots=tuple(slots),
            constants=tuple(constants),
            wrappers=tuple(wrappers),
            template=other._chain(),  # type: ignore[attr-defined]
            compiler=compiler,
        )

    def _run(
        self, shape: _Shape, values: list[Any], page: tuple[int, int] | None = None
    ) -> list[T]:
        params = tuple(
            constant
            if slot is None
            else (values[slot] if wrapper is None else wrapper(values[slot]))
            for slot, constant, wrapper in zip(
                shape.slots, shape.constants, shape.wrappers, strict=True
            )
        )
        sql = shape.sql
        if page is not None:
            sql += " LIMIT %s OFFSET %s"
            params += page
        queryset = shape.template._chain()  # type: ignore[attr-defined]
        if queryset.query.select_for_update:
            # Django refuses a lock outside a transaction when it compiles the SQL; kept SQL
            # is not compiled again, so the same check is made here.
            connection = connections[queryset.db]
            if connection.features.has_select_for_update and connection.get_autocommit():
                raise TransactionManagementError(
                    "select_for_update cannot be used outside of a transaction."
                )

        def get_compiler(
            using: str | None = None, connection: Any = None, elide_empty: bool = True
        ) -> Any:
            compiler = copy.copy(shape.compiler)
            compiler.connection = (
                connection if connection is not None else connections[using or DEFAULT_DB_ALIAS]
            )
            compiler.as_sql = lambda *a, **k: (sql, params)
            return compiler

        queryset.query.get_compiler = get_compiler
        return list(queryset)
