"""Choices of the compliance models: the kinds, severities and channels are the pure guard's enumerations
(``guard.Kind``, ``guard.Severity``, ``guard.Channel``, which own the values and the Chinese labels); the
origin of a logged check is this app's own."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.compliance import guard
from creditdesk.core.choices import text_choices

RuleKind = text_choices(guard.Kind, "RuleKind")
Severity = text_choices(guard.Severity, "Severity")
Channel = text_choices(guard.Channel, "Channel")


class CheckOrigin(models.TextChoices):
    """Where a logged check came from: a send refused or warned, a program asking the API, a script
    reviewed before approval."""

    SEND = "send", _("发送前检查")
    API = "api", _("接口检查")
    SCRIPT = "script", _("话术审核")
