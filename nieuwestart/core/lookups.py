"""Two membership lookups: `field__any_of=[...]` for a long list of values, and
`field__among=queryset.values(...)` for the rows of a subquery read first.

`field__any_of=[...]`: membership in a long list, sent as one parameter.

`field__in=[...]` puts one placeholder per value in the SQL. For the import's lists of 1,000
BSNs or meldingIds that made building, sending and parsing the statement cost more than running
it (docs/decisions/0015). `any_of` sends the list as one value: an array on PostgreSQL
(`= ANY(%s)`), a JSON array read with `json_each` on SQLite. Same rows as `__in` for a list
of plain values (text, numbers, dates, UUIDs); not for model instances, querysets or
expressions (use `__in` for those).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608  # nosec B608  # compiled column, value as a parameter
        return sql, (*lhs_params, json.dumps(values, cls=DjangoJSONEncoder))


class Among(models.Lookup):
    """`field__among=queryset.values("column")`: the same rows as `field__in=` that subquery,
    but on PostgreSQL the subquery is read first, once, and the outer table by `field`'s index
    (`= ANY(ARRAY(SELECT ...))`; elsewhere `IN (SELECT ...)`).

    For a short list that decides a long table: an organisation's open trajectories. With
    `__in` or `Exists` PostgreSQL may turn it into a semi-join and start from the outer table
    when another condition on it looks selective. The work list of a prison's casemanager
    then read all 12,000 open trajectories of the country by their phase to keep the prison's
    462 (3.5 ms; by key 1.2 ms, docs/benchmarks.md). The subquery must select one column.
    """

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        if not hasattr(self.rhs, "as_sql"):
            raise TypeError("__among takes a queryset of one column, for a list use __any_of")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


for _lookup in (AnyOf, Among):
    models.Field.register_lookup(_lookup)
    models.ForeignObject.register_lookup(_lookup)  # related fields keep a lookup table of their own
