"""The customer forms without friction (issue 13 item 9): the project's validation sentences naming the
field and the limit, and "清除" on the edit page emptying a recorded sensitive value through the service,
audited — the ID number excepted."""

from __future__ import annotations

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.customers import services
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db

ID_ZHANG = "11010519491231002X"
PHONE_ZHANG = "13812345678"
FORM = {
    "kind": "individual",
    "name": "张三",
    "quality_segment": "standard",
    "value_segment": "mass",
    "source": "new",
    "channel": "offline",
}


@pytest.fixture
def zhang(org):
    return services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual", name="张三", id_number=ID_ZHANG, phone=PHONE_ZHANG, monthly_income="25000"
        ),
    )


def test_an_over_long_name_is_refused_with_the_projects_sentence(client, org):
    client.force_login(org.cm_a)
    response = client.post("/customers/new/", {**FORM, "name": "张" * 101})
    html = response.content.decode()
    assert response.status_code == 200
    assert "「名称」最多 100 个字，现在是 101 个。" in html
    assert "确保" not in html and "Ensure" not in html
    assert not Customer.objects.exists()


def test_required_and_choice_messages_name_the_field(client, org):
    client.force_login(org.cm_a)
    html = client.post("/customers/new/", {**FORM, "name": "", "channel": "pigeon"}).content.decode()
    assert "请填写「名称」。" in html
    assert "「获客渠道」的选项无效，请从列表中选择。" in html
    assert "这个字段是必填项" not in html


def test_ticking_clear_on_the_phone_empties_it_and_is_audited(client, org, zhang):
    client.force_login(org.cm_a)
    response = client.post(f"/customers/{zhang.pk}/edit/", {**FORM, "clear": ["phone"]})
    assert response.status_code == 302, response.content.decode()
    fresh = Customer.objects.get(pk=zhang.pk)
    assert (fresh.phone, fresh.phone_tail, fresh.phone_index) == ("", "", "")
    assert (fresh.id_number, fresh.monthly_income) == (ID_ZHANG, "25000.00")  # the others are kept
    event = AuditEvent.objects.get(action="customer.update")
    assert event.actor == org.cm_a and event.target_id == str(zhang.pk)
    assert event.before == {"phone": "138****5678"} and event.after == {"phone": ""}


def test_the_edit_page_offers_to_clear_only_what_is_recorded_and_never_the_id(client, org, zhang):
    client.force_login(org.cm_a)
    form = client.get(f"/customers/{zhang.pk}/edit/").context["form"]
    assert [key for key, _label in form.fields["clear"].choices] == ["phone", "monthly_income"]
    html = client.get(f"/customers/{zhang.pk}/edit/").content.decode()
    # Bootstrap check boxes (a "form-control" checkbox shows no tick when ticked).
    assert (
        '<input type="checkbox" name="clear" value="phone" id="id_clear_0" class="form-check-input">' in html
    )
    assert 'value="id_number"' not in html
    posted = client.post(f"/customers/{zhang.pk}/edit/", {**FORM, "clear": ["id_number"]})
    assert posted.status_code == 200 and "「清除已登记的敏感信息」的选项无效" in posted.content.decode()
    assert Customer.objects.get(pk=zhang.pk).id_number == ID_ZHANG
    assert not AuditEvent.objects.filter(action="customer.update").exists()


def test_clearing_and_typing_a_new_value_at_once_is_refused(client, org, zhang):
    client.force_login(org.cm_a)
    response = client.post(
        f"/customers/{zhang.pk}/edit/", {**FORM, "phone": "13900001111", "clear": ["phone"]}
    )
    assert response.status_code == 200
    assert "「手机号码」勾选了清除，又填写了新值：请二选一" in response.content.decode()
    assert Customer.objects.get(pk=zhang.pk).phone == PHONE_ZHANG
    assert not AuditEvent.objects.filter(action="customer.update").exists()
