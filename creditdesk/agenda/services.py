"""Writes to the agenda. Each service is one transaction with its audit row."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TASK_TRANSITIONS, TaskKind, TaskStatus
from creditdesk.agenda.models import Task
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError

AUDIT_FIELDS = ("owner", "title", "kind", "due_date", "notes", "status")
TITLE_MAX = 120
NOTES_MAX = 2000


def _check_assignable(*, actor: User, owner: User) -> None:
    """A person may give a task to themself; to anyone else as the policy says (``Action.TASK_ASSIGN``:
    a team lead, to an active member of their team)."""
    if owner.pk != actor.pk:
        policy.require(actor, Action.TASK_ASSIGN, owner)


def _validate(*, title: str, kind: str, due_date: date, notes: str, today: date) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("task_title_required", _("请填写待办事项内容。"), {"field": "title"})
    if len(title) > TITLE_MAX:
        raise DomainError(
            "task_title_too_long",
            _("待办事项内容不能超过 %(n)s 个字。") % {"n": TITLE_MAX},
            {"field": "title"},
        )
    if kind not in TaskKind.values:
        raise DomainError("task_kind_unknown", _("待办类型无效。"), {"field": "kind"})
    if len(notes or "") > NOTES_MAX:
        raise DomainError(
            "task_notes_too_long", _("备注不能超过 %(n)s 个字。") % {"n": NOTES_MAX}, {"field": "notes"}
        )
    if due_date < today:
        raise DomainError("task_due_in_past", _("截止日期不能早于今天。"), {"field": "due_date"})
    return title


@transaction.atomic(durable=True)
def task_create(
    *, actor: User, owner: User, title: str, due_date: date, kind: str = TaskKind.FOLLOW_UP, notes: str = ""
) -> Task:
    """Create a task for ``owner``. Rule: only for oneself, or by a team lead for a team member."""
    title = _validate(title=title, kind=kind, due_date=due_date, notes=notes, today=timezone.localdate())
    _check_assignable(actor=actor, owner=owner)
    task = Task.objects.create(
        owner=owner, title=title, kind=kind, due_date=due_date, notes=notes or "", created_by=actor
    )
    audit_record(actor=actor, action="task.create", target=task, after=audit_snapshot(task, AUDIT_FIELDS))
    return task


def _locked_changeable(*, actor: User, task_id: int) -> Task:
    """The task, row-locked, if ``actor`` may change it; 404-equivalent otherwise."""
    return scope.get_for_change(
        actor,
        Task.objects.all(),
        task_id,
        missing=_("待办事项不存在，或不在您的权限范围内。"),
        code="task_read_only",
        message=_("您可以查看此待办，但不能修改。"),
    )


@transaction.atomic(durable=True)
def task_set_status(*, actor: User, task_id: int, status: str) -> Task:
    """Move a task to ``status`` along TASK_TRANSITIONS (done ↔ open, cancelled ↔ open)."""
    task = _locked_changeable(actor=actor, task_id=task_id)
    if status not in TASK_TRANSITIONS.get(task.status, frozenset()):
        target = TaskStatus(status).label if status in TaskStatus.values else status
        raise Conflict(
            "task_status_transition",
            _("待办当前为「%(current)s」，不能改为「%(target)s」。")
            % {"current": task.get_status_display(), "target": target},
            {"field": "status", "from": task.status, "to": status},
        )
    before = audit_snapshot(task, ("status",))
    task.status = status
    task.completed_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=actor,
        action=f"task.{status}",
        target=task,
        before=before,
        after=audit_snapshot(task, ("status",)),
    )
    return task


@transaction.atomic(durable=True)
def task_reassign(*, actor: User, task_id: int, owner: User) -> Task:
    """Give a task to another member of the team (team lead only, within the team)."""
    task = _locked_changeable(actor=actor, task_id=task_id)
    policy.require(actor, Action.TASK_REASSIGN)
    _check_assignable(actor=actor, owner=owner)
    before = audit_snapshot(task, ("owner",))
    task.owner = owner
    task.save(update_fields=["owner"])
    audit_record(
        actor=actor,
        action="task.reassign",
        target=task,
        before=before,
        after=audit_snapshot(task, ("owner",)),
    )
    return task
