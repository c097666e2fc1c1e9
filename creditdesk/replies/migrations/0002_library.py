"""The first library: the 67 scripts of ``replies.library_data`` (drawn from seeds 000/003 and RULES.md), each
submitted for compliance review (待合规审核) — none is used until a risk manager approves it (issue 18
item 1; the demo data approves them through the real review)."""

from django.db import migrations


def load(apps, schema_editor):
    from creditdesk.replies.library_data import SCRIPTS

    Script = apps.get_model("replies", "ReplyScript")
    Version = apps.get_model("replies", "ReplyScriptVersion")
    for row in SCRIPTS:
        script, created = Script.objects.get_or_create(
            key=row["key"],
            defaults={
                "category": row["category"],
                "question": row["question"],
                "variants": "\n".join(row["variants"]),
                "answer": row["answer"],
                "disclosures": "\n".join(row["disclosures"]),
                "stages": ",".join(sorted(row["stages"])),
                "products": ",".join(sorted(row["products"])),
                "tiers": ",".join(sorted(row["tiers"])),
                "response_tier": row["response_tier"],
                "source": row["source"],
                "status": "pending",
            },
        )
        if created:
            Version.objects.create(
                script=script,
                version=1,
                status="pending",
                content={
                    "category": script.category,
                    "question": script.question,
                    "variants": script.variants,
                    "answer": script.answer,
                    "disclosures": script.disclosures,
                    "stages": script.stages,
                    "products": script.products,
                    "tiers": script.tiers,
                    "response_tier": script.response_tier,
                    "source": script.source,
                },
                note="随系统提供的初始话术，待合规审核",
            )


class Migration(migrations.Migration):
    dependencies = [("replies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
