"""The channels a message goes out through, the outbox's statuses with their moves, and the events a
person is told about (每种通知的事件), with their Chinese labels — written once, here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


# Channels that leave CreditDesk: delivered by a sender (``senders.py``) to the message's ``address``.
EXTERNAL_CHANNELS: frozenset[str] = frozenset({Channel.SMS, Channel.WECHAT})


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    WITHDRAWN = "withdrawn", _("已撤回（无须发送）")


# Only delivery moves a message: pending → sent, or pending → failed after the last attempt, or pending →
# withdrawn when a message written at sending time has nothing to say any more (``composers``).
OUTBOX_TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxStatus.PENDING: frozenset({OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.WITHDRAWN}),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.FAILED: frozenset(),
    OutboxStatus.WITHDRAWN: frozenset(),
}


class Event(models.TextChoices):
    """What a notification announces. A new kind of notification adds its event here first."""

    APPROVAL_ROUTED = "approval_routed", _("待审批")
    DECISION_MADE = "decision_made", _("审批结果")
    SLA_OVERDUE = "sla_overdue", _("审批超时")
    LOAN_DISBURSED = "loan_disbursed", _("已放款")
    REPAYMENT_DUE = "repayment_due", _("还款提醒")
    LOAN_OVERDUE = "loan_overdue", _("逾期通知")
    RATE_RESET = "rate_reset", _("利率调整通知")
    CUSTOMER_EDUCATION = "customer_education", _("金融知识")
    CUSTOMER_MESSAGE = "customer_message", _("客户消息")  # written by a CM, after the compliance guard
    SERVICE_REQUEST = "service_request", _("客户诉求")  # routed or escalated to the person who must answer


class ReadState(models.TextChoices):
    """The list's filter: unread or read notifications."""

    UNREAD = "unread", _("未读")
    READ = "read", _("已读")
