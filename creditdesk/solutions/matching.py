"""Matching (产品匹配): which products fit a need, in what order and why; which do not and why not; and
combinations when no single product covers the amount.

``match(need, capacity, facts, products, lpr_table, on)`` quotes every product for the need
(``offers.quote``: its own amount, term, method, price and payment, and the facts computed for it) and
evaluates its rules. Products that pass are ranked; those with a failed rule are listed with the failed
rules (and, with ``with_what_if``, the gap to approval); those with no failure but a missing fact are
listed as pending, with the facts to collect. A product that cannot be priced on the day because its rate
table has no row in force (the LPR or 公积金 table not kept up: ``RATE_TABLE_GAPS``) is listed as
unpriced with the table's own sentence — the other products are still matched.

Ranking — a weighted score in [0, 1] (floats: a ranking, not money):

- coverage = amount offered ÷ amount needed;
- cost = lowest annualized rate among the eligible ÷ this product's (compound IRR rate, fees included;
  1 for a rate of zero);
- payment = 1 − monthly payment ÷ the largest affordable payment (``Capacity.affordable_payment`` at the
  default 55 % DTI), within 0–1 (0 when nothing is affordable);
- speed = (1 + fastest approval days) ÷ (1 + this product's approval days).

Weights by the customer's rate sensitivity (coverage, cost, payment, speed): low 0.40/0.20/0.25/0.15,
medium 0.35/0.30/0.20/0.15, high 0.25/0.45/0.20/0.10. Ties go to the lower annualized rate, then the
product code. Each rank carries a sentence: its strongest point, what it covers, its annualized rate,
its payment against what is affordable, its approval time.

Combinations (e.g. 抵押 + 信用) are proposed when no eligible product covers the whole amount, or when they
cost less (a lower annualized rate) than the cheapest product that does. Candidates
are the products that pass, or fail only rules a lower amount fixes; the four cheapest (by annualized
rate) are paired, never two that both need collateral (the customer offers one). For a pair, the cheaper
product takes as much as it can (the cost is then lowest): its amount, in hundreds, is the largest for
which both parts pass their rules with the other part's payment added to the existing debts — found by
checking the upper bound, then bisecting. The combinations are ordered by their estimated annualized rate
(the parts' rates weighted by amount); the best ``MAX_COMBINATIONS`` get exact figures: both schedules,
the combined payment, and the annualized rate
of the summed monthly cash flows (IRR, fees included; a bullet repayment falls in its maturity month).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from creditdesk.core.money import ZERO, format_rate, format_yuan
from creditdesk.finance.apr import AnnualizedRate, annualize, irr
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.schedule import PRECISION
from creditdesk.finance.terms import CalculationError, Method
from creditdesk.products.capacity import (
    AMOUNT_STEP,
    Assessment,
    Capacity,
    Need,
    assess,
    ceil_to,
    floor_to,
    validate_need,
)
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.rules import Lever, RuleOutcome, Status
from creditdesk.solutions.offers import (
    NOT_AMORTISING,
    NOT_AMORTISING_COUNTED,
    Context,
    Figures,
    Quote,
    apr_text,
    counted_payment_text,
    fee_text,
    figures,
    make_context,
    quote,
)
from creditdesk.solutions.whatif import WhatIf, largest_passing, what_if

WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "low": (0.40, 0.20, 0.25, 0.15),
    "medium": (0.35, 0.30, 0.20, 0.15),
    "high": (0.25, 0.45, 0.20, 0.10),
}
COMPONENTS = ("coverage", "cost", "payment", "speed")
COMBINATION_CANDIDATES = 4
MAX_COMBINATIONS = 3
RATE_TABLE_GAPS = frozenset({"lpr_missing", "lpr_before_reform", "provident_rate_missing"})
"""Refusals of the pricing that mean "the rate table has no row in force", not "this input is wrong"."""


@dataclass(frozen=True)
class RankedOption:
    rank: int
    quote: Quote
    figures: Figures
    score: float
    components: tuple[tuple[str, float], ...]
    reason: str
    documents: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            **_quote_dict(self.quote),
            "figures": self.figures.to_dict(),
            "score": round(self.score, 4),
            "components": {k: round(v, 4) for k, v in self.components},
            "reason": self.reason,
            "documents": list(self.documents),
        }


@dataclass(frozen=True)
class Pending:
    """No rule failed but some could not be judged: the facts to collect."""

    quote: Quote
    missing: tuple[str, ...]
    messages: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {**_quote_dict(self.quote), "missing": list(self.missing), "messages": list(self.messages)}


@dataclass(frozen=True)
class Rejected:
    quote: Quote
    failed: tuple[RuleOutcome, ...]
    what_if: WhatIf | None

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(o.message for o in self.failed)

    def to_dict(self) -> dict[str, object]:
        return {
            **_quote_dict(self.quote),
            "failed": [o.to_dict() for o in self.failed],
            "reasons": list(self.reasons),
            "what_if": None if self.what_if is None else self.what_if.to_dict(),
        }


@dataclass(frozen=True)
class CombinationPart:
    quote: Quote
    figures: Figures


@dataclass(frozen=True)
class Combination:
    parts: tuple[CombinationPart, ...]
    monthly_payment: Decimal
    apr: AnnualizedRate
    total_interest: Decimal
    total_fees: Decimal
    reason: str

    @property
    def amount(self) -> Decimal:
        return sum((p.quote.amount for p in self.parts), ZERO)

    @property
    def total_cost(self) -> Decimal:
        return self.total_interest + self.total_fees

    def to_dict(self) -> dict[str, object]:
        return {
            "parts": [{**_quote_dict(p.quote), "figures": p.figures.to_dict()} for p in self.parts],
            "amount": str(self.amount),
            "monthly_payment": str(self.monthly_payment),
            "apr_compound": str(self.apr.compound.quantize(Decimal("0.000001"))),
            "apr_simple": str(self.apr.simple.quantize(Decimal("0.000001"))),
            "total_interest": str(self.total_interest),
            "total_fees": str(self.total_fees),
            "total_cost": str(self.total_cost),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Unpriced:
    """A product that cannot be quoted on the day: its rate table has no row in force. ``code`` is the
    pricing's refusal, ``message`` its sentence ("… 没有生效的公积金贷款利率，请先维护公积金利率表。")."""

    spec: ProductSpec
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.spec.code,
            "version": self.spec.version,
            "name": self.spec.name,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class MatchResult:
    need: Need
    assessment: Assessment
    eligible: tuple[RankedOption, ...]
    pending: tuple[Pending, ...]
    ineligible: tuple[Rejected, ...]
    combinations: tuple[Combination, ...]
    unpriced: tuple[Unpriced, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "need": self.need.to_dict(),
            "assessment": self.assessment.to_dict(),
            "eligible": [o.to_dict() for o in self.eligible],
            "pending": [p.to_dict() for p in self.pending],
            "ineligible": [r.to_dict() for r in self.ineligible],
            "combinations": [c.to_dict() for c in self.combinations],
            "unpriced": [u.to_dict() for u in self.unpriced],
        }


