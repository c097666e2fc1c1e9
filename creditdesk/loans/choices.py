"""Repayment methods as translatable choices for forms, models and the API (values = ``terms.Method``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = "equal_installment", _("等额本息")
    EQUAL_PRINCIPAL = "equal_principal", _("等额本金")
    INTEREST_ONLY = "interest_only", _("先息后本")
    BULLET = "bullet", _("一次性还本付息")
    REVOLVING = "revolving", _("随借随还")


SCHEDULED_METHOD_CHOICES = [
    choice for choice in RepaymentMethod.choices if choice[0] != RepaymentMethod.REVOLVING
]
"""The methods with a repayment schedule (随借随还 is charged on what is drawn, day by day)."""
