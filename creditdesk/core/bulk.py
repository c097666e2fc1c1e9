"""Set-based writes for the batch: many rows of one table inserted, or changed by primary key, in one
statement, from plain values (no model instances).

The end-of-day run writes tens of thousands of rows a day. Django's ``bulk_update`` builds a
``CASE WHEN pk = … THEN …`` per row and field, which grows with the square of the batch, and
``bulk_create`` builds and prepares a model instance per row, which costs more than the row. Here:

- PostgreSQL: one ``UPDATE … FROM unnest(%s::type[], …)`` / ``INSERT … SELECT … FROM unnest(…)`` — one
  array parameter per column, whatever the number of rows (no 65,535-parameter limit, one round trip);
- SQLite: one parameterised statement run for every row (``executemany``: in-process, no round trips).

Only model metadata is interpolated into the SQL (quoted table and column names, the columns' own
database types); every value is a parameter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone


def _columns(model: type[Model], fields: Sequence[str]) -> list[Field[Any, Any]]:
    columns: list[Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, Field) or not field.column:
            raise TypeError(f"{model.__name__}.{name} is not a column")
        columns.append(field)
    return columns


def _column(field: Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    assert field.column  # checked by ``_columns``
    return connection.ops.quote_name(field.column)


def _arrays(columns: Sequence[Field[Any, Any]], connection: BaseDatabaseWrapper) -> str:
    """PostgreSQL: ``unnest``'s arguments, one typed array parameter per column."""
    return ", ".join(f"CAST(%s AS {field.db_type(connection)}[])" for field in columns)


def array_literal(values: Sequence[Any]) -> str:
    """PostgreSQL: one column's values as an array literal (``{1,NULL,"a \\"b\\""}``), cast to the
    column's type by the statement — a string per column instead of one adapted object per value (the
    driver adapts list elements one by one in Python, which costs more than the write)."""
    kinds = set(map(type, values))
    if kinds <= _NUMBERS:  # the common columns (ids, fen, counts) need no quoting: one join
        return "{" + ",".join(map(str, values)) + "}"
    if kinds == {date}:  # ISO dates need none either
        return "{" + ",".join(value.isoformat() for value in values) + "}"
    # each distinct value written once: most text columns of a batch repeat a few values (the account,
    # the side, the day's reference and memo, the time of the batch)
    # (keyed with the type: True == 1 and Decimal("1.0") == 1, but they are not written alike)
    keys = list(zip(map(type, values), values, strict=True))
    written = {key: _element(key[1]) for key in set(keys)}
    return "{" + ",".join(map(written.__getitem__, keys)) + "}"


_NUMBERS = frozenset({int, Decimal})  # exactly these types: a bool (an int) is written t / f


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sqlite_rows(
    columns: Sequence[Field[Any, Any]], rows: Sequence[Sequence[Any]], connection: BaseDatabaseWrapper
) -> list[list[Any]]:
    """SQLite: the rows with their dates and times as the backend stores them (text)."""
    adapters = {
        "DateField": connection.ops.adapt_datefield_value,
        "DateTimeField": connection.ops.adapt_datetimefield_value,
    }
    converted = [
        (index, adapters[field.get_internal_type()])
        for index, field in enumerate(columns)
        if field.get_internal_type() in adapters
    ]
    out = []
    for row in rows:
        values = list(row)
        for index, adapt in converted:
            values[index] = adapt(values[index])
        out.append(values)
    return out


