"""One product quoted for one need (方案测算): the terms offered, the facts its rules see, the cost.

``Context`` holds what does not change from product to product: the need, the capacity, the customer's
facts, the LPR table and the pricing date. ``quote(ctx, spec, ...)`` prices a product for it and evaluates
the product's rules on the facts computed *for that product* — its new monthly payment, the DTI after it,
the loan-to-value of the amount it offers.

What a product offers by default (and says so in ``notes``): the amount asked, capped at the product's
maximum (coverage below 100 % then shows in the ranking); the term asked, brought within the product's
range; the repayment method asked when the product has it, else the product's first method. It is priced
for the customer's risk grade; without a grade (or with one the product has no spread for) at the worst
grade it prices, flagged in ``notes`` — the ``min_grade`` rule still answers unknown or fail.

Facts: the caller's facts, then from the need and capacity (they replace a caller's value): ``purpose``,
``collateral_type``, ``collateral_value``, ``monthly_income`` (= ``Capacity.total_income``: income plus the
business cash flow), ``monthly_debt_payments``, ``monthly_cash_flow``; then per product
``requested_amount``, ``term_months``, ``new_monthly_payment``, ``debt_to_income_after`` and
``loan_to_value``.

Cost figures (``figures``), cheap where that is exact enough, full where needed:
- no fees and a monthly method (等额本息, 等额本金, 先息后本): the IRR of a fee-free loan whose every period
  earns balance × R/12 is R/12 itself, so the compound annualized rate is (1 + R/12)^12 − 1 and the simple
  one R (the schedule's fen rounding moves it by less than 0.001 %, tested against ``apr.annualized_rate``);
  the payment is closed-form (``annuity_payment``); total interest is M·n − P for 等额本息 and
  P·i·(n+1)/2 for 等额本金 — estimates (``exact`` = False): the schedule's fen rounding of every instalment
  moves the true total by cents on short loans and by up to some yuan on a 30-year one — and P·i per
  month for 先息后本 (exact);
- fees, a bullet loan, or ``exact=True`` (the option a customer chooses, the proposal): the full schedule
  (``build_schedule``) and ``annualized_rate`` of its real cash flows, fees included.
Search loops (what-if, combinations) use only the closed-form payment (``PaymentPlan``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from creditdesk.core.money import ZERO, format_rate, format_yuan, round_fen
from creditdesk.finance.apr import AnnualizedRate, annualized_rate
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.schedule import PRECISION, Schedule, annuity_payment, build_schedule
from creditdesk.finance.terms import FeeTiming, LoanTerms, Method
from creditdesk.products.capacity import Capacity, Need, PaymentPlan
from creditdesk.products.catalogue import (
    FixedPricing,
    LprPricing,
    Price,
    ProductSpec,
    ProvidentPricing,
    price_for,
)
from creditdesk.products.evaluation import fee_based_apr_text, instalment_fee_text
from creditdesk.products.facts import GRADES, check_facts
from creditdesk.products.rules import Evaluation, evaluate, loan_to_value, obligation_floor_months

FROM_NEED = (
    "purpose",
    "collateral_type",
    "collateral_value",
    "monthly_income",
    "monthly_debt_payments",
    "monthly_cash_flow",
)
PER_PRODUCT = (
    "requested_amount",
    "term_months",
    "new_monthly_payment",
    "debt_to_income_after",
    "loan_to_value",
)


@dataclass(frozen=True)
class Context:
    need: Need
    capacity: Capacity
    facts: Mapping[str, Any]  # the customer's facts merged with the need's and the capacity's
    lpr_table: Sequence[LprQuote]
    on: date
    # The 公积金 rate table (RULES.md: 公积金 loans are priced from it) and whether the home is a second one.
    provident_table: Sequence[ProvidentQuote] = ()
    second_home: bool = False
    # Prices by (product code, version, grade, term): a search re-quotes one product many times.
    prices: dict[tuple[str, int, str | None, int], Price] = field(
        default_factory=dict, compare=False, repr=False
    )

    def price(self, spec: ProductSpec, grade: str | None, term_months: int) -> Price:
        key = (spec.code, spec.version, grade, term_months)
        found = self.prices.get(key)
        if found is None:
            found = self.prices[key] = price_for(
                spec,
                grade,
                term_months,
                self.lpr_table,
                self.on,
                provident_table=self.provident_table,
                second_home=self.second_home,
            )
        return found

    @property
    def grade(self) -> str | None:
        grade = self.facts.get("risk_grade")
        return grade if isinstance(grade, str) else None


def make_context(
    need: Need,
    capacity: Capacity,
    facts: Mapping[str, Any],
    lpr_table: Sequence[LprQuote],
    on: date,
    *,
    provident_table: Sequence[ProvidentQuote] = (),
    second_home: bool | None = None,
) -> Context:
    """Merge the customer's ``facts`` with the need and capacity (see the module docstring); refuses unknown
    keys and wrongly typed values (``FactError``). The per-product facts a caller passes are dropped.
    A 公积金 product is priced from ``provident_table`` for a second home when ``second_home`` says so, or
    (None) when the need's ``home_purchase_order`` is "second" (首套 otherwise)."""
    if second_home is None:
        second_home = str(getattr(need, "home_purchase_order", "") or "") == "second"
    merged: dict[str, Any] = {k: v for k, v in facts.items() if k not in PER_PRODUCT}
    merged.update(
        purpose=need.purpose,
        collateral_type=need.collateral_type,
        collateral_value=need.collateral_value,
        monthly_income=capacity.total_income,
        monthly_debt_payments=capacity.monthly_debt_payments,
        monthly_cash_flow=capacity.business_cash_flow,
    )
    check_facts(merged)
    return Context(
        need=need,
        capacity=capacity,
        facts=merged,
        lpr_table=lpr_table,
        on=on,
        provident_table=provident_table,
        second_home=second_home,
    )


