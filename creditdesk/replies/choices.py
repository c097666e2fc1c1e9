"""Choices of the reply-script models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FAQ = "faq", _("常见问题")
    OBJECTION = "objection", _("异议处理")
    RISK = "risk", _("风险提示")
    COLLECTION = "collection", _("催收沟通")
    COMPLIANCE = "compliance", _("合规答复")
    PRODUCT = "product", _("产品介绍")


class ResponseTier(models.TextChoices):
    """分级响应: who should give this answer (seed 003)."""

    CM = "cm", _("客户经理")
    TEAM_LEAD = "team_lead", _("团队主管")
    SPECIALIST = "specialist", _("专业岗位")


class ScriptStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待合规审核")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("已退回")
    RETIRED = "retired", _("已停用")


class UsePurpose(models.TextChoices):
    """What a message to a customer is for: a marketing message needs a marketing consent in force."""

    ANSWER = "answer", _("答复咨询")
    MARKETING = "marketing", _("营销推介")
    CARE = "care", _("关怀问候")
    COLLECTION = "collection", _("贷后催收")


class UseOutcome(models.TextChoices):
    PENDING = "pending", _("待观察")
    ADVANCED = "advanced", _("线索推进")
    RESOLVED = "resolved", _("异议已化解")
    UNRESOLVED = "unresolved", _("未化解")
    LOST = "lost", _("线索流失")
