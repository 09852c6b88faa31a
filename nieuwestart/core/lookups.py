"""`field__any_of=[...]`: membership in a long list, sent as one parameter.

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


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)  # related fields keep a lookup table of their own
