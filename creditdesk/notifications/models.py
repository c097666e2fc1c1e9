"""Notifications (通知): what a person is told inside CreditDesk, and the outbox every message to a person
or to an outside channel (SMS, WeChat) goes through."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.roles import Role
from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.notifications.choices import Channel, Event, OutboxStatus


class OutboxMessage(models.Model):
    """发件箱 — one message to deliver, written in the same transaction as the change it announces (so it
    exists exactly when the change does), delivered after commit by the channel's sender and retried with
    a growing wait until ``max_attempts``. ``dedupe_key`` is unique: the same event never yields two
    messages; delivery marks the row sent under a row lock, so a message is never delivered twice by two
    workers."""

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人（员工）"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # a customer's phone (an OpenID …) is personal information: sealed at rest like the customer's own
    # column (RULES.md "Personal information"), opened only by the sender that delivers the message
    address = EncryptedTextField(_("外部地址"), blank=True)
    event = models.CharField(_("事件"), max_length=50, choices=Event.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # unique by a named constraint, not ``unique=True``: on PostgreSQL that adds a second, pattern-ops
    # index for LIKE searches nobody makes — one more index written per message (tens of thousands of
    # reminders a night)
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="notifications_outbox_dedupe_key")]

    def __str__(self) -> str:
        return f"{self.channel} {self.event} {self.dedupe_key}"


class Notification(models.Model):
    """站内通知 — what one person is told inside CreditDesk (the in-app channel's delivery): title, text,
    the page it is about, and when it was read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.OneToOneField(
        OutboxMessage, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="notification"
    )
    event = models.CharField(_("事件"), max_length=50, choices=Event.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    # Only its recipient sees a notification, whatever their role — and every recipient may mark their own
    # read (an approver or a branch head is told things too), so every role "changes" what it sees.
    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="recipient", team=None, branch=None, change_roles=frozenset(Role)
    )

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title
