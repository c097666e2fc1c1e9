"""What a proposal (方案书) shows, as one JSON snapshot — built once, when the proposal is issued, and
never recomputed: every page of the proposal (the customer page, the PDF) is drawn from it.

``build_content`` takes the chosen option — one ranked product, or a combination of two — from a match
and writes down, in Chinese whatever the CM's language (the document is the customer's): the need, the
summary (amount, term, first payment, the annualized rate by IRR, compound, and 单利 labelled as such,
totals), for each product its price and how it is made, its full-schedule figures, a schedule summary
(the first instalments, the last, and year by year), fees, the prepayment rule with a worked example,
the late-payment terms with a worked example and their consequences, the documents to bring, and the
disclosures RULES.md requires. Amounts and rates are decimal strings (exact), dates ISO.

Version 2 (``CONTENT_VERSION``) is the customer's copy of what they must know (``customer_terms``): the
rate basis and, for a floating rate, when the payment changes; the schedule in a sentence; use of funds and
受托支付; penalty interest and 复利 with a worked figure; acceleration; the collateral; where to complain.
The internal risk grade stays in ``grade`` (and ``rate.grade``) for staff and is never printed: the
customer's notes leave out the pricing-grade note, and the five-category classification (a bank-internal
matter) is not in the customer's copy. Version 1 snapshots keep their own keys and print as they were.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.utils import translation

from creditdesk.core.money import ZERO, format_rate, format_yuan
from creditdesk.finance.apr import AnnualizedRate
from creditdesk.finance.pricing import LprQuote, lpr_in_force, rate_moves
from creditdesk.finance.schedule import Installment, Schedule
from creditdesk.finance.terms import CalculationError, Method
from creditdesk.products import display
from creditdesk.products.capacity import Assessment, Need
from creditdesk.products.facts import COLLATERAL_TYPES, PURPOSES
from creditdesk.solutions import customer_terms
from creditdesk.solutions.explain import (
    CLASSIFICATION_SENTENCE,
    CREDIT_REPORT_SENTENCE,
    late_terms,
    prepayment_example,
    prepayment_months,
    rate_breakdown,
)
from creditdesk.solutions.offers import Figures, Quote, pricing_grade

P = ParamSpec("P")
R = TypeVar("R")

CONTENT_VERSION = 2
FIRST_ROWS = 3
PREPAY_EXAMPLE_MONTH = 12


def _d(value: Decimal) -> str:
    return str(value)


def _apr(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.000001")))


@dataclass(frozen=True)
class ChosenPart:
    """One product of the chosen option with its exact figures (full schedule) and documents."""

    quote: Quote
    figures: Figures
    documents: tuple[str, ...]


def _row(row: Installment) -> dict[str, Any]:
    return {
        "period": row.period,
        "due_date": row.due_date.isoformat(),
        "payment": _d(row.payment + row.fee),
        "principal": _d(row.principal),
        "interest": _d(row.interest),
        "fee": _d(row.fee),
        "balance": _d(row.balance),
    }


def schedule_summary(schedule: Schedule) -> dict[str, Any]:
    """The first instalments, the last one, and the totals of each year of the loan."""
    rows = schedule.installments
    years: list[dict[str, Any]] = []
    for row in rows:
        year = (row.period - 1) // 12 + 1 if schedule.terms.method != Method.BULLET else 1
        if not years or years[-1]["year"] != year:
            years.append({"year": year, "payment": ZERO, "principal": ZERO, "interest": ZERO, "fee": ZERO})
        current = years[-1]
        current["payment"] += row.payment + row.fee
        current["principal"] += row.principal
        current["interest"] += row.interest
        current["fee"] += row.fee
        current["balance"] = row.balance
    return {
        "count": len(rows),
        "first": [_row(r) for r in rows[:FIRST_ROWS]],
        "last": _row(rows[-1]) if len(rows) > FIRST_ROWS else None,
        "years": [{k: (_d(v) if isinstance(v, Decimal) else v) for k, v in y.items()} for y in years],
    }


def _part(position: int, part: ChosenPart, grade: str | None, need: Need) -> dict[str, Any]:
    q, f = part.quote, part.figures
    schedule = f.schedule
    assert schedule is not None  # exact figures carry their schedule
    spec = q.spec
    late = late_terms(schedule, spec)
    months = prepayment_months(schedule)
    example = prepayment_example(schedule, spec, min(PREPAY_EXAMPLE_MONTH, months)) if months >= 1 else None
    breakdown = rate_breakdown(q.price)
    total_repayment = schedule.total_payment + schedule.total_fees - schedule.upfront_fees
    late_payment = customer_terms.late_payment_terms(schedule, spec)
    _, grade_note = pricing_grade(spec, grade)  # names the internal grade: staff only
    floating = q.price.floating or spec.category == "provident_fund"
    purpose_label = dict(PURPOSES).get(need.purpose, need.purpose)
    return {
        "position": position,
        "product_code": spec.code,
        "product_name": spec.name,
        "version": spec.version,
        "category_label": spec.category_label,
        "amount": _d(q.amount),
        "term_months": q.term_months,
        "method": str(q.method),
        "method_label": Method(q.method).label,
        "annual_rate": _d(q.annual_rate),
        "apr_compound": _apr(f.apr.compound),
        "apr_simple": _apr(f.apr.simple),
        "rate": breakdown.to_dict(),
        "first_payment": _d(f.first_payment),
        "monthly_payment": _d(q.payment),
        "total_interest": _d(f.total_interest),
        "total_fees": _d(f.total_fees),
        "upfront_fees": _d(f.upfront_fees),
        "total_repayment": _d(total_repayment),
        "net_received": _d(q.amount - f.upfront_fees),
        "maturity_date": schedule.maturity_date.isoformat(),
        "fees": display.fee_lines(spec),
        "prepayment": display.prepayment_text(spec),
        "prepayment_example": None if example is None else example.to_dict(),
        "late": {
            **late.to_dict(),
            "consequences": [c for c in late.consequences if c != CLASSIFICATION_SENTENCE],
        },
        "documents": list(part.documents),
        "approval_days": spec.approval_days,
        "notes": [n for n in q.notes if n != grade_note],
        "schedule": schedule_summary(schedule),
        "rate_terms": customer_terms.rate_terms(
            spec,
            q.price,
            schedule.terms.start_date,
            f.apr.compound,
            f.apr.simple,
            # No product states its reset date yet (the contract then sets it); read it once one does.
            reset_rule=getattr(spec.pricing, "reset_date", None),
            rate_moves=rate_moves(schedule.terms) if q.price.kind == "lpr" else (),
        ),
        "schedule_terms": customer_terms.schedule_terms(schedule, floating),
        "use_of_funds": customer_terms.use_of_funds_terms(
            spec, q.amount, q.facts.get("customer_type"), need.purpose, purpose_label
        ),
        "late_payment": late_payment.to_dict(),
        "collateral_terms": customer_terms.collateral_terms(
            spec, need.collateral_type, dict(COLLATERAL_TYPES)
        ),
    }


def disclosures(parts: Sequence[ChosenPart], lpr: LprQuote | None, priced_on: date) -> list[str]:
    """The required disclosures (RULES.md), in the words of the product(s) chosen."""
    upfront = sum((p.figures.upfront_fees for p in parts), ZERO)
    uplifts = sorted({p.quote.spec.penalty_uplift for p in parts})
    uplift = "、".join(format_rate(u) for u in uplifts)
    prepay = "；".join(
        f"「{p.quote.spec.name}」{display.prepayment_text(p.quote.spec).removesuffix('。')}" for p in parts
    )
    deduction = "本行不在放款时从贷款本金中预先扣除利息（《民法典》第六百七十条），利息按实际占用的本金计算。"
    if upfront > 0:
        deduction += f"放款时收取的费用 {format_yuan(upfront)} 元已计入年化利率。"
    lines = [
        "年化利率按中国人民银行公告〔2021〕第 3 号的要求，以贷款实际占用的本金为基数、按内部收益率法（IRR）"
        "计算，已包含利息和与贷款直接相关的全部费用；本方案书所列年化利率均为复利口径，标注「单利」者除外。",
        deduction,
        "您可以提前还款，提前还款的利息按实际借款期间计算（《民法典》第六百七十七条）；" + prepay + "。",
        f"逾期未还的本金按合同利率上浮 {uplift} 计收罚息，逾期未付的利息计收复利。" + CREDIT_REPORT_SENTENCE,
    ]
    if lpr is not None and any(p.quote.price.kind == "lpr" for p in parts):
        lines.append(
            f"本方案按 {lpr.effective_from.isoformat()} 起执行的贷款市场报价利率（LPR）测算："
            f"1 年期 {format_rate(lpr.one_year)}，5 年期以上 {format_rate(lpr.five_year)}；"
            "签约时按当时的 LPR 定价。"
        )
    lines.append(
        f"本方案书依据您提供的信息和 {priced_on.isoformat()} 的定价测算，仅供参考，不构成贷款承诺；"
        "贷款能否发放以及最终金额、利率、期限以审批结果和借款合同为准。"
    )
    lines.append("本方案书含有您的个人信息，请妥善保管。")
    return lines


_GRADE_WORDS = re.compile(r"（风险等级 [A-E]）|风险等级 [A-E] ")
_CLASSIFICATION_HEAD = "按《商业银行金融资产风险分类办法》"


def shown_to_customer(content: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as the page shows it to the customer. A version-2 snapshot is shown as stored. A
    version-1 snapshot (issued before the customer's copy left them out) named the internal risk grade in
    its rate sentences and notes and carried the classification sentence with the backwards "至多": the
    page leaves those out. Its stored PDF is the document the customer was given and is reprinted byte
    for byte as it was."""
    if content.get("content_version", 1) >= 2:
        return content
    options = []
    for option in content.get("options", []):
        rate = dict(option.get("rate", {}))
        for key in ("explanation", "how_it_moves"):
            if isinstance(rate.get(key), str):
                rate[key] = _GRADE_WORDS.sub("", rate[key])
        notes = [n for n in option.get("notes", []) if "级定价" not in n and "风险等级" not in n]
        options.append({**option, "rate": rate, "notes": notes})
    disclosures = [d for d in content.get("disclosures", []) if not d.startswith(_CLASSIFICATION_HEAD)]
    return {**content, "options": options, "disclosures": disclosures}