def choose_method(spec: ProductSpec, need: Need) -> tuple[Method, str | None]:
    preferred = need.repayment_preference
    if preferred is not None and preferred in spec.methods:
        return Method(preferred), None
    method = Method(spec.methods[0])
    if preferred is None:
        return method, None
    return method, f"本产品不支持{Method(preferred).label}，按{method.label}测算。"


def pricing_grade(spec: ProductSpec, grade: str | None) -> tuple[str | None, str | None]:
    """The grade to price at, and a note when it is not the customer's own."""
    pricing = spec.pricing
    if isinstance(pricing, FixedPricing | ProvidentPricing):
        return grade, None
    assert isinstance(pricing, LprPricing)
    priced = [g for g in GRADES if pricing.spread_for(g) is not None]
    if grade in priced:
        return grade, None
    worst = priced[-1]
    if grade is None:
        return worst, f"未提供风险等级，按 {worst} 级定价测算。"
    return worst, f"本产品不为 {grade} 级定价，按 {worst} 级测算。"


def payment_plan(spec: ProductSpec, method: Method, annual_rate: Decimal, term_months: int) -> PaymentPlan:
    """The DTI payment basis of ``spec``: the method's monthly obligation (``finance.obligation``: never
    the interest alone, the floor from the product's ``max_dti`` rule or RULES.md's 12 months) plus its
    per-period fees."""
    rate = sum((f.rate for f in spec.fees if f.timing == FeeTiming.PER_PERIOD and f.rate is not None), ZERO)
    fixed = sum(
        (f.amount for f in spec.fees if f.timing == FeeTiming.PER_PERIOD and f.amount is not None), ZERO
    )
    return PaymentPlan(
        method=method,
        annual_rate=annual_rate,
        term_months=term_months,
        fee_rate=rate,
        fee_amount=fixed,
        floor_months=obligation_floor_months(spec.effective_rules),
    )


@dataclass(frozen=True)
class Quote:
    """``spec`` at ``amount`` over ``term_months`` by ``method``: its price, the monthly payment a DTI
    counts, the facts its rules saw and their evaluation."""

    spec: ProductSpec
    amount: Decimal
    term_months: int
    method: Method
    price: Price
    plan: PaymentPlan
    payment: Decimal
    facts: Mapping[str, Any]
    evaluation: Evaluation
    notes: tuple[str, ...] = ()

    @property
    def annual_rate(self) -> Decimal:
        return self.price.annual_rate

    @property
    def dti_after(self) -> Decimal | None:
        value = self.facts.get("debt_to_income_after")
        return value if isinstance(value, Decimal) else None

    @property
    def loan_to_value(self) -> Decimal | None:
        value = self.facts.get("loan_to_value")
        return value if isinstance(value, Decimal) else None

    @property
    def entrusted_payment_required(self) -> bool:
        """Whether drawing the whole amount at once needs 受托支付 (the product's threshold per drawdown)."""
        return self.spec.needs_entrusted_payment(
            self.amount, self.facts.get("customer_type"), self.facts.get("purpose")
        )


