"""Audit: every service change leaves one event in its own transaction; sensitive values are masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from creditdesk.agenda import services
from creditdesk.agenda.models import Task
from creditdesk.core.audit import AuditOutsideTransaction, audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.core.masking import mask_id_number, mask_mapping, mask_phone
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)  # services are durable transactions


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def test_service_writes_one_event_with_actor_target_and_after(org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="电话回访王总", due_date=tomorrow())
    event = AuditEvent.objects.get()
    assert event.actor == org.cm_a
    assert event.actor_username == "cm_a"
    assert event.action == "task.create"
    assert (event.target_type, event.target_id) == ("agenda.task", str(task.pk))
    assert event.after["title"] == "电话回访王总"
    assert event.after["owner"] == org.cm_a.pk
    assert event.before == {}


def test_status_change_records_before_and_after(org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="补充流水", due_date=tomorrow())
    services.task_set_status(actor=org.cm_a, task_id=task.pk, status="done")
    event = AuditEvent.objects.get(action="task.done")
    assert event.before == {"status": "open"}
    assert event.after == {"status": "done"}


def test_refused_change_writes_no_event_and_changes_nothing(org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="走访", due_date=tomorrow())
    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.task_set_status(actor=org.cm_a, task_id=task.pk, status="open")  # open → open
    assert refused.value.code == "task_status_transition"
    task.refresh_from_db()
    assert task.status == "open"
    assert AuditEvent.objects.count() == events_before


def test_failure_after_audit_rolls_back_both(org):
    """The event and the change commit together or not at all."""
    with pytest.raises(RuntimeError), transaction.atomic():
        task = Task.objects.create(owner=org.cm_a, created_by=org.cm_a, title="x", due_date=tomorrow())
        audit_record(actor=org.cm_a, action="task.create", target=task)
        raise RuntimeError("boom")
    assert not Task.objects.exists()
    assert not AuditEvent.objects.exists()


def test_audit_outside_a_transaction_is_refused(org):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=org.cm_a, action="x")
    assert not AuditEvent.objects.exists()


def test_sensitive_values_are_masked(org):
    with transaction.atomic():
        audit_record(
            actor=org.cm_a,
            action="customer.update",
            before={"phone": "13812345678", "id_number": "11010519491231002X", "password": "secret-pw"},
            after={
                "nested": {"bank_card": "6222020200112233445"},
                "monthly_income": "30000.00",
                "name": "张三",
            },
        )
    event = AuditEvent.objects.get()
    assert event.before == {"phone": "138****5678", "id_number": "110***********002X", "password": "***"}
    assert event.after == {
        "nested": {"bank_card": "***************3445"},
        "monthly_income": "***",
        "name": "张三",
    }
    stored = str(event.before) + str(event.after)
    for secret in ("13812345678", "11010519491231002X", "secret-pw", "6222020200112233445", "30000.00"):
        assert secret not in stored


def test_masks_follow_the_rules():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_mapping({"price": "1.00", "description": "x"}) == {"price": "1.00", "description": "x"}


def test_request_id_and_ip_are_recorded(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/agenda/new/",
        {"title": "准备授信资料", "kind": "documents", "due_date": tomorrow().isoformat()},
        HTTP_X_REQUEST_ID="req-test-12345678",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="task.create")
    assert event.request_id == "req-test-12345678"
    assert event.ip == "10.1.2.3"
    assert response["X-Request-ID"] == "req-test-12345678"


def test_login_and_logout_are_audited(client, org):
    client.post("/accounts/login/", {"username": "cm_a", "password": "correct-horse-battery-42"})
    client.post("/accounts/logout/")
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor_username")) == [
        ("auth.login", "cm_a"),
        ("auth.logout", "cm_a"),
    ]


# --- The audit page and API -------------------------------------------------------------------------


def _events(org):
    with transaction.atomic():
        audit_record(actor=org.cm_a, action="task.create", target=org.cm_a)  # branch 1
        audit_record(actor=org.cm_d, action="task.create", target=org.cm_d)  # branch 2
        audit_record(actor=None, action="seed.organisation")  # system


@pytest.mark.parametrize(
    ("viewer", "status", "actors"),
    [
        ("admin", 200, {"cm_a", "cm_d", "system"}),
        ("risk1", 200, {"cm_a"}),
        ("risk2", 200, {"cm_d"}),
        ("cm_a", 403, None),
        ("lead1", 403, None),
        ("head1", 403, None),
        ("approver1", 403, None),
    ],
)
def test_audit_page_and_api_scope(client, api_client, org, viewer, status, actors):
    _events(org)
    user = getattr(org, viewer)
    client.force_login(user)
    page = client.get("/audit/")
    assert page.status_code == status
    api_client.force_authenticate(user)
    api = api_client.get("/api/v1/audit-events/")
    assert api.status_code == status
    if actors is not None:
        # force_login itself is audited (auth.login); compare the business events only
        assert {e.actor_username for e in page.context["events"] if e.action != "auth.login"} == actors
        assert {e["actor_username"] for e in api.json()["results"] if e["action"] != "auth.login"} == actors
    else:
        assert api.json()["code"] == "permission_denied"


def test_audit_search_filters(client, org):
    _events(org)
    client.force_login(org.admin)
    response = client.get("/audit/", {"actor": "cm_d"})
    assert [e.actor_username for e in response.context["events"]] == ["cm_d"]
    response = client.get("/audit/", {"action": "seed"})
    assert [e.action for e in response.context["events"]] == ["seed.organisation"]
    assert "seed.organisation" in response.content.decode()
