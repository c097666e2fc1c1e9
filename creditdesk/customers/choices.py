"""Customer kinds, segments and sources (PRODUCT.md §1).

The kinds, the rate sensitivity and the 纳税信用等级 are shared with the product rules and matching, so
the pure ``core.enums`` owns them; the gender is the pure ``identity``'s (read from the resident ID). Their
choices are derived here; the rest is the customer record's alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core import enums
from creditdesk.core.choices import text_choices
from creditdesk.customers import identity

CustomerKind = text_choices(enums.CustomerKind)
TaxCreditGrade = text_choices(enums.TaxCreditGrade)


class QualitySegment(models.TextChoices):
    PRIME = "prime", _("优质")
    STANDARD = "standard", _("中等")
    HIGH_RISK = "high_risk", _("高风险")


class ValueSegment(models.TextChoices):
    HIGH_NET_WORTH = "high_net_worth", _("高净值")
    MIDDLE = "middle", _("中端")
    MASS = "mass", _("普通")


class Source(models.TextChoices):
    EXISTING = "existing", _("存量客户")
    NEW = "new", _("增量客户")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE = "offline", _("线下")
    PARTNER = "partner", _("合作渠道")
    REFERRAL = "referral", _("转介绍")


Gender = text_choices(identity.Gender)


class RelationshipKind(models.TextChoices):
    """How one customer relates to another: "X 是 Y 的<kind>" (``from`` is X, ``to`` is Y)."""

    HOUSEHOLD = "household", _("家庭成员")
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    ACTUAL_CONTROLLER = "actual_controller", _("实际控制人")
    SHAREHOLDER = "shareholder", _("股东")
    GUARANTOR = "guarantor", _("担保人")
    REFERRER = "referrer", _("推荐人")
    # A 个体工商户's 经营者 (the person who runs it: their own credit and income count for it) and a
    # business's 受益所有人 (beneficial owner, 中国人民银行令〔2024〕第 3 号《受益所有人信息管理办法》).
    OPERATOR = "operator", _("经营者")
    BENEFICIAL_OWNER = "beneficial_owner", _("受益所有人")


class TermPreference(models.TextChoices):
    """期限偏好 — the loan term a customer leans towards (risk preference, PRODUCT.md §1)."""

    SHORT = "short", _("短期")
    MEDIUM = "medium", _("中期")
    LONG = "long", _("长期")


RateSensitivity = text_choices(enums.RateSensitivity)
