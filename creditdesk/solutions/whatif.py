"""The gap to approval (差距分析 / what-if): for a product the customer fails, the smallest change that
passes — computed, then verified by evaluating every rule again.

Only single changes are proposed, each the smallest of its kind, and each kept only if the re-evaluation
has no failed rule (a missing fact stays "unknown" and is reported in ``missing``):

- ``amount`` — the largest amount, in whole hundreds of yuan, at most the amount offered (the need, capped at
  the product's maximum), that passes. Solved in closed form from the failed rules (the DTI budget inverted
  through the payment, ``PaymentPlan.max_principal``; limit × collateral value for LTV; the product's
  maximum), then checked and, if the rounding or another amount-dependent rule disagrees, found by
  bisection over hundreds — so the answer passes and the answer + 100 does not. Below the product's
  minimum amount the change is to raise the amount to that minimum, if that passes.
- ``term`` — the shortest longer term within the product's range that passes. The payment falls as the
  term grows while the rate stays the same, so the search is a bisection within each stretch of constant
  rate (LPR "auto" switches from 1Y to 5Y LPR after 60 months; fixed rates switch at their tiers), capped
  by any "age at maturity" rule. When that rule is what fails, the longest shorter term that passes.
- ``co_borrower`` — when the debt-to-income ratio (or a co-borrower requirement) is what fails: a
  co-borrower with the monthly income it takes, (payments ÷ max DTI − income), up to the hundred yuan.
- ``guarantor`` — when the guarantor requirement is what fails.
- ``collateral`` — when collateral or its loan-to-value is what fails: for the collateral offered (or each
  type the product accepts), the appraised value it takes, amount ÷ max LTV, up to the hundred yuan.

A failed rule that no change can fix (current overdue, age, grade, industry, customer type, purpose,
inquiries …) blocks: the answer is "no change can pass" with those rules and their sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.core.money import ZERO, format_rate, format_yuan
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.products.capacity import AMOUNT_STEP, Capacity, Need, ceil_to, floor_to
from creditdesk.products.catalogue import FixedPricing, LprPricing, ProductSpec, ProvidentPricing
from creditdesk.products.facts import COLLATERAL_TYPES
from creditdesk.products.rules import (
    AmountRange,
    CollateralRequired,
    Lever,
    MaxAgeAtMaturity,
    MaxDti,
    MaxLtv,
    RuleOutcome,
)
from creditdesk.solutions.offers import Context, Quote, counted_payment_text, make_context, quote

MAX_BUMPS = 3  # fen-rounding corrections tried after a closed-form answer before giving up on it


@dataclass(frozen=True)
class Change:
    """One change that passes: ``quote`` is the product re-quoted and re-evaluated with it; ``kind`` is
    the lever it moves."""

    kind: Lever
    message: str
    quote: Quote
    co_borrower_income: Decimal | None = None
    collateral_type: str | None = None
    collateral_value: Decimal | None = None

    def to_dict(self) -> dict[str, object]:
        q = self.quote

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "kind": self.kind.value,
            "message": self.message,
            "amount": str(q.amount),
            "term_months": q.term_months,
            "method": q.method.value,
            "annual_rate": str(q.annual_rate),
            "monthly_payment": str(q.payment),
            "dti_after": text(None if q.dti_after is None else q.dti_after.quantize(Decimal("0.0001"))),
            "loan_to_value": text(
                None if q.loan_to_value is None else q.loan_to_value.quantize(Decimal("0.0001"))
            ),
            "co_borrower_income": text(self.co_borrower_income),
            "collateral_type": self.collateral_type,
            "collateral_value": text(self.collateral_value),
            "status": q.evaluation.status.value,
        }


@dataclass(frozen=True)
class WhatIf:
    """The changes that get ``original`` (a failing quote) through, or the rules that block it."""

    original: Quote
    changes: tuple[Change, ...]
    blocking: tuple[RuleOutcome, ...]
    missing: tuple[str, ...]
    message: str

    @property
    def can_pass(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.original.spec.code,
            "can_pass": self.can_pass,
            "message": self.message,
            "changes": [c.to_dict() for c in self.changes],
            "blocking": [o.to_dict() for o in self.blocking],
            "missing": list(self.missing),
        }


def _passes(q: Quote) -> bool:
    return not q.evaluation.failed


def smallest_passing(lo: int, hi: int, test: Callable[[int], bool]) -> int:
    """The smallest k in [lo, hi] with test(k), given test(hi) and monotone (false … false, true … true)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if test(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def largest_passing(lo: int, hi: int, test: Callable[[int], bool]) -> int:
    """The largest k in [lo, hi] with test(k), given test(lo) and monotone (true … true, false … false)."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if test(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def what_if(ctx: Context, spec: ProductSpec, original: Quote | None = None) -> WhatIf:
    """The gap to approval for ``spec`` (``original``: its quote for the context's need, if computed)."""
    original = original or quote(ctx, spec)
    failed = original.evaluation.failed
    blocking = tuple(o for o in failed if not o.rule.levers())
    changes: list[Change] = []
    if failed and not blocking:
        levers = set(Lever)
        for outcome in failed:
            levers &= outcome.rule.levers()
        finders: list[tuple[Lever, Callable[[Context, ProductSpec, Quote], list[Change]]]] = [
            (Lever.AMOUNT, _amount_change),
            (Lever.TERM, _term_change),
            (Lever.CO_BORROWER, _co_borrower_change),
            (Lever.GUARANTOR, _guarantor_change),
            (Lever.COLLATERAL, _collateral_changes),
        ]
        for lever, finder in finders:
            if lever in levers:
                changes.extend(finder(ctx, spec, original))
        if not changes:
            blocking = failed
    missing = tuple(dict.fromkeys(key for c in changes for key in c.quote.evaluation.missing_facts)) or (
        original.evaluation.missing_facts
    )
    return WhatIf(
        original=original,
        changes=tuple(changes),
        blocking=blocking,
        missing=missing,
        message=_summary(spec, original, changes, blocking),
    )


def what_if_for(
    spec: ProductSpec,
    need: Need,
    capacity: Capacity,
    facts: Mapping[str, Any],
    lpr_table: Sequence[LprQuote],
    on: date,
    *,
    provident_table: Sequence[ProvidentQuote] = (),
) -> WhatIf:
    """``what_if`` from the raw inputs (builds the context; 公积金 prices from ``provident_table``)."""
    return what_if(make_context(need, capacity, facts, lpr_table, on, provident_table=provident_table), spec)


def _summary(
    spec: ProductSpec, original: Quote, changes: list[Change], blocking: tuple[RuleOutcome, ...]
) -> str:
    if not original.evaluation.failed:
        return f"「{spec.name}」的准入条件已全部满足，无需调整。"
    if changes:
        return f"「{spec.name}」目前未通过准入，以下任一调整即可通过：" + "；".join(
            c.message for c in changes
        )
    adjustable = any(o.rule.levers() for o in blocking)
    lead = "调整金额、期限或增加担保、抵押都无法单独满足" if adjustable else "以下条件无法通过调整方案满足"
    reasons = "；".join(o.message.removesuffix("。") for o in blocking)
    return f"「{spec.name}」没有可以通过的调整——{lead}：{reasons}"


# --- amount -------------------------------------------------------------------------------------------


def _amount_change(ctx: Context, spec: ProductSpec, original: Quote) -> list[Change]:
    step = AMOUNT_STEP
    low = ceil_to(spec.min_amount)

    def at(amount: Decimal) -> Quote:
        return quote(ctx, spec, amount=amount, term_months=original.term_months, method=original.method)

    if original.amount < spec.min_amount:  # below the product's minimum: raise it, if that passes
        q = at(spec.min_amount)
        if not _passes(q):
            return []
        message = f"将金额提高到本产品起贷金额 {format_yuan(q.amount)} 元，{counted_payment_text(q)}"
        return [Change(Lever.AMOUNT, message, q)]
    top = floor_to(original.amount)
    if original.amount == top:
        top -= step  # the amount offered fails: the answer is below it
    hint = min([top, *_amount_bounds(original)])
    if hint < low:
        return []

    def index_passes(k: int) -> bool:
        return _passes(at(low + k * step))

    hint_k = int((hint - low) / step)
    top_k = int((top - low) / step)
    if index_passes(hint_k):
        k = (
            hint_k
            if hint_k == top_k or not index_passes(hint_k + 1)
            else largest_passing(hint_k + 1, top_k, index_passes)
        )
    elif index_passes(0):
        k = largest_passing(0, hint_k - 1, index_passes)
    else:
        return []
    q = at(low + k * step)
    dti = f"，负债收入比 {format_rate(q.dti_after)}" if q.dti_after is not None else ""
    has_ltv = any(isinstance(r, MaxLtv) for r in spec.effective_rules)
    ltv = f"，抵质押率 {format_rate(q.loan_to_value)}" if has_ltv and q.loan_to_value is not None else ""
    message = f"将金额降至 {format_yuan(q.amount)} 元（{counted_payment_text(q)}{dti}{ltv}）"
    return [Change(Lever.AMOUNT, message, q)]


def _amount_bounds(original: Quote) -> list[Decimal]:
    """Closed-form upper bounds on the amount from the failed rules (hundreds of yuan)."""
    facts = original.facts
    bounds = []
    for outcome in original.evaluation.failed:
        rule = outcome.rule
        if isinstance(rule, MaxDti):
            budget = rule.payment_budget(facts)
            principal = original.plan.max_principal(budget)
            if principal is not None:
                bounds.append(principal)
        elif isinstance(rule, MaxLtv):
            cap = rule.max_amount(facts)  # on the value less the liens already on it
            if cap is not None:
                bounds.append(floor_to(cap))
        elif isinstance(rule, AmountRange):
            bounds.append(floor_to(rule.max))
    return bounds


# --- term ---------------------------------------------------------------------------------------------


def _breakpoints(spec: ProductSpec) -> list[int]:
    """The last month of each stretch of constant rate."""
    pricing = spec.pricing
    if isinstance(pricing, FixedPricing):
        return [t.up_to_months for t in pricing.tiers]
    if isinstance(pricing, ProvidentPricing):
        return [60]  # the 公积金 table's 5 年以下 / 5 年以上 columns
    assert isinstance(pricing, LprPricing)
    return [60] if pricing.tenor == "auto" else []


def _segments(spec: ProductSpec, lo: int, hi: int) -> list[tuple[int, int]]:
    segments = []
    start = lo
    for point in sorted(_breakpoints(spec)):
        if start <= point < hi:
            segments.append((start, point))
            start = point + 1
    if start <= hi:
        segments.append((start, hi))
    return segments


def _age_cap(spec: ProductSpec, facts: Mapping[str, Any]) -> int | None:
    """The longest term the "age at maturity" rules allow (None: no such rule or no age)."""
    age = facts.get("age")
    caps = [
        r.max * 12 - age * 12
        for r in spec.effective_rules
        if isinstance(r, MaxAgeAtMaturity) and age is not None
    ]
    return min(caps) if caps else None


def _term_change(ctx: Context, spec: ProductSpec, original: Quote) -> list[Change]:
    current = original.term_months

    def at(term: int) -> Quote:
        return quote(ctx, spec, amount=original.amount, term_months=term, method=original.method)

    cap = _age_cap(spec, original.facts)
    longest = spec.max_term_months if cap is None else min(spec.max_term_months, cap)
    found: Quote | None = None
    for lo, hi in _segments(spec, current + 1, longest):
        if _passes(at(hi)):
            term = smallest_passing(lo, hi, lambda t: _passes(at(t)))
            found = at(term)
            break
    if found is None and any(isinstance(o.rule, MaxAgeAtMaturity) for o in original.evaluation.failed):
        shorter = min(current - 1, cap if cap is not None else current - 1)
        if shorter >= spec.min_term_months and _passes(at(shorter)):
            found = at(shorter)
    if found is None:
        return []
    verb = "延长" if found.term_months > current else "缩短"
    dti = f"，负债收入比 {format_rate(found.dti_after)}" if found.dti_after is not None else ""
    message = f"将期限{verb}至 {found.term_months} 个月（{counted_payment_text(found)}{dti}）"
    return [Change(Lever.TERM, message, found)]


# --- co-borrower, guarantor, collateral -------------------------------------------------------------------


def _bumped(
    build: Callable[[Decimal], Quote], start: Decimal, step: Decimal = AMOUNT_STEP
) -> tuple[Quote, Decimal] | None:
    """``build(start)``, or with ``start`` raised by ``step`` up to MAX_BUMPS times, until it passes."""
    value = start
    for _ in range(MAX_BUMPS + 1):
        q = build(value)
        if _passes(q):
            return q, value
        value += step
    return None


def _co_borrower_change(ctx: Context, spec: ProductSpec, original: Quote) -> list[Change]:
    facts = original.facts
    has = facts.get("has_co_borrower") is True
    current = facts.get("co_borrower_monthly_income") if has else None
    needed = current or ZERO
    for outcome in original.evaluation.failed:
        rule = outcome.rule
        if isinstance(rule, MaxDti):
            payments = facts["monthly_debt_payments"] + original.payment
            needed = max(needed, ceil_to(payments / rule.max - facts["monthly_income"]))

    def build(income: Decimal) -> Quote:
        co_borrower = {"has_co_borrower": True, "co_borrower_monthly_income": income}
        return _with_facts(ctx, spec, original, co_borrower)

    result = _bumped(build, needed)
    if result is None:
        return []
    q, income = result
    if income > 0:
        dti = f"，负债收入比降至 {format_rate(q.dti_after)}" if q.dti_after is not None else ""
        message = (
            f"增加一位月收入（扣除其自身月供后）不低于 {format_yuan(income)} 元的共同借款人（如配偶）{dti}"
        )
    else:
        message = "增加一位共同借款人（如配偶）"
    return [Change(Lever.CO_BORROWER, message, q, co_borrower_income=income)]


def _with_facts(ctx: Context, spec: ProductSpec, original: Quote, facts: dict[str, Any]) -> Quote:
    """The original request (amount, term, method) re-quoted with ``facts`` added to the customer's."""
    return quote(
        ctx,
        spec,
        amount=original.amount,
        term_months=original.term_months,
        method=original.method,
        extra_facts=facts,
    )


def _guarantor_change(ctx: Context, spec: ProductSpec, original: Quote) -> list[Change]:
    q = _with_facts(ctx, spec, original, {"has_guarantor": True})
    if not _passes(q):
        return []
    return [Change(Lever.GUARANTOR, "提供符合条件的保证人或融资担保公司连带责任保证", q)]


def _collateral_changes(ctx: Context, spec: ProductSpec, original: Quote) -> list[Change]:
    facts = original.facts
    rules = spec.effective_rules
    offered = facts.get("collateral_type")
    accepted: list[str] | None = None
    for rule in rules:
        if isinstance(rule, CollateralRequired):
            accepted = [t for t in rule.types if accepted is None or t in accepted]
    if accepted is None:
        accepted = [offered] if isinstance(offered, str) and offered != "none" else []
    kinds = [offered] if offered in accepted else accepted
    labels = dict(COLLATERAL_TYPES)
    changes = []
    for kind in kinds:
        assert isinstance(kind, str)
        limits = [r.limit_for(kind) for r in rules if isinstance(r, MaxLtv)]
        limit = min(limits) if limits else Decimal(1)
        # The liens on the offered collateral stay with it; another collateral is taken as unencumbered.
        liens = (facts.get("collateral_prior_liens") or ZERO) if kind == offered else ZERO
        needed = ceil_to(original.amount / limit + liens)

        def build(value: Decimal, kind: str = kind, liens: Decimal = liens) -> Quote:
            change = {"collateral_type": kind, "collateral_value": value, "collateral_prior_liens": liens}
            return _with_facts(ctx, spec, original, change)

        result = _bumped(build, needed)
        if result is None:
            continue
        q, value = result
        ltv = f"，抵质押率 {format_rate(q.loan_to_value)}" if q.loan_to_value is not None else ""
        if kind == offered:
            message = f"追加抵押物，使{labels[kind]}等抵押物评估价值合计不低于 {format_yuan(value)} 元{ltv}"
        else:
            worth = f"提供评估价值不低于 {format_yuan(value)} 元的{labels[kind]}"
            message = f"{worth}作抵质押（最高抵质押率 {format_rate(limit)}）"
        changes.append(Change(Lever.COLLATERAL, message, q, collateral_type=kind, collateral_value=value))
    return changes
