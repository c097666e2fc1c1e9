"""客户移交 and the agenda: the previous owner's open tasks about a handed-over customer go to the new owner
in the handover's transaction, audited; done and cancelled tasks stay with the previous owner as history
and cannot be reopened by someone who no longer sees the customer; nobody else's tasks move.

The customers app does not know the agenda: the agenda registers its listener from
``AgendaConfig.ready()`` (``customers.services.register_handover_listener``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.agenda import selectors, services
from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services as customer_services
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput
from creditdesk.customers.services import handover as handover_module

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "张经理调岗"


def soon(days=1):
    return timezone.localdate() + dt.timedelta(days=days)


def customer_of(owner, name):
    return customer_services.customer_create(actor=owner, data=CustomerInput(kind="individual", name=name))


def task(owner, title, customer=None, status="open"):
    made = services.task_create(
        actor=owner, owner=owner, title=title, due_date=soon(), customer_id=customer.pk if customer else None
    )
    if status != "open":
        made = services.task_set_status(actor=owner, task_id=made.pk, status=status)
    return made


@pytest.fixture
def book(org):
    """cm_a's customers 张三 and 李四, with tasks of cm_a (open, done, cancelled) and of lead1 about 张三."""
    zhang, li = customer_of(org.cm_a, "张三"), customer_of(org.cm_a, "李四")
    return {
        "zhang": zhang,
        "li": li,
        "open": task(org.cm_a, "回访张三", zhang),
        "open2": task(org.cm_a, "收集张三流水", zhang),
        "done": task(org.cm_a, "首次拜访张三", zhang, status="done"),
        "cancelled": task(org.cm_a, "约张三吃饭", zhang, status="cancelled"),
        "lead": task(org.lead1, "审阅张三的方案", zhang),
        "other_customer": task(org.cm_a, "回访李四", li),
        "nobody": task(org.cm_a, "整理名片"),
    }


def owner_of(name, book):
    return Task.objects.get(pk=book[name].pk).owner.username


def handover_events():
    return AuditEvent.objects.filter(action="task.handover")


def test_open_tasks_follow_the_customer_and_history_stays(org, book):
    customer_services.customer_handover(
        actor=org.lead1, customer_ids=[book["zhang"].pk], new_owner=org.cm_b, reason=REASON
    )
    assert {name: owner_of(name, book) for name in book if name not in ("zhang", "li")} == {
        "open": "cm_b",
        "open2": "cm_b",
        "done": "cm_a",  # history: who did it
        "cancelled": "cm_a",  # history: who dropped it
        "lead": "lead1",  # the lead's own task: the lead still sees the customer
        "other_customer": "cm_a",  # 李四 was not handed over
        "nobody": "cm_a",
    }
    assert Task.objects.get(pk=book["open"].pk).status == "open"
    events = handover_events().order_by("target_id")
    assert [(e.actor, e.target_id, e.before, e.after) for e in events] == [
        (
            org.lead1,
            str(t.pk),
            {"owner": org.cm_a.pk},
            {"owner": org.cm_b.pk, "customer": book["zhang"].pk, "reason": REASON},
        )
        for t in sorted([book["open"], book["open2"]], key=lambda t: str(t.pk))
    ]
    # The new owner finds them on their list and can open the customer; the previous owner no longer.
    assert set(selectors.task_list_visible_to(user=org.cm_b)) == {
        Task.objects.get(pk=book["open"].pk),
        Task.objects.get(pk=book["open2"].pk),
    }
    assert all(
        scope.can_see(t.owner, t.customer) for t in Task.objects.filter(status="open", customer__isnull=False)
    )
    assert not selectors.task_list_visible_to(user=org.cm_a).filter(pk=book["open"].pk).exists()


