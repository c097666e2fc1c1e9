"""Task kinds and statuses, with the moves a status may make."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("客户跟进")
    VISIT = "visit", _("实地走访")
    DOCUMENTS = "documents", _("资料收集")
    POST_LOAN = "post_loan", _("贷后回访")
    COLLECTION = "collection", _("逾期跟进")
    CARE = "care", _("客户关怀")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.OPEN}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.OPEN}),
}