def update_by_pk(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    upto: tuple[str, date] | None = None,
) -> None:
    """Set ``fields`` of ``model``'s rows: each of ``rows`` is the new values of ``fields``, in that order,
    then the row's primary key. The values are the database's own (``Field.get_db_prep_save`` of the
    model's value, or a stored integer as read); dates and times may be ``date`` / ``datetime`` objects.
    ``upto``: (a date field, a day) that every row is known to be on or before — on a table partitioned
    by that date, PostgreSQL then leaves the later partitions alone instead of probing each for each id."""
    if not rows:
        return
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    assert meta.pk is not None
    columns = _columns(model, fields)
    table, pk = connection.ops.quote_name(meta.db_table), _column(meta.pk, connection)
    targets = [_column(field, connection) for field in columns]
    if connection.vendor == "postgresql":
        names = [f"c{index}" for index in range(len(columns) + 1)]
        assignments = ", ".join(f"{target} = v.{name}" for target, name in zip(targets, names, strict=False))
        bound = ""
        params: list[Any] = [array_literal(values) for values in zip(*rows, strict=True)]
        if upto is not None:
            bound = f" AND {table}.{_column(_columns(model, [upto[0]])[0], connection)} <= %s"
            params.append(upto[1])
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608
            f"FROM unnest({_arrays([*columns, meta.pk], connection)}) AS v({', '.join(names)}) "
            f"WHERE {table}.{pk} = v.{names[-1]}{bound}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    assignments = ", ".join(f"{target} = %s" for target in targets)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, _sqlite_rows([*columns, meta.pk], rows, connection))


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ids: bool = False,
    ignore_conflicts: bool = False,
) -> list[int]:
    """Insert ``rows`` (values of ``fields``, in that order, as ``update_by_pk`` takes them) into
    ``model``'s table; every other column gets its field's default (``auto_now`` / ``auto_now_add``: now),
    the same for every row. With ``ids``, the new primary keys in the order of ``rows`` (PostgreSQL:
    ``RETURNING``, whose rows come in the order ``unnest`` gives them — what Django's ``bulk_create``
    relies on too; SQLite: one writer at a time, so one ``executemany`` takes consecutive rowids,
    checked). ``ignore_conflicts``: a row breaking a unique constraint is skipped
    (not with ``ids``)."""
    if not rows:
        return []
    if ids and ignore_conflicts:
        raise ValueError("ids and ignore_conflicts exclude each other")
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    assert meta.pk is not None
    columns = _columns(model, fields)
    given = {field.name for field in columns}
    now = timezone.now()
    defaults: list[tuple[Field[Any, Any], Any]] = []
    for field in meta.concrete_fields:
        if field.primary_key or field.name in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append((field, now))  # dates and times stay objects, as in ``rows``
        else:
            defaults.append((field, field.get_db_prep_save(field.get_default(), connection)))
    extra = [value for _field, value in defaults]
    columns = [*columns, *(field for field, _value in defaults)]
    table = connection.ops.quote_name(meta.db_table)
    full = [[*row, *extra] for row in rows]
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            targets = ", ".join(_column(field, connection) for field in columns)
            returning = f" RETURNING {_column(meta.pk, connection)}" if ids else ""
            sql = (
                f"INSERT INTO {table} ({targets}) "  # noqa: S608
                f"SELECT * FROM unnest({_arrays(columns, connection)}){conflict}{returning}"
            )
            cursor.execute(sql, [array_literal(values) for values in zip(*full, strict=True)])
            return [row[0] for row in cursor.fetchall()] if ids else []
        targets = ", ".join(_column(field, connection) for field in columns)
        marks = ", ".join(["%s"] * len(columns))
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        sql = f"{verb} INTO {table} ({targets}) VALUES ({marks})"
        cursor.executemany(sql, _sqlite_rows(columns, full, connection))
        if not ids:
            return []
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        first = last - len(full) + 1
        pk = _column(meta.pk, connection)
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {pk} BETWEEN %s AND %s", [first, last])  # noqa: S608
        if cursor.fetchone()[0] != len(full):
            raise RuntimeError(f"{meta.db_table}: the inserted rows did not get consecutive ids")
        return list(range(first, last + 1))


def add_by_key(model: type[Model], keys: Sequence[str], amount: str, rows: Sequence[Sequence[Any]]) -> None:
    """Add to running totals: each of ``rows`` is the values of ``keys`` then an amount (the database's
    own value, e.g. integer fen) added to the ``amount`` column of the row with those keys, which is
    created with that amount when it does not exist yet (``INSERT … ON CONFLICT (keys) DO UPDATE``, one
    statement; ``keys`` must be a unique constraint of the table). Rows with the same keys are added
    together first (one statement may touch a row once), and taken in the order of their keys, so two
    writers adding to the same rows lock them in the same order."""
    totals: dict[tuple[Any, ...], Any] = {}
    for *key, value in rows:
        totals[tuple(key)] = totals.get(tuple(key), 0) + value
    if not totals:
        return
    connection = connections[router.db_for_write(model)]
    columns = _columns(model, [*keys, amount])
    table = connection.ops.quote_name(model._meta.db_table)
    names = [_column(field, connection) for field in columns]
    total = names[-1]
    ordered = [(*key, value) for key, value in sorted(totals.items())]
    upsert = (
        f"ON CONFLICT ({', '.join(names[:-1])}) DO UPDATE SET {total} = {table}.{total} + excluded.{total}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                f"SELECT * FROM unnest({_arrays(columns, connection)}) {upsert}"
            )
            cursor.execute(sql, [array_literal(values) for values in zip(*ordered, strict=True)])
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks}) {upsert}"  # noqa: S608
        cursor.executemany(sql, _sqlite_rows(columns, ordered, connection))


def texts_select(column: str, texts: Sequence[str], connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """A SELECT of one text column named ``column`` whose rows are ``texts``, in one parameter whatever
    their number (PostgreSQL: an array, ``unnest``; SQLite: a JSON array, ``json_each``) — to be wrapped
    in an ``INSERT … SELECT`` as a queryset's ``select_sql`` is."""
    name = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"SELECT unnest(CAST(%s AS text[])) AS {name}", [array_literal(list(texts))]
    return f"SELECT value AS {name} FROM json_each(%s)", [json.dumps(list(texts), ensure_ascii=False)]  # noqa: S608


def select_sql(rows: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]] | None:
    """A queryset's SELECT and its parameters, to be wrapped in an ``INSERT … SELECT``; None when it
    can select nothing (``.none()``, ``pk__in=[]``: Django then compiles no SQL)."""
    try:
        select, params = rows.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return select, list(params)


def insert_select(model: type[Model], fields: Sequence[str], rows: Any) -> int:
    """Insert into ``model``'s table the rows a queryset selects (``rows``: a ``values_list`` whose
    columns are ``fields``, in order), with one ``INSERT … SELECT`` — nothing read into Python. Returns
    the number of rows inserted."""
    connection = connections[router.db_for_write(model)]
    targets = ", ".join(_column(field, connection) for field in _columns(model, fields))
    compiled = select_sql(rows, connection)
    if compiled is None:
        return 0
    select, params = compiled
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({targets}) {select}", params)
        return int(cursor.rowcount)