def test_the_previous_owner_cannot_reopen_a_task_about_a_customer_gone(org, book):
    customer_services.customer_handover(
        actor=org.lead1, customer_ids=[book["zhang"].pk], new_owner=org.cm_b, reason=REASON
    )
    audits = AuditEvent.objects.count()
    for name in ("done", "cancelled"):
        with pytest.raises(DomainError) as refused:
            services.task_set_status(actor=org.cm_a, task_id=book[name].pk, status="open")
        assert refused.value.code == "task_customer_not_visible_to_owner"
        assert refused.value.extra == {"field": "status"}
        assert Task.objects.get(pk=book[name].pk).status == name
    assert AuditEvent.objects.count() == audits
    # A task of the previous owner about a customer still theirs reopens as before.
    services.task_set_status(actor=org.cm_a, task_id=book["other_customer"].pk, status="done")
    services.task_set_status(actor=org.cm_a, task_id=book["other_customer"].pk, status="open")


def test_a_branch_head_hands_over_to_another_team_and_the_tasks_go_along(org, book):
    customer_services.customer_handover(
        actor=org.head1, customer_ids=[book["zhang"].pk, book["li"].pk], new_owner=org.cm_c, reason=REASON
    )
    assert [owner_of(n, book) for n in ("open", "open2", "other_customer", "done", "nobody")] == [
        "cm_c",
        "cm_c",
        "cm_c",
        "cm_a",
        "cm_a",
    ]
    assert handover_events().count() == 3
    moved = Task.objects.get(pk=book["open"].pk)
    services.task_set_status(actor=org.cm_c, task_id=moved.pk, status="done")  # theirs to close now
    assert Task.objects.get(pk=moved.pk).status == "done"


def test_nothing_moves_when_the_customer_stays_with_its_owner(org, book):
    customer_services.customer_handover(
        actor=org.lead1, customer_ids=[book["zhang"].pk], new_owner=org.cm_a, reason=REASON
    )
    assert owner_of("open", book) == "cm_a" and not handover_events().exists()


def test_a_refused_handover_moves_no_task(org, book):
    wang = customer_of(org.cm_c, "王五")  # another team: lead1 may not hand it over
    with pytest.raises(DomainError):
        customer_services.customer_handover(
            actor=org.lead1, customer_ids=[book["zhang"].pk, wang.pk], new_owner=org.cm_b, reason=REASON
        )
    assert owner_of("open", book) == "cm_a" and not handover_events().exists()


def test_tasks_and_customers_move_in_one_transaction(org, book, monkeypatch):
    def refuse(**kwargs):
        raise DomainError("listener_refused", "后续处理失败。")

    # A listener registered after the agenda's fails: the tasks already moved roll back with the handover.
    monkeypatch.setitem(handover_module._LISTENERS, "test.refuse", refuse)
    with pytest.raises(DomainError):
        customer_services.customer_handover(
            actor=org.lead1, customer_ids=[book["zhang"].pk], new_owner=org.cm_b, reason=REASON
        )
    assert Customer.objects.get(pk=book["zhang"].pk).owner == org.cm_a
    assert owner_of("open", book) == "cm_a"
    assert (
        not handover_events().exists() and not AuditEvent.objects.filter(action="customer.handover").exists()
    )


def test_the_agenda_is_registered_not_named(org):
    assert services.tasks_follow_handover in handover_module.handover_listeners()


def test_the_handover_api_moves_the_tasks(api_client, org, book):
    api_client.force_authenticate(org.lead1)
    answer = api_client.post(
        "/api/v1/customers/handover/",
        {"customer_ids": [book["zhang"].pk], "new_owner": org.cm_b.pk, "reason": REASON},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert owner_of("open", book) == "cm_b" and owner_of("done", book) == "cm_a"
    api_client.force_authenticate(org.cm_b)
    listed = api_client.get("/api/v1/tasks/").json()
    titles = {row["title"] for row in listed.get("results", listed)}
    assert {"回访张三", "收集张三流水"} <= titles and "首次拜访张三" not in titles
