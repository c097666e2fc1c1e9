"""查看明文 (issue 13 item 8): the owner may, with a reason, audited, rate-limited; masks everywhere else.

The rule is ``Action.SENSITIVE_UNMASK`` (``accounts/policy.py``) and the service
``customers.services.unmask.sensitive_unmask``: scope (404) → policy (403) → reason → rate limit (429).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone

from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound, RateLimited
from creditdesk.core.models import AuditEvent
from creditdesk.customers import sensitive, services
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

ID_ZHANG = "11010519491231002X"
PHONE_ZHANG = "13812345678"
REASON = "面签核实身份信息"


@pytest.fixture
def zhang(org):
    return services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="张三",
            id_number=ID_ZHANG,
            phone=PHONE_ZHANG,
            monthly_income="25000",
            monthly_debt_payments="3,200.5",
            profile={"has_property": "yes"},
            property_value="2850000",
        ),
    )


@pytest.fixture
def need(org, zhang):
    from creditdesk.products import services as product_services

    return product_services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            "purpose": "renovation",
            "amount": "150000.00",
            "term_months": 36,
            "monthly_income": "18000.00",
            "monthly_debt_payments": "2000.00",
        },
    )


def unmask(actor, customer, field, reason=REASON, **kwargs):
    return services.sensitive_unmask(
        actor=actor, target="customer", target_id=customer.pk, field=field, reason=reason, **kwargs
    )


def unmask_events():
    return AuditEvent.objects.filter(action="sensitive.unmask")


# --- who may ----------------------------------------------------------------------------------------------


def test_the_owner_sees_id_phone_and_income_in_clear_and_each_look_is_audited_without_the_value(org, zhang):
    assert unmask(org.cm_a, zhang, "id_number") == ID_ZHANG
    assert unmask(org.cm_a, zhang, "phone") == PHONE_ZHANG
    assert unmask(org.cm_a, zhang, "monthly_income") == "25,000.00"
    assert unmask(org.cm_a, zhang, "monthly_debt_payments") == "3,200.50"
    assert unmask(org.cm_a, zhang, "property_value") == "2,850,000.00"
    events = list(unmask_events().order_by("id"))
    assert [e.after["field"] for e in events] == [
        "id_number",
        "phone",
        "monthly_income",
        "monthly_debt_payments",
        "property_value",
    ]
    first = events[0]
    assert first.actor == org.cm_a and first.target_type == "customers.customer"
    assert first.target_id == str(zhang.pk)
    assert first.after["reason"] == REASON and first.after["target"] == "customer"
    stored = " ".join(str(e.after) + str(e.before) + e.target_repr for e in events)
    for clear in (ID_ZHANG, PHONE_ZHANG, "25000", "25,000", "3200", "2850000", "2,850,000"):
        assert clear not in stored


def test_another_cm_of_the_same_team_does_not_see_the_customer_at_all(org, zhang):
    with pytest.raises(NotFound):
        unmask(org.cm_b, zhang, "id_number")
    assert not unmask_events().exists()


def test_the_team_lead_unmasks_the_teams_customers_and_no_other_teams(org, zhang):
    assert unmask(org.lead1, zhang, "phone") == PHONE_ZHANG
    with pytest.raises(NotFound):
        unmask(org.lead2, zhang, "phone")
    assert unmask_events().count() == 1


def test_the_branchs_risk_manager_may_the_branch_head_may_not(org, zhang):
    assert unmask(org.risk1, zhang, "id_number") == ID_ZHANG
    with pytest.raises(NotAllowed) as refused:
        unmask(org.head1, zhang, "id_number")  # sees the customer, reads reports: no clear value
    assert (refused.value.code, refused.value.status) == ("unmask_not_allowed", 403)
    with pytest.raises(NotFound):
        unmask(org.risk2, zhang, "id_number")  # another branch
    assert unmask_events().count() == 1


def test_the_administrator_and_the_approver_are_refused(org, zhang):
    for person in (org.admin, org.approver1):  # no customer data; nothing routed to the approver
        with pytest.raises(NotFound):
            unmask(person, zhang, "id_number")
    assert not unmask_events().exists()


def test_only_registered_fields_are_unmaskable(org, zhang):
    for target, field in (("customer", "credit_report"), ("customer", "name"), ("loan", "id_number")):
        with pytest.raises(DomainError) as refused:
            services.sensitive_unmask(
                actor=org.cm_a, target=target, target_id=zhang.pk, field=field, reason=REASON
            )
        assert refused.value.code == "field_not_unmaskable"
    assert "credit_report" not in sensitive.targets()["customer"]


# --- the reason -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "核实", "1234", "。。。。", "12,34!!", "----"])
def test_no_reason_is_refused_and_nothing_is_recorded(org, zhang, reason):
    with pytest.raises(DomainError) as refused:
        unmask(org.cm_a, zhang, "id_number", reason=reason)
    assert (refused.value.code, refused.value.extra) == ("unmask_reason_required", {"field": "reason"})
    assert "理由" in refused.value.message
    assert not unmask_events().exists()


def test_the_reason_is_asked_only_of_someone_who_may(org, zhang):
    """Scope first, then the policy: a person outside gets 404 even without a reason."""
    with pytest.raises(NotFound):
        unmask(org.cm_b, zhang, "id_number", reason="")
    with pytest.raises(NotAllowed):
        unmask(org.head1, zhang, "id_number", reason="")


# --- the rate limit ---------------------------------------------------------------------------------------


@override_settings(CREDITDESK_UNMASK_LIMIT=3)
def test_too_many_looks_in_an_hour_are_refused_until_the_hour_has_passed(org, zhang):
    for field in ("id_number", "phone", "monthly_income"):
        unmask(org.cm_a, zhang, field)
    unmask(org.lead1, zhang, "id_number")  # another person's looks are theirs
    with pytest.raises(RateLimited) as refused:
        unmask(org.cm_a, zhang, "id_number")
    assert (refused.value.code, refused.value.status) == ("unmask_rate_limited", 429)
    oldest = unmask_events().filter(actor=org.cm_a).order_by("created_at").first()
    again = timezone.localtime(oldest.created_at + timedelta(hours=1))
    assert f"请于 {again:%H:%M} 之后再试" in refused.value.message
    assert "3 次" in refused.value.message
    assert unmask_events().filter(actor=org.cm_a).count() == 3  # the refusal is not a look

    # The first look leaves the window: one more is allowed, and then the limit holds again.
    unmask_events().filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    assert unmask(org.cm_a, zhang, "id_number") == ID_ZHANG
    with pytest.raises(RateLimited):
        unmask(org.cm_a, zhang, "phone")


def test_the_default_limit_is_twenty_an_hour(org, zhang):
    hour_ago = timezone.now() - timedelta(minutes=59)
    for _ in range(20):
        unmask(org.cm_a, zhang, "phone")
    unmask_events().update(created_at=hour_ago)
    with pytest.raises(RateLimited):
        unmask(org.cm_a, zhang, "phone")  # the 21st within the hour
    unmask_events().update(created_at=hour_ago - timedelta(minutes=2))
    assert unmask(org.cm_a, zhang, "phone") == PHONE_ZHANG


# --- a needs record's figures -----------------------------------------------------------------------------


def test_a_needs_records_income_is_unmasked_through_its_customer(org, zhang, need):
    args = {"target": "need", "target_id": need.pk, "reason": "复核还款能力"}
    assert services.sensitive_unmask(actor=org.cm_a, field="monthly_income", **args) == "18,000.00"
    assert services.sensitive_unmask(actor=org.lead1, field="monthly_debt_payments", **args) == "2,000.00"
    with pytest.raises(NotFound):
        services.sensitive_unmask(actor=org.cm_b, field="monthly_income", **args)
    with pytest.raises(NotAllowed):
        services.sensitive_unmask(actor=org.head1, field="monthly_income", **args)
    with pytest.raises(DomainError) as nothing:
        services.sensitive_unmask(actor=org.cm_a, field="monthly_revenue", **args)  # not recorded
    assert nothing.value.code == "unmask_nothing_recorded"
    event = unmask_events().get(actor=org.cm_a)
    assert (event.target_type, event.target_id) == ("products.need", str(need.pk))
    assert event.after["customer"] == zhang.pk and "18000" not in str(event.after)
    # Named under another customer's URL, the record is not found.
    other = services.customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name="李四"))
    with pytest.raises(NotFound):
        services.sensitive_unmask(actor=org.cm_a, field="monthly_income", customer_id=other.pk, **args)


def test_a_needs_record_shows_its_figures_masked(need):
    assert sensitive.masked(need, "monthly_income") == "已登记"
    assert sensitive.masked(need, "monthly_revenue") == ""


# --- the page: the tag and the one unmask view ------------------------------------------------------------


def render_tag(user, obj, field):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load sensitive %}{% sensitive obj field %}")
    return template.render(Context({"request": request, "user": user, "obj": obj, "field": field}))


def test_the_tag_shows_the_mask_to_everyone_and_the_form_only_to_whom_may(org, zhang, need):
    owner = render_tag(org.cm_a, zhang, "id_number")
    assert "110***********002X" in owner and 'data-testid="unmask-form"' in owner
    assert f'action="/customers/{zhang.pk}/unmask/"' not in owner  # htmx posts it
    assert f'hx-post="/customers/{zhang.pk}/unmask/"' in owner
    head = render_tag(org.head1, zhang, "id_number")
    assert "110***********002X" in head and "unmask-form" not in head and ID_ZHANG not in head
    assert render_tag(org.cm_a, zhang, "phone").count("138****5678") == 1
    income = render_tag(org.head1, zhang, "monthly_income")
    assert "已登记" in income and "25" not in income.replace("unmask", "")
    for_need = render_tag(org.cm_a, need, "monthly_income")
    assert 'name="target" value="need"' in for_need and f'name="target_id" value="{need.pk}"' in for_need
    assert "18,000" not in for_need and "18000" not in for_need


def test_the_360_page_masks_every_value_and_offers_the_form_to_the_owner(client, org, zhang):
    client.force_login(org.cm_a)
    text = client.get(f"/customers/{zhang.pk}/").content.decode()
    for clear in (ID_ZHANG, PHONE_ZHANG, "25,000", "25000", "3,200", "2,850,000", "2850000"):
        assert clear not in text
    assert "110***********002X" in text and "138****5678" in text
    assert text.count('data-testid="unmask-form"') == 5  # ID, phone, income, debt payments, property
    client.force_login(org.head1)
    text = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert "unmask-form" not in text and "110***********002X" in text


def test_the_unmask_view_answers_the_value_or_the_sentence(client, org, zhang, need):
    url = f"/customers/{zhang.pk}/unmask/"
    client.force_login(org.cm_a)
    shown = client.post(url, {"field": "phone", "reason": REASON}, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and f'data-testid="unmasked">{PHONE_ZHANG}<' in shown.content.decode()
    refused = client.post(url, {"field": "phone", "reason": "1234"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "请填写查看明文的理由" in refused.content.decode()
    of_need = client.post(
        url, {"target": "need", "target_id": need.pk, "field": "monthly_income", "reason": REASON}
    )
    assert of_need.status_code == 200 and "18,000.00" in of_need.content.decode()
    client.force_login(org.head1)
    assert client.post(url, {"field": "phone", "reason": REASON}).status_code == 403
    client.force_login(org.cm_b)
    assert client.post(url, {"field": "phone", "reason": REASON}).status_code == 404


@override_settings(CREDITDESK_UNMASK_LIMIT=1)
def test_the_api_unmasks_with_target_and_answers_429_when_too_often(api_client, org, zhang, need):
    api_client.force_authenticate(org.cm_a)
    url = f"/api/v1/customers/{zhang.pk}/unmask/"
    body = {"target": "need", "target_id": need.pk, "field": "monthly_income", "reason": REASON}
    first = api_client.post(url, body, format="json")
    assert first.status_code == 200
    assert first.json() == {
        "target": "need",
        "target_id": need.pk,
        "field": "monthly_income",
        "value": "18,000.00",
    }
    again = api_client.post(url, {"field": "phone", "reason": REASON}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "unmask_rate_limited"
    assert "retry_at" in again.json()["details"]
    api_client.force_authenticate(org.cm_b)
    assert api_client.post(url, {"field": "phone", "reason": REASON}, format="json").status_code == 404


def test_the_api_refuses_a_missing_reason_with_its_code(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    answer = api_client.post(
        f"/api/v1/customers/{zhang.pk}/unmask/", {"field": "id_number", "reason": "。。。。"}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "unmask_reason_required"


def test_the_customer_api_and_export_never_carry_a_clear_value(api_client, client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    body = api_client.get(f"/api/v1/customers/{zhang.pk}/").content.decode()
    listing = api_client.get("/api/v1/customers/").content.decode()
    for clear in (ID_ZHANG, PHONE_ZHANG, "25000", "3200.50", "2850000"):
        assert clear not in body and clear not in listing
