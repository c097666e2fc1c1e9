"""客户画像: addresses, debt payments, assets, credit-report summary, risk preference, tags — validated by
the service, encrypted where sensitive, masked in the audit, edited on the page and through the API."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

FULL = {
    "monthly_debt_payments": "4,500.5",
    "property_value": "2850000",
    "vehicle_value": "168000.00",
    "credit_current_overdue": "0",
    "credit_worst_overdue_days": "15",
    "credit_inquiries_6m": "3",
}
PROFILE = {
    "address_residential": "北京市朝阳区建国路 88 号",
    "address_business": "北京市海淀区中关村大街 1 号",
    "has_property": "yes",
    "has_vehicle": "有",
    "term_preference": "long",
    "rate_sensitivity": "high",
    "tags": " 老客户，餐饮、 老客户 ; VIP  客户,vip客户 ",
}
SENSITIVE_CLEAR = ("4500.50", "2850000", "168000")


def create(org, **fields):
    values = {"kind": "individual", "name": "张三", "profile": dict(PROFILE)} | fields
    return services.customer_create(actor=org.cm_a, data=CustomerInput(**values))


@pytest.fixture
def zhang(org):
    return create(org, **FULL)


def test_profile_is_stored_normalised_and_sensitive_parts_encrypted(zhang):
    fresh = Customer.objects.get(pk=zhang.pk)
    assert fresh.monthly_debt_payments == "4500.50"
    assert (fresh.has_property, fresh.property_value) == (True, "2850000.00")
    assert (fresh.has_vehicle, fresh.vehicle_value) == (True, "168000.00")
    assert fresh.credit_report_data == {
        "current_overdue": "0.00",
        "worst_overdue_days_24m": 15,
        "inquiries_6m": 3,
    }
    assert (fresh.term_preference, fresh.rate_sensitivity) == ("long", "high")
    assert fresh.tags == "老客户,餐饮,VIP 客户,vip客户" and fresh.tag_list[0] == "老客户"
    assert fresh.address_residential == "北京市朝阳区建国路 88 号"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT monthly_debt_payments, property_value, vehicle_value, credit_report "
            "FROM customers_customer WHERE id = %s",
            [zhang.pk],
        )
        row = cursor.fetchone()
    for column in row:
        assert column.startswith("v1.")
    assert not any(clear in "".join(row) for clear in (*SENSITIVE_CLEAR, "worst_overdue"))


DEBT, PROP, CUR, WORST, INQ = (
    "monthly_debt_payments",
    "property_value",
    "credit_current_overdue",
    "credit_worst_overdue_days",
    "credit_inquiries_6m",
)
BAD = [  # (input, field refused, code suffix, words of the message)
    ({DEBT: "-1"}, DEBT, "invalid", "月还款额"),
    ({DEBT: "12.345"}, DEBT, "invalid", "两位小数"),
    ({DEBT: "abc"}, DEBT, "invalid", "不是有效"),
    ({DEBT: "NaN"}, DEBT, "invalid", "月还款额"),
    ({PROP: "1e12"}, PROP, "invalid", "房产估值"),
    ({CUR: "-5"}, CUR, "invalid", "当前逾期金额"),
    ({WORST: "3651"}, WORST, "invalid", "0 至 3650"),
    ({WORST: "1.5"}, WORST, "invalid", "整数"),
    ({INQ: "-1"}, INQ, "invalid", "查询次数"),
    ({"profile": {"term_preference": "forever"}}, "term_preference", "invalid", "期限偏好"),
    ({"profile": {"rate_sensitivity": "x"}}, "rate_sensitivity", "invalid", "利率敏感度"),
    ({"profile": {"has_property": "maybe"}}, "has_property", "invalid", "名下房产"),
    ({"profile": {"has_property": "no"}, PROP: "100"}, PROP, "without_asset", "名下房产"),
    ({"profile": {}, "vehicle_value": "100"}, "vehicle_value", "without_asset", "名下车辆"),
    ({"profile": {"tags": "a" * 21}}, "tags", "too_long", "20"),
    ({"profile": {"tags": ",".join(str(i) for i in range(11))}}, "tags", "too_many", "10"),
    ({"profile": {"address_residential": "路" * 201}}, "address_residential", "too_long", "居住地址"),
]


@pytest.mark.parametrize(("fields", "field", "suffix", "words"), BAD)
def test_bad_profile_is_refused_naming_the_field_and_nothing_is_saved(org, fields, field, suffix, words):
    with pytest.raises(DomainError) as refused:
        create(org, **fields)
    code = f"{field}_{suffix}"
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert words in refused.value.message
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.exists()


def test_blank_means_not_recorded(org):
    customer = create(org, profile={"tags": " , ，"}, credit_inquiries_6m="", credit_current_overdue="")
    assert (customer.has_property, customer.tags, customer.credit_report) == (None, "", "")


def test_audit_masks_the_sensitive_profile_and_records_a_change_to_it(org, zhang):
    created = AuditEvent.objects.get(action="customer.create")
    for field in ("monthly_debt_payments", "property_value", "vehicle_value", "credit_report"):
        assert created.after[field] == "***"
    assert not any(clear in json.dumps(created.after) for clear in SENSITIVE_CLEAR)
    assert created.after["tags"] == "老客户,餐饮,VIP 客户,vip客户"
    services.customer_update(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data=CustomerInput(kind="individual", name="张三", monthly_debt_payments="5000"),
    )
    updated = AuditEvent.objects.get(action="customer.update")
    # The debt changed, and only that (fields not given are kept); its values stay masked.
    assert updated.before == {"monthly_debt_payments": "***"} == updated.after


def test_an_older_caller_does_not_clear_the_new_fields(org, zhang):
    """``CustomerInput`` without the new sensitive fields (the importer, older code) keeps them."""
    services.customer_update(
        actor=org.cm_a, customer_id=zhang.pk, data=CustomerInput(kind="individual", name="张三")
    )
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.monthly_debt_payments, fresh.property_value) == ("4500.50", "2850000.00")
    assert fresh.credit_report_data["inquiries_6m"] == 3


def test_no_longer_owning_the_asset_clears_its_value(org, zhang):
    services.customer_update(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data=CustomerInput(kind="individual", name="张三", profile={"has_property": "no"}),
    )
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.has_property, fresh.property_value, fresh.vehicle_value) == (False, "", "168000.00")


def test_360_page_shows_the_profile_but_not_the_sensitive_values(client, org, zhang):
    client.force_login(org.cm_a)
    text = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert "北京市朝阳区建国路 88 号" in text and "VIP 客户" in text and "长期" in text
    assert text.count("已登记（敏感信息，不在页面展示）") == 1  # the credit report
    for field in ("monthly_debt_payments", "property_value", "vehicle_value"):  # masks ({% sensitive %})
        assert f'data-testid="sensitive-customer-{field}">已登记</span>' in text
    for clear in (*SENSITIVE_CLEAR, "2,850,000", "worst_overdue"):
        assert clear not in text
    assert f"/customers/{zhang.pk}/edit/" in text


def form_data(**overrides):
    return {
        "kind": "individual",
        "name": "张三",
        "quality_segment": "standard",
        "value_segment": "mass",
        "source": "new",
        "channel": "offline",
        **PROFILE,
        "has_vehicle": "yes",
    } | overrides


def test_page_create_with_the_whole_profile(client, org):
    client.force_login(org.cm_a)
    response = client.post("/customers/new/", form_data(**FULL, id_number="11010519491231002X"))
    assert response.status_code == 302, response.content.decode()
    customer = Customer.objects.get()
    assert (customer.property_value, customer.credit_report_data["worst_overdue_days_24m"]) == (
        "2850000.00",
        15,
    )


def test_page_create_names_the_bad_field(client, org):
    client.force_login(org.cm_a)
    response = client.post("/customers/new/", form_data(credit_inquiries_6m="很多"))
    assert response.status_code == 200
    assert "近 6 个月征信查询次数须为 0 至 999 之间的整数。" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("cm_a", 200), ("lead1", 200), ("cm_b", 404), ("lead2", 404), ("head1", 403), ("risk1", 403),
     ("head2", 404), ("approver1", 404), ("admin", 404)],
)  # fmt: skip
def test_edit_page_scope(client, org, zhang, viewer, status):
    client.force_login(getattr(org, viewer))
    assert client.get(f"/customers/{zhang.pk}/edit/").status_code == status
    posted = client.post(f"/customers/{zhang.pk}/edit/", form_data(name="张三丰"))
    assert posted.status_code == (302 if status == 200 else status)
    assert Customer.objects.get(pk=zhang.pk).name == ("张三丰" if status == 200 else "张三")


def test_edit_page_never_sends_sensitive_values_and_blank_keeps_them(client, org):
    zhang = create(org, id_number="11010519491231002X", phone="13812345678", monthly_income="25000", **FULL)
    client.force_login(org.cm_a)
    page = client.get(f"/customers/{zhang.pk}/edit/").content.decode()
    for clear in ("11010519491231002X", "13812345678", "25000", *SENSITIVE_CLEAR):
        assert clear not in page
    assert "110***********002X" in page and "北京市朝阳区建国路 88 号" in page
    response = client.post(f"/customers/{zhang.pk}/edit/", form_data(rate_sensitivity="low"))
    assert response.status_code == 302
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.id_number, fresh.phone, fresh.monthly_income) == (
        "11010519491231002X",
        "13812345678",
        "25000.00",
    )
    assert (fresh.monthly_debt_payments, fresh.vehicle_value, fresh.rate_sensitivity) == (
        "4500.50",
        "168000.00",
        "low",
    )
    assert fresh.credit_report_data["inquiries_6m"] == 3
    response = client.post(
        f"/customers/{zhang.pk}/edit/",
        form_data(has_vehicle="no", credit_inquiries_6m="5", clear=["phone", "monthly_debt_payments"]),
    )
    assert response.status_code == 302
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.phone, fresh.phone_tail, fresh.monthly_debt_payments, fresh.vehicle_value) == (
        "",
        "",
        "",
        "",
    )
    assert fresh.credit_report_data == {
        "current_overdue": None,
        "worst_overdue_days_24m": None,
        "inquiries_6m": 5,
    }
    assert fresh.id_number == "11010519491231002X"


def test_api_write_and_read_never_returns_sensitive_values(api_client, org):
    api_client.force_authenticate(org.cm_a)
    body = {"kind": "individual", "name": "王五", "monthly_income": 25000, **FULL, **PROFILE}
    body |= {"has_property": True, "has_vehicle": "yes"}
    created = api_client.post("/api/v1/customers/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["tag_list"] == ["老客户", "餐饮", "VIP 客户", "vip客户"]
    assert (data["has_property"], data["term_preference"]) == (True, "long")
    assert data["sensitive_recorded"] == {
        "monthly_income": True,
        "monthly_debt_payments": True,
        "property_value": True,
        "vehicle_value": True,
        "credit_report": True,
        "annual_revenue": False,
        "total_assets": False,
        "provident_fund_base": False,
    }
    for response in (
        created,
        api_client.get(f"/api/v1/customers/{data['id']}/"),
        api_client.get("/api/v1/customers/"),
    ):
        text = response.content.decode()
        assert not any(clear in text for clear in (*SENSITIVE_CLEAR, "25000", "worst_overdue"))
    bad = api_client.put(f"/api/v1/customers/{data['id']}/", {**body, "property_value": "-3"}, format="json")
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["details"]["field"]) == (
        "property_value_invalid",
        "property_value",
    )
    assert Customer.objects.get(pk=data["id"]).property_value == "2850000.00"
