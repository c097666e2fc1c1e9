"""PostgreSQL: leave a fifth of each page of the running balances (``ledger_loanaccountbalance``) free.

The one writer adds to a loan's balance row with every posting — tens of thousands a night — and never
changes its indexed columns (the loan and the account). With room on the page PostgreSQL writes the new
version there (a heap-only tuple): neither index is touched. On a full page (fillfactor 100, the
default) every such update is a new entry in both indexes. Rows written before this migration get the
room when the table is next rewritten (``VACUUM FULL`` / ``pg_repack``). Nothing to do on SQLite. The
same as ``loans.0006`` for the loan and instalment tables.
"""

from django.db import migrations

TABLE = "ledger_loanaccountbalance"


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_loan_account_balance")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
