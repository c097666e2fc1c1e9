"""A trigram index on the upper-cased customer name, on PostgreSQL only.

The 360 page's likely-duplicate lookup (``customers.duplicates``) and the last step of the search box ask
for names *containing* a piece of text (Django's ``icontains``: ``UPPER(name::text) LIKE UPPER('%…%')``).
A B-tree cannot answer that, so at 1,000,000 customers every 360 page of a company scanned the table
(issue 13: p95 356 ms). A GIN index with ``gin_trgm_ops`` on that very expression answers it — for
Chinese names too (pg_trgm takes every non-space character as a word character under a UTF-8 database).

``pg_trgm`` ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the
database's owner may create it. Where it cannot be created the index is skipped with a warning and the
lookups stay correct, only slower. SQLite has no such index; its tables are the embedded, small ones.
"""

import warnings

from django.db import DatabaseError, migrations, transaction

INDEX = "customer_name_upper_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        warnings.warn(f"pg_trgm unavailable, {INDEX} not created (name lookups stay correct): {error}")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0010_drop_unmask_permission"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
