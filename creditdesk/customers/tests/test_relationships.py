"""关联关系: rules, scope, audit and both-way listing — through the service, the 360 page and the API."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers import selectors, services
from creditdesk.customers.models import Relationship
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

HIDDEN = "（权限范围外的客户）"


def make(actor, name, kind="individual"):
    return services.customer_create(actor=actor, data=CustomerInput(kind=kind, name=name))


@pytest.fixture
def people(org):
    """张三 and 李四 (cm_a), 王五 (cm_b, same team), 赵六 (cm_c, other team), 钱七 (cm_d, other branch)."""
    return {
        "zhang": make(org.cm_a, "张三"),
        "li": make(org.cm_a, "李四"),
        "wang": make(org.cm_b, "王五"),
        "zhao": make(org.cm_c, "赵六"),
        "qian": make(org.cm_d, "钱七"),
    }


def add(actor, a, b, kind="guarantor", **kw):
    return services.relationship_add(
        actor=actor, from_customer_id=a.pk, to_customer_id=b.pk, kind=kind, note=kw.pop("note", ""), **kw
    )


def test_add_lists_both_ways_and_audits(org, people):
    zhang, li = people["zhang"], people["li"]
    rel = add(org.cm_a, zhang, li, kind="household", role_detail="配偶", note="结婚十年")
    event = AuditEvent.objects.get(action="customer.relationship_add")
    assert (event.actor, event.target_id) == (org.cm_a, str(zhang.pk))
    assert event.after == {
        "relationship_id": rel.pk,
        "from_customer": zhang.pk,
        "to_customer": li.pk,
        "kind": "household",
        "role_detail": "配偶",
        "note": "结婚十年",
    }
    [mine] = selectors.related_parties(user=org.cm_a, customer=zhang)
    assert (mine.text, mine.direction, mine.other_id, mine.note) == (
        "张三 是 李四 的家庭成员（配偶）",
        "outgoing",
        li.pk,
        "结婚十年",
    )
    [theirs] = selectors.related_parties(user=org.cm_a, customer=li)
    assert (theirs.text, theirs.direction, theirs.other_id) == (
        "张三 是 李四 的家庭成员（配偶）",
        "incoming",
        zhang.pk,
    )


def test_the_other_party_is_hidden_outside_the_scope(org, people):
    zhang, wang = people["zhang"], people["wang"]
    add(org.lead1, wang, zhang, kind="referrer", note="王五的同事")  # the lead sees and changes both
    [seen_by_owner] = selectors.related_parties(user=org.cm_a, customer=zhang)  # cm_a cannot see 王五
    assert seen_by_owner.text == f"{HIDDEN} 是 张三 的推荐人"
    assert (seen_by_owner.other_id, seen_by_owner.note, seen_by_owner.can_remove) == (None, "", False)
    [seen_by_lead] = selectors.related_parties(user=org.lead1, customer=zhang)
    assert seen_by_lead.text == "王五 是 张三 的推荐人" and seen_by_lead.can_remove


@pytest.mark.parametrize(
    ("actor", "other", "error", "code"),
    [
        ("cm_a", "zhang", DomainError, "relationship_self"),
        ("cm_a", "wang", DomainError, "related_customer_not_found"),  # same team, not cm_a's
        ("cm_a", "zhao", DomainError, "related_customer_not_found"),  # other team
        ("cm_a", "qian", DomainError, "related_customer_not_found"),  # other branch
        ("head1", "li", NotAllowed, "customer_read_only"),  # branch head reads only
        ("risk1", "li", NotAllowed, "customer_read_only"),
        ("cm_b", "li", NotFound, "not_found"),  # 张三 is outside cm_b's scope
        ("lead2", "li", NotFound, "not_found"),
        ("head2", "li", NotFound, "not_found"),
    ],
)
def test_refusals_change_nothing(org, people, actor, other, error, code):
    with pytest.raises(error) as refused:
        add(getattr(org, actor), people["zhang"], people[other])
    assert refused.value.code == code
    assert not Relationship.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="customer.relationship").exists()


def test_duplicates_and_bad_kinds_are_refused(org, people):
    add(org.cm_a, people["zhang"], people["li"])
    with pytest.raises(DomainError) as duplicate:
        add(org.cm_a, people["zhang"], people["li"])
    assert duplicate.value.code == "relationship_duplicate"
    with pytest.raises(DomainError) as bad:
        add(org.cm_a, people["zhang"], people["li"], kind="friend")
    assert bad.value.code == "relationship_kind_invalid"
    add(org.cm_a, people["li"], people["zhang"])  # the other direction is another relationship
    assert Relationship.objects.count() == 2


def test_remove_is_audited_and_follows_the_same_rule(org, people):
    zhang, wang = people["zhang"], people["wang"]
    rel = add(org.lead1, zhang, wang)
    with pytest.raises(NotAllowed):  # cm_a owns 张三 but cannot see 王五
        services.relationship_remove(actor=org.cm_a, relationship_id=rel.pk)
    with pytest.raises(NotFound):
        services.relationship_remove(actor=org.cm_c, relationship_id=rel.pk)
    assert Relationship.objects.filter(pk=rel.pk).exists()
    assert not AuditEvent.objects.filter(action="customer.relationship_remove").exists()
    services.relationship_remove(actor=org.lead1, relationship_id=rel.pk)
    assert not Relationship.objects.exists()
    event = AuditEvent.objects.get(action="customer.relationship_remove")
    assert event.before["to_customer"] == wang.pk and event.target_id == str(zhang.pk)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("cm_a", 200),  # own
        ("cm_b", 404),  # same team
        ("cm_c", 404),  # other team
        ("cm_d", 404),  # other branch
        ("lead1", 200),
        ("lead2", 404),
        ("lead3", 404),
        ("head1", 200),
        ("head2", 404),
        ("admin", 404),
    ],
)
def test_scope_matrix_for_page_and_api(client, api_client, org, people, viewer, status):
    zhang, li = people["zhang"], people["li"]
    rel = add(org.cm_a, zhang, li)
    user = getattr(org, viewer)
    client.force_login(user)
    api_client.force_authenticate(user)
    page = client.get(f"/customers/{zhang.pk}/")
    assert page.status_code == status
    listed = api_client.get(f"/api/v1/customers/{zhang.pk}/relationships/")
    assert listed.status_code == status
    may_change = viewer in ("cm_a", "lead1")
    expected_write = 201 if may_change else (403 if status == 200 else 404)
    posted = api_client.post(
        f"/api/v1/customers/{zhang.pk}/relationships/",
        {"other_customer": li.pk, "kind": "referrer"},
        format="json",
    )
    assert posted.status_code == expected_write
    page_post = client.post(
        f"/customers/{zhang.pk}/relationships/",
        {"other": li.pk, "kind": "shareholder", "direction": "outgoing"},
    )
    assert page_post.status_code == (302 if may_change else (403 if status == 200 else 404))
    deleted = api_client.delete(f"/api/v1/customers/{zhang.pk}/relationships/{rel.pk}/")
    assert deleted.status_code == (204 if may_change else (403 if status == 200 else 404))
    if status == 200:
        assert "张三 是 李四 的" in page.content.decode()
    if may_change:
        assert Relationship.objects.filter(kind="referrer").count() == 1
        assert Relationship.objects.filter(kind="shareholder").count() == 1
        assert not Relationship.objects.filter(pk=rel.pk).exists()
    else:
        assert list(Relationship.objects.values_list("pk", flat=True)) == [rel.pk]
        assert AuditEvent.objects.filter(action__startswith="customer.relationship").count() == 1


def test_api_lists_both_ways_and_names_the_field_on_refusal(api_client, org, people):
    zhang, li, zhao = people["zhang"], people["li"], people["zhao"]
    api_client.force_authenticate(org.cm_a)
    created = api_client.post(
        f"/api/v1/customers/{li.pk}/relationships/",
        {"other_customer": zhang.pk, "kind": "guarantor", "direction": "incoming"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    row = created.json()  # the relationship added
    assert row["text"] == "张三 是 李四 的担保人" and row["other_customer"] == {
        "id": zhang.pk,
        "name": "张三",
    }
    [reverse] = api_client.get(f"/api/v1/customers/{zhang.pk}/relationships/").json()["results"]
    assert reverse["direction"] == "outgoing" and reverse["other_customer"]["id"] == li.pk
    refused = api_client.post(
        f"/api/v1/customers/{zhang.pk}/relationships/",
        {"other_customer": zhao.pk, "kind": "guarantor"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "related_customer_not_found"
    assert refused.json()["details"]["field"] == "to_customer"
    assert "赵六" not in refused.content.decode()
    # a relationship not of this customer is not reachable through its URL
    other = add(org.cm_c, zhao, make(org.cm_c, "孙八"))
    api_client.force_authenticate(org.lead1)
    assert api_client.delete(f"/api/v1/customers/{zhang.pk}/relationships/{other.pk}/").status_code == 404


def test_page_shows_hidden_party_without_name(client, org, people):
    zhang, wang = people["zhang"], people["wang"]
    add(org.lead1, wang, zhang, kind="shareholder")
    client.force_login(org.cm_a)
    text = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert f"{HIDDEN} 是 张三 的股东" in text and "王五" not in text


def test_360_page_query_count_does_not_grow_with_relationships(client, org, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zhang = people["zhang"]
    client.force_login(org.lead1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/customers/{zhang.pk}/").status_code == 200
        return len(ctx)

    add(org.lead1, zhang, people["li"])
    count()  # the first request also loads the session and permissions
    one = count()
    for index in range(5):
        add(org.lead1, make(org.cm_b, f"关联{index}"), zhang, kind="shareholder")
    assert count() == one


def test_the_related_customer_is_found_by_search_within_the_scope(client, org, people):
    """The 关联客户 options come from the search box: any customer in scope (not only recent ones), the
    page's own customer and customers outside the scope never."""
    zhang = people["zhang"]
    for i in range(250):  # more than a picker of recent customers would ever list
        make(org.cm_a, f"填充客户{i:03d}")
    make(org.cm_c, "张三丰")  # cm_c is in another team: not cm_a's to relate
    client.force_login(org.cm_a)
    url = f"/customers/{zhang.pk}/relationships/candidates/"
    page = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert 'data-testid="relationship-search"' in page and url in page
    assert "填充客户" not in page  # the 360 page lists no candidates itself
    assert client.get(url).content.decode().count("<option") == 1  # an empty box offers none
    found = client.get(url, {"q": "李"}).content.decode()
    assert f'value="{people["li"].pk}"' in found and "李四（#" in found
    by_pinyin = client.get(url, {"q": "zs"}).content.decode()
    assert f'value="{zhang.pk}"' not in by_pinyin and "张三丰" not in by_pinyin
    assert "没有找到" in by_pinyin
    oldest = client.get(url, {"q": "填充客户000"}).content.decode()
    assert "填充客户000（#" in oldest
    assert (
        client.get(f"/customers/{people['zhao'].pk}/relationships/candidates/", {"q": "李"}).status_code
        == 404
    )


