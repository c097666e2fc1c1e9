"""Tasks about a customer (issue 13 item 9): who may link which customer, the form's picker and
pre-fill, the list and the API, and the 待办 panel of the customer 360 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from creditdesk.agenda import services
from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.core.panels import customer_panels
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)


def soon(days=1):
    return timezone.localdate() + dt.timedelta(days=days)


def customer_of(owner, name):
    return customer_services.customer_create(actor=owner, data=CustomerInput(kind="individual", name=name))


@pytest.fixture
def people(org):
    """张三 (cm_a's) and 李四 (cm_b's), both of team T1 under lead1; 王五 of cm_c, another team."""
    org.zhang = customer_of(org.cm_a, "张三")
    org.li = customer_of(org.cm_b, "李四")
    org.wang = customer_of(org.cm_c, "王五")
    return org


def _audit_count():
    return AuditEvent.objects.filter(action="task.create").count()


# --- the service's rule ------------------------------------------------------------------------------


def test_a_manager_links_a_task_to_their_own_customer(people):
    task = services.task_create(
        actor=people.cm_a, owner=people.cm_a, title="回访张三", due_date=soon(), customer_id=people.zhang.pk
    )
    task.refresh_from_db()
    assert task.customer == people.zhang
    event = AuditEvent.objects.get(action="task.create")
    assert event.after["customer"] == people.zhang.pk


def test_a_task_about_nobody_keeps_no_customer(people):
    task = services.task_create(actor=people.cm_a, owner=people.cm_a, title="整理名片", due_date=soon())
    assert Task.objects.get(pk=task.pk).customer_id is None


@pytest.mark.parametrize("whose", ["li", "wang", "missing"])
def test_a_customer_outside_the_scope_is_refused_and_nothing_is_saved(people, whose):
    customer_id = 999_999 if whose == "missing" else getattr(people, whose).pk
    audits = _audit_count()
    with pytest.raises(DomainError) as refused:
        services.task_create(
            actor=people.cm_a, owner=people.cm_a, title="回访", due_date=soon(), customer_id=customer_id
        )
    assert (refused.value.code, refused.value.message, refused.value.extra) == (
        "task_customer_not_found",
        "客户不存在或不在您的权限范围内。",
        {"field": "customer"},
    )
    assert not Task.objects.exists()
    assert _audit_count() == audits


def test_a_team_lead_assigns_a_task_about_the_assignees_own_customer(people):
    task = services.task_create(
        actor=people.lead1, owner=people.cm_a, title="补资料", due_date=soon(), customer_id=people.zhang.pk
    )
    assert (task.owner, task.customer) == (people.cm_a, people.zhang)


def test_a_team_lead_may_not_give_a_task_about_a_colleagues_customer(people):
    """lead1 sees 李四 (cm_b's), cm_a does not: cm_a could not open the customer the task is about."""
    with pytest.raises(DomainError) as refused:
        services.task_create(
            actor=people.lead1, owner=people.cm_a, title="回访", due_date=soon(), customer_id=people.li.pk
        )
    assert (refused.value.code, refused.value.extra) == (
        "task_customer_not_visible_to_owner",
        {"field": "customer"},
    )
    assert not Task.objects.exists()
    assert _audit_count() == 0


def test_a_team_lead_keeps_a_task_about_any_customer_of_the_team(people):
    task = services.task_create(
        actor=people.lead1, owner=people.lead1, title="陪访", due_date=soon(), customer_id=people.li.pk
    )
    assert task.customer == people.li


def test_reassigning_a_customer_task_to_someone_who_cannot_see_the_customer_is_refused(people):
    task = services.task_create(
        actor=people.lead1, owner=people.cm_b, title="回访", due_date=soon(), customer_id=people.li.pk
    )
    with pytest.raises(DomainError) as refused:
        services.task_reassign(actor=people.lead1, task_id=task.pk, owner=people.cm_a)
    assert refused.value.code == "task_customer_not_visible_to_owner"
    task.refresh_from_db()
    assert task.owner == people.cm_b
    assert not AuditEvent.objects.filter(action="task.reassign").exists()
    moved = services.task_reassign(actor=people.lead1, task_id=task.pk, owner=people.lead1)
    assert moved.owner == people.lead1


# --- pages --------------------------------------------------------------------------------------------


def test_the_form_links_the_customer_and_the_list_shows_it(client, people):
    client.force_login(people.cm_a)
    response = client.post(
        "/agenda/new/",
        {"title": "上门核实", "kind": "visit", "due_date": soon().isoformat(), "customer": people.zhang.pk},
    )
    task = Task.objects.get()
    assert response["Location"] == f"/agenda/{task.pk}/"
    assert task.customer == people.zhang
    listed = client.get("/agenda/").content.decode()
    assert f'<a href="/customers/{people.zhang.pk}/" data-testid="task-customer">张三</a>' in listed
    detail = client.get(f"/agenda/{task.pk}/").content.decode()
    assert f'<a href="/customers/{people.zhang.pk}/" data-testid="task-customer">张三</a>' in detail


def test_the_form_refuses_a_customer_outside_the_scope_and_saves_nothing(client, people):
    client.force_login(people.cm_a)
    response = client.post(
        "/agenda/new/",
        {"title": "回访", "kind": "visit", "due_date": soon().isoformat(), "customer": people.li.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "客户不存在或不在您的权限范围内。" in page
    assert "李四" not in page  # the refused customer is not named back
    assert not Task.objects.exists()
    assert _audit_count() == 0


def test_new_task_from_the_360_page_prefills_the_customer(client, people):
    client.force_login(people.cm_a)
    page = client.get(f"/agenda/new/?customer={people.zhang.pk}").content.decode()
    assert f'<option value="{people.zhang.pk}" selected>张三</option>' in page
    other = client.get(f"/agenda/new/?customer={people.li.pk}").content.decode()
    assert "李四" not in other  # out of scope: not pre-filled, not named


def test_the_customer_search_finds_only_customers_in_scope(client, people):
    client.force_login(people.cm_a)
    found = client.get("/agenda/customer-candidates/", {"q": "张三"}).content.decode()
    assert f'<option value="{people.zhang.pk}">张三（#{people.zhang.pk}）' in found
    assert client.get("/agenda/customer-candidates/", {"q": "李四"}).content.decode().count("<option") == 1
    client.force_login(people.lead1)
    found = client.get("/agenda/customer-candidates/", {"q": "李四"}).content.decode()
    assert f'<option value="{people.li.pk}">李四（#{people.li.pk}）' in found


# --- the 360 page's panel ---------------------------------------------------------------------------------


def test_the_agenda_registers_the_tasks_panel():
    panel = {p.key: p for p in customer_panels()}["tasks"]
    assert (str(panel.title), panel.url_name) == ("待办", "agenda:customer_panel")


def test_the_panel_lists_the_open_tasks_the_viewer_may_see(client, people):
    mine = services.task_create(
        actor=people.cm_a, owner=people.cm_a, title="回访张三", due_date=soon(2), customer_id=people.zhang.pk
    )
    leads = services.task_create(
        actor=people.lead1,
        owner=people.lead1,
        title="陪访张三",
        due_date=soon(1),
        customer_id=people.zhang.pk,
    )
    done = services.task_create(
        actor=people.cm_a, owner=people.cm_a, title="已办张三", due_date=soon(), customer_id=people.zhang.pk
    )
    services.task_set_status(actor=people.cm_a, task_id=done.pk, status="done")
    services.task_create(actor=people.cm_a, owner=people.cm_a, title="别的事", due_date=soon())

    client.force_login(people.lead1)
    panel = client.get(f"/agenda/customers/{people.zhang.pk}/panel/").content.decode()
    assert panel.count('data-testid="customer-task"') == 2
    assert panel.index("陪访张三") < panel.index("回访张三")  # by due date
    assert "已办张三" not in panel and "别的事" not in panel
    assert f'href="/agenda/new/?customer={people.zhang.pk}"' in panel

    client.force_login(people.cm_a)  # a customer manager sees their own tasks, not the lead's
    panel = client.get(f"/agenda/customers/{people.zhang.pk}/panel/").content.decode()
    assert panel.count('data-testid="customer-task"') == 1
    assert f'href="/agenda/{mine.pk}/"' in panel and f'href="/agenda/{leads.pk}/"' not in panel

    client.force_login(people.cm_c)  # another team: the customer is not theirs to see
    assert client.get(f"/agenda/customers/{people.zhang.pk}/panel/").status_code == 404


def test_the_360_page_loads_the_tasks_panel(client, people):
    client.force_login(people.cm_a)
    page = client.get(f"/customers/{people.zhang.pk}/").content.decode()
    assert f'hx-get="/agenda/customers/{people.zhang.pk}/panel/"' in page


# --- API ----------------------------------------------------------------------------------------------


def test_api_links_the_customer_answers_it_and_filters_by_it(api_client, people):
    api_client.force_authenticate(people.cm_a)
    created = api_client.post(
        "/api/v1/tasks/",
        {"title": "回访", "due_date": soon().isoformat(), "customer": people.zhang.pk},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["customer"] == {"id": people.zhang.pk, "name": "张三"}
    plain = api_client.post(
        "/api/v1/tasks/", {"title": "整理", "due_date": soon().isoformat(), "customer": None}, format="json"
    )
    assert plain.status_code == 201 and plain.json()["customer"] is None
    listed = api_client.get("/api/v1/tasks/", {"customer": people.zhang.pk}).json()
    assert [t["title"] for t in listed["results"]] == ["回访"]
    assert api_client.get("/api/v1/tasks/", {"customer": "abc"}).status_code == 400


def test_api_refuses_a_customer_outside_the_scope_with_a_stable_code(api_client, people):
    api_client.force_authenticate(people.cm_a)
    refused = api_client.post(
        "/api/v1/tasks/",
        {"title": "回访", "due_date": soon().isoformat(), "customer": people.li.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["message"]) == (
        "task_customer_not_found",
        "客户不存在或不在您的权限范围内。",
    )
    assert not Task.objects.exists()
    assert _audit_count() == 0


def test_the_schema_documents_the_customer(api_client, people):
    api_client.force_authenticate(people.cm_a)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    create = schema["components"]["schemas"]["TaskCreateRequest"]["properties"]["customer"]
    assert (create["type"], create["nullable"], create["minimum"]) == ("integer", True, 1)
    params = {p["name"] for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert "customer" in params


# --- changing the customer of a task -------------------------------------------------------------------


def test_the_customer_of_a_task_is_changed_and_removed_with_an_audit_row(people):
    task = services.task_create(actor=people.cm_b, owner=people.cm_b, title="回访", due_date=soon())
    linked = services.task_set_customer(actor=people.lead1, task_id=task.pk, customer_id=people.li.pk)
    assert Task.objects.get(pk=task.pk).customer == people.li == linked.customer
    services.task_set_customer(actor=people.cm_b, task_id=task.pk, customer_id=None)
    assert Task.objects.get(pk=task.pk).customer_id is None
    events = AuditEvent.objects.filter(action="task.set_customer").order_by("id")
    assert [(e.before, e.after) for e in events] == [
        ({"customer": None}, {"customer": people.li.pk}),
        ({"customer": people.li.pk}, {"customer": None}),
    ]


@pytest.mark.parametrize(
    ("actor", "whose", "code"),
    [
        ("cm_b", "zhang", "task_customer_not_found"),  # cm_b cannot see cm_a's customer
        ("lead1", "zhang", "task_customer_not_visible_to_owner"),  # the lead sees him, the owner cm_b not
        ("cm_b", "wang", "task_customer_not_found"),
    ],
)
def test_changing_to_a_customer_out_of_reach_is_refused_and_nothing_changes(people, actor, whose, code):
    task = services.task_create(
        actor=people.cm_b, owner=people.cm_b, title="回访", due_date=soon(), customer_id=people.li.pk
    )
    with pytest.raises(DomainError) as refused:
        services.task_set_customer(
            actor=getattr(people, actor), task_id=task.pk, customer_id=getattr(people, whose).pk
        )
    assert refused.value.code == code
    assert Task.objects.get(pk=task.pk).customer == people.li
    assert not AuditEvent.objects.filter(action="task.set_customer").exists()


def test_the_task_page_changes_the_customer(client, people):
    task = services.task_create(actor=people.cm_a, owner=people.cm_a, title="回访", due_date=soon())
    client.force_login(people.cm_a)
    page = client.get(f"/agenda/{task.pk}/").content.decode()
    assert 'data-testid="task-customer-form"' in page
    response = client.post(f"/agenda/{task.pk}/customer/", {"customer": people.zhang.pk})
    assert response["Location"] == f"/agenda/{task.pk}/"
    assert Task.objects.get(pk=task.pk).customer == people.zhang
    refused = client.post(f"/agenda/{task.pk}/customer/", {"customer": people.li.pk}, follow=True)
    assert "客户不存在或不在您的权限范围内。" in refused.content.decode()
    assert Task.objects.get(pk=task.pk).customer == people.zhang


def test_api_changes_the_customer(api_client, people):
    task = services.task_create(actor=people.cm_a, owner=people.cm_a, title="回访", due_date=soon())
    api_client.force_authenticate(people.cm_a)
    url = f"/api/v1/tasks/{task.pk}/customer/"
    changed = api_client.post(url, {"customer": people.zhang.pk}, format="json")
    assert (changed.status_code, changed.json()["customer"]) == (200, {"id": people.zhang.pk, "name": "张三"})
    refused = api_client.post(url, {"customer": people.wang.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "task_customer_not_found")
    cleared = api_client.post(url, {"customer": None}, format="json")
    assert (cleared.status_code, cleared.json()["customer"]) == (200, None)
    assert Task.objects.get(pk=task.pk).customer_id is None


def test_the_day_list_shows_the_customer_of_a_task(client, people):
    services.task_create(
        actor=people.cm_a, owner=people.cm_a, title="回访张三", due_date=soon(), customer_id=people.zhang.pk
    )
    client.force_login(people.cm_a)
    home = client.get("/").content.decode()
    assert f'<a href="/customers/{people.zhang.pk}/" data-testid="task-customer">张三</a>' in home


@pytest.mark.parametrize("value", ["", "abc", "²", "99999999999999999999", "0"])
def test_a_malformed_customer_in_the_new_task_link_prefills_nothing(client, people, value):
    client.force_login(people.cm_a)
    response = client.get("/agenda/new/", {"customer": value})
    assert response.status_code == 200
    assert response.context["form"]["customer"].value() is None


def test_the_branch_head_sees_the_branch_tasks_about_the_customer_and_the_list_filters_by_it(client, people):
    services.task_create(
        actor=people.cm_a, owner=people.cm_a, title="回访张三", due_date=soon(), customer_id=people.zhang.pk
    )
    services.task_create(
        actor=people.lead1, owner=people.lead1, title="陪访张三", due_date=soon(), customer_id=people.zhang.pk
    )
    services.task_create(
        actor=people.cm_b, owner=people.cm_b, title="回访李四", due_date=soon(), customer_id=people.li.pk
    )
    client.force_login(people.head1)
    panel = client.get(f"/agenda/customers/{people.zhang.pk}/panel/").content.decode()
    assert panel.count('data-testid="customer-task"') == 2
    listed = client.get("/agenda/", {"customer": people.zhang.pk}).context["page"]
    assert sorted(t.title for t in listed) == ["回访张三", "陪访张三"]
