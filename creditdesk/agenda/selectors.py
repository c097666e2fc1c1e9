"""Reads of the agenda, always scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskStatus
from creditdesk.agenda.models import Task
from creditdesk.customers.models import Customer

UPCOMING_DAYS = 7


def task_list_visible_to(*, user: User) -> QuerySet[Task]:
    return scope.visible(user, Task.objects.select_related("owner", "owner__team", "customer"))


def task_get_visible(*, user: User, task_id: int | str) -> Task:
    return scope.get_visible_or_404(
        user, Task.objects.select_related("owner", "created_by", "customer"), pk=task_id
    )


def customer_open_tasks(*, user: User, customer: Customer) -> QuerySet[Task]:
    """The open tasks about ``customer`` that ``user`` may see (the tasks of the people in their scope:
    a team lead sees the team's, a customer manager their own), by due date — the 360 page's 待办."""
    return (
        task_list_visible_to(user=user)
        .filter(customer=customer, status=TaskStatus.OPEN)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class Agenda:
    """The day list: what is late, what is due today, what comes in the next days."""

    overdue: list[Task]
    today: list[Task]
    upcoming: list[Task]

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming)


def agenda_for(*, user: User, today: date) -> Agenda:
    """The signed-in person's own open tasks (not the team's), split by due date."""
    open_tasks = list(
        Task.objects.select_related("customer")
        .filter(owner=user, status=TaskStatus.OPEN, due_date__lte=today + timedelta(days=UPCOMING_DAYS))
        .order_by("due_date", "id")
    )
    return Agenda(
        overdue=[t for t in open_tasks if t.due_date < today],
        today=[t for t in open_tasks if t.due_date == today],
        upcoming=[t for t in open_tasks if t.due_date > today],
    )
