"""Monthly range partitions of a big table on PostgreSQL (declarative partitioning), made and kept up.

The instalment and ledger-line tables grow by millions of rows a year; the end-of-day run reads them by
date (what falls due today, what was posted today), so PostgreSQL can prune to one month's partition,
and old months can be detached and archived whole. The tables are made for it: each row carries its
date, and no other table references their rows by foreign key.

``partition_monthly(model, date_field, through=…)``:

1. converts the table, once, in one transaction under an exclusive lock: the table is renamed aside,
   an empty table ``PARTITION BY RANGE (date)`` made like it (columns, defaults, identity, checks), its
   partitions created, the rows copied, then its primary key — ``(id, date)``: PostgreSQL requires the
   partition key in every unique constraint — its unique constraints (the date appended), indexes and
   foreign keys rebuilt under their own names, the identity sequence set past the largest id, and the
   old table dropped;
2. keeps one partition per month (``<table>_pYYYYMM``) from the month of the oldest row through the
   month of ``through``, and one DEFAULT partition for any later (or earlier) date — a 30-year mortgage's
   last instalments wait there. Run again (monthly, ahead of time: `creditdesk partition_tables`), it
   creates the months now due, moving their rows out of the default partition; PostgreSQL checks the
   default partition when a month is attached, a scan of it once a month.

Django sees no difference: it reads and writes by ``id`` as before (ids stay unique — one sequence —
though PostgreSQL now enforces uniqueness per ``(id, date)``). A unique constraint of the model gets the
date added (unless it has it already), so it is enforced within a date; the services that write these rows
hold the loan's row lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import connections, router, transaction
from django.db.models import DateField, Model

ASIDE = "__unpartitioned"


class PartitionError(RuntimeError):
    """The table cannot be partitioned as asked (another database, a foreign key into it …)."""


@dataclass(frozen=True)
class Partitioned:
    """What ``partition_monthly`` did to one table."""

    table: str
    converted: bool  # the table was converted now (False: it already was partitioned)
    created: tuple[str, ...]  # the monthly partitions created now
    moved: int  # rows moved out of the default partition into them


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month ``months`` after ``day``'s (0: ``day``'s own month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s through ``last``'s."""
    month, out = month_start(first), []
    while month <= last:
        out.append(month)
        month = month_start(month, 1)
    return out