def _in_chinese(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with Chinese active (a fresh ``override`` per call: one shared instance keeps
    the previous language on itself, which concurrent requests would overwrite)."""

    @functools.wraps(function)
    def in_chinese(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("zh-hans"):
            return function(*args, **kwargs)

    return in_chinese


@_in_chinese
def build_content(
    *,
    number: str,
    institution: str,
    hotline: str,
    issued_on: date,
    customer: dict[str, Any],
    manager: dict[str, Any],
    need: Need,
    need_id: int | None,
    assessment: Assessment,
    grade: str | None,
    parts: Sequence[ChosenPart],
    apr: AnnualizedRate,
    reason: str,
    lpr_table: Sequence[LprQuote],
) -> dict[str, Any]:
    """The proposal's snapshot (see the module docstring); ``apr`` is the option's annualized rate (a
    combination's: of the parts' summed cash flows), ``reason`` the match's sentence for it. Built in
    Chinese whatever the request's language (the document is the customer's)."""
    options = [_part(i, part, grade, need) for i, part in enumerate(parts, start=1)]
    names = " + ".join(f"「{p.quote.spec.name}」" for p in parts)
    combination = len(parts) > 1
    amount = sum((p.quote.amount for p in parts), ZERO)
    upfront = sum((p.figures.upfront_fees for p in parts), ZERO)
    interest = sum((p.figures.total_interest for p in parts), ZERO)
    fees = sum((p.figures.total_fees for p in parts), ZERO)
    try:
        lpr = lpr_in_force(lpr_table, issued_on)
    except CalculationError:  # no LPR in force that day: the disclosure then says nothing of it
        lpr = None
    labels_purpose, labels_collateral = dict(PURPOSES), dict(COLLATERAL_TYPES)
    return {
        "content_version": CONTENT_VERSION,
        "number": number,
        "title": f"{names}{'组合' if combination else ''}方案书",
        "institution": institution,
        "issued_on": issued_on.isoformat(),
        "customer": customer,
        "manager": manager,
        "grade": grade,
        "need": {
            "id": need_id,
            "purpose": need.purpose,
            "purpose_label": labels_purpose.get(need.purpose, need.purpose),
            "amount": _d(need.amount),
            "term_months": need.term_months,
            "repayment_preference": None
            if need.repayment_preference is None
            else str(need.repayment_preference),
            "repayment_preference_label": Method.label_of(str(need.repayment_preference), "无偏好")
            if need.repayment_preference
            else "无偏好",
            "collateral_type": need.collateral_type,
            "collateral_label": labels_collateral.get(need.collateral_type, need.collateral_type),
            "collateral_value": None if need.collateral_value is None else _d(need.collateral_value),
            "affordable_payment": _d(assessment.affordable_payment),
        },
        "reason": reason,
        "combination": combination,
        "summary": {
            "amount": _d(amount),
            "term_months": max(p.quote.term_months for p in parts),
            "first_payment": _d(sum((p.figures.first_payment for p in parts), ZERO)),
            "monthly_payment": _d(sum((p.quote.payment for p in parts), ZERO)),
            "annual_rates": [_d(p.quote.annual_rate) for p in parts],
            "apr_compound": _apr(apr.compound),
            "apr_simple": _apr(apr.simple),
            "total_interest": _d(interest),
            "total_fees": _d(fees),
            "total_cost": _d(interest + fees),
            "total_repayment": _d(amount + interest + fees - upfront),
            "net_received": _d(amount - upfront),
        },
        "options": options,
        "documents": list(dict.fromkeys(d for p in parts for d in p.documents)),
        "disclosures": disclosures(parts, lpr, issued_on),
        "complaint": customer_terms.complaint_terms(institution, hotline),
    }
