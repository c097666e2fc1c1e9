"""Profile amounts as a customer manager types them ("2.5万", "300,000元", full-width digits), read by
``core.money.parse_amount`` the same way on the page, in the API and in an import."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.importing import customer_import
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput
from creditdesk.customers.tests.test_import import ID_1, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def _create(org, **fields):
    values = {"kind": "individual", "name": "张三", "profile": {"has_property": "yes"}} | fields
    return services.customer_create(actor=org.cm_a, data=CustomerInput(**values))


def test_service_reads_wan_and_full_width(org):
    customer = _create(
        org, monthly_income="2.5万", monthly_debt_payments="４,５００元", property_value="285万"
    )
    customer.refresh_from_db()
    assert (customer.monthly_income, customer.monthly_debt_payments, customer.property_value) == (
        "25000.00",
        "4500.00",
        "2850000.00",
    )


@pytest.mark.parametrize(
    ("typed", "words"),
    [("3O万", "不是有效的金额"), ("30万5", "不是有效的金额"), ("−5万", "不小于 0"), ("1.234", "两位小数")],
)
def test_service_refuses_naming_the_field(org, typed, words):
    with pytest.raises(DomainError) as caught:
        _create(org, monthly_income=typed)
    assert caught.value.code == "income_invalid" and words in caught.value.message
    assert not Customer.objects.exists() and not AuditEvent.objects.exists()


def test_page_inputs_are_text_and_read_wan(client, org):
    client.force_login(org.cm_a)
    page = client.get("/customers/new/").content.decode()
    assert 'type="number"' not in page
    # income, debt payments, property, vehicle, overdue; revenue, assets, 公积金 base
    assert page.count('inputmode="decimal"') == 8
    form = {
        "kind": "individual",
        "name": "张三",
        "quality_segment": "standard",
        "value_segment": "mass",
        "source": "new",
        "channel": "offline",
        "monthly_income": "3万",
    }
    assert client.post("/customers/new/", form).status_code == 302
    assert Customer.objects.get().monthly_income == "30000.00"


def test_api_reads_wan(api_client, org):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post(
        "/api/v1/customers/",
        {"kind": "individual", "name": "王五", "monthly_income": "2.5 万元"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Customer.objects.get().monthly_income == "25000.00"
    bad = api_client.post(
        "/api/v1/customers/", {"kind": "individual", "name": "赵六", "monthly_income": "1e9"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "income_invalid"


def test_import_reads_wan(org):
    rows = [["张三", "个人", ID_1, "13812345678", "2.5万", "餐饮", "线下"]]
    result = customer_import(actor=org.cm_a, file=csv_bytes(rows))
    assert result.saved, [p.message for p in result.problems]
    assert Customer.objects.get().monthly_income == "25000.00"