def product_facts(
    base: Mapping[str, Any],
    *,
    amount: Decimal,
    term_months: int,
    payment: Decimal,
    extra_debts: Decimal = ZERO,
) -> dict[str, Any]:
    """``base`` plus the per-product facts; ``extra_debts`` (another new loan's payment, in a combination)
    is added to the existing monthly payments."""
    facts = dict(base)
    debts = facts["monthly_debt_payments"] + extra_debts
    facts["monthly_debt_payments"] = debts
    facts["requested_amount"] = amount
    facts["term_months"] = term_months
    facts["new_monthly_payment"] = payment
    income = facts["monthly_income"]
    if facts.get("has_co_borrower") is True and facts.get("co_borrower_monthly_income") is not None:
        income += facts["co_borrower_monthly_income"]
    facts["debt_to_income_after"] = (debts + payment) / income if income > 0 else None
    value = facts.get("collateral_value")
    if facts.get("collateral_type") not in (None, "none") and value is not None and value > 0:
        facts["loan_to_value"] = loan_to_value(amount, value, facts.get("collateral_prior_liens"))
    else:
        facts["loan_to_value"] = None
    return facts


def quote(
    ctx: Context,
    spec: ProductSpec,
    *,
    amount: Decimal | None = None,
    term_months: int | None = None,
    method: Method | None = None,
    extra_facts: Mapping[str, Any] | None = None,
    extra_debts: Decimal = ZERO,
) -> Quote:
    """Quote ``spec`` for the context's need (defaults: see the module docstring), optionally at another
    amount, term or method, with changed facts (``extra_facts``: a co-borrower, a guarantor, collateral)
    or extra monthly debts (a combination's other part)."""
    notes: list[str] = []
    need = ctx.need
    if amount is None:
        amount = min(need.amount, spec.max_amount)
        if amount < need.amount:
            notes.append(
                f"本产品最高可贷 {format_yuan(amount)} 元，低于需求金额 {format_yuan(need.amount)} 元。"
            )
    if term_months is None:
        term_months = min(max(need.term_months, spec.min_term_months), spec.max_term_months)
        if term_months != need.term_months:
            notes.append(
                f"本产品期限为 {spec.min_term_months}–{spec.max_term_months} 个月，"
                f"按 {term_months} 个月测算。"
            )
    if method is None:
        method, note = choose_method(spec, need)
        if note:
            notes.append(note)
    grade, note = pricing_grade(spec, ctx.grade)
    if note:
        notes.append(note)
    price = ctx.price(spec, grade, term_months)
    plan = payment_plan(spec, method, price.annual_rate, term_months)
    payment = plan.payment(amount)
    base: Mapping[str, Any] = ctx.facts if not extra_facts else {**ctx.facts, **extra_facts}
    facts = product_facts(
        base, amount=amount, term_months=term_months, payment=payment, extra_debts=extra_debts
    )
    return Quote(
        spec=spec,
        amount=amount,
        term_months=term_months,
        method=method,
        price=price,
        plan=plan,
        payment=payment,
        facts=facts,
        evaluation=evaluate(spec.effective_rules, facts, check=False),
        notes=tuple(notes),
    )


# RULES.md, "Debt-to-income": these shapes owe little each month until the principal falls due, so a
# quote's ``payment`` (what the DTI counts, ``finance.obligation``) is the 等额本息 payment of the balance,
# which a sentence must not call the monthly payment (月供).
NOT_AMORTISING = frozenset({Method.INTEREST_ONLY, Method.BULLET, Method.REVOLVING})
NOT_AMORTISING_COUNTED = "先息后本、到期还本和随借随还按等额本息折算"


def counted_payment_text(q: Quote) -> str:
    """The quote's DTI payment named for what it is: "月供 X 元", or for a shape that is not amortising
    "计入负债收入比的月还款 X 元"."""
    label = "计入负债收入比的月还款" if q.method in NOT_AMORTISING else "月供"
    return f"{label} {format_yuan(q.payment)} 元"


