"""下一步最佳推荐 (next best offer) — issue 17 item 8: for one customer, the bank's other products ranked,
each with the reason in words a CM can say, whether the customer qualifies (and if not, why), and the
yearly fee income it would bring. Pure Python: the service gathers the facts, the catalogue is data.

Rules, one per category (``Category``); every threshold is a field of the catalogue row (``OfferTerms``),
whose ``source`` says where it comes from:

- **top_up (增额贷款)** and **renewal (续贷)** are for customers who repay well (seed 004, the restaurant
  owner): an open loan with at least ``min_months_on_book`` months on the book and never more than
  ``max_dpd`` days past due; a top-up also needs ``min_repaid_share`` of the principal repaid, a renewal a
  loan maturing within ``maturity_within_days``.
- **merchant_qr (收单码)**, **corporate_account (对公账户)**: a business (企业 or 个体工商户);
  **payroll (代发工资)**: an enterprise with at least ``min_employees`` employees.
- **credit_card (信用卡)**: a person aged ``min_age``–``max_age`` with nothing overdue now.
- **deposits (存款)**, **wealth (理财)**: any customer; wealth only from the ``min_tier`` tier up.
- **insurance (保险)**: any customer, never tied to a loan (a loan is never conditional on it:
  搭售/捆绑销售 is forbidden — the reason says so).

A category the customer already holds is not offered. The score orders the offers: the row's
``weight`` (the bank's priority), plus 1 for each fact that makes the offer timely (a loan maturing soon,
a long clean repayment record), ties broken by fee income. Without a marketing consent in force every
offer is shown as not to be made (``consent_missing``): the CM may answer what the customer asks, but may
not market it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from creditdesk.core.enums import CustomerKind, LabelledEnum, gettext_noop


class Category(LabelledEnum):
    """交叉销售的产品类别."""

    TOP_UP = "top_up", gettext_noop("增额贷款")
    RENEWAL = "renewal", gettext_noop("到期续贷")
    MERCHANT_QR = "merchant_qr", gettext_noop("商户收单码")
    PAYROLL = "payroll", gettext_noop("代发工资")
    CORPORATE_ACCOUNT = "corporate_account", gettext_noop("对公结算账户")
    CREDIT_CARD = "credit_card", gettext_noop("信用卡")
    DEPOSITS = "deposits", gettext_noop("存款")
    WEALTH = "wealth", gettext_noop("理财")
    INSURANCE = "insurance", gettext_noop("保险")


TIERS = ("mass", "middle", "high_net_worth")
"""The customer tiers (价值分层), lowest first."""


@dataclass(frozen=True)
class LoanFacts:
    """One open loan of the customer, as the offer rules need it."""

    months_on_book: int
    max_dpd: int
    principal: Decimal
    outstanding: Decimal
    days_to_maturity: int


@dataclass(frozen=True)
class CustomerFacts:
    kind: str
    tier: str
    age: int | None
    employees: int | None
    overdue_now: bool
    marketing_consent: bool
    held: frozenset[str] = frozenset()
    loans: tuple[LoanFacts, ...] = ()


@dataclass(frozen=True)
class OfferTerms:
    """One catalogue row: a category's thresholds, priority, yearly fee income and source."""

    category: str
    weight: int = 1
    fee_income: Decimal = Decimal("0")
    min_months_on_book: int = 6
    max_dpd: int = 0
    min_repaid_share: Decimal = Decimal("0.30")
    maturity_within_days: int = 90
    min_employees: int = 5
    min_age: int = 18
    max_age: int = 65
    min_tier: str = "mass"
    source: str = ""


@dataclass(frozen=True)
class Offer:
    category: Category
    eligible: bool
    score: int
    reasons: tuple[str, ...]
    blocked_by: tuple[str, ...]
    fee_income: Decimal
    source: str = ""
    consent_missing: bool = False


def _good_loans(facts: CustomerFacts, terms: OfferTerms) -> list[LoanFacts]:
    return [
        loan
        for loan in facts.loans
        if loan.months_on_book >= terms.min_months_on_book and loan.max_dpd <= terms.max_dpd
    ]


