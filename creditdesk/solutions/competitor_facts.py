"""The non-price facts of an offer (竞品对比的非价格因素), ours and a competitor's, side by side.

Issue 13, "What must be true" 2: the comparison adds the facts a customer weighs besides the price — how
long approval takes, the documents to bring, the prepayment terms, the collateral or guarantee required
and whether the money is paid to the counterparty by the bank (受托支付). A competitor's are what the
customer was told (``OfferFacts``, anything may be unknown); ours come from the product's spec
(``products.catalogue.ProductSpec``: ``approval_days``, ``documents_for``, ``prepayment``, ``collateral``,
``guarantee_required``, and the 受托支付 threshold per drawdown of ``products.limits`` or the product's own —
RULES.md, "Term, age, use of funds").

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import format_rate, format_yuan
from creditdesk.finance.prepayment import PenaltyRule
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.facts import CollateralType

UNKNOWN_TEXT = "未了解"


class Answer(LabelledEnum):
    """A yes / no the customer may not know (受托支付)."""

    UNKNOWN = "unknown", gettext_noop("不清楚")
    YES = "yes", gettext_noop("需要")
    NO = "no", gettext_noop("不需要")


class CollateralNeed(LabelledEnum):
    """What security a competitor asks for (担保方式)."""

    UNKNOWN = "unknown", gettext_noop("不清楚")
    NONE = "none", gettext_noop("信用，无需抵押担保")
    GUARANTEE = "guarantee", gettext_noop("需要保证人")
    MORTGAGE = "mortgage", gettext_noop("需要抵押")
    PLEDGE = "pledge", gettext_noop("需要质押")


@dataclass(frozen=True)
class OfferFacts:
    """A competitor's non-price facts as the customer reported them; blank / ``None`` / ``unknown`` when
    not known. ``prepayment_penalty`` is a fraction of the prepaid principal (0.01 = 1%)."""

    approval_days: int | None = None
    documents: str = ""
    prepayment: str = ""
    prepayment_penalty: Decimal | None = None
    collateral: CollateralNeed = CollateralNeed.UNKNOWN
    entrusted_payment: Answer = Answer.UNKNOWN

    def to_dict(self) -> dict[str, object]:
        return {
            "approval_days": self.approval_days,
            "documents": self.documents,
            "prepayment": self.prepayment,
            "prepayment_penalty": None if self.prepayment_penalty is None else str(self.prepayment_penalty),
            "collateral": self.collateral.value,
            "entrusted_payment": self.entrusted_payment.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OfferFacts:
        """From JSON (the keys of ``to_dict``, all optional); values are checked by ``validate_facts``."""
        penalty = data.get("prepayment_penalty")
        return cls(
            approval_days=data.get("approval_days"),
            documents=str(data.get("documents") or ""),
            prepayment=str(data.get("prepayment") or ""),
            prepayment_penalty=None if penalty in (None, "") else Decimal(str(penalty)),
            collateral=CollateralNeed(data.get("collateral") or CollateralNeed.UNKNOWN),
            entrusted_payment=Answer(data.get("entrusted_payment") or Answer.UNKNOWN),
        )


def facts_problem(facts: OfferFacts) -> tuple[str, str] | None:
    """``(field, Chinese sentence)`` of the first fact that cannot be right, else ``None``: approval time
    0–365 days, a prepayment penalty 0–100 %."""
    days = facts.approval_days
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365):
        return "approval_days", "审批时间应为 0–365 天的整数。"
    penalty = facts.prepayment_penalty
    if penalty is not None and (not penalty.is_finite() or not 0 <= penalty <= 1):
        return "prepayment_penalty", "提前还款违约金比例应在 0 到 100% 之间。"
    return None


@dataclass(frozen=True)
class FactsShown:
    """One column of the non-price comparison, as sentences; ``approval_days`` kept as a number too."""

    approval_days: int | None
    approval: str
    documents: str
    prepayment: str
    collateral: str
    entrusted_payment: str

    def to_dict(self) -> dict[str, object]:
        return {
            "approval_days": self.approval_days,
            "approval": self.approval,
            "documents": self.documents,
            "prepayment": self.prepayment,
            "collateral": self.collateral,
            "entrusted_payment": self.entrusted_payment,
        }


def _approval(days: int | None) -> str:
    if days is None:
        return UNKNOWN_TEXT
    return "当天" if days == 0 else f"约 {days} 天"


def competitor_facts_shown(facts: OfferFacts) -> FactsShown:
    """A competitor's facts as said to the customer ("未了解" where nothing was recorded)."""
    prepayment = facts.prepayment.strip()
    if facts.prepayment_penalty is not None:
        penalty = (
            "不收违约金"
            if facts.prepayment_penalty == 0
            else f"违约金为提前归还本金的 {format_rate(facts.prepayment_penalty)}"
        )
        prepayment = f"{prepayment}（{penalty}）" if prepayment else penalty
    return FactsShown(
        approval_days=facts.approval_days,
        approval=_approval(facts.approval_days),
        documents=facts.documents.strip() or UNKNOWN_TEXT,
        prepayment=prepayment or UNKNOWN_TEXT,
        collateral=UNKNOWN_TEXT if facts.collateral == CollateralNeed.UNKNOWN else facts.collateral.label,
        entrusted_payment=UNKNOWN_TEXT
        if facts.entrusted_payment == Answer.UNKNOWN
        else facts.entrusted_payment.label,
    )


def prepayment_said(rule: PenaltyRule) -> str:
    """The product's prepayment fee (RULES.md, "Penalty interest and prepayment") in a few words."""
    if rule.percent_of_prepaid > 0:
        text = f"违约金为提前归还本金的 {format_rate(rule.percent_of_prepaid)}"
    elif rule.months_of_interest > 0:
        text = f"违约金为 {rule.months_of_interest} 个月利息"
    else:
        return "可随时提前还款，不收违约金"
    if rule.waived_after_months is not None:
        text += f"，满 {rule.waived_after_months} 个月后免收"
    return text


def our_facts_shown(
    spec: ProductSpec,
    amount: Decimal,
    customer_type: str | None,
    collateral_type: str | None,
    purpose: str | None,
) -> FactsShown:
    """Our product's facts from its spec, for this customer (documents by customer type and collateral;
    受托支付 by the threshold per drawdown of the loan type, RULES.md: consumer 300,000, business 500,000)."""
    documents = "、".join(spec.documents_for(customer_type, collateral_type))
    if spec.collateral:
        kinds = "、".join(CollateralType.label_of(c.type) for c in spec.collateral)
        collateral = f"需要抵质押（{kinds}）"
    elif spec.guarantee_required:
        collateral = CollateralNeed.GUARANTEE.label
    else:
        collateral = CollateralNeed.NONE.label
    threshold = spec.entrusted_payment_threshold_for(customer_type, purpose)
    if threshold is None:
        entrusted = "不需要（自主支付，事后报告用途）"
    elif amount > threshold:
        entrusted = f"需要（单笔支付超过 {format_yuan(threshold)} 元须受托支付）"
    else:
        entrusted = f"不需要（{format_yuan(threshold)} 元以下可自主支付，事后报告用途）"
    return FactsShown(
        approval_days=spec.approval_days,
        approval=_approval(spec.approval_days),
        documents=documents or "无需另备材料",
        prepayment=prepayment_said(spec.prepayment),
        collateral=collateral,
        entrusted_payment=entrusted,
    )
