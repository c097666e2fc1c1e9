"""The ID number is the customer's KYC and de-duplication key: once recorded it is corrected, never cleared
(issue 13). One rule in the service (``customer_update`` through ``_apply``), so the API refuses what the
page never offers: a PUT that leaves the ID out keeps it; a PUT with "" is refused with a stable code and
changes nothing; a customer recorded without an ID may get one later.
"""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db

ID_ZHANG = "11010519491231002X"
MASKED = "110***********002X"
CODE = "id_number_cannot_be_cleared"
MESSAGE = "证件号码已登记，不能清除；登记错误时请直接填写正确的号码。"


@pytest.fixture
def zhang(org):
    return services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(kind="individual", name="张三", id_number=ID_ZHANG, phone="13812345678"),
    )


def url(customer):
    return f"/api/v1/customers/{customer.pk}/"


def updates():
    return AuditEvent.objects.filter(action="customer.update")


def test_a_put_without_the_id_keeps_it(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    answer = api_client.put(url(zhang), {"kind": "individual", "name": "张三丰"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["id_number_masked"] == MASKED
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.name, fresh.id_number, fresh.id_tail) == ("张三丰", ID_ZHANG, "002X")
    assert fresh.id_number_index == zhang.id_number_index  # still found as a duplicate by its ID
    event = updates().get()
    assert "id_number" not in event.before and "id_number" not in event.after
    assert (event.before["name"], event.after["name"]) == ("张三", "张三丰")


def test_a_put_with_an_empty_id_is_refused_and_changes_nothing(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    for blank in ("", "   "):
        answer = api_client.put(
            url(zhang), {"kind": "individual", "name": "张三丰", "id_number": blank}, format="json"
        )
        assert answer.status_code == 400
        body = answer.json()
        assert (body["code"], body["message"], body["details"]["field"]) == (CODE, MESSAGE, "id_number")
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.name, fresh.id_number, fresh.phone, fresh.id_number_index) == (
        "张三",
        ID_ZHANG,
        "13812345678",
        zhang.id_number_index,
    )
    assert not updates().exists()


def test_the_service_refuses_clearing_for_every_caller(org, zhang):
    with pytest.raises(DomainError) as refused:
        services.customer_update(
            actor=org.lead1,
            customer_id=zhang.pk,
            data=CustomerInput(kind="individual", name="张三", id_number=""),
        )
    assert (refused.value.code, refused.value.extra) == (CODE, {"field": "id_number"})
    assert Customer.objects.get(pk=zhang.pk).id_number == ID_ZHANG and not updates().exists()


def test_a_kept_id_is_checked_again_when_the_kind_changes(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    answer = api_client.put(url(zhang), {"kind": "enterprise", "name": "张三贸易有限公司"}, format="json")
    assert answer.status_code == 400 and answer.json()["details"]["field"] == "id_number"
    assert ID_ZHANG not in answer.content.decode()
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.kind, fresh.id_number) == ("individual", ID_ZHANG) and not updates().exists()


def test_a_customer_recorded_without_an_id_may_get_one_later(api_client, org):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post("/api/v1/customers/", {"kind": "individual", "name": "李四"}, format="json")
    assert created.status_code == 201 and created.json()["id_number_masked"] == ""
    customer = Customer.objects.get(pk=created.json()["id"])
    still_none = api_client.put(
        url(customer), {"kind": "individual", "name": "李四", "id_number": ""}, format="json"
    )
    assert still_none.status_code == 200 and still_none.json()["id_number_masked"] == ""
    given = api_client.put(
        url(customer), {"kind": "individual", "name": "李四", "id_number": ID_ZHANG.lower()}, format="json"
    )
    assert given.status_code == 200 and given.json()["id_number_masked"] == MASKED
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.id_number, fresh.birth_date.isoformat(), fresh.gender) == (ID_ZHANG, "1949-12-31", "female")
    event = updates().latest("id")
    assert (event.before["id_number"], event.after["id_number"]) == ("", MASKED)


def test_a_correction_replaces_the_id(org, zhang):
    corrected = "110105194912310038"  # born the same day, another number: a typo fixed
    services.customer_update(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data=CustomerInput(kind="individual", name="张三", id_number=corrected),
    )
    assert Customer.objects.get(pk=zhang.pk).id_number == corrected


def test_the_edit_page_keeps_the_id_when_left_blank(client, org, zhang):
    client.force_login(org.cm_a)
    page = client.post(
        f"/customers/{zhang.pk}/edit/",
        {
            "kind": "individual",
            "name": "张三丰",
            "id_number": "",
            "quality_segment": "standard",
            "value_segment": "mass",
            "source": "new",
            "channel": "offline",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Customer.objects.get(pk=zhang.pk).id_number == ID_ZHANG