def test_a_customer_found_by_search_is_related_from_the_page(client, org, people):
    zhang, wang = people["zhang"], people["wang"]
    client.force_login(org.lead1)  # the lead sees the whole team: 王五 is cm_b's
    found = client.get(f"/customers/{zhang.pk}/relationships/candidates/", {"q": "王五"}).content.decode()
    assert f'value="{wang.pk}"' in found
    response = client.post(
        f"/customers/{zhang.pk}/relationships/",
        {"q": "王五", "other": wang.pk, "kind": "guarantor", "direction": "incoming"},
    )
    assert response.status_code == 302
    rel = Relationship.objects.get()
    assert (rel.from_customer_id, rel.to_customer_id, rel.kind) == (wang.pk, zhang.pk, "guarantor")
    refused = client.post(  # 钱七 is in the other branch: typed by hand, refused like a missing customer
        f"/customers/{zhang.pk}/relationships/",
        {"other": people["qian"].pk, "kind": "guarantor", "direction": "incoming"},
    )
    assert refused.status_code == 404
    assert Relationship.objects.count() == 1


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("cm_a", 200), ("lead1", 200), ("head1", 200), ("cm_c", 404), ("cm_d", 404), ("head2", 404)],
)
def test_candidates_permission_matrix(client, org, people, viewer, status):
    """The picker's options answer only for a customer the person may see (404 otherwise)."""
    client.force_login(getattr(org, viewer))
    response = client.get(f"/customers/{people['zhang'].pk}/relationships/candidates/", {"q": "李"})
    assert response.status_code == status
    if status == 200:
        assert f'value="{people["li"].pk}"' in response.content.decode()