def _quote_dict(q: Quote) -> dict[str, object]:
    return {
        "product": q.spec.code,
        "version": q.spec.version,
        "name": q.spec.name,
        "category": q.spec.category,
        "amount": str(q.amount),
        "term_months": q.term_months,
        "method": q.method.value,
        "price": q.price.to_dict(),
        "monthly_payment": str(q.payment),
        "dti_after": None if q.dti_after is None else str(q.dti_after.quantize(Decimal("0.0001"))),
        "loan_to_value": None
        if q.loan_to_value is None
        else str(q.loan_to_value.quantize(Decimal("0.0001"))),
        "notes": list(q.notes),
        "evaluation": q.evaluation.to_dict(),
    }


def match(
    need: Need,
    capacity: Capacity,
    facts: Mapping[str, Any],
    products: Sequence[ProductSpec],
    lpr_table: Sequence[LprQuote],
    on: date,
    *,
    with_what_if: bool = True,
    provident_table: Sequence[ProvidentQuote] = (),
    second_home: bool | None = None,
) -> MatchResult:
    """Rank ``products`` for ``need`` (see the module docstring). Refuses an impossible need or capacity
    (``NeedError``) and unknown or mistyped facts (``FactError``). 公积金 products are priced from
    ``provident_table`` (``offers.make_context``: 二套 when ``second_home`` or the need says so)."""
    validate_need(need)
    assessment = assess(capacity)
    ctx = make_context(
        need, capacity, facts, lpr_table, on, provident_table=provident_table, second_home=second_home
    )
    passing: list[Quote] = []
    pending: list[Pending] = []
    rejected: list[Rejected] = []
    unpriced: list[Unpriced] = []
    for spec in products:
        try:
            q = quote(ctx, spec)
        except CalculationError as exc:
            if exc.code not in RATE_TABLE_GAPS:
                raise
            unpriced.append(Unpriced(spec, exc.code, exc.message))
            continue
        evaluation = q.evaluation
        if evaluation.failed:
            gap = what_if(ctx, spec, q) if with_what_if else None
            rejected.append(Rejected(q, evaluation.failed, gap))
        elif evaluation.unknown:
            pending.append(Pending(q, evaluation.missing_facts, tuple(o.message for o in evaluation.unknown)))
        else:
            passing.append(q)
    ranked = rank(passing, need, assessment.affordable_payment, on)
    covering = [option.figures.apr.compound for option in ranked if option.quote.amount >= need.amount]
    below = min(covering) if covering else None
    combinations = combine(ctx, passing, rejected, assessment.affordable_payment, below_apr=below)
    return MatchResult(
        need=need,
        assessment=assessment,
        eligible=ranked,
        pending=tuple(pending),
        ineligible=tuple(rejected),
        combinations=combinations,
        unpriced=tuple(unpriced),
    )


