"""住房公积金贷款利率 as their own dated table, seeded with the one row RULES.md gives (written here, not
imported: ``finance.provident.SEEDED_PROVIDENT`` is kept equal to it by a test). Rates in percent."""

import creditdesk.core.fields
from decimal import Decimal
from django.db import migrations, models


PROVIDENT = [
    (
        "2025-05-08",
        Decimal("2.10"),
        Decimal("2.60"),
        Decimal("2.525"),
        Decimal("3.075"),
        "中国人民银行：自 2025-05-08 起下调个人住房公积金贷款利率 0.25 个百分点",
    ),
]


def seed(apps, schema_editor):
    ProvidentRate = apps.get_model("rates", "ProvidentRate")
    for effective_from, first_short, first_long, second_short, second_long, source in PROVIDENT:
        ProvidentRate.objects.get_or_create(
            effective_from=effective_from,
            defaults={
                "first_home_up_to_5y": first_short,
                "first_home_over_5y": first_long,
                "second_home_up_to_5y": second_short,
                "second_home_over_5y": second_long,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("rates", "0002_lpr_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProvidentRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_from", models.DateField(unique=True, verbose_name="生效日期")),
                (
                    "first_home_up_to_5y",
                    creditdesk.core.fields.PercentRateField(verbose_name="首套 5 年以下（含）（%）"),
                ),
                (
                    "first_home_over_5y",
                    creditdesk.core.fields.PercentRateField(verbose_name="首套 5 年以上（%）"),
                ),
                (
                    "second_home_up_to_5y",
                    creditdesk.core.fields.PercentRateField(verbose_name="二套 5 年以下（含）（%）"),
                ),
                (
                    "second_home_over_5y",
                    creditdesk.core.fields.PercentRateField(verbose_name="二套 5 年以上（%）"),
                ),
                ("source", models.CharField(max_length=200, verbose_name="来源")),
            ],
            options={
                "verbose_name": "公积金贷款利率",
                "verbose_name_plural": "公积金贷款利率表",
                "ordering": ["-effective_from"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("first_home_up_to_5y__gt", Decimal("0")),
                            ("first_home_up_to_5y__lt", Decimal("20")),
                            ("first_home_over_5y__gt", Decimal("0")),
                            ("first_home_over_5y__lt", Decimal("20")),
                            ("second_home_up_to_5y__gt", Decimal("0")),
                            ("second_home_up_to_5y__lt", Decimal("20")),
                            ("second_home_over_5y__gt", Decimal("0")),
                            ("second_home_over_5y__lt", Decimal("20")),
                        ),
                        name="provident_rates_between_0_and_20_percent",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
