"""Choices of booked loans: how a disbursement is paid and the loan's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMode(models.TextChoices):
    """支付方式 (RULES.md, 受托支付)."""

    ENTRUSTED = "entrusted", _("受托支付")
    SELF = "self", _("自主支付")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    OVERDUE = "overdue", _("逾期")
    CLOSED = "closed", _("已结清")
    WRITTEN_OFF = "written_off", _("已核销")
    RESTRUCTURED = "restructured", _("已重组")