def _judge(facts: CustomerFacts, terms: OfferTerms) -> tuple[list[str], list[str], int]:
    """(reasons, blocked_by, timeliness) of one category for the customer."""
    category = Category(terms.category)
    reasons: list[str] = []
    blocked: list[str] = []
    timely = 0
    business = facts.kind in (CustomerKind.ENTERPRISE, CustomerKind.INDIVIDUAL_BUSINESS)
    if category in (Category.TOP_UP, Category.RENEWAL):
        good = _good_loans(facts, terms)
        if not facts.loans:
            blocked.append("没有在贷贷款")
        elif not good:
            blocked.append(
                f"还款记录不足：须在贷满 {terms.min_months_on_book} 个月且逾期不超过 {terms.max_dpd} 天"
            )
        elif category == Category.TOP_UP:
            repaid = [
                loan
                for loan in good
                if loan.principal
                and (loan.principal - loan.outstanding) / loan.principal >= terms.min_repaid_share
            ]
            if repaid:
                loan = max(repaid, key=lambda item: item.months_on_book)
                share = (loan.principal - loan.outstanding) / loan.principal
                reasons.append(f"按时还款 {loan.months_on_book} 个月、已还本金 {share:.0%}，可申请增加额度")
                timely += 1
            else:
                blocked.append(f"已还本金不足 {terms.min_repaid_share:.0%}")
        else:
            maturing = [loan for loan in good if 0 <= loan.days_to_maturity <= terms.maturity_within_days]
            if maturing:
                days = min(loan.days_to_maturity for loan in maturing)
                reasons.append(f"贷款 {days} 天后到期、还款记录良好，可提前办理续贷，避免资金断档")
                timely += 2
            else:
                blocked.append(f"没有 {terms.maturity_within_days} 天内到期的贷款")
    elif category in (Category.MERCHANT_QR, Category.CORPORATE_ACCOUNT):
        if business:
            reasons.append("经营主体：收款结算走本行，流水也能作为日后授信的依据")
        else:
            blocked.append("仅适用于企业和个体工商户")
    elif category == Category.PAYROLL:
        if facts.kind != CustomerKind.ENTERPRISE:
            blocked.append("仅适用于企业")
        elif facts.employees is None or facts.employees < terms.min_employees:
            blocked.append(f"从业人员须不少于 {terms.min_employees} 人")
        else:
            reasons.append(f"{facts.employees} 名员工：代发工资，员工也成为本行客户")
    elif category == Category.CREDIT_CARD:
        if facts.kind != CustomerKind.INDIVIDUAL:
            blocked.append("仅适用于个人客户")
        elif facts.age is None or not terms.min_age <= facts.age <= terms.max_age:
            blocked.append(f"年龄须在 {terms.min_age}–{terms.max_age} 岁之间")
        elif facts.overdue_now:
            blocked.append("当前有逾期")
        else:
            reasons.append("还款正常的个人客户，可申请信用卡")
    elif category == Category.WEALTH:
        if TIERS.index(facts.tier) < TIERS.index(terms.min_tier):
            blocked.append("客户层级未达理财推荐标准")
        else:
            reasons.append("中高端客户：闲置资金可配置理财（须先做风险承受能力评估）")
    elif category == Category.DEPOSITS:
        reasons.append("归集日常资金，享受存款利息")
    elif category == Category.INSURANCE:
        reasons.append("按需配置保障；与贷款无关，不是贷款的条件（禁止搭售）")
    return reasons, blocked, timely


def rank(facts: CustomerFacts, catalogue: Sequence[OfferTerms]) -> list[Offer]:
    """Every category of ``catalogue`` the customer does not hold, eligible ones first by score then fee
    income; then the ineligible ones with what blocks them (see the module docstring)."""
    offers = []
    for terms in catalogue:
        if terms.category in facts.held:
            continue
        reasons, blocked, timely = _judge(facts, terms)
        if not facts.marketing_consent:
            blocked.append("客户未授权营销联系（可答复客户主动咨询，不得主动推荐）")
        offers.append(
            Offer(
                category=Category(terms.category),
                eligible=not blocked,
                score=terms.weight + timely,
                reasons=tuple(reasons),
                blocked_by=tuple(blocked),
                fee_income=terms.fee_income,
                source=terms.source,
                consent_missing=not facts.marketing_consent,
            )
        )
    return sorted(
        offers, key=lambda offer: (not offer.eligible, -offer.score, -offer.fee_income, offer.category.value)
    )