# --- cost figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What the loan costs: the contract rate, the annualized rate (IRR, compound and 单利), the first
    payment (fees with it included), the payment a DTI counts, totals. ``exact``: from the full schedule
    (or a closed form that is exact); False for the closed-form estimates of the module docstring."""

    annual_rate: Decimal
    apr: AnnualizedRate
    first_payment: Decimal
    monthly_payment: Decimal
    total_interest: Decimal
    total_fees: Decimal
    upfront_fees: Decimal
    exact: bool
    schedule: Schedule | None = field(default=None, compare=False, repr=False)
    periodic_fee: Decimal = ZERO  # the fees paid with every instalment (分期手续费), per period

    @property
    def total_cost(self) -> Decimal:
        """Interest plus every fee: what borrowing costs beyond the principal."""
        return self.total_interest + self.total_fees

    @property
    def fee_based(self) -> bool:
        """An instalment plan priced by a fee with every payment (分期手续费, often at "0 利率"): RULES.md
        says it is quoted by its annualized rate with the fees included, never by its contract rate."""
        return self.periodic_fee > 0

    def to_dict(self) -> dict[str, object]:
        return {
            "annual_rate": str(self.annual_rate),
            "apr_compound": str(self.apr.compound.quantize(Decimal("0.000001"))),
            "apr_simple": str(self.apr.simple.quantize(Decimal("0.000001"))),
            "first_payment": str(self.first_payment),
            "monthly_payment": str(self.monthly_payment),
            "total_interest": str(self.total_interest),
            "total_fees": str(self.total_fees),
            "upfront_fees": str(self.upfront_fees),
            "total_cost": str(self.total_cost),
            "periodic_fee": str(self.periodic_fee),
            "fee_based": self.fee_based,
            "exact": self.exact,
        }


def apr_text(f: Figures) -> str:
    """The headline rate: "年化利率 3.87%（IRR 复利）"; for a fee-based product "年化利率（IRR 复利）6.78%
    （含手续费），单利 6.58%，合同利率 0.00%" — its contract rate only beside the annualized one, labelled
    (RULES.md)."""
    if not f.fee_based:
        return f"年化利率 {format_rate(f.apr.compound)}（IRR 复利）"
    return fee_based_apr_text(f.apr, f.annual_rate)


def fee_text(f: Figures) -> str:
    """The instalment fee per month (quotes are monthly) and in total: "分期手续费每月 375.00 元，
    共 4,500.00 元"; empty when the loan has none."""
    if not f.fee_based:
        return ""
    return instalment_fee_text(f.periodic_fee, f.total_fees)


def cost_difference_text(
    ours: Decimal, theirs: Decimal, *, subject: str = "我行方案", other: str = "对方"
) -> str:
    """Who pays more, never a signed "saving": "我行方案比对方多付 3,000.00 元" when ``ours`` costs more,
    "…少付 … 元" when less, "两者总成本相同" when equal. The one place such a sentence is written."""
    gap = ours - theirs
    if gap == 0:
        return "两者总成本相同"
    more_or_less = "多付" if gap > 0 else "少付"
    return f"{subject}比{other}{more_or_less} {format_yuan(abs(gap))} 元"


def fee_free_apr(annual_rate: Decimal) -> AnnualizedRate:
    """A fee-free monthly loan's annualized rate: periodic R/12, compound (1 + R/12)^12 − 1, simple R."""
    with localcontext(prec=PRECISION):
        periodic = annual_rate / 12
        return AnnualizedRate(periodic=periodic, compound=(1 + periodic) ** 12 - 1, simple=annual_rate)


def loan_terms(q: Quote, on: date) -> LoanTerms:
    """The loan a quote describes, as the arithmetic core takes it (随借随还 as 先息后本, fully drawn)."""
    method = Method.INTEREST_ONLY if q.method == Method.REVOLVING else q.method
    return LoanTerms(
        method=method,
        principal=q.amount,
        annual_rate=q.annual_rate,
        periods=q.term_months,
        start_date=on,
        fees=q.spec.loan_fees(q.amount),
    )


def figures(q: Quote, on: date, *, exact: bool = False) -> Figures:
    """The cost of ``q`` if drawn on ``on`` (see the module docstring for cheap vs full)."""
    method = Method.INTEREST_ONLY if q.method == Method.REVOLVING else q.method
    if exact or q.spec.fees or method == Method.BULLET:
        schedule = build_schedule(loan_terms(q, on))
        row = schedule.installments[0]
        return Figures(
            annual_rate=q.annual_rate,
            apr=annualized_rate(schedule),
            first_payment=row.payment + row.fee,
            monthly_payment=q.payment,
            total_interest=schedule.total_interest,
            total_fees=schedule.total_fees,
            upfront_fees=schedule.upfront_fees,
            exact=True,
            schedule=schedule,
            periodic_fee=schedule.terms.fee_total(FeeTiming.PER_PERIOD),
        )
    principal, rate, n = q.amount, q.annual_rate, q.term_months
    with localcontext(prec=PRECISION):
        monthly_interest = round_fen(principal * rate / 12)
        if method == Method.EQUAL_INSTALLMENT:
            payment = annuity_payment(principal, rate, n)
            first, interest, is_exact = payment, payment * n - principal, False
        elif method == Method.EQUAL_PRINCIPAL:
            first = round_fen(principal / n) + monthly_interest
            interest, is_exact = round_fen(principal * rate / 12 * (n + 1) / 2), False
        else:
            first, interest, is_exact = monthly_interest, monthly_interest * n, True
    return Figures(
        annual_rate=rate,
        apr=fee_free_apr(rate),
        first_payment=first,
        monthly_payment=q.payment,
        total_interest=max(interest, ZERO),
        total_fees=ZERO,
        upfront_fees=ZERO,
        exact=is_exact,
    )
