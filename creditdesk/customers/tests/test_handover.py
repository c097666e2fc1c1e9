"""客户移交: who may hand over, all or nothing, audit and ownership history — service, page and API."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.models import Customer, CustomerOwnership
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)


def make(actor, name):
    return services.customer_create(actor=actor, data=CustomerInput(kind="individual", name=name))


@pytest.fixture
def book(org):
    return {
        "a1": make(org.cm_a, "张三"),
        "a2": make(org.cm_a, "李四"),
        "b1": make(org.cm_b, "王五"),
        "c1": make(org.cm_c, "赵六"),
        "d1": make(org.cm_d, "钱七"),
    }


def owners(*customers):
    return [Customer.objects.get(pk=c.pk).owner.username for c in customers]


def test_create_opens_the_first_ownership_row(org, book):
    row = CustomerOwnership.objects.get(customer=book["a1"])
    assert (row.owner, row.changed_by, row.to_date) == (org.cm_a, org.cm_a, None)


def test_lead_hands_over_in_bulk_audited_with_history_kept_twice(org, book):
    a1, a2 = book["a1"], book["a2"]
    changed = services.customer_handover(
        actor=org.lead1, customer_ids=[a1.pk, a2.pk], new_owner=org.cm_b, reason="张经理调岗"
    )
    assert sorted(c.pk for c in changed) == sorted([a1.pk, a2.pk])
    assert owners(a1, a2) == ["cm_b", "cm_b"]
    events = AuditEvent.objects.filter(action="customer.handover").order_by("target_id")
    assert [(e.target_id, e.before, e.after) for e in events] == [
        (str(c.pk), {"owner": org.cm_a.pk}, {"owner": org.cm_b.pk, "reason": "张经理调岗"})
        for c in sorted([a1, a2], key=lambda c: str(c.pk))
    ]
    services.customer_handover(actor=org.lead1, customer_ids=[a1.pk], new_owner=org.cm_a, reason="调回")
    history = list(CustomerOwnership.objects.filter(customer=a1).order_by("from_date", "id"))
    assert [(h.owner.username, h.to_date is None, h.reason) for h in history] == [
        ("cm_a", False, ""),
        ("cm_b", False, "张经理调岗"),
        ("cm_a", True, "调回"),
    ]
    assert history[0].to_date == history[1].from_date and history[1].to_date == history[2].from_date
    assert history[2].changed_by == org.lead1


def test_branch_head_hands_over_within_the_branch(org, book):
    services.customer_handover(
        actor=org.head1, customer_ids=[book["c1"].pk], new_owner=org.cm_a, reason="并组"
    )
    assert owners(book["c1"]) == ["cm_a"]


def _nothing_changed(book):
    assert owners(*book.values()) == ["cm_a", "cm_a", "cm_b", "cm_c", "cm_d"]
    assert not AuditEvent.objects.filter(action="customer.handover").exists()
    assert CustomerOwnership.objects.count() == 5 and not CustomerOwnership.objects.filter(
        to_date__isnull=False
    )


@pytest.mark.parametrize(
    ("actor", "ids", "new_owner", "error", "code"),
    [
        ("cm_a", ["a1"], "cm_b", NotAllowed, "handover_not_allowed"),
        ("risk1", ["a1"], "cm_b", NotAllowed, "handover_not_allowed"),
        ("admin", ["a1"], "cm_b", NotAllowed, "handover_not_allowed"),
        ("lead1", ["a1", "c1"], "cm_b", NotFound, "not_found"),  # one of another team spoils the batch
        ("lead1", ["a1", "d1"], "cm_b", NotFound, "not_found"),  # other branch
        ("lead2", ["a1"], "cm_c", NotFound, "not_found"),
        ("head2", ["a1"], "cm_d", NotFound, "not_found"),
        ("lead1", ["a1"], "cm_c", DomainError, "new_owner_invalid"),  # new owner in another team
        ("lead1", ["a1"], "head1", DomainError, "new_owner_invalid"),  # not a CM
        ("head1", ["a1"], "cm_d", DomainError, "new_owner_invalid"),  # other branch
        ("lead1", [], "cm_b", DomainError, "customer_ids_required"),
    ],
)
def test_refusals_change_nothing(org, book, actor, ids, new_owner, error, code):
    with pytest.raises(error) as refused:
        services.customer_handover(
            actor=getattr(org, actor),
            customer_ids=[book[i].pk for i in ids],
            new_owner=getattr(org, new_owner),
            reason="调岗",
        )
    assert refused.value.code == code
    _nothing_changed(book)


def test_inactive_new_owner_and_missing_reason_are_refused(org, book):
    org.cm_b.is_active = False
    org.cm_b.save()
    with pytest.raises(DomainError) as inactive:
        services.customer_handover(
            actor=org.lead1, customer_ids=[book["a1"].pk], new_owner=org.cm_b, reason="x"
        )
    assert inactive.value.extra["field"] == "new_owner"
    with pytest.raises(DomainError) as no_reason:
        services.customer_handover(
            actor=org.lead1, customer_ids=[book["a1"].pk], new_owner=org.cm_a, reason=" "
        )
    assert no_reason.value.code == "handover_reason_required"


@pytest.mark.parametrize(
    ("actor", "ids", "new_owner", "status", "code"),
    [
        ("lead1", ["a1", "b1"], "cm_b", 200, None),  # own team
        ("head1", ["c1"], "cm_a", 200, None),  # branch head, within the branch
        ("cm_a", ["a1"], "cm_b", 403, "handover_not_allowed"),
        ("head1", ["d1"], "cm_a", 404, "not_found"),  # other branch
        ("lead1", ["c1"], "cm_b", 404, "not_found"),  # other team
        ("lead2", ["a1"], "cm_c", 404, "not_found"),
        ("lead1", ["a1"], "cm_c", 400, "new_owner_invalid"),
    ],
)
def test_api_scope_matrix(api_client, org, book, actor, ids, new_owner, status, code):
    api_client.force_authenticate(getattr(org, actor))
    response = api_client.post(
        "/api/v1/customers/handover/",
        {
            "customer_ids": [book[i].pk for i in ids],
            "new_owner": getattr(org, new_owner).pk,
            "reason": "调岗",
        },
        format="json",
    )
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
        if code == "new_owner_invalid":
            assert response.json()["details"]["field"] == "new_owner"
        _nothing_changed(book)
    else:
        assert set(owners(*(book[i] for i in ids))) == {new_owner}


@pytest.mark.parametrize(
    ("viewer", "target", "sees_form", "status"),
    [
        ("lead1", "a1", True, 302),  # own team
        ("cm_a", "a1", False, 403),  # own customer, wrong role
        ("risk1", "a1", False, 403),
        ("lead2", "a1", True, 404),  # other team
        ("head1", "d1", True, 404),  # other branch
    ],
)
def test_page_list_and_post(client, org, book, viewer, target, sees_form, status):
    client.force_login(getattr(org, viewer))
    page = client.get("/customers/")
    assert page.status_code == 200
    assert ('data-testid="handover-form"' in page.content.decode()) is sees_form
    response = client.post(
        "/customers/handover/",
        {"customer_ids": [book[target].pk], "new_owner": org.cm_b.pk, "reason": "调岗"},
    )
    assert response.status_code == status
    if status == 302:
        assert owners(book[target]) == ["cm_b"]
    else:
        _nothing_changed(book)


def test_page_new_owner_outside_team_shows_a_message(client, org, book):
    client.force_login(org.lead1)
    response = client.post(
        "/customers/handover/",
        {"customer_ids": [book["a1"].pk], "new_owner": org.cm_c.pk, "reason": "调岗"},
        follow=True,
    )
    assert response.status_code == 200
    assert "只能移交给本团队" in response.content.decode()
    _nothing_changed(book)


def test_360_page_shows_the_ownership_history(client, org, book):
    services.customer_handover(
        actor=org.lead1, customer_ids=[book["a1"].pk], new_owner=org.cm_b, reason="调岗交接"
    )
    client.force_login(org.lead1)
    text = client.get(f"/customers/{book['a1'].pk}/").content.decode()
    assert "调岗交接" in text and "至今" in text
