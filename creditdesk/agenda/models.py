from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.agenda.choices import TaskKind, TaskStatus


class Task(models.Model):
    """待办事项 — something a person must do by a date: a follow-up call, a visit, documents to collect.

    Owned by one person; the owner's team lead sees and may reassign it, the branch head and risk
    manager of the owner's branch see it. Later capabilities (CRM follow-ups, post-loan visits, care
    greetings, collection steps) create tasks here so that one day list shows them all. A task may be
    about one customer (关联客户), whom its owner can see; it then shows on that customer's 360 page.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="tasks"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="tasks",
        null=True,
        blank=True,
        help_text=_("待办涉及的客户（可不填）"),
    )
    title = models.CharField(_("事项"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=TaskKind.choices, default=TaskKind.FOLLOW_UP)
    due_date = models.DateField(_("截止日期"))
    notes = models.TextField(_("备注"), blank=True, max_length=2000)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(  # null: put by the system (the end-of-day batch)
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="owner", team="owner__team", branch="owner__branch")

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["customer", "status", "due_date"], name="agenda_task_customer_open"),
        ]

    def __str__(self) -> str:
        return self.title
