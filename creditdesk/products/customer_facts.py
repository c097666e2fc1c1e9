"""A customer's applicant facts (客户要素) for the admission rules: the one place they are read.

``facts_for(customer, need)`` maps what CreditDesk knows to the keys of ``facts.FACTS``:

=========================  ===========================================================================
fact                       from
=========================  ===========================================================================
customer_type              ``Customer.kind``
age                        whole years on ``today`` from the birth date (people with a resident ID); for
                           a business, the age of the person who repays: its operator (经营者), else its
                           legal representative (``customers.selectors.business_persons``) — the
                           age-at-maturity limits apply to that person
industry                   ``Customer.industry`` (free text; blank is missing; read only by product
                           versions saved before industry codes, ``rules.ExcludedIndustries``)
industry_code              ``Customer.industry_code`` (GB/T 4754-2017, normalized; blank is missing)
business_years             ``Customer.business_years_on(today)`` (whole years since the founding date)
size_class                 ``Customer.size_class_result`` (工信部 2011 standard from employees and revenue;
                           missing when it cannot be computed)
annual_revenue, employees, tax_credit_grade
                           the customer record (revenue decrypted and parsed; blank is missing)
provident_fund_months, provident_fund_base, payroll_with_bank
                           the customer record (a person's 公积金 and 代发工资)
owns_property              the customer record's 名下房产 (yes / no; unknown is missing)
monthly_income             the need's income counted (income + the business's net cash flow), else the
                           profile's ``monthly_income``; a 个体工商户 with no income of its own on file:
                           its operator's profile income (and the operator's monthly payments are added
                           to the business's, since the operator answers for the debts personally)
monthly_debt_payments      the need's, else the profile's (see above for a 个体工商户)
monthly_cash_flow          the need's revenue − costs (businesses)
current_overdue            the latest structured credit-report summary (``consents.CreditReportSummary``
                           of a 贷款审批 inquiry, ``consents.selectors.latest_report_summaries``); without
                           one, the legacy free-text summary on the customer: an overdue amount above 0
inquiries_6m               the latest structured summary; without one, the legacy summary
credit_line_usage          the latest structured summary's credit lines: used ÷ limit (missing without them)
overdue_months_consecutive_24m, overdue_months_cumulative_24m
                           the latest structured summary only (its 24-month status: 连三累六)
worst_overdue_days_24m     the legacy summary (the structured one records months, not days)
purpose, requested_amount, term_months, collateral_type, collateral_value, collateral_prior_liens,
home_purchase_order, has_guarantor, has_co_borrower, co_borrower_monthly_income
                           the need (``home_purchase_order`` only when it says 首套 or 二套)
=========================  ===========================================================================

Whose own credit and income count (PRODUCT.md §1: the persons behind a business "whose own credit and
income count"): for an enterprise or a 个体工商户, the credit facts combine the business's own report with
those of the persons behind it (经营者, 法定代表人): ``current_overdue`` is true when any of them has one;
``inquiries_6m``, the credit-line usage, the 连三累六 counts and the worst overdue days are the largest
of theirs. A party with no report adds nothing; with no report from anyone the facts stay missing. Two
queries whatever the number of persons: one for the persons, one for all their summaries.

Anything unknown is left out (missing → a rule that needs it answers "unknown", never a silent pass).
``risk_grade`` is not known here: the scorecard (``scoring``, a higher layer) provides it, and callers
above pass it — or any other fact they know better — as ``extra_facts``, which override what is read here
and are checked like the rest. The computed facts (the new payment, DTI after, LTV) belong to a product:
``evaluation.evaluate_product`` adds them.

The values read here are sensitive (income, revenue, credit report): callers show them only to people who
may see the customer; the persons behind a business are read unscoped to compute facts, never shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from creditdesk.consents.models import CreditReportSummary
from creditdesk.consents.selectors import latest_report_summaries
from creditdesk.core.money import parse_decimal
from creditdesk.customers.identity import age_on
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import business_persons
from creditdesk.products.facts import check_facts
from creditdesk.products.models import Need

BUSINESS_KINDS = ("enterprise", "individual_business")
# Credit facts and how the values of several parties combine: any (a yes/no) or the largest (a count).
_CREDIT_ANY = ("current_overdue",)
_CREDIT_MAX = (
    "inquiries_6m",
    "credit_line_usage",
    "worst_overdue_days_24m",
    "overdue_months_consecutive_24m",
    "overdue_months_cumulative_24m",
)


def _amount(text: str) -> Decimal | None:
    try:
        return parse_decimal(text) if text else None
    except ValueError:  # not a number: the fact is missing, the rules that need it answer "unknown"
        return None


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _credit_facts(customer: Customer, summary: CreditReportSummary | None) -> dict[str, Any]:
    """One party's credit facts: the legacy free-text summary, overridden by the structured one."""
    facts: dict[str, Any] = {}
    report = customer.credit_report_data
    overdue = _amount(str(report.get("current_overdue") or "")) if report else None
    if overdue is not None:
        facts["current_overdue"] = overdue > 0
    for key in ("worst_overdue_days_24m", "inquiries_6m"):
        count = _count(report.get(key)) if report else None
        if count is not None:
            facts[key] = count
    if summary is not None:
        opened = summary.summary
        facts.update(
            current_overdue=opened.current_overdue,
            inquiries_6m=opened.inquiries_6m,
            overdue_months_consecutive_24m=opened.consecutive_overdue_months,
            overdue_months_cumulative_24m=opened.cumulative_overdue_months,
        )
        if opened.credit_line_usage is not None:
            facts["credit_line_usage"] = opened.credit_line_usage
    return facts


