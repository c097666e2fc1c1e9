"""The outbox's external address (a customer's phone for an SMS) sealed at rest, as the customer's own
phone column is (RULES.md "Personal information"): the column becomes sealed text, and every address
already written in clear is sealed in place. Going back opens them again."""

from django.db import migrations

import creditdesk.core.crypto
from creditdesk.core.crypto import decrypt, encrypt

CONTEXT = "notifications.outboxmessage.address"  # EncryptedTextField's context for this column
TABLE = "notifications_outboxmessage"


def _rewrite(schema_editor, change):
    connection = schema_editor.connection
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, address FROM {table} WHERE address <> ''")  # noqa: S608
        rows = [(change(address), pk) for pk, address in cursor.fetchall()]
        update = f"UPDATE {table} SET address = %s WHERE id = %s"  # noqa: S608 — a fixed table name
        cursor.executemany(update, [row for row in rows if row[0] is not None])


def seal(apps, schema_editor):
    _rewrite(schema_editor, lambda text: None if text.startswith("v1.") else encrypt(text, context=CONTEXT))


def open_again(apps, schema_editor):
    _rewrite(
        schema_editor, lambda token: decrypt(token, context=CONTEXT) if token.startswith("v1.") else None
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_loan_overdue_rate_reset_events")]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="address",
            field=creditdesk.core.crypto.EncryptedTextField(blank=True, verbose_name="外部地址"),
        ),
        migrations.RunPython(seal, open_again),
    ]
