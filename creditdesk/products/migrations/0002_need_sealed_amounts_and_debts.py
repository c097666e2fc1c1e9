"""Needs: income and debt figures encrypted at rest, existing debts one by one, prior liens and 首套/二套.

RULES.md, "Personal information": income never sits in the database in clear — the customer's was
encrypted, a need's was not. The five clear amount columns (integer fen, ``core.fields.AmountField``) are
replaced by ``EncryptedAmountField`` columns of the same names: an encrypted twin ``<name>_sealed`` is
added, every existing value is sealed into it with ``core.crypto.encrypt`` under exactly the context the
field uses when it reads (``products.need.<name>``, the final field name — the twin is renamed), the clear
column is dropped and the twin renamed. Reversible: backwards, the tokens are opened into the re-added
clear columns. Raw SQL through the schema editor's connection, so it runs alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

import creditdesk.core.fields
import creditdesk.products.fields
from creditdesk.core.crypto import decrypt, encrypt
from creditdesk.products.fields import amount_text

SEALED = (
    "monthly_income",
    "monthly_debt_payments",
    "monthly_revenue",
    "monthly_costs",
    "co_borrower_monthly_income",
)
TWIN = "{}_sealed"
CONTEXT = "products.need.{}"  # EncryptedTextField's context: <app_label>.<model_name>.<final field name>
FEN = Decimal(100)


def seal_value(fen: int | None, field: str) -> str | None:
    """A clear column's integer fen as the token the encrypted field reads back as that amount."""
    if fen is None:
        return None
    return encrypt(amount_text(Decimal(int(fen)) / FEN), context=CONTEXT.format(field))


def open_value(token: str | None, field: str) -> int | None:
    """A token back to integer fen (the clear column's storage)."""
    if token is None or token == "":
        return None
    return int(Decimal(decrypt(token, context=CONTEXT.format(field))) * FEN)


def _copy(connection: Any, table: str, pairs: list[tuple[str, str]], convert: Any) -> None:
    """For every row, ``target = convert(source, field)`` for each (source, target) column pair."""
    quote = connection.ops.quote_name
    sources = ", ".join(quote(source) for source, _target in pairs)
    assignments = ", ".join(f"{quote(target)} = %s" for _source, target in pairs)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {sources} FROM {quote(table)}")  # noqa: S608 - names quoted
        rows = cursor.fetchall()
        for pk, *values in rows:
            converted = [convert(value, field) for value, field in zip(values, SEALED, strict=True)]
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608
                [*converted, pk],
            )


def seal_clear_amounts(connection: Any, table: str = "products_need") -> None:
    """Forwards: each clear amount column sealed into its twin."""
    _copy(connection, table, [(field, TWIN.format(field)) for field in SEALED], seal_value)


def open_sealed_amounts(connection: Any, table: str = "products_need") -> None:
    """Backwards: each twin's token opened into the clear column."""
    _copy(connection, table, [(TWIN.format(field), field) for field in SEALED], open_value)


