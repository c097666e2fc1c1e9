"""Choices of the customer-request models: kind, urgency, complexity and tier come from the pure core
(``tiering``); the channel, the status with its moves and the history's event kinds are the app's own."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.choices import text_choices
from creditdesk.servicedesk import tiering

RequestKind = text_choices(tiering.RequestKind, "RequestKind")
Urgency = text_choices(tiering.Urgency, "Urgency")
Complexity = text_choices(tiering.Complexity, "Complexity")
Tier = text_choices(tiering.Tier, "Tier")


class RequestChannel(models.TextChoices):
    """How the request reached the bank."""

    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    SMS = "sms", _("短信")
    BRANCH = "branch", _("网点到访")
    ONLINE = "online", _("线上（手机银行/官网）")
    LETTER = "letter", _("信函")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待响应")
    RESPONDED = "responded", _("已响应")
    CLOSED = "closed", _("已办结")


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.RESPONDED, RequestStatus.CLOSED}),
    RequestStatus.RESPONDED: frozenset({RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),
}
"""A request is answered (the response target is met or missed then), then closed with its resolution;
one the customer withdrew may be closed unanswered. Closed is final."""


class RequestEventKind(models.TextChoices):
    CREATED = "created", _("登记")
    ROUTED = "routed", _("分派")
    ESCALATED = "escalated", _("升级")
    RESPONDED = "responded", _("响应")
    CLOSED = "closed", _("办结")


MAX_ESCALATION = 2
"""A request climbs at most two levels: the customer manager → the team lead → the branch head."""
