"""PostgreSQL: leave a fifth of each page of the loan and instalment tables free (``fillfactor = 80``).

The end-of-day run and every repayment update these rows in place every day — days past due, the date
accrued through, the penalty bases — never an indexed column of theirs. With room on the page PostgreSQL
writes the new version there as a heap-only tuple (HOT): no index of the table is touched, and the page
is pruned without a VACUUM. A full page (the default fillfactor 100) makes every such update a new index
entry in every index of the table. Rows written before this migration get the room when the table is
next rewritten (``VACUUM FULL`` / ``pg_repack``). Nothing to do on SQLite.
"""

from django.db import migrations

TABLES = ("loans_loan", "loans_installment")


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("loans", "0005_servicing")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
