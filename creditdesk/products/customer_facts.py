"""A customer's applicant facts (客户要素) for the admission rules: the one place they are read.

``facts_for(customer, need)`` maps what CreditDesk knows to the keys of ``facts.FACTS``:

=========================  ===========================================================================
fact                       from
=========================  ===========================================================================
customer_type              ``Customer.kind``
age                        whole years on ``today`` from the birth date (people with a resident ID)
industry                   ``Customer.industry`` (free text; blank is missing)
monthly_income             the need's income counted (income + the business's net cash flow), else the
                           profile's ``monthly_income``
monthly_debt_payments      the need's, else the profile's
monthly_cash_flow          the need's revenue − costs (businesses)
current_overdue            the latest structured credit-report summary (``consents.CreditReportSummary``
                           of a 贷款审批 inquiry, ``consents.selectors.latest_report_summary``); without
                           one, the legacy free-text summary on the customer: an overdue amount above 0
inquiries_6m               the latest structured summary; without one, the legacy summary
overdue_months_consecutive_24m, overdue_months_cumulative_24m
                           the latest structured summary only (its 24-month status: 连三累六)
worst_overdue_days_24m     the legacy summary (the structured one records months, not days)
purpose, requested_amount, term_months, collateral_type, collateral_value, has_guarantor,
has_co_borrower, co_borrower_monthly_income
                           the need
=========================  ===========================================================================

Anything unknown is left out (missing → a rule that needs it answers "unknown", never a silent pass).
``risk_grade`` is not known here: the scorecard (``scoring``, a higher layer) provides it, and callers
above pass it — or any other fact they know better, ``provident_fund_months``, ``business_years`` … — as
``extra_facts``, which override what is read here and are checked like the rest. The computed facts (the
new payment, DTI after, LTV) belong to a product: ``evaluation.evaluate_product`` adds them.

The values read here are sensitive (income, credit report): callers show them only to people who may
see the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from creditdesk.consents.selectors import latest_report_summary
from creditdesk.core.money import parse_decimal
from creditdesk.customers.identity import age_on
from creditdesk.customers.models import Customer
from creditdesk.products.facts import check_facts
from creditdesk.products.models import Need


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
    if customer.birth_date is not None:
        facts["age"] = age_on(customer.birth_date, today)
    if customer.industry.strip():
        facts["industry"] = customer.industry.strip()
    income = _amount(customer.monthly_income)
    debts = _amount(customer.monthly_debt_payments)
    if income is not None:
        facts["monthly_income"] = income
    if debts is not None:
        facts["monthly_debt_payments"] = debts
    report = customer.credit_report_data
    overdue = _amount(str(report.get("current_overdue") or "")) if report else None
    if overdue is not None:
        facts["current_overdue"] = overdue > 0
    for key in ("worst_overdue_days_24m", "inquiries_6m"):
        count = _count(report.get(key)) if report else None
        if count is not None:
            facts[key] = count
    # The structured summary of the latest dated inquiry wins over the legacy free-text one.
    latest = latest_report_summary(customer=customer)
    if latest is not None:
        summary = latest.summary
        facts.update(
            current_overdue=summary.current_overdue,
            inquiries_6m=summary.inquiries_6m,
            overdue_months_consecutive_24m=summary.consecutive_overdue_months,
            overdue_months_cumulative_24m=summary.cumulative_overdue_months,
        )
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
