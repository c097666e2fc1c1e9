"""The LPR table, moved from the ``loans`` app (which now holds booked loans): Django's state adopts the
existing ``loans_lprrate`` table with its rows, then the table is renamed to ``rates_lprrate``."""

from decimal import Decimal

from django.db import migrations, models

import creditdesk.core.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("loans", "0002_seed_lpr_table"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LprRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("effective_from", models.DateField(unique=True, verbose_name="生效日期")),
                        ("one_year", creditdesk.core.fields.PercentRateField(verbose_name="1 年期 LPR（%）")),
                        (
                            "five_year",
                            creditdesk.core.fields.PercentRateField(verbose_name="5 年期以上 LPR（%）"),
                        ),
                        (
                            "source",
                            models.CharField(
                                blank=True,
                                default="全国银行间同业拆借中心公告",
                                max_length=200,
                                verbose_name="来源",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "LPR 报价",
                        "verbose_name_plural": "LPR 报价表",
                        "ordering": ["-effective_from"],
                        "db_table": "loans_lprrate",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("five_year__gt", Decimal("0")),
                                    ("five_year__lt", Decimal("20")),
                                    ("one_year__gt", Decimal("0")),
                                    ("one_year__lt", Decimal("20")),
                                ),
                                name="lpr_rates_between_0_and_20_percent",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="lprrate", table=None),
    ]