def combine_credit(parties: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The credit facts of a business and the persons behind it as one: any current overdue, the largest
    count; a key none of them has stays missing."""
    combined: dict[str, Any] = {}
    for key in _CREDIT_ANY:
        values = [p[key] for p in parties if p.get(key) is not None]
        if values:
            combined[key] = any(values)
    for key in _CREDIT_MAX:
        counts = [p[key] for p in parties if p.get(key) is not None]
        if counts:
            combined[key] = max(counts)
    return combined


def _business_facts(customer: Customer, today: date) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "industry_code": customer.industry_code.strip() or None,
        "business_years": customer.business_years_on(today),
        "annual_revenue": _amount(customer.annual_revenue),
        "employees": customer.employees,
        "tax_credit_grade": customer.tax_credit_grade or None,
    }
    size = customer.size_class_result
    if size is not None:
        facts["size_class"] = str(size.size_class)
    return facts


def facts_for(
    customer: Customer,
    need: Need | None = None,
    *,
    extra_facts: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The customer's facts (see the module docstring); ``FactError`` if ``extra_facts`` are malformed."""
    today = today or timezone.localdate()
    facts: dict[str, Any] = {"customer_type": customer.kind}
    business = customer.kind in BUSINESS_KINDS
    persons = business_persons(customer=customer) if business else []
    if customer.birth_date is not None:
        facts["age"] = age_on(customer.birth_date, today)
    else:
        born = next((p.birth_date for p in persons if p.birth_date is not None), None)
        if born is not None:
            facts["age"] = age_on(born, today)
    if customer.industry.strip():
        facts["industry"] = customer.industry.strip()
    if customer.has_property is not None:
        facts["owns_property"] = customer.has_property
    if business:
        facts.update(_business_facts(customer, today))
    else:
        facts.update(
            provident_fund_months=customer.provident_fund_months,
            provident_fund_base=_amount(customer.provident_fund_base),
            payroll_with_bank=customer.payroll_with_bank,
        )
    income = _amount(customer.monthly_income)
    debts = _amount(customer.monthly_debt_payments)
    if income is None and customer.kind == "individual_business" and persons:
        operator = persons[0]
        income = _amount(operator.monthly_income)
        operator_debts = _amount(operator.monthly_debt_payments)
        if income is not None and operator_debts is not None:
            debts = (debts or Decimal(0)) + operator_debts
    if income is not None:
        facts["monthly_income"] = income
    if debts is not None:
        facts["monthly_debt_payments"] = debts
    summaries = latest_report_summaries(customers=[customer, *persons])
    parties = [_credit_facts(party, summaries.get(party.pk)) for party in (customer, *persons)]
    facts.update(combine_credit(parties))
    if need is not None:
        capacity = need.as_capacity()
        facts.update(
            monthly_income=capacity.total_income,
            monthly_debt_payments=capacity.monthly_debt_payments,
            purpose=need.purpose,
            requested_amount=need.amount,
            term_months=need.term_months,
            collateral_type=need.collateral_type,
            has_guarantor=need.has_guarantor,
            has_co_borrower=need.has_co_borrower,
            collateral_prior_liens=need.collateral_prior_liens,
            home_purchase_order=need.home_purchase_order or None,
        )
        if capacity.business_cash_flow is not None:
            facts["monthly_cash_flow"] = capacity.business_cash_flow
        if need.collateral_value is not None:
            facts["collateral_value"] = need.collateral_value
        if need.co_borrower_monthly_income is not None:
            facts["co_borrower_monthly_income"] = need.co_borrower_monthly_income
    if extra_facts:
        facts.update(extra_facts)
    facts = {key: value for key, value in facts.items() if value is not None}
    check_facts(facts)
    return facts
