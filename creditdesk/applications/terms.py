"""The loan an application part describes, and its repayment schedule as the customer is shown it.

One function makes the schedule of a part (``part_schedule``) and one writes it down (``schedule_rows``):
the contract (借款合同) stores those rows and their digest when it is signed, and disbursement builds the
loan's instalments through the same two functions and refuses to book a schedule whose digest differs —
so the booked loan repays byte for byte what the customer signed for (issue 15, item 9).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from creditdesk.applications.models import ApplicationPart
from creditdesk.finance.apr import annualized_rate
from creditdesk.finance.schedule import Schedule, build_schedule
from creditdesk.finance.terms import LoanTerms, Method

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.0001")


def part_terms(part: ApplicationPart, value_date: date) -> LoanTerms:
    """The part as the arithmetic core takes it: amount, the offered rate (stored in percent), term,
    method (随借随还 fully drawn, as 先息后本) and the product's fees, from ``value_date``."""
    method = Method(part.method)
    if method == Method.REVOLVING:
        method = Method.INTEREST_ONLY
    spec = part.product_version.as_spec()
    return LoanTerms(
        method=method,
        principal=part.amount,
        annual_rate=part.annual_rate / HUNDRED,
        periods=part.term_months,
        start_date=value_date,
        fees=spec.loan_fees(part.amount),
    )


def part_schedule(part: ApplicationPart, value_date: date) -> Schedule:
    return build_schedule(part_terms(part, value_date))


def apr_percent(schedule: Schedule) -> Decimal:
    """The annualized rate (IRR, compound, fees included) in percent to four places, as the contract
    states it and the loan keeps it."""
    return (annualized_rate(schedule).compound * HUNDRED).quantize(PERCENT_PLACES)


def schedule_rows(schedule: Schedule) -> list[dict[str, str | int]]:
    """The schedule as written in the contract and booked on the loan: one row per instalment, amounts
    as strings to the fen (never floats)."""
    return [
        {
            "period": row.period,
            "due_date": row.due_date.isoformat(),
            "payment": str(row.payment),
            "principal": str(row.principal),
            "interest": str(row.interest),
            "fee": str(row.fee),
            "balance": str(row.balance),
        }
        for row in schedule.installments
    ]


def schedule_digest(rows: list[dict[str, str | int]]) -> str:
    """SHA-256 of the rows in one canonical JSON form (sorted keys, no spaces)."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
