"""Default approval routing, concession authority and exposure limits, so that a fresh installation can
route an application. They are the bank's own policy, not a regulation: every row says so in ``source``
and risk managers edit them (the concession figures are the example of issue 15: team lead up to 20 bp,
branch head up to 50 bp, beyond that head office)."""

from decimal import Decimal

from django.db import migrations

POLICY = "默认示例（本行授权管理办法，可由风险经理修改）"

ROUTES = [
    # position, name, min, max, grades, levels, quorum, sla hours
    (10, "30 万元以下，风险等级 A–C", "0", "300000.00", "A,B,C", "team_lead,approver", 0, 24),
    (20, "30 万元以下，其他等级", "0", "300000.00", "", "team_lead,approver,senior_approver", 0, 24),
    (30, "30 万–300 万元", "300000.01", "3000000.00", "", "team_lead,approver,senior_approver", 0, 48),
    (40, "300 万元以上", "3000000.01", None, "", "team_lead,approver,committee", 3, 72),
]
CONCESSIONS = [("team_lead", 20), ("branch_head", 50)]
EXPOSURE = [("single", "10000000.00"), ("group", "30000000.00")]


def seed(apps, schema_editor):
    RoutingRule = apps.get_model("applications", "RoutingRule")
    ConcessionLimit = apps.get_model("applications", "ConcessionLimit")
    ExposureLimit = apps.get_model("applications", "ExposureLimit")
    for position, name, low, high, grades, levels, quorum, sla in ROUTES:
        RoutingRule.objects.get_or_create(
            position=position,
            defaults={
                "name": name,
                "min_amount": Decimal(low),
                "max_amount": None if high is None else Decimal(high),
                "grades": grades,
                "levels": levels,
                "quorum": quorum,
                "sla_hours": sla,
                "source": POLICY,
            },
        )
    for role, bp in CONCESSIONS:
        ConcessionLimit.objects.get_or_create(role=role, defaults={"max_rate_bp": bp, "source": POLICY})
    for scope, amount in EXPOSURE:
        ExposureLimit.objects.get_or_create(scope=scope, defaults={"amount": Decimal(amount), "source": POLICY})


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
