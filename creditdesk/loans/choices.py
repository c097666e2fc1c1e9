"""Choices of booked loans: how a disbursement is paid and the loan's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.choices import text_choices
from creditdesk.finance.classification import RiskClass
from creditdesk.finance.servicing import Bucket


class PaymentMode(models.TextChoices):
    """支付方式 (RULES.md, 受托支付)."""

    ENTRUSTED = "entrusted", _("受托支付")
    SELF = "self", _("自主支付")
    REFINANCE = "refinance", _("借新还旧（偿还原贷款）")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    OVERDUE = "overdue", _("逾期")
    CLOSED = "closed", _("已结清")
    WRITTEN_OFF = "written_off", _("已核销")
    RESTRUCTURED = "restructured", _("已重组")


RiskClassChoice = text_choices(RiskClass, "RiskClassChoice")
BucketChoice = text_choices(Bucket, "BucketChoice")


class RepaymentChannel(models.TextChoices):
    COUNTER = "counter", _("柜面")
    TRANSFER = "transfer", _("转账")
    AUTO_DEBIT = "auto_debit", _("代扣")
    OTHER = "other", _("其他")


class RepaymentStatus(models.TextChoices):
    POSTED = "posted", _("已入账")
    REVERSED = "reversed", _("已冲正")


class EodStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")


class InstallmentKind(models.TextChoices):
    SCHEDULED = "scheduled", _("计划还款")
    PREPAYMENT = "prepayment", _("提前还款")


class RepaymentKind(models.TextChoices):
    REGULAR = "regular", _("正常还款")
    PREPAYMENT = "prepayment", _("提前还款")
    SETTLEMENT = "settlement", _("提前结清")
    RECOVERY = "recovery", _("核销后收回")
    REFINANCE = "refinance", _("借新还旧结清")


class RestructuringKind(models.TextChoices):
    EXTENSION = "extension", _("展期")
    REFINANCE = "refinance", _("借新还旧")


class WriteOffStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已核销")
    REJECTED = "rejected", _("已否决")
