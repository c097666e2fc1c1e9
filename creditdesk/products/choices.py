"""Product categories and the choices of a needs analysis (PRODUCT.md §3–4).

The values are the pure core's (``catalogue.Category``, ``facts.PURPOSES`` / ``COLLATERAL_TYPES``);
here they get translatable labels for forms and the admin, and ``tests/test_choices.py`` keeps the two
in step. Repayment methods are ``loans.choices.RepaymentMethod``; a need's rate sensitivity uses the
customer's ``customers.choices.RateSensitivity`` (the same values as ``capacity.RateSensitivity``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CREDIT = "credit", _("信用贷")
    MORTGAGE = "mortgage", _("抵押贷")
    BUSINESS = "business", _("经营贷")
    CONSUMER = "consumer", _("消费贷")
    PLEDGE = "pledge", _("质押贷")
    GUARANTEED = "guaranteed", _("保证贷")
    PROVIDENT_FUND = "provident_fund", _("公积金贷")
    HOME_LOAN = "home_loan", _("个人住房贷款")
    AUTO = "auto", _("汽车贷款")


class LoanPurpose(models.TextChoices):
    BUSINESS_WORKING_CAPITAL = "business_working_capital", _("经营周转")
    EQUIPMENT = "equipment", _("设备购置")
    HOME_PURCHASE = "home_purchase", _("购房")
    CAR_PURCHASE = "car_purchase", _("购车")
    RENOVATION = "renovation", _("装修")
    CONSUMPTION = "consumption", _("日常消费")
    EDUCATION = "education", _("教育")
    MEDICAL = "medical", _("医疗")
    TRAVEL = "travel", _("旅游")
    WEDDING = "wedding", _("婚庆")


class CollateralType(models.TextChoices):
    NONE = "none", _("无抵质押物")
    RESIDENTIAL_PROPERTY = "residential_property", _("住宅")
    COMMERCIAL_PROPERTY = "commercial_property", _("商业用房")
    INDUSTRIAL_PROPERTY = "industrial_property", _("工业厂房")
    LAND_USE_RIGHT = "land_use_right", _("土地使用权")
    VEHICLE = "vehicle", _("机动车")
    DEPOSIT_RECEIPT = "deposit_receipt", _("定期存单")
    TREASURY_BOND = "treasury_bond", _("国债")
    WEALTH_PRODUCT = "wealth_product", _("理财产品")


class RuleStatus(models.TextChoices):
    """A rule's answer for a customer (``rules.Status``)."""

    PASS = "pass", _("通过")
    FAIL = "fail", _("未通过")
    UNKNOWN = "unknown", _("待确认")