def partition_monthly(model: type[Model], date_field: str, *, through: date) -> Partitioned:
    """Make ``model``'s table partitioned by month of ``date_field`` (once) and give it a partition for
    every month from its oldest row through ``through`` (see the module docstring)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        raise PartitionError("partitioning is for PostgreSQL; SQLite keeps one table")
    meta = model._meta
    field, pk = meta.get_field(date_field), meta.pk
    if not isinstance(field, DateField) or not field.column or pk is None or not pk.column:
        raise PartitionError(f"{meta.label}.{date_field} is not a date column of a table with a primary key")
    table, column = meta.db_table, field.column
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table])
        converted = cursor.fetchone() is None
        if converted:
            # foreign-key checks still deferred in this transaction would block dropping the old table:
            # run them now (Django's foreign keys are all DEFERRABLE INITIALLY DEFERRED: deferred again after)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _convert(cursor, quote, table, column, pk.column, through)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"SELECT min({quote(column)}) FROM {quote(table)}")  # noqa: S608
        oldest = cursor.fetchone()[0] or through
        created, moved = [], 0
        for month in _months(min(oldest, through), through):
            name = f"{table}_p{month:%Y%m}"
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            moved += _add_month(cursor, quote, table, column, name, month)
            created.append(name)
    return Partitioned(table, converted, tuple(created), moved)


def _convert(cursor, quote, table: str, column: str, pk: str, through: date) -> None:  # type: ignore[no-untyped-def]
    """The one-time conversion (step 1 of the module docstring): the months with rows up to ``through``
    made before the copy (the copy fills them directly); the rest of the months are added by the caller."""
    aside = f"{table}{ASIDE}"
    cursor.execute(
        "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass",
        [table],
    )
    referencing = [row[0] for row in cursor.fetchall()]
    if referencing:
        raise PartitionError(f"{table} is referenced by foreign keys of {', '.join(referencing)}")
    cursor.execute(f"LOCK TABLE {quote(table)} IN ACCESS EXCLUSIVE MODE")
    # what to rebuild, read before anything moves: constraints (primary key, unique, foreign keys) and
    # the indexes that back no constraint
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(aside)}")
    for name, _kind, _definition in constraints:  # their names (and their indexes') become free
        cursor.execute(f"ALTER TABLE {quote(aside)} RENAME CONSTRAINT {quote(name)} TO {quote(name + '_o')}")
    for name, _definition in indexes:
        cursor.execute(f"ALTER INDEX {quote(name)} RENAME TO {quote(name + '_o')}")
    cursor.execute(
        f"CREATE TABLE {quote(table)} (LIKE {quote(aside)} INCLUDING DEFAULTS INCLUDING IDENTITY "
        f"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({quote(column)})"
    )
    cursor.execute(f"CREATE TABLE {quote(table + '_default')} PARTITION OF {quote(table)} DEFAULT")
    cursor.execute(f"SELECT min({quote(column)}), max({quote(column)}) FROM {quote(aside)}")  # noqa: S608
    oldest, newest = cursor.fetchone()
    if oldest is not None:
        for month in _months(oldest, min(newest, through)):
            end = month_start(month, 1)
            cursor.execute(
                f"CREATE TABLE {quote(f'{table}_p{month:%Y%m}')} PARTITION OF {quote(table)} "
                f"FOR VALUES FROM (%s) TO (%s)",
                [month, end],
            )
    cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(aside)}")  # noqa: S608
    for name, kind, definition in constraints:
        if kind == "p":
            definition = f"PRIMARY KEY ({quote(pk)}, {quote(column)})"
        elif kind == "u" and not _names_column(definition, column):
            definition = re.sub(r"\)\s*$", f", {quote(column)})", definition, count=1)
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    for name, definition in indexes:
        rebuilt = re.sub(r" ON (ONLY )?\S+ ", f" ON {quote(table)} ", definition, count=1)
        rebuilt = re.sub(
            r"^CREATE (UNIQUE )?INDEX \S+ ", rf"CREATE \g<1>INDEX {quote(name)} ", rebuilt, count=1
        )
        cursor.execute(rebuilt)
    cursor.execute(f"DROP TABLE {quote(aside)}")
    largest = f"max({quote(pk)})"
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE({largest}, 1), {largest} IS NOT NULL) "  # noqa: S608
        f"FROM {quote(table)}",
        [table, pk],
    )


def _add_month(cursor, quote, table: str, column: str, name: str, month: date) -> int:  # type: ignore[no-untyped-def]
    """A partition for ``month``, with that month's rows moved out of the default partition; returns how
    many were moved."""
    end = month_start(month, 1)
    default = quote(table + "_default")
    cursor.execute(
        f"CREATE TABLE {quote(name)} (LIKE {quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE)"
    )
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {quote(column)} >= %s AND {quote(column)} < %s "  # noqa: S608
        f"RETURNING *) INSERT INTO {quote(name)} SELECT * FROM moved",
        [month, end],
    )
    moved = cursor.rowcount
    cursor.execute(
        f"ALTER TABLE {quote(table)} ATTACH PARTITION {quote(name)} FOR VALUES FROM (%s) TO (%s)",
        [month, end],
    )
    return max(moved, 0)


def _names_column(definition: str, column: str) -> bool:
    """Whether a ``UNIQUE (a, b)`` constraint definition already lists ``column`` (a unique (loan, date)
    is kept as it is: it already holds the partition key)."""
    listed = definition[definition.index("(") + 1 : definition.rindex(")")]
    return column in (name.strip().strip('"') for name in listed.split(","))
