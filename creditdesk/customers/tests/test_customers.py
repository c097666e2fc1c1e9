"""Customers: privacy by construction, scope, search, validation — through services, pages and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from stdnum.cn import ric

from creditdesk.core.exceptions import DomainError, NotAllowed
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_search
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

ID_ZHANG = "11010519491231002X"  # RULES.md: valid, born 1949-12-31
PHONE_ZHANG = "13812345678"


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def zhang(org):
    return services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual", name="张三", id_number=ID_ZHANG, phone=PHONE_ZHANG, monthly_income="25000"
        ),
    )


def raw_row(customer_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, monthly_income FROM customers_customer WHERE id = %s", [customer_id]
        )
        return cursor.fetchone()


def test_sensitive_values_are_encrypted_at_rest(zhang):
    stored = raw_row(zhang.pk)
    for clear, column in zip((ID_ZHANG, PHONE_ZHANG, "25000.00"), stored, strict=True):
        assert clear not in column
        assert column.startswith("v1.")
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.id_number, fresh.phone, fresh.monthly_income) == (ID_ZHANG, PHONE_ZHANG, "25000.00")


def test_derived_fields_from_the_id(zhang):
    assert str(zhang.birth_date) == "1949-12-31"
    assert zhang.gender == "female"  # 17th digit 2
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsan", "zs")
    assert (zhang.id_tail, zhang.phone_tail) == ("002X", "5678")


def test_the_same_id_can_never_be_two_customers(org, zhang):
    with pytest.raises(DomainError) as refused:
        services.customer_create(
            actor=org.cm_c, data=CustomerInput(kind="individual", name="张三丰", id_number=ID_ZHANG.lower())
        )
    assert refused.value.code == "duplicate_id_number"
    assert ID_ZHANG not in refused.value.message and "110***********002X" in refused.value.message
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"id_number": "360426199101010072"}, "id_bad_checksum", "id_number"),
        ({"id_number": "990426199101010079"}, "id_unknown_region", "id_number"),
        ({"id_number": "360426199102300070"}, "id_bad_date", "id_number"),
        ({"id_number": "110105491231002"}, "id_15_digits", "id_number"),
        ({"phone": "1381234567"}, "phone_invalid", "phone"),
        ({"name": " "}, "name_required", "name"),
        ({"monthly_income": "abc"}, "income_invalid", "monthly_income"),
        ({"kind": "enterprise", "id_number": "91110000600037341M"}, "uscc_bad_checksum", "id_number"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(org, fields, code, field):
    values = {"kind": "individual", "name": "李四"} | fields
    with pytest.raises(DomainError) as refused:
        services.customer_create(actor=org.cm_a, data=CustomerInput(**values))
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.filter(action="customer.create").exists()


def test_enterprise_with_a_credit_code(org):
    firm = services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(kind="enterprise", name="北京示范贸易有限公司", id_number="91110000600037341L"),
    )
    assert firm.birth_date is None and firm.id_tail == "341L"


def test_audit_masks_every_sensitive_value(zhang):
    event = AuditEvent.objects.get(action="customer.create")
    stored = str(event.after)
    for clear in (ID_ZHANG, PHONE_ZHANG, "25000"):
        assert clear not in stored
    assert event.after["id_number"] == "110***********002X"
    assert event.after["phone"] == "138****5678"


def test_unmask_needs_the_policy_and_a_reason_and_is_audited(org, zhang):
    """The policy's rule in full: ``test_unmask_policy.py``."""
    with pytest.raises(NotAllowed):
        services.customer_unmask(
            actor=org.head1, customer_id=zhang.pk, field="id_number", reason="核实身份证"
        )
    with pytest.raises(DomainError) as refused:
        services.customer_unmask(actor=org.cm_a, customer_id=zhang.pk, field="id_number", reason="")
    assert refused.value.code == "unmask_reason_required"
    value = services.customer_unmask(
        actor=org.cm_a, customer_id=zhang.pk, field="id_number", reason="面签核实身份"
    )
    assert value == ID_ZHANG
    event = AuditEvent.objects.get(action="sensitive.unmask")
    assert (event.after["field"], event.after["reason"]) == ("id_number", "面签核实身份")
    assert event.actor == org.cm_a and ID_ZHANG not in str(event.after)