def forwards(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("products", "Need")._meta.db_table
    seal_clear_amounts(schema_editor.connection, table)


def backwards(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("products", "Need")._meta.db_table
    open_sealed_amounts(schema_editor.connection, table)


METHODS = [
    ("equal_installment", "等额本息"),
    ("equal_principal", "等额本金"),
    ("interest_only", "先息后本"),
    ("bullet", "一次性还本付息"),
    ("revolving", "随借随还"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
    ]

    operations = [
        # 1. the new inputs H3's limits read
        migrations.AddField(
            model_name="need",
            name="collateral_prior_liens",
            field=creditdesk.core.fields.AmountField(
                blank=True, null=True, verbose_name="抵押物已有抵押余额（元）"
            ),
        ),
        migrations.AddField(
            model_name="need",
            name="home_purchase_order",
            field=models.CharField(
                blank=True,
                choices=[("first", "首套"), ("second", "二套")],
                default="",
                max_length=10,
                verbose_name="首套/二套",
            ),
        ),
        # 2. clear columns nullable, so that the reverse can re-add them before refilling them
        migrations.AlterField(
            model_name="need",
            name="monthly_income",
            field=creditdesk.core.fields.AmountField(null=True, verbose_name="月收入（元）"),
        ),
        migrations.AlterField(
            model_name="need",
            name="monthly_debt_payments",
            field=creditdesk.core.fields.AmountField(
                default=Decimal("0.00"), null=True, verbose_name="现有月还款额（元）"
            ),
        ),
        # 3. encrypted twins, filled from the clear columns, which then go
        *[
            migrations.AddField(
                model_name="need",
                name=TWIN.format(field),
                field=creditdesk.products.fields.EncryptedAmountField(blank=True, null=True),
            )
            for field in SEALED
        ],
        migrations.RunPython(forwards, backwards),
        *[migrations.RemoveField(model_name="need", name=field) for field in SEALED],
        *[
            migrations.RenameField(model_name="need", old_name=TWIN.format(field), new_name=field)
            for field in SEALED
        ],
        migrations.AlterField(
            model_name="need",
            name="co_borrower_monthly_income",
            field=creditdesk.products.fields.EncryptedAmountField(
                blank=True, null=True, verbose_name="共同借款人月收入（元）"
            ),
        ),
        migrations.AlterField(
            model_name="need",
            name="monthly_income",
            field=creditdesk.products.fields.EncryptedAmountField(verbose_name="月收入（元）"),
        ),
        migrations.AlterField(
            model_name="need",
            name="monthly_debt_payments",
            field=creditdesk.products.fields.EncryptedAmountField(
                default=Decimal("0.00"), verbose_name="现有月还款额（元）"
            ),
        ),
        migrations.AlterField(
            model_name="need",
            name="monthly_revenue",
            field=creditdesk.products.fields.EncryptedAmountField(
                blank=True, null=True, verbose_name="月经营收入（元）"
            ),
        ),
        migrations.AlterField(
            model_name="need",
            name="monthly_costs",
            field=creditdesk.products.fields.EncryptedAmountField(
                blank=True, null=True, verbose_name="月经营成本（元）"
            ),
        ),
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("collateral_prior_liens__isnull", True),
                    ("collateral_prior_liens__gte", 0),
                    _connector="OR",
                ),
                name="need_prior_liens_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("home_purchase_order", ""), ("purpose", "home_purchase"), _connector="OR"
                ),
                name="need_home_order_only_for_home_purchase",
            ),
        ),
        # 4. existing debts, one by one
        migrations.CreateModel(
            name="NeedDebt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=1, verbose_name="序号")),
                ("label", models.CharField(blank=True, max_length=50, verbose_name="名称")),
                ("method", models.CharField(choices=METHODS, max_length=20, verbose_name="还款方式")),
                (
                    "balance",
                    creditdesk.products.fields.EncryptedAmountField(verbose_name="余额或已用额度（元）"),
                ),
                ("annual_rate", creditdesk.core.fields.PercentRateField(verbose_name="年利率（%）")),
                ("remaining_months", models.PositiveSmallIntegerField(verbose_name="剩余期数（月）")),
                (
                    "source",
                    models.CharField(
                        choices=[("credit_report", "征信"), ("manual", "手工")],
                        default="manual",
                        max_length=20,
                        verbose_name="来源",
                    ),
                ),
                (
                    "need",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="debts",
                        to="products.need",
                        verbose_name="需求分析",
                    ),
                ),
            ],
            options={
                "verbose_name": "现有负债",
                "verbose_name_plural": "现有负债",
                "ordering": ["need", "position", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("remaining_months__gte", 1), ("remaining_months__lte", 600)),
                        name="need_debt_remaining_months_in_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("annual_rate__gte", 0)), name="need_debt_rate_not_negative"
                    ),
                ],
            },
        ),
    ]
