"""The limit concession (额度优惠) in the concession matrix: the percent above a product's maximum amount a
role may grant. Default example, the bank's own policy like the rest of the matrix: team lead none,
branch head up to 20 %, beyond that head office."""

from django.db import migrations, models

POLICY = "默认示例（本行授权管理办法，可由风险经理修改）"
LIMIT_CONCESSIONS = [("team_lead", 0), ("branch_head", 20)]


def seed(apps, schema_editor):
    ConcessionLimit = apps.get_model("applications", "ConcessionLimit")
    for role, pct in LIMIT_CONCESSIONS:
        ConcessionLimit.objects.filter(role=role, source=POLICY).update(max_amount_pct=pct)


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_documents")]

    operations = [
        migrations.AddField(
            model_name="concessionlimit",
            name="max_amount_pct",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="最大额度优惠（超出产品上限的百分比）"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
