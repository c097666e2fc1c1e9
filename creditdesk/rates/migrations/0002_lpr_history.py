"""The whole LPR history of RULES.md since the reform (2019-08-20), and the correction of the old seed.

The rows are written here rather than imported: a migration must read the same tomorrow, and
``finance.pricing.SEEDED_LPR`` (kept equal to these rows by a test) may grow. Rates in percent.

The first seed dated 1Y 3.10% / 5Y 3.60% from 2025-01-20; they took effect on 2024-10-21. That row is
removed only if it still holds exactly the seeded values (an administrator's own row is left alone), and
every row is added only where no row of that date exists, so running this twice changes nothing.
"""

from decimal import Decimal

from django.db import migrations

SOURCE = "全国银行间同业拆借中心公告"

LPR = [
    ("2019-08-20", Decimal("4.25"), Decimal("4.85")),
    ("2019-09-20", Decimal("4.20"), Decimal("4.85")),
    ("2019-11-20", Decimal("4.15"), Decimal("4.80")),
    ("2020-02-20", Decimal("4.05"), Decimal("4.75")),
    ("2020-04-20", Decimal("3.85"), Decimal("4.65")),
    ("2021-12-20", Decimal("3.80"), Decimal("4.65")),
    ("2022-01-20", Decimal("3.70"), Decimal("4.60")),
    ("2022-05-20", Decimal("3.70"), Decimal("4.45")),
    ("2022-08-22", Decimal("3.65"), Decimal("4.30")),
    ("2023-06-20", Decimal("3.55"), Decimal("4.20")),
    ("2023-08-21", Decimal("3.45"), Decimal("4.20")),
    ("2024-02-20", Decimal("3.45"), Decimal("3.95")),
    ("2024-07-22", Decimal("3.35"), Decimal("3.85")),
    ("2024-10-21", Decimal("3.10"), Decimal("3.60")),
    ("2025-05-20", Decimal("3.00"), Decimal("3.50")),
]

WRONG = ("2025-01-20", Decimal("3.10"), Decimal("3.60"))


def forward(apps, schema_editor):
    LprRate = apps.get_model("rates", "LprRate")
    wrong_date, one_year, five_year = WRONG
    LprRate.objects.filter(
        effective_from=wrong_date, one_year=one_year, five_year=five_year, source=SOURCE
    ).delete()
    for effective_from, one_year, five_year in LPR:
        LprRate.objects.get_or_create(
            effective_from=effective_from,
            defaults={"one_year": one_year, "five_year": five_year, "source": SOURCE},
        )


def backward(apps, schema_editor):
    """Nothing to undo: the rows are history a loan may have been priced on."""


class Migration(migrations.Migration):
    dependencies = [("rates", "0001_lprrate_from_loans")]

    operations = [migrations.RunPython(forward, backward)]
