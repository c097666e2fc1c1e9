"""The guard's first rules (``compliance.rules_data``): written once; afterwards the compliance reviewer edits
them (a later change of ``rules_data`` does not overwrite an edited rule)."""

from django.db import migrations


def load(apps, schema_editor):
    from creditdesk.compliance.rules_data import RULES

    Rule = apps.get_model("compliance", "ComplianceRule")
    for row in RULES:
        Rule.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "severity": row["severity"],
                "pattern": row.get("pattern", ""),
                "channels": row.get("channels", ""),
                "negation_exempt": row.get("negation_exempt", True),
                "message": row["message"],
                "suggestion": row.get("suggestion", ""),
                "source": row.get("source", ""),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
