"""The LPR table moves to the ``rates`` app: only Django's state forgets it here; the table itself is
adopted (and renamed) by ``rates.0001_lprrate_from_loans``, so no row is lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("loans", "0002_seed_lpr_table"),
        ("rates", "0001_lprrate_from_loans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LprRate")],
            database_operations=[],
        ),
    ]
