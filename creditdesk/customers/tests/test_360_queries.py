"""The 360 page reads a constant number of queries (at most 15) whatever the customer's history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creditdesk.customers import services
from creditdesk.customers.models import CustomerOwnership, Relationship
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)


def make(actor, name):
    return services.customer_create(actor=actor, data=CustomerInput(kind="individual", name=name))


def grow_history(org, customer, count):
    """``count`` relationships (both ways) and ``count`` closed ownership periods."""
    others = [make(org.cm_a, f"关联{i}") for i in range(count)]
    Relationship.objects.bulk_create(
        Relationship(
            from_customer=customer if i % 2 else other,
            to_customer=other if i % 2 else customer,
            kind="guarantor",
            note=f"备注{i}",
        )
        for i, other in enumerate(others)
    )
    opened = CustomerOwnership.objects.get(customer=customer)
    CustomerOwnership.objects.bulk_create(
        CustomerOwnership(
            customer=customer,
            owner=org.cm_b if i % 2 else org.cm_a,
            from_date=opened.from_date.replace(year=2000 + i),
            to_date=opened.from_date.replace(year=2000 + i, month=12),
            changed_by=org.lead1,
            reason=f"移交{i}",
        )
        for i in range(count)
    )


def page_queries(client, customer) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("viewer", ["cm_a", "lead1", "head1"])
def test_360_page_query_count_is_constant_and_at_most_15(client, org, viewer, django_assert_max_num_queries):
    small, large = make(org.cm_a, "张三"), make(org.cm_a, "李四")
    grow_history(org, small, 1)
    grow_history(org, large, 30)
    client.force_login(getattr(org, viewer))
    page_queries(client, small)  # warm caches (content types, permissions) like a running server
    with django_assert_max_num_queries(15):
        few = page_queries(client, small)
    with django_assert_max_num_queries(15):
        many = page_queries(client, large)
    assert few == many
    text = client.get(f"/customers/{large.pk}/").content.decode()
    assert text.count('data-testid="related-party"') == 30 and "移交29" in text
