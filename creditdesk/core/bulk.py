"""Set-based writes for the batch: many rows of one table changed by primary key in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` per row and field, which grows with the
square of the batch; the end-of-day run changes tens of thousands of rows a day. Here:

- PostgreSQL: one ``UPDATE … FROM unnest(%s::type[], …)`` — one array parameter per column, whatever
  the number of rows (no 65,535-parameter limit, one round trip);
- SQLite: one parameterised ``UPDATE`` run for every row (``executemany``: in-process, no round trips).

Only model metadata is interpolated into the SQL (quoted table and column names, the columns' own
database types); every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model


def update_by_pk(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set ``fields`` of ``model``'s rows: each of ``rows`` is the new values of ``fields``, in that order,
    then the row's primary key. The values are the database's own (``Field.get_db_prep_save`` of the
    model's value, or a stored integer as read), dates as ``date`` objects."""
    if not rows:
        return
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns: list[Field[Any, Any]] = []
    targets: list[str] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, Field) or not field.column:
            raise TypeError(f"{model.__name__}.{name} is not a column")
        columns.append(field)
        targets.append(quote(field.column))
    assert meta.pk is not None and meta.pk.column  # every concrete model has one
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    if connection.vendor == "postgresql":
        types = [field.db_type(connection) for field in columns] + [meta.pk.db_type(connection)]
        names = [f"c{index}" for index in range(len(types))]
        arrays = ", ".join(f"CAST(%s AS {db_type}[])" for db_type in types)
        assignments = ", ".join(f"{target} = v.{name}" for target, name in zip(targets, names, strict=False))
        sql = (
            f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "  # noqa: S608
            f"WHERE {table}.{pk} = v.{names[-1]}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
        return
    adapt = connection.ops.adapt_datefield_value
    assignments = ", ".join(f"{target} = %s" for target in targets)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    dates = [index for index, field in enumerate(columns) if field.get_internal_type() == "DateField"]
    params = []
    for row in rows:
        values = list(row)
        for index in dates:
            values[index] = adapt(values[index])
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