# --- ranking ------------------------------------------------------------------------------------------


def rank(quotes: Sequence[Quote], need: Need, affordable: Decimal, on: date) -> tuple[RankedOption, ...]:
    """Order passing quotes by the weighted score of the module docstring, each with its reason."""
    if not quotes:
        return ()
    costs = [figures(q, on) for q in quotes]
    lowest_apr = min(f.apr.compound for f in costs)
    fastest = min(q.spec.approval_days for q in quotes)
    weights = WEIGHTS.get(str(need.rate_sensitivity), WEIGHTS["medium"])
    scored = []
    for q, f in zip(quotes, costs, strict=True):
        parts = {
            "coverage": float(q.amount / need.amount),
            "cost": 1.0 if f.apr.compound <= 0 else float(lowest_apr / f.apr.compound),
            "payment": 0.0 if affordable <= 0 else min(1.0, max(0.0, 1 - float(q.payment / affordable))),
            "speed": (1 + fastest) / (1 + q.spec.approval_days),
        }
        score = sum(w * parts[k] for w, k in zip(weights, COMPONENTS, strict=True))
        scored.append((q, f, parts, score))
    scored.sort(key=lambda item: (-item[3], item[1].apr.compound, item[0].spec.code))
    best = {k: max(item[2][k] for item in scored) for k in COMPONENTS}
    mean = {k: sum(item[2][k] for item in scored) / len(scored) for k in COMPONENTS}
    options = []
    for position, (q, f, parts, score) in enumerate(scored, start=1):
        reason = _reason(position, q, f, parts, weights, best, mean, need, affordable, lowest_apr)
        documents = q.spec.documents_for(q.facts.get("customer_type"), q.facts.get("collateral_type"))
        components = tuple((k, parts[k]) for k in COMPONENTS)
        options.append(RankedOption(position, q, f, score, components, reason, documents))
    return tuple(options)


_STRENGTH = {
    "coverage": ("额度覆盖最充分", "额度覆盖较充分"),
    "cost": ("综合成本最低", "综合成本较低"),
    "payment": ("月供压力最小", "月供压力较小"),
    "speed": ("审批最快", "审批较快"),
}


