"""Consent kinds, inquiry purposes and signing channels (RULES.md, "Personal information")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.consents.rules import WRITTEN_CHANNELS, SigningChannel
from creditdesk.core.choices import text_choices


class ConsentKind(models.TextChoices):
    CREDIT_INQUIRY = "credit_inquiry", _("征信查询授权")
    MARKETING = "marketing", _("营销授权")


class Purpose(models.TextChoices):
    """Why a credit report is queried. The first four need the person's written authorization for
    exactly that purpose; post-loan management of an existing loan is the one exemption."""

    LOAN_REVIEW = "loan_review", _("贷款审批")
    CARD_REVIEW = "card_review", _("信用卡审批")
    GUARANTOR_REVIEW = "guarantor_review", _("担保资格审查")
    ENTITY_REVIEW = "entity_review", _("特约商户实名审查")
    POST_LOAN = "post_loan", _("贷后管理")


EXEMPT_PURPOSES = frozenset({Purpose.POST_LOAN})
CONSENT_PURPOSE_CHOICES = [(value, label) for value, label in Purpose.choices if value not in EXEMPT_PURPOSES]


ConsentChannel = text_choices(SigningChannel, "ConsentChannel")
WRITTEN_CHANNEL_VALUES = frozenset(channel.value for channel in WRITTEN_CHANNELS)
# A credit-inquiry authorization is recorded only through a written channel (the form offers no other).
WRITTEN_CHANNEL_CHOICES = [
    (value, label) for value, label in ConsentChannel.choices if value in WRITTEN_CHANNEL_VALUES
]


class ConsentState(models.TextChoices):
    """Derived, never stored: what a consent is worth on a given day."""

    VALID = "valid", _("有效")
    NOT_YET_VALID = "not_yet_valid", _("未生效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤回")
