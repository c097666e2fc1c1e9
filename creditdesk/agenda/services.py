"""Writes to the agenda. Each service is one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TASK_TRANSITIONS, TaskKind, TaskStatus
from creditdesk.agenda.models import Task
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.customers.services import Handover

AUDIT_FIELDS = ("owner", "customer", "title", "kind", "due_date", "notes", "status")
TITLE_MAX = 120
NOTES_MAX = 2000


def _check_assignable(*, actor: User, owner: User) -> None:
    """A person may give a task to themself; to anyone else as the policy says (``Action.TASK_ASSIGN``:
    a team lead, to an active member of their team)."""
    if owner.pk != actor.pk:
        policy.require(actor, Action.TASK_ASSIGN, owner)


def _linkable_customer(*, actor: User, owner: User, customer_id: int | None) -> Customer | None:
    """The customer a task is about, or None for a task about no one in particular.

    Rule (issue 13 item 9): a task names only a customer that both the person writing it and the
    task's owner can see — the customer must be one ``actor`` may pick (in scope, not merged away), else
    ``task_customer_not_found`` (the same refusal whether it exists elsewhere or not at all); and the
    owner, who will open it from the day list and the 360 page, must see it too, else
    ``task_customer_not_visible_to_owner``. So a team lead may give a customer manager of the team a
    task about that manager's own customers or about nobody; not about a colleague's customer, which the
    assignee could not open (reassign the customer first).
    """
    if customer_id is None:
        return None
    customer = customer_list_visible_to(user=actor).filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(
            "task_customer_not_found", _("客户不存在或不在您的权限范围内。"), {"field": "customer"}
        )
    if owner.pk != actor.pk:
        _require_owner_sees(owner=owner, customer=customer, field="customer")
    return customer


def _require_owner_sees(*, owner: User, customer: Customer, field: str) -> None:
    """The task's owner must see the customer the task is about (``_linkable_customer``'s rule)."""
    if not scope.can_see(owner, customer):
        raise DomainError(
            "task_customer_not_visible_to_owner",
            _("负责人看不到该客户，不能为其安排关于该客户的待办。"),
            {"field": field},
        )


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
    *,
    actor: User,
    owner: User,
    title: str,
    due_date: date,
    kind: str = TaskKind.FOLLOW_UP,
    notes: str = "",
    customer_id: int | None = None,
) -> Task:
    """Create a task for ``owner``. Rules: only for oneself, or by a team lead for a team member; about
    a customer only one both can see (``_linkable_customer``)."""
    title = _validate(title=title, kind=kind, due_date=due_date, notes=notes, today=timezone.localdate())
    _check_assignable(actor=actor, owner=owner)
    customer = _linkable_customer(actor=actor, owner=owner, customer_id=customer_id)
    task = Task.objects.create(
        owner=owner,
        customer=customer,
        title=title,
        kind=kind,
        due_date=due_date,
        notes=notes or "",
        created_by=actor,
    )
    audit_record(actor=actor, action="task.create", target=task, after=audit_snapshot(task, AUDIT_FIELDS))
    return task


def task_schedule(
    *,
    actor: User | None,
    owner: User,
    customer: Customer | None,
    title: str,
    due_date: date,
    kind: str = TaskKind.FOLLOW_UP,
    notes: str = "",
) -> Task:
    """A task a business service puts on the agenda of the person who must follow it up, inside that
    service's own transaction (not durable): e.g. collecting the proof of use after a 自主支付
    disbursement, or the mortgage registration after signing. The service has checked who may act; the
    owner is the one who works ``customer``; ``actor`` None: the system (the end-of-day batch). Audited
    like a task created by hand."""
    title = _validate(title=title, kind=kind, due_date=due_date, notes=notes, today=timezone.localdate())
    task = Task.objects.create(
        owner=owner,
        customer=customer,
        title=title,
        kind=kind,
        due_date=due_date,
        notes=notes or "",
        created_by=actor,
    )
    audit_record(actor=actor, action="task.create", target=task, after=audit_snapshot(task, AUDIT_FIELDS))
    return task


def task_settle(*, actor: User | None, task_id: int, status: str) -> Task | None:
    """An open task a business service closes inside its own transaction (not durable): done when the
    work it asked for is done elsewhere (a customer request answered), cancelled when it no longer applies
    (the request moved to someone else). The service has checked who may act; a task its owner already
    closed stays as it is (None). Audited like a status change by hand."""
    if status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValueError(f"a task is settled done or cancelled, not {status!r}")
    task = Task.objects.select_for_update().filter(pk=task_id, status=TaskStatus.OPEN).first()
    if task is None:
        return None
    before = audit_snapshot(task, ("status",))
    task.status = status
    task.completed_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action=f"task.{status}", target=task, before=before, after={"status": status})
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
    """Move a task to ``status`` along TASK_TRANSITIONS (done ↔ open, cancelled ↔ open). A task about a
    customer its owner no longer sees (handed over since: ``tasks_follow_handover`` left it as history)
    is not reopened — it would be an open task about a customer its owner cannot open."""
    task = _locked_changeable(actor=actor, task_id=task_id)
    if status not in TASK_TRANSITIONS.get(task.status, frozenset()):
        target = TaskStatus(status).label if status in TaskStatus.values else status
        raise Conflict(
            "task_status_transition",
            _("待办当前为「%(current)s」，不能改为「%(target)s」。")
            % {"current": task.get_status_display(), "target": target},
            {"field": "status", "from": task.status, "to": status},
        )
    reopened_about = task.customer_id if status == TaskStatus.OPEN else None
    if reopened_about is not None and not scope.can_see(task.owner, Customer(pk=reopened_about)):
        raise DomainError(
            "task_customer_not_visible_to_owner",
            _("负责人已看不到该客户（客户可能已移交），不能重新打开关于该客户的待办。"),
            {"field": "status"},
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
    """Give a task to another member of the team (team lead only, within the team); a task about a
    customer only to someone who can see that customer (the rule of ``_linkable_customer``)."""
    task = _locked_changeable(actor=actor, task_id=task_id)
    policy.require(actor, Action.TASK_REASSIGN)
    _check_assignable(actor=actor, owner=owner)
    if task.customer_id is not None:
        _require_owner_sees(owner=owner, customer=Customer(pk=task.customer_id), field="owner")
    _move_to(task, owner, actor=actor, action="task.reassign")
    return task


def _move_to(task: Task, owner: User, *, actor: User, action: str, **said: Any) -> None:
    """Give ``task`` to ``owner`` with its audit row (``said``: what else the row records)."""
    before = audit_snapshot(task, ("owner",))
    task.owner = owner
    task.save(update_fields=["owner"])
    audit_record(
        actor=actor,
        action=action,
        target=task,
        before=before,
        after={**audit_snapshot(task, ("owner",)), **said},
    )


@transaction.atomic(durable=True)
def task_set_customer(*, actor: User, task_id: int, customer_id: int | None) -> Task:
    """Link a task to a customer, another one, or none (``customer_id=None``). Rules: the person may
    change the task (its owner, or the team lead), and the customer is one both they and the task's
    owner can see (``_linkable_customer``)."""
    task = _locked_changeable(actor=actor, task_id=task_id)
    customer = _linkable_customer(actor=actor, owner=task.owner, customer_id=customer_id)
    before = audit_snapshot(task, ("customer",))
    task.customer = customer
    task.save(update_fields=["customer"])
    audit_record(
        actor=actor,
        action="task.set_customer",
        target=task,
        before=before,
        after=audit_snapshot(task, ("customer",)),
    )
    return task


def tasks_follow_handover(
    *, actor: User, handovers: Sequence[Handover], new_owner: User, reason: str
) -> None:
    """客户移交后的待办. Rule: the open tasks about a handed-over customer that its previous owner held move
    to the new owner — the follow-ups go with the customer, whom the previous owner no longer sees (a task
    names only a customer its owner sees: ``_linkable_customer``). Done and cancelled tasks stay with whoever
    did or dropped them, as history; tasks of anyone else (a team lead's own) stay too.

    Not a transaction of its own: ``customer_handover`` calls it inside its transaction (registered in
    ``AgendaConfig.ready()``), so the tasks move with the customers or not at all; the moved tasks are
    row-locked, each gets one audit row (``task.handover``: the owners, the customer, the reason)."""
    by_owner: dict[int, list[int]] = {}
    for handover in handovers:
        by_owner.setdefault(handover.previous_owner_id, []).append(handover.customer.pk)
    if not by_owner:
        return
    held = Q()
    for owner_id, customer_ids in by_owner.items():
        held |= Q(owner_id=owner_id, customer_id__in=customer_ids)
    tasks = list(Task.objects.filter(held, status=TaskStatus.OPEN).select_for_update().order_by("pk"))
    for task in tasks:
        _move_to(
            task, new_owner, actor=actor, action="task.handover", customer=task.customer_id, reason=reason
        )