def _reason(
    position: int,
    q: Quote,
    f: Figures,
    parts: dict[str, float],
    weights: tuple[float, ...],
    best: dict[str, float],
    mean: dict[str, float],
    need: Need,
    affordable: Decimal,
    lowest_apr: Decimal,
) -> str:
    edge = {k: w * (parts[k] - mean[k]) for w, k in zip(weights, COMPONENTS, strict=True)}
    strongest = max(COMPONENTS, key=lambda k: (edge[k], weights[COMPONENTS.index(k)]))
    most, more = _STRENGTH[strongest]
    strength = most if parts[strongest] >= best[strongest] else more
    if q.amount >= need.amount:
        coverage = f"可全额覆盖 {format_yuan(need.amount)} 元需求"
    else:
        coverage = f"最高可贷 {format_yuan(q.amount)} 元，覆盖需求的 {format_rate(q.amount / need.amount)}"
    apr = apr_text(f)
    if f.apr.compound == lowest_apr:
        apr += "，为可选产品中最低"
    if f.fee_based:
        apr += f"；{fee_text(f)}"
    payment = f"首期月供 {format_yuan(f.first_payment)} 元"
    if q.method in NOT_AMORTISING:
        payment += f"，{counted_payment_text(q)}（{NOT_AMORTISING_COUNTED}）"
    if affordable > 0:
        payment += f"，约为可承受月供 {format_yuan(affordable)} 元的 {format_rate(q.payment / affordable)}"
    days = q.spec.approval_days
    speed = "当天审批" if days == 0 else f"约 {days} 个工作日审批"
    return f"第 {position} 名「{q.spec.name}」（{strength}）：{coverage}；{apr}；{payment}；{speed}。"


# --- combinations -------------------------------------------------------------------------------------


def _needs_collateral(spec: ProductSpec) -> bool:
    return bool(spec.collateral)


def _cap(ctx: Context, rejected: Rejected) -> Decimal | None:
    """The largest amount (hundreds) a failing product lends alone, when only amount-fixable rules fail:
    the what-if's lower amount; None otherwise."""
    q = rejected.quote
    if q.evaluation.unknown or any(Lever.AMOUNT not in o.rule.levers() for o in q.evaluation.failed):
        return None
    gap = rejected.what_if or what_if(ctx, q.spec, q)
    for change in gap.changes:
        if change.kind == Lever.AMOUNT and change.quote.amount < q.amount:
            return change.quote.amount
    return None


def combine(
    ctx: Context,
    passing: Sequence[Quote],
    rejected: Sequence[Rejected],
    affordable: Decimal,
    *,
    below_apr: Decimal | None = None,
) -> tuple[Combination, ...]:
    """Two-product combinations that cover the need (see the module docstring); with ``below_apr``, only
    those whose annualized rate is lower (a single product already covers the need at that rate)."""
    need = ctx.need.amount
    caps: list[tuple[Quote, Decimal | None]] = [(q, q.amount) for q in passing]
    caps += [(r.quote, _cap(ctx, r)) for r in rejected if r.quote.spec.min_amount < need]
    candidates: list[tuple[Decimal, Quote, Decimal]] = []  # (annualized rate, quote, cap)
    for q, cap in caps:
        if cap is None or cap <= 0 or q.spec.min_amount >= need:
            continue
        candidates.append((figures(q, ctx.on).apr.compound, q, cap))
    candidates.sort(key=lambda c: (c[0], c[1].spec.code))
    candidates = candidates[:COMBINATION_CANDIDATES]
    found = []
    for i, (_rate_p, p, cap_p) in enumerate(candidates):
        for _rate_q, q, cap_q in candidates[i + 1 :]:
            if _needs_collateral(p.spec) and _needs_collateral(q.spec):
                continue
            split = _best_split(ctx, p, cap_p, q, cap_q)
            if split is not None:
                found.append(split)
    estimated = sorted(
        (_estimated_apr(ctx, pair), pair[0].spec.code, pair[1].spec.code, pair) for pair in found
    )
    if below_apr is not None:
        estimated = [item for item in estimated if item[0] < below_apr]
    combinations = [
        _combination(ctx, p, q, affordable) for _apr, _p, _q, (p, q) in estimated[:MAX_COMBINATIONS]
    ]
    return tuple(c for c in combinations if below_apr is None or c.apr.compound < below_apr)


def _estimated_apr(ctx: Context, pair: tuple[Quote, Quote]) -> Decimal:
    """The parts' annualized rates weighted by amount (the exact IRR of the summed flows comes later)."""
    weighted = sum((q.amount * figures(q, ctx.on).apr.compound for q in pair), ZERO)
    return weighted / sum((q.amount for q in pair), ZERO)


