"""Repayment methods as translatable choices for forms, models and the API, derived from the pure
core's ``finance.terms.Method`` (which owns the values and the Chinese labels)."""

from creditdesk.core.choices import text_choices
from creditdesk.finance.pricing import LprTenor
from creditdesk.finance.terms import Method

RepaymentMethod = text_choices(Method, "RepaymentMethod")


SCHEDULED_METHOD_CHOICES = [
    choice for choice in RepaymentMethod.choices if choice[0] != RepaymentMethod.REVOLVING
]
"""The methods with a repayment schedule (随借随还 is charged on what is drawn, day by day)."""


LPR_TENOR_VALUES = [tenor.value for tenor in LprTenor]
"""The LPR tenors a rate is priced on (``finance.pricing.LprTenor``)."""
LPR_TENOR_REQUEST_VALUES = ["auto", *LPR_TENOR_VALUES]
"""What a quote request may ask for: a tenor, or ``auto`` (by the term, RULES.md "Pricing")."""
