"""疑似重复与合并: detection, merge and undo (history kept, audited, reversible), refusals, scope matrix —
through the service, the pages and the API."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers import duplicates, selectors, services
from creditdesk.customers.duplicates import (
    SAME_NAME_BIRTH_DATE,
    SAME_NAME_PHONE,
    SIMILAR_COMPANY_NAME,
    company_names_similar,
    likely_duplicates,
    normalize_company_name,
)
from creditdesk.customers.models import Customer, CustomerOwnership, Relationship
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13800138000"


def resident_id(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def make(actor, name, kind="individual", **kw):
    return services.customer_create(actor=actor, data=CustomerInput(kind=kind, name=name, **kw))


def found(user, customer):
    return {other.pk: reasons for other, reasons in likely_duplicates(user=user, customer=customer)}


@pytest.fixture
def book(org):
    """张三 twice for cm_a (same phone), once for cm_b (same team) and cm_d (other branch), same phone."""
    return {
        "a1": make(org.cm_a, "张三", phone=PHONE),
        "a2": make(org.cm_a, "张三", phone=PHONE),
        "b1": make(org.cm_b, "张三", phone=PHONE),
        "d1": make(org.cm_d, "张三", phone=PHONE),
    }


# --- detection ---------------------------------------------------------------------------------------


def test_same_name_and_phone_within_scope_only(org, book):
    a1, a2, b1 = book["a1"], book["a2"], book["b1"]
    assert found(org.cm_a, a1) == {a2.pk: [SAME_NAME_PHONE]}
    assert found(org.lead1, a1) == {a2.pk: [SAME_NAME_PHONE], b1.pk: [SAME_NAME_PHONE]}
    assert found(org.head1, a1) == {a2.pk: [SAME_NAME_PHONE], b1.pk: [SAME_NAME_PHONE]}
    assert found(org.cm_d, book["d1"]) == {}  # the others are in another branch


def test_same_name_and_birth_date(org):
    one = make(org.cm_a, "李四", id_number=resident_id("11010519900101001"))
    two = make(org.cm_a, "李四", id_number=resident_id("11010519900101002"))
    other_day = make(org.cm_a, "李四", id_number=resident_id("11010519900102001"))
    other_name = make(org.cm_a, "李五", id_number=resident_id("11010519900101003"))
    assert one.birth_date == two.birth_date
    assert found(org.cm_a, one) == {two.pk: [SAME_NAME_BIRTH_DATE]}
    assert other_day.pk not in found(org.cm_a, one) and other_name.pk not in found(org.cm_a, one)


def test_company_names_similar_after_normalising(org):
    assert normalize_company_name("北京 星河科技（集团）股份有限公司") == "北京星河科技"
    assert normalize_company_name("ＡＢＣ星河科技有限责任公司") == "abc星河科技"
    assert company_names_similar("北京星河科技有限公司", "北京星河科技（集团）股份有限公司")
    assert company_names_similar("星河科技有限公司", "北京星河科技有限公司")  # one contains the other
    assert not company_names_similar("星河有限公司", "北京星河有限公司")  # key shorter than 4
    assert not company_names_similar("北京星河科技有限公司", "上海明月食品有限公司")
    a = make(org.cm_a, "北京星河科技有限公司", kind="enterprise")
    b = make(org.cm_a, "北京星河科技（集团）股份有限公司", kind="enterprise")
    c = make(org.cm_a, "星河科技有限公司", kind="individual_business")
    make(org.cm_a, "上海明月食品有限公司", kind="enterprise")
    make(org.cm_a, "北京星河科技", kind="individual")  # a person is not a company
    assert found(org.cm_a, a) == {b.pk: [SIMILAR_COMPANY_NAME], c.pk: [SIMILAR_COMPANY_NAME]}
    assert found(org.cm_a, c) == {a.pk: [SIMILAR_COMPANY_NAME], b.pk: [SIMILAR_COMPANY_NAME]}


def test_different_people_not_flagged(org):
    a = make(org.cm_a, "王五", phone=PHONE)
    make(org.cm_a, "王六", phone=PHONE)  # same phone, other name
    make(org.cm_a, "王五", phone="13900139000")  # same name, other phone
    make(org.cm_a, "王五")  # same name, nothing else known
    assert found(org.cm_a, a) == {}


def test_pairs_list_groups_in_scope(org, book):
    pairs = duplicates.duplicate_pairs_visible_to(user=org.lead1)
    a1, a2, b1 = book["a1"], book["a2"], book["b1"]
    expected = sorted([(a1.pk, a2.pk), (a1.pk, b1.pk), (a2.pk, b1.pk)])
    assert [(p.first.pk, p.second.pk, p.reasons) for p in pairs] == [
        (a, b, [SAME_NAME_PHONE]) for a, b in expected
    ]
    assert duplicates.duplicate_pairs_visible_to(user=org.lead2) == []


def test_pairs_list_query_count_does_not_grow(org, django_assert_max_num_queries):
    for i in range(20):
        make(org.cm_a, f"客户{i}", phone=f"138{i:08d}")
        make(org.cm_a, f"客户{i}", phone=f"138{i:08d}")
        make(org.cm_a, f"测试企业{i:02d}号有限公司", kind="enterprise")
        make(org.cm_a, f"测试企业{i:02d}号股份有限公司", kind="enterprise")
    with django_assert_max_num_queries(6):
        pairs = duplicates.duplicate_pairs_visible_to(user=org.lead1)
    assert len(pairs) == 40


# --- merge and undo ----------------------------------------------------------------------------------


def test_merge_and_undo_keep_history_audited_and_reversible(org, book):
    a1, a2 = book["a1"], book["a2"]
    other = make(org.cm_a, "李四")
    services.relationship_add(
        actor=org.cm_a, from_customer_id=a2.pk, to_customer_id=other.pk, kind="guarantor"
    )
    merged = services.customer_merge(actor=org.cm_a, survivor_id=a1.pk, duplicate_id=a2.pk, reason="重复建档")
    assert (merged.merged_into_id, merged.merged_by) == (a1.pk, org.cm_a)
    assert Customer.objects.filter(pk=a2.pk).exists()  # nothing deleted
    assert Relationship.objects.filter(from_customer=a2).count() == 1  # nothing moved
    assert CustomerOwnership.objects.filter(customer=a2).count() == 1
    event = AuditEvent.objects.get(action="customer.merge")
    assert (event.target_id, event.before, event.after) == (
        str(a2.pk),
        {"merged_into": None},
        {"survivor": a1.pk, "duplicate": a2.pk, "reason": "重复建档"},
    )
    # Out of lists, search, candidates and detection; its own page still opens.
    visible = selectors.customer_list_visible_to(user=org.cm_a)
    assert a2.pk not in set(visible.values_list("pk", flat=True))
    assert [c.pk for c in selectors.customer_search(user=org.cm_a, query=PHONE)] == [a1.pk]
    assert [c.pk for c in selectors.customer_search(user=org.cm_a, query="zs")] == [a1.pk]
    assert found(org.cm_a, a1) == {} and found(org.cm_a, merged) == {}
    assert selectors.customer_get_visible(user=org.cm_a, customer_id=a2.pk).merged_into == a1
    assert [c.pk for c in selectors.merged_customers(user=org.cm_a, customer=a1)] == [a2.pk]

    restored = services.customer_merge_undo(actor=org.cm_a, duplicate_id=a2.pk, reason="并非同一人")
    assert (restored.merged_into_id, restored.merged_at, restored.merged_by) == (None, None, None)
    event = AuditEvent.objects.get(action="customer.merge_undo")
    assert (event.target_id, event.before, event.after) == (
        str(a2.pk),
        {"merged_into": a1.pk},
        {"survivor": a1.pk, "duplicate": a2.pk, "reason": "并非同一人"},
    )
    assert sorted(c.pk for c in selectors.customer_search(user=org.cm_a, query=PHONE)) == [a1.pk, a2.pk]
    assert found(org.cm_a, a1) == {a2.pk: [SAME_NAME_PHONE]}


def test_lead_merges_across_owners_in_the_team(org, book):
    services.customer_merge(
        actor=org.lead1, survivor_id=book["a1"].pk, duplicate_id=book["b1"].pk, reason="同一人"
    )
    assert Customer.objects.get(pk=book["b1"].pk).merged_into_id == book["a1"].pk


def merge_state():
    return (
        list(Customer.objects.order_by("pk").values_list("pk", "merged_into_id")),
        AuditEvent.objects.filter(action__startswith="customer.merge").count(),
    )


@pytest.mark.parametrize(
    ("actor", "survivor", "duplicate", "reason", "error", "code"),
    [
        ("cm_a", "a1", "a1", "重复", DomainError, "merge_self"),
        ("cm_a", "a1", "a2", "  ", DomainError, "merge_reason_required"),
        ("cm_a", "a1", "a2", "x" * 201, DomainError, "merge_reason_too_long"),
        ("cm_a", "a1", "b1", "重复", NotFound, "not_found"),  # cm_b's customer: not visible to cm_a
        ("cm_b", "a1", "a2", "重复", NotFound, "not_found"),
        ("cm_d", "a1", "a2", "重复", NotFound, "not_found"),
        ("head1", "a1", "a2", "重复", NotAllowed, "merge_not_allowed"),
        ("lead1", "a1", "d1", "重复", NotFound, "not_found"),
    ],
)
def test_merge_refusals_change_nothing(org, book, actor, survivor, duplicate, reason, error, code):
    before = merge_state()
    with pytest.raises(error) as exc:
        services.customer_merge(
            actor=getattr(org, actor),
            survivor_id=book[survivor].pk,
            duplicate_id=book[duplicate].pk,
            reason=reason,
        )
    assert exc.value.code == code
    assert merge_state() == before


def test_merge_state_refusals(org, book):
    a1, a2, other = book["a1"], book["a2"], make(org.cm_a, "张三")
    services.customer_merge(actor=org.cm_a, survivor_id=a1.pk, duplicate_id=a2.pk, reason="重复")
    before = merge_state()
    for survivor, duplicate, code in [
        (other, a2, "merge_already_merged"),
        (a2, other, "merge_survivor_merged"),
        (other, a1, "merge_has_merged"),
    ]:
        with pytest.raises(Conflict) as exc:
            services.customer_merge(
                actor=org.cm_a, survivor_id=survivor.pk, duplicate_id=duplicate.pk, reason="重复"
            )
        assert exc.value.code == code
    with pytest.raises(Conflict) as exc:
        services.customer_merge_undo(actor=org.cm_a, duplicate_id=a1.pk, reason="撤销")
    assert exc.value.code == "merge_not_merged"
    for actor, error in [("cm_d", NotFound), ("cm_b", NotFound), ("head1", NotAllowed)]:
        with pytest.raises(error):
            services.customer_merge_undo(actor=getattr(org, actor), duplicate_id=a2.pk, reason="撤销")
    with pytest.raises(DomainError):
        services.customer_merge_undo(actor=org.cm_a, duplicate_id=a2.pk, reason="")
    assert merge_state() == before


# --- pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status", "merged"),
    [
        ("cm_a", 302, True),
        ("lead1", 302, True),
        ("cm_b", 404, False),
        ("head1", 403, False),
        ("cm_d", 404, False),
    ],
)
def test_merge_page_matrix(client, org, book, actor, status, merged):
    client.force_login(getattr(org, actor))
    a1, a2 = book["a1"], book["a2"]
    response = client.post(f"/customers/{a1.pk}/merge/", {"duplicate": a2.pk, "reason": "重复建档"})
    assert response.status_code == status
    assert (Customer.objects.get(pk=a2.pk).merged_into_id == a1.pk) is merged


def test_merge_page_anonymous_redirects_to_login(client, book):
    response = client.post(f"/customers/{book['a1'].pk}/merge/", {"duplicate": book["a2"].pk, "reason": "x"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Customer.objects.get(pk=book["a2"].pk).merged_into_id is None


def test_360_pages_show_duplicates_merge_and_undo(client, org, book):
    a1, a2 = book["a1"], book["a2"]
    client.force_login(org.cm_a)
    text = client.get(f"/customers/{a1.pk}/").content.decode()
    assert "可能重复" in text and "姓名相同且手机号码相同" in text and f"/customers/{a2.pk}/" in text
    assert f"/customers/{book['b1'].pk}/" not in text  # not visible to cm_a
    response = client.post(
        f"/customers/{a1.pk}/merge/", {"duplicate": a2.pk, "reason": "重复建档"}, follow=True
    )
    text = response.content.decode()
    assert "已将 张三 合并至 张三。" in text and "已合并的记录" in text and "可能重复" not in text
    text = client.get(f"/customers/{a2.pk}/").content.decode()
    assert 'data-testid="merged-banner"' in text and "撤销合并" in text
    assert client.get("/customers/?q=zs").content.decode().count(f"/customers/{a2.pk}/") == 0
    response = client.post(f"/customers/{a2.pk}/unmerge/", {"reason": ""}, follow=True)
    assert "请填写撤销原因。" in response.content.decode()
    response = client.post(f"/customers/{a2.pk}/unmerge/", {"reason": "并非同一人"}, follow=True)
    assert "已撤销合并" in response.content.decode()
    assert Customer.objects.get(pk=a2.pk).merged_into_id is None


def test_360_merged_page_read_only_viewer_has_no_undo(client, org, book):
    services.customer_merge(
        actor=org.cm_a, survivor_id=book["a1"].pk, duplicate_id=book["a2"].pk, reason="重复"
    )
    client.force_login(org.head1)
    text = client.get(f"/customers/{book['a2'].pk}/").content.decode()
    assert 'data-testid="merged-banner"' in text and 'data-testid="unmerge-form"' not in text
    assert client.post(f"/customers/{book['a2'].pk}/unmerge/", {"reason": "撤销"}).status_code == 403
    client.force_login(org.cm_d)
    assert client.get(f"/customers/{book['a2'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("actor", "status"), [("cm_a", 403), ("cm_b", 403), ("lead1", 200), ("head1", 200), ("cm_d", 403)]
)
def test_duplicate_list_page_matrix(client, org, book, actor, status):
    client.force_login(getattr(org, actor))
    response = client.get("/customers/duplicates/")
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert text.count('data-testid="duplicate-pair"') == 3
        assert f"/customers/{book['d1'].pk}/" not in text


# --- API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status"), [("cm_a", 200), ("lead1", 200), ("cm_b", 404), ("head1", 403), ("cm_d", 404)]
)
def test_api_merge_and_unmerge_matrix(api_client, org, book, actor, status):
    a1, a2 = book["a1"], book["a2"]
    api_client.force_authenticate(getattr(org, actor))
    response = api_client.post(
        f"/api/v1/customers/{a1.pk}/merge/", {"duplicate": a2.pk, "reason": "重复"}, format="json"
    )
    assert response.status_code == status
    if status != 200:
        assert AuditEvent.objects.filter(action="customer.merge").count() == 0
        return
    assert response.json()["merged_into"] == a1.pk
    assert api_client.get(f"/api/v1/customers/{a2.pk}/").json()["merged_into"] == a1.pk
    assert a2.pk not in [c["id"] for c in api_client.get("/api/v1/customers/").json()["results"]]
    response = api_client.post(f"/api/v1/customers/{a2.pk}/unmerge/", {"reason": "撤销"}, format="json")
    assert response.status_code == 200 and response.json()["merged_into"] is None


def test_api_duplicates(api_client, org, book):
    api_client.force_authenticate(org.lead1)
    response = api_client.get(f"/api/v1/customers/{book['a1'].pk}/duplicates/")
    assert response.status_code == 200
    assert [(d["id"], d["reasons"]) for d in response.json()] == sorted(
        [(book["a2"].pk, [SAME_NAME_PHONE]), (book["b1"].pk, [SAME_NAME_PHONE])]
    )
    api_client.force_authenticate(org.cm_d)
    assert api_client.get(f"/api/v1/customers/{book['a1'].pk}/duplicates/").status_code == 404


def test_api_merge_refusal_is_coded(api_client, org, book):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        f"/api/v1/customers/{book['a1'].pk}/merge/",
        {"duplicate": book["a1"].pk, "reason": "重复"},
        format="json",
    )
    assert response.status_code == 400 and "merge_self" in response.content.decode()
    assert AuditEvent.objects.filter(action="customer.merge").count() == 0
