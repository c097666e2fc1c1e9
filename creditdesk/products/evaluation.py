"""Evaluating one customer against one product (准入测评): the product's rules on the customer's facts.

Pure (no Django). The facts come from ``customer_facts.facts_for`` (the customer's profile and latest
need) or from a caller as JSON (``facts_from_json``). Before the rules run, the facts a rule computes for
the product at hand are added, as far as they can be known here:

- ``loan_to_value`` = requested amount ÷ (collateral value − the liens already on it,
  ``collateral_prior_liens``; ``rules.loan_to_value``) when collateral with a value is offered; missing
  when the earlier liens use the value up;
- ``new_monthly_payment`` — the payment the DTI counts (``capacity.PaymentPlan``: the need's preferred
  method when the product offers it, else the product's first; for 先息后本, 一次性还本付息 and 随借随还
  the 等额本息 payment over max(term, floor), never the interest alone — RULES.md "Debt-to-income";
  its per-period fees included) at the
  product's rate for the customer — and ``debt_to_income_after`` from it. A fixed-rate product always has
  a rate; an LPR-priced product has one only when the customer's ``risk_grade`` is known (a higher layer,
  the scorecard, provides it through ``extra_facts``). Without a rate the payment stays missing and the
  DTI rule answers "unknown" — never a guess. (Matching, in ``solutions``, prices at the worst grade and
  says so; a rule check does not.)

Values a caller passes for the computed facts are replaced, as in matching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_rate, format_yuan, parse_decimal
from creditdesk.finance.apr import AnnualizedRate, annualized_rate
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import FeeTiming, LoanTerms, Method
from creditdesk.products.capacity import PaymentPlan
from creditdesk.products.catalogue import Price, ProductSpec, price_for
from creditdesk.products.facts import FACTS, FactError, FactType, check_facts, get_fact
from creditdesk.products.rules import Evaluation, evaluate, loan_to_value, obligation_floor_months

COMPUTED = tuple(key for key, fact in FACTS.items() if fact.computed)


def facts_from_json(data: object) -> dict[str, Any]:
    """Facts from a JSON object: money and ratios as decimal strings (or integers), counts as integers,
    yes/no as booleans, the rest as text; ``null`` is missing. Refuses (``FactError``) an unknown key, a
    float, a malformed number or a value of the wrong type."""
    if not isinstance(data, Mapping):
        raise FactError("facts_not_object", "客户要素应为对象（要素键 → 取值）。", {"fact": ""})
    facts: dict[str, Any] = {}
    for key, value in data.items():
        fact = get_fact(str(key))
        if value is not None and fact.type in (FactType.MONEY, FactType.RATIO):
            if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
                raise FactError(
                    "fact_type",
                    f'「{fact.label}」应为写成字符串的十进制数，如 "8000.00"（收到 {value!r}）。',
                    {"fact": key, "expected": fact.type.value},
                )
            try:
                value = parse_decimal(value)
            except ValueError as exc:
                raise FactError("fact_type", f"「{fact.label}」不是数字：{value!r}。", {"fact": key}) from exc
        facts[fact.key] = value
    check_facts(facts)
    return facts


@dataclass(frozen=True)
class ProductEvaluation:
    """The rules' answers for ``spec``, the facts they saw (computed ones included), the price used for
    the payment (None when unknown) and notes on how the computed facts were obtained."""

    spec: ProductSpec
    evaluation: Evaluation
    facts: Mapping[str, Any]
    price: Price | None
    method: Method | None
    notes: tuple[str, ...]
    fee_cost: FeeCost | None = None  # a fee-based product's annualized rate with its fees (RULES.md)

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.spec.code,
            "version": self.spec.version,
            **self.evaluation.to_dict(),
            "price": None if self.price is None else self.price.to_dict(),
            "method": None if self.method is None else str(self.method),
            "notes": list(self.notes),
            "fee_cost": None if self.fee_cost is None else self.fee_cost.to_dict(),
        }


def fee_based_apr_text(apr: AnnualizedRate, contract_rate: Decimal) -> str:
    """A fee-based loan's headline rate (RULES.md): its annualized rate with the fees, the 单利 one, and the
    contract rate only beside them, labelled —
    "年化利率（IRR 复利）6.78%（含手续费），单利 6.58%，合同利率 0.00%"."""
    return (
        f"年化利率（IRR 复利）{format_rate(apr.compound)}（含手续费），"
        f"单利 {format_rate(apr.simple)}，合同利率 {format_rate(contract_rate)}"
    )


def instalment_fee_text(periodic_fee: Decimal, total_fees: Decimal) -> str:
    """The instalment fee per month and in total: "分期手续费每月 375.00 元，共 4,500.00 元"."""
    return f"分期手续费每月 {format_yuan(periodic_fee)} 元，共 {format_yuan(total_fees)} 元"


@dataclass(frozen=True)
class FeeCost:
    """A fee-based product (分期手续费, often at "0 利率") at the requested amount and term: RULES.md quotes
    it by its annualized rate with the fees included (IRR of the real cash flows), never by its contract
    rate; the fee per period (monthly) and in total beside it."""

    apr: AnnualizedRate
    contract_rate: Decimal
    periodic_fee: Decimal
    total_fees: Decimal

    @property
    def sentence(self) -> str:
        apr = fee_based_apr_text(self.apr, self.contract_rate)
        return f"{apr}；{instalment_fee_text(self.periodic_fee, self.total_fees)}。"

    def to_dict(self) -> dict[str, object]:
        return {
            "apr_compound": str(self.apr.compound.quantize(Decimal("0.000001"))),
            "apr_simple": str(self.apr.simple.quantize(Decimal("0.000001"))),
            "contract_rate": str(self.contract_rate),
            "periodic_fee": str(self.periodic_fee),
            "total_fees": str(self.total_fees),
            "sentence": self.sentence,
        }


def fee_cost(
    spec: ProductSpec, method: Method, annual_rate: Decimal, amount: Decimal, term_months: int, on: date
) -> FeeCost | None:
    """The cost of ``spec`` when it charges a fee with every instalment; None when it does not, or when the
    core refuses the loan (an amount or term the product's own rules then report)."""
    if not any(f.timing == FeeTiming.PER_PERIOD for f in spec.fees):
        return None
    shape = Method.INTEREST_ONLY if method == Method.REVOLVING else method
    terms = LoanTerms(shape, amount, annual_rate, term_months, on, fees=spec.loan_fees(amount))
    try:
        schedule = build_schedule(terms)
        apr = annualized_rate(schedule)
    except DomainError:
        return None
    return FeeCost(
        apr=apr,
        contract_rate=annual_rate,
        periodic_fee=terms.fee_total(FeeTiming.PER_PERIOD),
        total_fees=schedule.total_fees,
    )


def _method(spec: ProductSpec, preferred: object) -> Method:
    if isinstance(preferred, str) and preferred in spec.methods:
        return Method(preferred)
    return Method(spec.methods[0])


def _plan(spec: ProductSpec, method: Method, rate: Decimal, term: int) -> PaymentPlan:
    per_period = [f for f in spec.fees if f.timing == FeeTiming.PER_PERIOD]
    return PaymentPlan(
        method=method,
        annual_rate=rate,
        term_months=term,
        fee_rate=sum((f.rate for f in per_period if f.rate is not None), ZERO),
        fee_amount=sum((f.amount for f in per_period if f.amount is not None), ZERO),
        floor_months=obligation_floor_months(spec.effective_rules),
    )


def evaluate_product(
    spec: ProductSpec,
    facts: Mapping[str, Any],
    lpr_table: Sequence[LprQuote],
    on: date,
    *,
    preferred_method: str | None = None,
    provident_table: Sequence[ProvidentQuote] = (),
    second_home: bool = False,
) -> ProductEvaluation:
    """Every rule of ``spec`` (its elements, then its admission rules) against ``facts`` with the computed
    facts added (see the module docstring). ``facts`` are checked first (``FactError``)."""
    check_facts(facts)
    merged: dict[str, Any] = {k: v for k, v in facts.items() if k not in COMPUTED}
    notes: list[str] = []
    amount, term = merged.get("requested_amount"), merged.get("term_months")
    kind, value = merged.get("collateral_type"), merged.get("collateral_value")
    if amount is not None and kind not in (None, "none") and value is not None and value > 0:
        merged["loan_to_value"] = loan_to_value(amount, value, merged.get("collateral_prior_liens"))
    price: Price | None = None
    method: Method | None = None
    cost: FeeCost | None = None
    if amount is not None and term is not None:
        grade = merged.get("risk_grade")
        try:
            price = price_for(
                spec, grade, term, lpr_table, on, provident_table=provident_table, second_home=second_home
            )
        except DomainError as exc:
            notes.append(f"{exc.message}本笔月供与贷后负债收入比暂无法计算。")
        if price is not None:
            method = _method(spec, preferred_method)
            payment = _plan(spec, method, price.annual_rate, term).payment(amount)
            merged["new_monthly_payment"] = payment
            cost = fee_cost(spec, method, price.annual_rate, amount, term, on)
            income, debts = merged.get("monthly_income"), merged.get("monthly_debt_payments")
            if income is not None and debts is not None:
                if merged.get("has_co_borrower") is True and merged.get("co_borrower_monthly_income"):
                    income += merged["co_borrower_monthly_income"]
                merged["debt_to_income_after"] = (debts + payment) / income if income > 0 else None
    return ProductEvaluation(
        spec=spec,
        evaluation=evaluate(spec.effective_rules, merged),
        facts=merged,
        price=price,
        method=method,
        notes=tuple(notes),
        fee_cost=cost,
    )
