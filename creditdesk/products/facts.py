"""The applicant facts (客户要素) an admission rule may reference: the registry rules are checked against.

Each fact has a stable key (what a rule names), a Chinese label (what a person reads), a type and a unit.
Types and the Python values they take:

- ``money``: ``Decimal`` yuan (``monthly_income``, ``collateral_value`` …); ``ratio``: ``Decimal`` fraction
  (0.55 is 55 %); ``int``: ``int`` (not ``bool``); ``bool``: ``bool``; ``choice``: one of the fact's choice
  keys; ``grade``: a risk grade letter "A" (best) … "E" (worst); ``text``: text — ``industry_code``, the
  GB/T 4754-2017 code of a business (normalized, "H6210"; ``customers.industries``), and ``industry``, the
  free-text 行业 of the customer record (read only by product versions saved before industry codes
  existed: ``rules.ExcludedIndustries``).

A float is refused everywhere (money is never a float). A fact that is absent from the mapping, or
``None``, is *missing*: a rule that needs it answers "unknown", never a silent pass.

``computed`` facts are derived by the matching for the product at hand (its new monthly payment, the
debt-to-income after it, the loan-to-value); a value a caller passes for them is replaced there.
The choices are the pure enumerations (``core.enums.CustomerKind``, ``core.enums.TaxCreditGrade``,
``customers.size_class.SizeClass``, ``CollateralType``, ``LoanPurpose``, ``HomePurchaseOrder`` here) as
``(value, label)`` pairs; the Django choices are derived from the same enumerations.

Business facts (PRODUCT.md §1, issue 13): ``business_years`` (经营年限, whole years since the founding
date), ``industry_code``, ``size_class`` (大/中/小/微, 工信部联企业〔2011〕300号, computed from employees and
revenue by ``customers.size_class``), ``annual_revenue``, ``employees``, ``tax_credit_grade`` (纳税信用等级).
A person's 公积金: ``provident_fund_months`` and ``provident_fund_base``; ``payroll_with_bank`` (在本行代发
工资); ``owns_property`` (名下自有房产, the customer record's 名下房产: the housing a scorecard may weigh).
Of the need: ``collateral_prior_liens`` (the balance of earlier liens on the collateral, ranking
ahead: the loan-to-value is taken on the value less them) and ``home_purchase_order`` (首套/二套).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from creditdesk.core.enums import (
    GRADES,  # A best, E worst (the scorecard's risk grades, ``core.enums.RiskGrade``)
    CustomerKind,
    LabelledEnum,
    TaxCreditGrade,
    gettext_noop,
)
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_rate, format_yuan
from creditdesk.customers.size_class import SizeClass


class FactError(DomainError):
    """A fact key is unknown or its value has the wrong type; ``extra["fact"]`` names it."""


class FactType(StrEnum):
    MONEY = "money"
    RATIO = "ratio"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    GRADE = "grade"
    TEXT = "text"


class CollateralType(LabelledEnum):
    """抵质押物 — what secures a loan ("none": nothing)."""

    NONE = "none", gettext_noop("无抵质押物")
    RESIDENTIAL_PROPERTY = "residential_property", gettext_noop("住宅")
    COMMERCIAL_PROPERTY = "commercial_property", gettext_noop("商业用房")
    INDUSTRIAL_PROPERTY = "industrial_property", gettext_noop("工业厂房")
    LAND_USE_RIGHT = "land_use_right", gettext_noop("土地使用权")
    VEHICLE = "vehicle", gettext_noop("机动车")
    DEPOSIT_RECEIPT = "deposit_receipt", gettext_noop("定期存单")
    TREASURY_BOND = "treasury_bond", gettext_noop("国债")
    WEALTH_PRODUCT = "wealth_product", gettext_noop("理财产品")


class LoanPurpose(LabelledEnum):
    """贷款用途."""

    BUSINESS_WORKING_CAPITAL = "business_working_capital", gettext_noop("经营周转")
    EQUIPMENT = "equipment", gettext_noop("设备购置")
    HOME_PURCHASE = "home_purchase", gettext_noop("购房")
    CAR_PURCHASE = "car_purchase", gettext_noop("购车")
    RENOVATION = "renovation", gettext_noop("装修")
    CONSUMPTION = "consumption", gettext_noop("日常消费")
    EDUCATION = "education", gettext_noop("教育")
    MEDICAL = "medical", gettext_noop("医疗")
    TRAVEL = "travel", gettext_noop("旅游")
    WEDDING = "wedding", gettext_noop("婚庆")


class HomePurchaseOrder(LabelledEnum):
    """首套 / 二套 — for a home purchase, whether the home is the household's first or a further one
    (《中国人民银行 国家金融监督管理总局关于调整优化差别化住房信贷政策的通知》, 2023: down payments and
    rates differ; the 公积金 rate table has a column for each). Recorded on a need with purpose
    ``home_purchase`` only; blank otherwise (``capacity.Need``, ``models.Need``)."""

    FIRST = "first", gettext_noop("首套")
    SECOND = "second", gettext_noop("二套")


CUSTOMER_TYPES = CustomerKind.pairs()
COLLATERAL_TYPES = CollateralType.pairs()
PURPOSES = LoanPurpose.pairs()
SIZE_CLASSES = SizeClass.pairs()
TAX_CREDIT_GRADES = TaxCreditGrade.pairs()
HOME_PURCHASE_ORDERS = HomePurchaseOrder.pairs()
# Industries are GB/T 4754-2017 codes chosen from ``customers.industries`` (searchable by name and
# pinyin); the old free-text list that fed the pickers is gone.


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    type: FactType
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    computed: bool = False
    description: str = ""

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


_M, _R, _I, _B, _C = FactType.MONEY, FactType.RATIO, FactType.INT, FactType.BOOL, FactType.CHOICE

FACTS: dict[str, Fact] = {
    fact.key: fact
    for fact in (
        Fact("customer_type", "客户类型", _C, choices=CUSTOMER_TYPES),
        Fact("age", "年龄", _I, "岁"),
        Fact("purpose", "贷款用途", _C, choices=PURPOSES),
        Fact("requested_amount", "申请金额", _M, "元"),
        Fact("term_months", "贷款期限", _I, "个月"),
        Fact(
            "monthly_income",
            "月收入",
            _M,
            "元",
            description="税后月收入；经营者加上月经营净现金流（见 capacity）",
        ),
        Fact(
            "monthly_debt_payments", "现有月还款额", _M, "元", description="已有贷款、信用卡分期等的月供合计"
        ),
        Fact("monthly_cash_flow", "月经营净现金流", _M, "元", description="月经营收入 − 月经营成本"),
        Fact("new_monthly_payment", "本笔月供", _M, "元", computed=True),
        Fact("debt_to_income_after", "贷后负债收入比", _R, computed=True),
        Fact("current_overdue", "当前逾期", _B),
        Fact("worst_overdue_days_24m", "近 24 个月最长逾期天数", _I, "天"),
        Fact("inquiries_6m", "近 6 个月征信查询次数", _I, "次"),
        Fact(
            "credit_line_usage",
            "授信额度使用率",
            _R,
            description="信用卡及循环额度已用额度 ÷ 授信总额（征信摘要）",
        ),
        Fact(
            "overdue_months_consecutive_24m",
            "近 24 个月最长连续逾期期数",
            _I,
            "期",
            description="征信报告摘要近 24 个月还款状态中最长的连续逾期月数（连三累六的“连”）",
        ),
        Fact(
            "overdue_months_cumulative_24m",
            "近 24 个月累计逾期期数",
            _I,
            "期",
            description="征信报告摘要近 24 个月还款状态中逾期月数合计（连三累六的“累”）",
        ),
        Fact("risk_grade", "风险等级", FactType.GRADE),
        Fact(
            "industry",
            "所属行业（文字）",
            FactType.TEXT,
            description="客户档案中的文字行业，仅供旧版产品的限制行业规则使用",
        ),
        Fact(
            "industry_code",
            "所属行业",
            FactType.TEXT,
            description="国民经济行业分类（GB/T 4754-2017）代码，如 H6210 正餐服务",
        ),
        Fact(
            "size_class",
            "企业规模",
            _C,
            choices=SIZE_CLASSES,
            description="大型/中型/小型/微型，按《中小企业划型标准规定》（工信部联企业〔2011〕300号）"
            "由从业人员和营业收入计算",
        ),
        Fact("annual_revenue", "年营业收入", _M, "元"),
        Fact("employees", "从业人员", _I, "人"),
        Fact("tax_credit_grade", "纳税信用等级", _C, choices=TAX_CREDIT_GRADES),
        Fact("collateral_type", "抵质押物类型", _C, choices=COLLATERAL_TYPES),
        Fact("collateral_value", "抵质押物评估价值", _M, "元"),
        Fact(
            "collateral_prior_liens",
            "抵押物已有抵押余额",
            _M,
            "元",
            description="抵押物上顺位在先的已有抵押担保的贷款余额",
        ),
        Fact(
            "loan_to_value",
            "抵质押率",
            _R,
            computed=True,
            description="贷款金额 ÷（抵质押物评估价值 − 已有抵押余额）",
        ),
        Fact("home_purchase_order", "首套/二套", _C, choices=HOME_PURCHASE_ORDERS),
        Fact("has_guarantor", "有保证人", _B),
        Fact("has_co_borrower", "有共同借款人", _B),
        Fact(
            "co_borrower_monthly_income", "共同借款人月收入", _M, "元", description="扣除其自身月供后的月收入"
        ),
        Fact("provident_fund_months", "公积金连续缴存月数", _I, "个月"),
        Fact("provident_fund_base", "公积金缴存基数", _M, "元", description="每月缴存基数"),
        Fact("payroll_with_bank", "在本行代发工资", _B),
        Fact("owns_property", "名下自有房产", _B, description="住房情况：客户名下有无房产（客户资料）"),
        Fact("business_years", "经营年限", _I, "年", description="自成立日期起的整年数"),
    )
}


def get_fact(key: str) -> Fact:
    fact = FACTS.get(key)
    if fact is None:
        raise FactError("fact_unknown", f"未知的客户要素：{key!r}。", {"fact": key})
    return fact


def _type_ok(fact: Fact, value: object) -> bool:
    if fact.type in (FactType.MONEY, FactType.RATIO):
        return isinstance(value, Decimal) and value.is_finite()
    if fact.type == FactType.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if fact.type == FactType.BOOL:
        return isinstance(value, bool)
    if fact.type == FactType.CHOICE:
        return isinstance(value, str) and value in dict(fact.choices)
    if fact.type == FactType.GRADE:
        return value in GRADES
    return isinstance(value, str)


def check_fact(key: str, value: object) -> None:
    """Refuse a value of the wrong type for ``key`` (``None`` is allowed: it means missing)."""
    fact = get_fact(key)
    if value is None or _type_ok(fact, value):
        return
    if isinstance(value, float):
        message = f"「{fact.label}」必须是精确的十进制数或整数，请勿使用浮点数。"
    elif fact.type == FactType.CHOICE:
        allowed = "、".join(key for key, _label in fact.choices)
        message = f"「{fact.label}」的取值 {value!r} 无效，可选：{allowed}。"
    elif fact.type == FactType.GRADE:
        message = f"「{fact.label}」必须是 A–E 之一（收到 {value!r}）。"
    else:
        message = f"「{fact.label}」的类型应为 {fact.type.value}（收到 {type(value).__name__}）。"
    raise FactError("fact_type", message, {"fact": key, "expected": fact.type.value})


def check_facts(facts: Mapping[str, object]) -> None:
    """Every key known, every present value of its fact's type (``FactError`` otherwise)."""
    for key, value in facts.items():
        check_fact(key, value)


def grade_rank(grade: str) -> int:
    """0 for A (best) … 4 for E (worst)."""
    return GRADES.index(grade)


# --- how a value is said to a person ------------------------------------------------------------------


def format_value(key: str, value: object) -> str:
    """A fact's value as a person reads it: "6,000.00 元", "35 岁", "62.50%", "是", "住宅" (amounts and
    ratios in the one format of ``core.money``)."""
    fact = get_fact(key)
    if value is None:
        return "（缺失）"
    if fact.type == FactType.MONEY and isinstance(value, Decimal):
        return f"{format_yuan(value)} 元"
    if fact.type == FactType.RATIO and isinstance(value, Decimal):
        return format_rate(value)
    if fact.type == FactType.BOOL:
        return "是" if value else "否"
    if fact.type == FactType.CHOICE and isinstance(value, str):
        return fact.choice_label(value)
    if fact.type == FactType.INT and fact.unit:
        return f"{value} {fact.unit}"
    return str(value)


def to_json_value(value: object) -> object:
    """A fact value for JSON: Decimals as strings, everything else as is."""
    return str(value) if isinstance(value, Decimal) else value
