"""Limits every product obeys (监管期限与受托支付标准) — pure data, no Django.

RULES.md "Term, age, use of funds": 《个人贷款管理办法》《流动资金贷款管理办法》 (both revised 2024, in force
2024-07-01). These are the configurable defaults:

- the longest term by loan type (``TERM_LIMITS``): personal consumer 5 years (housing and car loans
  excepted); personal business generally 5 years, 10 years for fixed-asset investment of a small business
  or 个体工商户; working capital in principle 3 years, at most 5 with a long cash cycle; housing 30 years.
  Car loans are not in RULES.md: 《汽车贷款管理办法》（2017 年修订）第二十一条 caps them at 5 years.
- the 受托支付 threshold per drawdown (``ENTRUSTED_PAYMENT_THRESHOLDS``): personal consumer 300,000, personal
  business 500,000; a working-capital loan needs it for a single payment above 10,000,000 (and, whatever the
  amount, for a new relationship with ordinary credit standing — a judgement the bank records, not a
  figure).
- the age at maturity a product admits when it says nothing (``DEFAULT_MAX_AGE_AT_MATURITY``, 65 — the
  middle of the 60–70 bank practice; a product sets its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop

PERSONAL_LOAN_RULES = "《个人贷款管理办法》（2024 年修订）"
WORKING_CAPITAL_RULES = "《流动资金贷款管理办法》（2024 年修订）"
AUTO_LOAN_RULES = "《汽车贷款管理办法》（2017 年修订）"
DEFAULT_MAX_AGE_AT_MATURITY = 65


class LoanType(LabelledEnum):
    """贷款种类 — what the regulatory term limit and the 受托支付 threshold depend on."""

    PERSONAL_CONSUMER = "personal_consumer", gettext_noop("个人消费贷款")
    PERSONAL_BUSINESS = "personal_business", gettext_noop("个人经营贷款")
    PERSONAL_BUSINESS_FIXED_ASSET = (
        "personal_business_fixed_asset",
        gettext_noop("个人经营贷款（小微企业主、个体工商户固定资产投资）"),
    )
    WORKING_CAPITAL = "working_capital", gettext_noop("流动资金贷款")
    WORKING_CAPITAL_LONG_CYCLE = "working_capital_long_cycle", gettext_noop("流动资金贷款（经营周期长）")
    HOUSING = "housing", gettext_noop("个人住房贷款")
    AUTO = "auto", gettext_noop("汽车贷款")


@dataclass(frozen=True)
class TermLimit:
    """The longest term of a loan type, the rule as a customer or a risk manager is told it, its source."""

    months: int
    rule: str
    source: str


TERM_LIMITS: dict[LoanType, TermLimit] = {
    LoanType.PERSONAL_CONSUMER: TermLimit(
        60, "个人消费贷款（住房、汽车贷款除外）期限不超过 5 年", PERSONAL_LOAN_RULES
    ),
    LoanType.PERSONAL_BUSINESS: TermLimit(60, "个人经营贷款期限一般不超过 5 年", PERSONAL_LOAN_RULES),
    LoanType.PERSONAL_BUSINESS_FIXED_ASSET: TermLimit(
        120,
        "小微企业主、个体工商户固定资产投资的个人经营贷款期限最长不超过 10 年",
        PERSONAL_LOAN_RULES,
    ),
    LoanType.WORKING_CAPITAL: TermLimit(
        36, "流动资金贷款期限原则上不超过 3 年（最长 5 年）", WORKING_CAPITAL_RULES
    ),
    LoanType.WORKING_CAPITAL_LONG_CYCLE: TermLimit(
        60, "经营周期长的流动资金贷款期限最长不超过 5 年", WORKING_CAPITAL_RULES
    ),
    LoanType.HOUSING: TermLimit(360, "个人住房贷款（商业、公积金）期限不超过 30 年", PERSONAL_LOAN_RULES),
    LoanType.AUTO: TermLimit(60, "汽车贷款期限不超过 5 年", AUTO_LOAN_RULES),
}

# 受托支付 per drawdown above these amounts; None: the rules set no amount for that type.
ENTRUSTED_PAYMENT_THRESHOLDS: dict[LoanType, Decimal | None] = {
    LoanType.PERSONAL_CONSUMER: Decimal("300000.00"),
    LoanType.PERSONAL_BUSINESS: Decimal("500000.00"),
    LoanType.PERSONAL_BUSINESS_FIXED_ASSET: Decimal("500000.00"),
    LoanType.WORKING_CAPITAL: Decimal("10000000.00"),
    LoanType.WORKING_CAPITAL_LONG_CYCLE: Decimal("10000000.00"),
    LoanType.HOUSING: None,  # paid to the seller (or the developer) under the purchase contract anyway
    LoanType.AUTO: None,  # paid to the dealer under the purchase contract anyway
}
# A working-capital loan to a new relationship with ordinary credit standing needs 受托支付 whatever the
# amount (《流动资金贷款管理办法》); recorded as data so the proposal can say so.
WORKING_CAPITAL_NEW_RELATIONSHIP_RULE = (
    "与本行新建立信贷业务关系且借款人信用状况一般的流动资金贷款，应采用受托支付"
)

_BUSINESS_PURPOSES = frozenset({"business_working_capital", "equipment"})
_WORKING_CAPITAL = frozenset({LoanType.WORKING_CAPITAL, LoanType.WORKING_CAPITAL_LONG_CYCLE})


def loan_types_for(
    category: str, customer_types: tuple[str, ...], purposes: tuple[str, ...]
) -> tuple[LoanType, ...]:
    """The loan types a product of ``category`` serving these customers and purposes makes, when it does not
    name one: housing and car loans by category; otherwise a consumer loan for its consumer purposes, a
    personal business loan to individuals and 个体工商户 and a working-capital loan to enterprises for its
    business purposes. A product that serves several is held to each one's limit."""
    if category in ("home_loan", "provident_fund"):
        return (LoanType.HOUSING,)
    if category == "auto":
        return (LoanType.AUTO,)
    types: list[LoanType] = []
    if any(p not in _BUSINESS_PURPOSES for p in purposes):
        types.append(LoanType.PERSONAL_CONSUMER)
    if any(p in _BUSINESS_PURPOSES for p in purposes) or category == "business":
        if any(c != "enterprise" for c in customer_types):
            types.append(LoanType.PERSONAL_BUSINESS)
        if "enterprise" in customer_types:
            types.append(LoanType.WORKING_CAPITAL)
    return tuple(types) or (LoanType.PERSONAL_CONSUMER,)


def loan_type_of(
    loan_types: tuple[LoanType, ...], customer_type: str | None, purpose: str | None
) -> LoanType:
    """Which of a product's loan types one loan is: by the borrower (an enterprise borrows working capital)
    and the purpose (business or consumption)."""
    if len(loan_types) == 1:
        return loan_types[0]
    business = purpose in _BUSINESS_PURPOSES or customer_type in ("enterprise", "individual_business")
    for loan_type in loan_types:
        if customer_type == "enterprise" and loan_type in _WORKING_CAPITAL:
            return loan_type
        personal_business = loan_type not in _WORKING_CAPITAL and loan_type != LoanType.PERSONAL_CONSUMER
        if customer_type != "enterprise" and business and personal_business:
            return loan_type
        if not business and loan_type == LoanType.PERSONAL_CONSUMER:
            return loan_type
    return loan_types[0]


def term_limit_sentence(limit: TermLimit, max_term_months: int) -> str:
    return f"{limit.rule}，{limit.source}：本产品最长期限 {max_term_months} 个月超出上限。"
