"""``__any_of``: a column equal to one of many values — the batch's lists of thousands of ids.

Django's ``__in`` writes one parameter per value (``IN (%s, %s, …)``): two thousand ids make a statement
that the driver splits in Python and the server parses and plans value by value, every chunk again. On
PostgreSQL ``__any_of`` sends them as one array literal (``= ANY(CAST(%s AS bigint[]))``, as
``core.bulk`` writes its rows); elsewhere it is ``__in``. Registered on every field (``CoreConfig``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

from creditdesk.core.bulk import array_literal


class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, list | tuple | set | frozenset):
            sql, params = super().as_sql(compiler, connection)  # a subquery: as ``__in``
            return sql, list(params)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        field = self.lhs.output_field
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prepared = [field.get_db_prep_value(value, connection, prepared=True) for value in values]
        return (
            f"{lhs} = ANY(CAST(%s AS {field.db_type(connection)}[]))",
            [*lhs_params, array_literal(prepared)],
        )
