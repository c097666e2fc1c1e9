"""The LPR history that RULES.md states, so that pricing works on a fresh installation.

Later months are added by administrators. Values: from 2025-01-20 1Y 3.10% / 5Y 3.60%; from 2025-05-20
1Y 3.00% / 5Y 3.50% (unchanged through at least Feb 2026).
"""

from decimal import Decimal

from django.db import migrations

LPR = [
    ("2025-01-20", Decimal("3.10"), Decimal("3.60")),
    ("2025-05-20", Decimal("3.00"), Decimal("3.50")),
]


def seed(apps, schema_editor):
    LprRate = apps.get_model("loans", "LprRate")
    for effective_from, one_year, five_year in LPR:
        LprRate.objects.get_or_create(
            effective_from=effective_from,
            defaults={"one_year": one_year, "five_year": five_year, "source": "全国银行间同业拆借中心公告"},
        )


def unseed(apps, schema_editor):
    LprRate = apps.get_model("loans", "LprRate")
    LprRate.objects.filter(effective_from__in=[row[0] for row in LPR]).delete()


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
