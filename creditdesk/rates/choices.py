"""Repayment methods as translatable choices for forms, models and the API, derived from the pure
core's ``finance.terms.Method`` (which owns the values and the Chinese labels)."""

from creditdesk.core.choices import text_choices
from creditdesk.finance.terms import Method

RepaymentMethod = text_choices(Method, "RepaymentMethod")


SCHEDULED_METHOD_CHOICES = [
    choice for choice in RepaymentMethod.choices if choice[0] != RepaymentMethod.REVOLVING
]
"""The methods with a repayment schedule (随借随还 is charged on what is drawn, day by day)."""
