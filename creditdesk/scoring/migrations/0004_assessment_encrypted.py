"""Pre-assessments: the JSON that quotes the values scored (income among them) encrypted at rest.

RULES.md, "Personal information": income never sits in the database in clear. An assessment's ``inputs``,
``contributions``, ``reasons``, ``customer_reasons`` and ``warnings`` quote the monthly income it was scored
on ("月收入 30,000.00 元，低于 50,000.00 元"). Each becomes an ``EncryptedJSONField`` (a text column holding
a ``v1.`` token of the JSON text): the columns are altered to text (PostgreSQL casts ``jsonb`` to its
JSON text; SQLite already stores text), then every row's JSON is sealed with ``core.crypto.encrypt``
under exactly the context the field opens it with (``scoring.assessment.<field>``). Reading back gives
the same Python values (a ``json`` round trip). Reversible: backwards, the tokens are opened to JSON text
before the columns become JSON again. Raw SQL through the schema editor's connection, so it runs alike
on SQLite and PostgreSQL; a value already sealed (a rerun) is left as it is.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

import creditdesk.core.crypto
from creditdesk.core.crypto import decrypt, encrypt

SEALED = ("inputs", "contributions", "reasons", "customer_reasons", "warnings")
CONTEXT = "scoring.assessment.{}"  # EncryptedTextField's context: <app_label>.<model_name>.<field name>
SEAL_PREFIX = f"{creditdesk.core.crypto.VERSION}."  # a token; JSON text never starts with a v


def seal_value(value: Any, field: str) -> Any:
    if value is None or (isinstance(value, str) and value.startswith(SEAL_PREFIX)):
        return value
    text = value if isinstance(value, str) else json.dumps(value)  # a driver that decoded the JSON
    canonical = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    return encrypt(canonical, context=CONTEXT.format(field))


def open_value(value: Any, field: str) -> Any:
    if not isinstance(value, str) or not value.startswith(SEAL_PREFIX):
        return value
    return decrypt(value, context=CONTEXT.format(field))


def _convert(connection: Any, table: str, convert: Any) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field) for field in SEALED)
    assignments = ", ".join(f"{quote(field)} = %s" for field in SEALED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {columns} FROM {quote(table)}")  # noqa: S608 - names quoted
        rows = cursor.fetchall()
        for pk, *values in rows:
            converted = [convert(value, field) for value, field in zip(values, SEALED, strict=True)]
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608
                [*converted, pk],
            )


def forwards(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("scoring", "Assessment")._meta.db_table
    _convert(schema_editor.connection, table, seal_value)


def backwards(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("scoring", "Assessment")._meta.db_table
    _convert(schema_editor.connection, table, open_value)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_expert_card_default"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="contributions",
            field=creditdesk.core.crypto.EncryptedJSONField(default=list, verbose_name="各项得分"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="customer_reasons",
            field=creditdesk.core.crypto.EncryptedJSONField(
                blank=True, default=list, verbose_name="可告知客户的原因"
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="inputs",
            field=creditdesk.core.crypto.EncryptedJSONField(default=dict, verbose_name="评分输入"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="reasons",
            field=creditdesk.core.crypto.EncryptedJSONField(default=list, verbose_name="主要扣分因素"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="warnings",
            field=creditdesk.core.crypto.EncryptedJSONField(default=list, verbose_name="提示"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
