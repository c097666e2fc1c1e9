"""The applicant facts (客户要素) an admission rule may reference: the registry rules are checked against.

Each fact has a stable key (what a rule names), a Chinese label (what a person reads), a type and a unit.
Types and the Python values they take:

- ``money``: ``Decimal`` yuan (``monthly_income``, ``collateral_value`` …); ``ratio``: ``Decimal`` fraction
  (0.55 is 55 %); ``int``: ``int`` (not ``bool``); ``bool``: ``bool``; ``choice``: one of the fact's choice
  keys; ``grade``: a risk grade letter "A" (best) … "E" (worst); ``text``: free text (``industry``, which
  the customer record keeps as free text such as "餐饮").

A float is refused everywhere (money is never a float). A fact that is absent from the mapping, or
``None``, is *missing*: a rule that needs it answers "unknown", never a silent pass.

``computed`` facts are derived by the matching for the product at hand (its new monthly payment, the
debt-to-income after it, the loan-to-value); a value a caller passes for them is replaced there.
Customer types match ``creditdesk.customers.choices.CustomerKind`` (kept as plain strings here: this
module imports no Django).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from creditdesk.core.exceptions import DomainError

GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")  # A best, E worst (the scorecard's risk grades)


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


CUSTOMER_TYPES: tuple[tuple[str, str], ...] = (  # = customers.choices.CustomerKind
    ("individual", "个人"),
    ("enterprise", "企业"),
    ("individual_business", "个体工商户"),
)

COLLATERAL_TYPES: tuple[tuple[str, str], ...] = (
    ("none", "无抵质押物"),
    ("residential_property", "住宅"),
    ("commercial_property", "商业用房"),
    ("industrial_property", "工业厂房"),
    ("land_use_right", "土地使用权"),
    ("vehicle", "机动车"),
    ("deposit_receipt", "定期存单"),
    ("treasury_bond", "国债"),
    ("wealth_product", "理财产品"),
)

PURPOSES: tuple[tuple[str, str], ...] = (
    ("business_working_capital", "经营周转"),
    ("equipment", "设备购置"),
    ("home_purchase", "购房"),
    ("car_purchase", "购车"),
    ("renovation", "装修"),
    ("consumption", "日常消费"),
    ("education", "教育"),
    ("medical", "医疗"),
    ("travel", "旅游"),
    ("wedding", "婚庆"),
)

# The industries the customer record suggests (customers/seed.py) plus the ones banks commonly restrict;
# ``industry`` stays free text, this list only feeds pickers and the seeded exclusion lists.
KNOWN_INDUSTRIES: tuple[str, ...] = (
    "餐饮",
    "批发零售",
    "制造业",
    "建筑",
    "交通运输",
    "信息技术",
    "教育",
    "医疗",
    "农业",
    "文化旅游",
    "房地产",
    "煤炭",
    "钢铁",
    "电解铝",
    "娱乐场所",
    "典当",
    "小额贷款",
    "虚拟货币",
)


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
        Fact("risk_grade", "风险等级", FactType.GRADE),
        Fact("industry", "所属行业", FactType.TEXT),
        Fact("collateral_type", "抵质押物类型", _C, choices=COLLATERAL_TYPES),
        Fact("collateral_value", "抵质押物评估价值", _M, "元"),
        Fact("loan_to_value", "抵质押率", _R, computed=True, description="贷款金额 ÷ 抵质押物评估价值"),
        Fact("has_guarantor", "有保证人", _B),
        Fact("has_co_borrower", "有共同借款人", _B),
        Fact(
            "co_borrower_monthly_income", "共同借款人月收入", _M, "元", description="扣除其自身月供后的月收入"
        ),
        Fact("provident_fund_months", "公积金连续缴存月数", _I, "个月"),
        Fact("business_years", "经营年限", _I, "年"),
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


def yuan(amount: Decimal) -> str:
    """6000.00 → "6,000"; 6000.5 → "6,000.50" (thousands separators, fen only when there are any)."""
    text = f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def percent(ratio: Decimal, places: int = 2) -> str:
    """0.55 → "55%"; 0.625 → "62.5%"; 0.62534 → "62.53%" (half-up, trailing zeros dropped)."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{(ratio * 100).quantize(quantum, ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def format_value(key: str, value: object) -> str:
    """A fact's value as a person reads it: "6,000 元", "35 岁", "62.5%", "是", "住宅"."""
    fact = get_fact(key)
    if value is None:
        return "（缺失）"
    if fact.type == FactType.MONEY and isinstance(value, Decimal):
        return f"{yuan(value)} 元"
    if fact.type == FactType.RATIO and isinstance(value, Decimal):
        return percent(value)
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


def rate_text(rate: Decimal) -> str:
    """An annual rate as quoted: 0.034 → "3.40%" (always two places, half-up)."""
    return f"{(rate * 100).quantize(Decimal('0.01'), ROUND_HALF_UP):f}%"