def _pair_at(ctx: Context, p: Quote, q: Quote, amount_p: Decimal) -> tuple[Quote, Quote] | None:
    """Both parts at ``amount_p`` + the rest, each evaluated with the other's payment as an extra debt;
    None unless both pass."""
    amount_q = ctx.need.amount - amount_p
    pay_p = p.plan.payment(amount_p)
    pay_q = q.plan.payment(amount_q)
    part_p = quote(
        ctx, p.spec, amount=amount_p, term_months=p.term_months, method=p.method, extra_debts=pay_q
    )
    if part_p.evaluation.status != Status.PASS:
        return None
    part_q = quote(
        ctx, q.spec, amount=amount_q, term_months=q.term_months, method=q.method, extra_debts=pay_p
    )
    if part_q.evaluation.status != Status.PASS:
        return None
    return part_p, part_q


def _best_split(
    ctx: Context, p: Quote, cap_p: Decimal, q: Quote, cap_q: Decimal
) -> tuple[Quote, Quote] | None:
    """The split giving the cheaper ``p`` the most (hundreds of yuan) with both parts passing."""
    need = ctx.need.amount
    step = AMOUNT_STEP
    high = floor_to(min(cap_p, p.spec.max_amount, need - q.spec.min_amount))
    low = ceil_to(max(p.spec.min_amount, need - min(cap_q, q.spec.max_amount)))
    if low > high or low >= need:
        return None
    top = int((high - low) / step)
    first = _pair_at(ctx, p, q, high)
    if first is not None:
        return first
    if _pair_at(ctx, p, q, low) is None:
        return None
    k = largest_passing(0, top - 1, lambda k: _pair_at(ctx, p, q, low + k * step) is not None)
    return _pair_at(ctx, p, q, low + k * step)


def _combination(ctx: Context, p: Quote, q: Quote, affordable: Decimal) -> Combination:
    fp, fq = figures(p, ctx.on, exact=True), figures(q, ctx.on, exact=True)
    flows = _summed_flows([(p, fp), (q, fq)])
    with localcontext(prec=PRECISION):
        apr = annualize(irr(flows, guess=(p.annual_rate + q.annual_rate) / 24), 12)
    payment = fp.first_payment + fq.first_payment
    counted = p.payment + q.payment  # what the DTI counts (the same unless a part is not amortising)
    cheaper, other = (p, q) if fp.apr.compound <= fq.apr.compound else (q, p)
    room = f"（可承受 {format_yuan(affordable)} 元）" if affordable > 0 else ""
    if {p.method, q.method} & NOT_AMORTISING:
        room = f"，计入负债收入比 {format_yuan(counted)} 元（{NOT_AMORTISING_COUNTED}）" + room
    if counted > affordable:
        room += "，超过按 55% 负债收入比测算的可承受月供，请核实还款来源"
    reason = (
        f"「{p.spec.name}」{format_yuan(p.amount)} 元 + "
        f"「{q.spec.name}」{format_yuan(q.amount)} 元，合计覆盖 "
        f"{format_yuan(ctx.need.amount)} 元需求；合计月供 {format_yuan(payment)} 元{room}，综合年化利率 "
        f"{format_rate(apr.compound)}（IRR 复利）。「{cheaper.spec.name}」利率较低，尽量多贷，"
        f"其余由「{other.spec.name}」补足。"
    )
    return Combination(
        parts=(CombinationPart(p, fp), CombinationPart(q, fq)),
        monthly_payment=payment,
        apr=apr,
        total_interest=fp.total_interest + fq.total_interest,
        total_fees=fp.total_fees + fq.total_fees,
        reason=reason,
    )


def _summed_flows(parts: Sequence[tuple[Quote, Figures]]) -> list[Decimal]:
    """Borrower's monthly cash flows of several loans drawn together: net proceeds at month 0, then every
    instalment and fee in its month (a bullet repayment in its maturity month)."""
    months = max(q.term_months for q, _f in parts)
    flows = [ZERO] * (months + 1)
    for q, f in parts:
        schedule = f.schedule
        assert schedule is not None  # exact figures carry their schedule
        flows[0] += q.amount - schedule.upfront_fees
        bullet = q.method == Method.BULLET
        for row in schedule.installments:
            month = q.term_months if bullet else row.period
            flows[month] -= row.payment + row.fee
    return flows
