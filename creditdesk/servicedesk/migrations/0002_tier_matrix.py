"""The starting tier matrix (分级响应, seeds/003: "实施分级响应机制：根据客户需求的紧急程度和复杂度，安排不同层级的人员
进行对接"): who answers each kind of request and within how many working hours. The hours are the bank's
choice — example parameters, each bank sets its own service standard (admin site, audited)."""

from django.db import migrations

SEED_003 = "seeds/003 分级响应：按紧急程度和复杂度安排不同层级的人员对接"
EXAMPLE = "示例参数，以本行服务标准为准"

# (kind, urgency, complexity, tier, working hours, source); "" = any
RULES = (
    (
        "complaint", "", "", "team_lead", 4,
        f"{SEED_003}；投诉可能涉及客户经理本人，由团队主管响应（投诉处理的独立性）；4 个工作小时：{EXAMPLE}",
    ),
    (
        "complaint", "high", "", "team_lead", 2,
        f"{SEED_003}；提到监管（12378）、媒体或律师的投诉从速；2 个工作小时：{EXAMPLE}",
    ),
    (
        "hardship", "", "", "team_lead", 4,
        f"{SEED_003}；还款困难（失业、疾病等）需团队主管判断延期、减免等方案；4 个工作小时：{EXAMPLE}",
    ),
    (
        "data_request", "", "", "specialist", 16,
        f"{SEED_003}；《个人信息保护法》第四十四至四十七条（查阅、复制、更正、删除），由专员（风险合规）核实身份后办理；"
        f"16 个工作小时（两个工作日）内响应：{EXAMPLE}",
    ),
    ("question", "", "simple", "cm", 8, f"{SEED_003}；简单咨询由客户经理当日响应；8 个工作小时：{EXAMPLE}"),
    ("question", "high", "simple", "cm", 2, f"{SEED_003}；紧急的简单咨询；2 个工作小时：{EXAMPLE}"),
    (
        "question", "", "complex", "team_lead", 8,
        f"{SEED_003}；复杂咨询（合同、法律、纠纷或多项问题）由团队主管响应；8 个工作小时：{EXAMPLE}",
    ),
    ("other", "", "", "cm", 8, f"{SEED_003}；其他诉求由客户经理响应；8 个工作小时：{EXAMPLE}"),
)  # fmt: skip


def add(apps, schema_editor):
    TierRule = apps.get_model("servicedesk", "TierRule")
    for kind, urgency, complexity, tier, hours, source in RULES:
        TierRule.objects.update_or_create(
            kind=kind,
            urgency=urgency,
            complexity=complexity,
            defaults={"tier": tier, "response_hours": hours, "source": source},
        )


def remove(apps, schema_editor):
    TierRule = apps.get_model("servicedesk", "TierRule")
    for kind, urgency, complexity, *_ in RULES:
        TierRule.objects.filter(kind=kind, urgency=urgency, complexity=complexity).delete()


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