def test_search_like_people_search(org, zhang):
    services.customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name="赵六"))

    def names(query, user=org.cm_a):
        return [c.name for c in customer_search(user=user, query=query)]

    assert names("zs") == ["张三"]
    assert names("zhangsan") == ["张三"]
    assert names("张") == ["张三"]
    assert names("5678") == ["张三"]
    assert names("002x") == ["张三"]
    assert names("138 1234 5678") == ["张三"]
    assert names(ID_ZHANG) == ["张三"]
    assert names("zhao") == ["赵六"]
    assert names("z") == ["张三", "赵六"]  # initials prefix, ordered by name
    assert names("zs", user=org.cm_d) == []  # out of scope: not found, not hidden-but-counted
    assert names("zs", user=org.lead1) != []  # the team lead sees the team's


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("cm_a", 200),
        ("cm_b", 404),
        ("lead1", 200),
        ("lead2", 404),
        ("head1", 200),
        ("risk1", 200),
        ("head2", 404),
        ("approver1", 404),
        ("admin", 404),
    ],
)
def test_360_page_and_api_scope(client, api_client, org, zhang, viewer, status):
    user = getattr(org, viewer)
    client.force_login(user)
    page = client.get(f"/customers/{zhang.pk}/")
    assert page.status_code == status
    api_client.force_authenticate(user)
    assert api_client.get(f"/api/v1/customers/{zhang.pk}/").status_code == status
    if status == 200:
        text = page.content.decode()
        assert "110***********002X" in text and "138****5678" in text
        assert ID_ZHANG not in text and PHONE_ZHANG not in text and "25000" not in text
        body = api_client.get(f"/api/v1/customers/{zhang.pk}/").json()
        assert body["id_number_masked"] == "110***********002X"
        assert ID_ZHANG not in str(body) and PHONE_ZHANG not in str(body)


def test_api_create_search_update_and_refusals(api_client, org):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post(
        "/api/v1/customers/",
        {
            "kind": "individual",
            "name": "王五",
            "id_number": valid_id("11010519800101123"),
            "phone": "+86 139-0000-1111",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["phone_masked"] == "139****1111"
    found = api_client.get("/api/v1/customers/", {"q": "ww"}).json()
    assert [c["name"] for c in found["results"]] == ["王五"]
    bad = api_client.post(
        "/api/v1/customers/",
        {"kind": "individual", "name": "x", "id_number": "360426199101010072"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "id_bad_checksum" and bad.json()["details"]["field"] == "id_number"
    assert "360426199101010072" not in bad.content.decode()
    customer_id = created.json()["id"]
    api_client.force_authenticate(org.head1)
    read_only = api_client.put(
        f"/api/v1/customers/{customer_id}/", {"kind": "individual", "name": "王五五"}, format="json"
    )
    assert read_only.status_code == 403 and read_only.json()["code"] == "customer_read_only"
    api_client.force_authenticate(org.lead1)
    updated = api_client.put(
        f"/api/v1/customers/{customer_id}/",
        {"kind": "individual", "name": "王五五", "phone": "13900001111"},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["name"] == "王五五"
    event = AuditEvent.objects.get(action="customer.update")
    assert (event.before["name"], event.after["name"]) == ("王五", "王五五")
    assert "id_number" not in event.before and "id_number" not in event.after  # PUT without an ID keeps it
    assert updated.json()["id_number_masked"] == created.json()["id_number_masked"]


def test_page_create_shows_a_chinese_error(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/customers/new/",
        {
            "kind": "individual",
            "name": "李四",
            "id_number": "360426199101010072",
            "quality_segment": "standard",
            "value_segment": "mass",
            "source": "new",
            "channel": "offline",
        },
    )
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Customer.objects.exists()


def test_the_list_page_and_the_api_show_customers_in_the_same_order(client, api_client, org):
    """One selector (``customer_list``) for the page, its export and the API: last changed first."""
    names = ["甲", "乙", "丙"]
    created = [
        services.customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name=name))
        for name in names
    ]
    services.customer_update(
        actor=org.cm_a, customer_id=created[0].pk, data=CustomerInput(kind="individual", name="甲")
    )
    api_client.force_authenticate(org.cm_a)
    api_order = [c["id"] for c in api_client.get("/api/v1/customers/").json()["results"]]
    client.force_login(org.cm_a)
    page = client.get("/customers/").content.decode()
    page_order = sorted(api_order, key=lambda pk: page.index(f"/customers/{pk}/"))
    assert api_order == page_order == [created[0].pk, created[2].pk, created[1].pk]
