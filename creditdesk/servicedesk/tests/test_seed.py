"""Demo requests: after the organisation and the customers, the seed records forty requests of every kind
through the services — some answered, some closed, some escalated by the past runs, some still late —
and a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.utils import timezone

from creditdesk.accounts import seed as accounts_seed
from creditdesk.customers import seed as customers_seed
from creditdesk.servicedesk import seed
from creditdesk.servicedesk.models import ServiceRequest, ServiceRequestEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_base():
    accounts_seed.run()
    customers_seed.run()


def test_the_demo_requests(demo_base):
    out = StringIO()
    result = seed.run(stdout=out)
    requests = list(ServiceRequest.objects.select_related("assignee"))
    assert result["created_requests"] == len(requests) == 40
    kinds = Counter(r.kind for r in requests)
    assert kinds == {"question": 16, "complaint": 8, "hardship": 6, "data_request": 6, "other": 4}
    statuses = Counter(r.status for r in requests)
    assert statuses["open"] and statuses["responded"] and statuses["closed"]
    assert ServiceRequestEvent.objects.filter(kind="escalated").exists()
    assert result["escalations"] == ServiceRequestEvent.objects.filter(kind="escalated").count()
    for request in requests:
        assert request.assignee.is_active
        assert request.task_id is not None
        if request.kind == "complaint":
            assert request.assignee.role in ("team_lead", "branch_head")
        if request.kind == "data_request" and request.escalation_level == 0:
            assert request.assignee.role == "risk_manager"
        if request.status != "open":
            assert request.first_response_at is not None and not request.answered_late
    now = timezone.now()
    assert result["late"] == sum(r.is_late(now) for r in requests)
    assert "客户诉求：新建 40 条" in out.getvalue()

    again = StringIO()
    assert seed.run(stdout=again) == {"created_requests": 0}
    assert ServiceRequest.objects.count() == 40
    assert "已存在" in again.getvalue()


def test_without_customers_nothing_is_made():
    assert seed.run() == {"created_requests": 0}
