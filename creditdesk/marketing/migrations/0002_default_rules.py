"""Starting rules a bank edits (admin site): the stage gates with idle and recycle days per customer tier,
and the lost reasons. Example parameters ("示例参数"), not a regulation: each bank sets its own."""

from django.db import migrations

SOURCE = "示例参数（各行按本行营销管理办法调整）"

# stage entered: (requirements, idle days, {tier: recycle days}); tier "" = any tier
RULES = {
    "new": ("", 2, {"mass": 5, "middle": 7, "high_net_worth": 10}),
    "contacted": ("contact_logged", 7, {"mass": 21, "middle": 30, "high_net_worth": 45}),
    "need_confirmed": ("need_recorded", 10, {"mass": 30, "middle": 45, "high_net_worth": 60}),
    "proposal_offered": ("customer_linked,proposal_issued", 14, {}),
    "applying": ("application_submitted", 30, {}),
}
LOST_REASONS = (
    ("rate_too_high", "利率过高"),
    ("amount_insufficient", "额度不足"),
    ("chose_competitor", "选择他行"),
    ("not_eligible", "不符合准入"),
    ("need_cancelled", "需求取消"),
    ("unreachable", "无法联系"),
    ("other", "其他"),
)


def add(apps, schema_editor):
    StageRule = apps.get_model("marketing", "StageRule")
    LostReason = apps.get_model("marketing", "LostReason")
    for stage, (requirements, idle, recycle) in RULES.items():
        StageRule.objects.create(stage=stage, tier="", requirements=requirements, max_idle_days=idle, source=SOURCE)
        for tier, days in recycle.items():
            StageRule.objects.create(
                stage=stage, tier=tier, requirements=requirements, max_idle_days=idle, recycle_days=days, source=SOURCE
            )
    StageRule.objects.create(stage="disbursed", tier="", requirements="loan_disbursed", max_idle_days=1, source=SOURCE)
    for position, (code, label) in enumerate(LOST_REASONS):
        LostReason.objects.create(code=code, label=label, position=position)


def remove(apps, schema_editor):
    apps.get_model("marketing", "StageRule").objects.all().delete()
    apps.get_model("marketing", "LostReason").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
