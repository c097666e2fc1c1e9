"""What CreditDesk holds about a customer at the moment of a pre-assessment, for a card on the registry's
features (``scoring.features``: an expert card, or a card trained on the bank's own history).

Rules (issue 14, "a card is defined on CreditDesk's own data"):

- the facts are the admission rules' (``products.customer_facts.facts_for``: the customer record, the
  latest structured 征信 summary, the customer's latest needs analysis — ``products.selectors.latest_need``),
  so a scorecard, an admission rule and the matching name the same value the same way;
- two features are computed here from the latest need, as ``products.evaluation`` computes them for a
  product, and said so:

  - 抵质押率 (``loan_to_value``) = requested amount ÷ (collateral value − the liens already on it)
    (``products.rules.loan_to_value``), for a need with collateral that has a value;
  - 贷后负债收入比 (``debt_to_income_after``) = (the need's existing monthly obligations + the new loan's
    monthly obligation) ÷ the need's income counted (a co-borrower's income added when there is one).
    The new loan's obligation is ``products.capacity.PaymentPlan.payment`` (RULES.md "Debt-to-income":
    先息后本 / 一次性还本付息 / 随借随还 count the 等额本息 payment over max(term, 12)) in the need's
    preferred method (等额本息 when it names none) at the LPR in force today for the term's tenor
    (1 年期 up to 60 months, 5 年期以上 beyond), without a spread: no product is chosen yet, so no
    product's price is known — a pre-screening estimate, which the source text says
    ("按最近一次需求分析，以 LPR 测算").
    Without income, debts or an LPR in force the feature stays missing and is asked;

- nothing is guessed: a fact CreditDesk does not hold is missing, and the pre-assessment asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_rate
from creditdesk.customers.models import Customer
from creditdesk.finance.pricing import LprTenor, lpr_in_force, tenor_for_term
from creditdesk.finance.terms import Method
from creditdesk.products.capacity import PaymentPlan
from creditdesk.products.customer_facts import facts_for
from creditdesk.products.models import Need
from creditdesk.products.rules import loan_to_value
from creditdesk.products.selectors import latest_need, lpr_table

DTI_SOURCE = "按最近一次需求分析，以 LPR 测算"
LTV_SOURCE = "按最近一次需求分析：申请金额 ÷（抵押物评估价值 − 已有抵押余额）"


@dataclass(frozen=True)
class AssessmentFacts:
    """The customer's facts (``products.facts`` keys) and, per computed feature, how it was obtained."""

    facts: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)
    need: Need | None = None


def _new_loan(need: Need, facts: dict[str, Any], today: date, notes: dict[str, str]) -> None:
    """Add ``debt_to_income_after`` (and ``new_monthly_payment``) from the need, at the LPR in force."""
    income, debts = facts.get("monthly_income"), facts.get("monthly_debt_payments")
    if income is None or debts is None:
        return
    term = int(need.term_months)
    try:
        quote = lpr_in_force(lpr_table(), today)
        tenor = tenor_for_term(term)
    except DomainError as exc:  # no LPR in force: the ratio cannot be estimated, it is asked
        notes["debt_to_income_after"] = exc.message
        return
    rate = quote.one_year if tenor == LprTenor.ONE_YEAR else quote.five_year
    method = Method(need.repayment_preference) if need.repayment_preference else Method.EQUAL_INSTALLMENT
    payment = PaymentPlan(method=method, annual_rate=rate, term_months=term).payment(Decimal(need.amount))
    facts["new_monthly_payment"] = payment
    if facts.get("has_co_borrower") is True and facts.get("co_borrower_monthly_income"):
        income += facts["co_borrower_monthly_income"]
    if income <= 0:
        return
    facts["debt_to_income_after"] = (debts + payment) / income
    notes["debt_to_income_after"] = (
        f"{DTI_SOURCE}（{tenor.label} LPR {format_rate(rate)}，{quote.effective_from.isoformat()} 起；"
        f"{method.label}）"
    )


def facts_at_assessment(customer: Customer, *, today: date) -> AssessmentFacts:
    """The facts a registry card is fed from for ``customer`` on ``today`` (see the module docstring)."""
    need = latest_need(customer=customer)
    facts = facts_for(customer, need, today=today)
    notes: dict[str, str] = {}
    if need is not None:
        kind, value = facts.get("collateral_type"), facts.get("collateral_value")
        if kind not in (None, "none") and value is not None and value > 0:
            ratio = loan_to_value(Decimal(need.amount), value, facts.get("collateral_prior_liens"))
            if ratio is not None:
                facts["loan_to_value"] = ratio
                notes["loan_to_value"] = LTV_SOURCE
        _new_loan(need, facts, today, notes)
    return AssessmentFacts(facts=facts, notes=notes, need=need)
