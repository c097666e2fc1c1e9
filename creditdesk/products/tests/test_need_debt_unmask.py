"""An existing debt's balance (``NeedDebt.balance``) is sensitive like the need's income (RULES.md "Personal
information"): masked on the page and in the API, unmaskable one value at a time through the one service
(``target`` "need_debt": scope → policy → reason, audited without the value); and the demo's 张三 has two
debts to show it.
"""

from __future__ import annotations

import json

import pytest

from creditdesk.accounts import scope
from creditdesk.accounts.choices import Role
from creditdesk.accounts.tests.factories import make_person
from creditdesk.core.exceptions import NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.core.testing.queries import assert_same_queries
from creditdesk.customers import sensitive
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.finance.terms import Method
from creditdesk.products import seed, services
from creditdesk.products.capacity import Debt, total_monthly_obligation
from creditdesk.products.models import Need, NeedDebt
from creditdesk.products.tests.conftest import D

pytestmark = pytest.mark.django_db

REASON = "复核现有负债"
MORTGAGE = {  # figures found nowhere else on the page or in the answer
    "label": "房贷",
    "method": "equal_installment",
    "balance": "876543.21",
    "annual_rate": "0.0355",
    "remaining_months": 252,
}
CARD = {
    "label": "信用卡",
    "method": "revolving",
    "balance": "17654",
    "annual_rate": "0.1825",
    "remaining_months": 1,
}
CLEAR = ("876543", "876,543", "17654", "17,654")


@pytest.fixture
def need(org, zhang):
    return services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            "purpose": "renovation",
            "amount": "100000",
            "term_months": 36,
            "monthly_income": "30000",
            "debts": [MORTGAGE, CARD],
        },
    )


def mortgage_of(need):
    return need.debts.get(position=1)


def unmask_events():
    return AuditEvent.objects.filter(action="sensitive.unmask")


def api_unmask(api_client, user, customer, debt, reason=REASON):
    api_client.force_authenticate(user)
    return api_client.post(
        f"/api/v1/customers/{customer.pk}/unmask/",
        {"target": "need_debt", "target_id": debt.pk, "field": "balance", "reason": reason},
        format="json",
    )


# --- the registry and the scope ---------------------------------------------------------------------------


def test_the_balance_is_registered_and_masked(need, zhang):
    debt = mortgage_of(need)
    assert sensitive.registered("need_debt").model is NeedDebt
    assert sensitive.targets()["need_debt"] == ["balance"]
    assert sensitive.masked(debt, "balance") == "已登记"
    assert sensitive.registration_of(debt).customer_of(debt) == zhang


def test_the_scope_follows_the_debt_to_its_customer(org, need):
    debts = NeedDebt.objects.filter(need=need)
    assert set(scope.visible(org.cm_a, debts)) == set(debts)  # the owner
    assert set(scope.visible(org.lead1, debts)) == set(debts)  # the team lead
    assert set(scope.visible(org.head1, debts)) == set(debts)  # the branch head sees (but may not unmask)
    assert not scope.visible(org.cm_b, debts).exists()  # a colleague of the team
    assert not scope.visible(org.cm_c, debts).exists()  # another team
    assert not scope.visible(org.head2, debts).exists()  # another branch


# --- the service and the API ------------------------------------------------------------------------------


def test_the_owner_unmasks_a_balance_with_a_reason_audited_without_the_value(api_client, org, zhang, need):
    debt = mortgage_of(need)
    answer = api_unmask(api_client, org.cm_a, zhang, debt)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "target": "need_debt",
        "target_id": debt.pk,
        "field": "balance",
        "value": "876,543.21",
    }
    event = unmask_events().get()
    assert (event.actor, event.target_type, event.target_id) == (org.cm_a, "products.needdebt", str(debt.pk))
    assert event.after == {
        "target": "need_debt",
        "customer": zhang.pk,
        "field": "balance",
        "label": "余额或已用额度（元）",
        "reason": REASON,
    }
    assert not any(clear in json.dumps(event.after, ensure_ascii=False) for clear in CLEAR)
    card = need.debts.get(position=2)
    assert (
        customer_services.sensitive_unmask(
            actor=org.lead1, target="need_debt", target_id=card.pk, field="balance", reason=REASON
        )
        == "17,654.00"
    )


def test_a_branch_head_is_refused_and_nothing_is_audited(api_client, org, zhang, need):
    answer = api_unmask(api_client, org.head1, zhang, mortgage_of(need))
    assert answer.status_code == 403
    assert not any(clear in answer.content.decode() for clear in CLEAR)
    with pytest.raises(NotAllowed):
        customer_services.sensitive_unmask(
            actor=org.head1,
            target="need_debt",
            target_id=mortgage_of(need).pk,
            field="balance",
            reason=REASON,
        )
    assert not unmask_events().exists()


def test_another_teams_manager_gets_404(api_client, org, zhang, need):
    assert api_unmask(api_client, org.cm_c, zhang, mortgage_of(need)).status_code == 404
    with pytest.raises(NotFound):
        customer_services.sensitive_unmask(
            actor=org.cm_c, target="need_debt", target_id=mortgage_of(need).pk, field="balance", reason=REASON
        )
    assert not unmask_events().exists()


def test_a_debt_named_under_another_customer_is_not_found(api_client, org, need):
    other = customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="李四")
    )
    assert api_unmask(api_client, org.cm_a, other, mortgage_of(need)).status_code == 404
    refused = api_unmask(api_client, org.cm_a, need.customer, mortgage_of(need), reason="1234")
    assert refused.status_code == 400 and refused.json()["code"] == "unmask_reason_required"
    assert not unmask_events().exists()


def test_the_api_answers_the_debts_masked_with_their_ids(api_client, org, zhang, need):
    api_client.force_authenticate(org.cm_a)
    response = api_client.get(f"/api/v1/needs/{need.pk}/")
    assert response.status_code == 200
    debts = response.json()["debts"]
    assert [(d["id"], d["label"], d["balance_masked"]) for d in debts] == [
        (mortgage_of(need).pk, "房贷", "已登记"),
        (need.debts.get(position=2).pk, "信用卡", "已登记"),
    ]
    assert all("balance" not in d for d in debts)
    listed = api_client.get("/api/v1/needs/", {"customer": zhang.pk})
    for text in (response.content.decode(), listed.content.decode()):
        assert not any(clear in text for clear in CLEAR)


# --- the page ---------------------------------------------------------------------------------------------


def test_the_page_shows_the_mask_and_offers_the_form_to_the_owner_only(client, org, zhang, need):
    mortgage = mortgage_of(need)
    client.force_login(org.cm_a)
    html = client.get(f"/products/customers/{zhang.pk}/need/").content.decode()
    assert html.count('data-testid="sensitive-need_debt-balance">已登记<') == 2
    assert 'name="target" value="need_debt"' in html
    assert f'name="target_id" value="{mortgage.pk}"' in html
    assert not any(clear in html for clear in CLEAR)
    shown = client.post(
        f"/customers/{zhang.pk}/unmask/",
        {"target": "need_debt", "target_id": mortgage.pk, "field": "balance", "reason": REASON},
        HTTP_HX_REQUEST="true",
    )
    assert shown.status_code == 200 and "876,543.21" in shown.content.decode()
    client.force_login(org.head1)
    html = client.get(f"/products/customers/{zhang.pk}/need/").content.decode()
    assert html.count('data-testid="sensitive-need_debt-balance">已登记<') == 2
    assert 'value="need_debt"' not in html and not any(clear in html for clear in CLEAR)


def test_the_page_reads_the_debts_customer_once_whatever_their_number(client, org, zhang, need):
    li = customer_services.customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name="李四"))
    cards = [{**CARD, "label": f"信用卡 {n}"} for n in range(1, 6)]
    services.need_record(
        actor=org.cm_a,
        customer_id=li.pk,
        data={
            "purpose": "renovation",
            "amount": "100000",
            "term_months": 36,
            "monthly_income": "30000",
            "debts": [MORTGAGE, *cards],
        },
    )
    client.force_login(org.cm_a)
    page = [zhang]  # 2 debts; then 李四's page with 6

    def render():
        html = client.get(f"/products/customers/{page[0].pk}/need/").content.decode()
        assert html.count('data-testid="sensitive-need_debt-balance"') == (2 if page[0] == zhang else 6)

    render()  # the session's first save after the login is not the page's
    assert_same_queries(render, lambda: page.__setitem__(0, li), at_most=12, label="need page")


# --- the demo ---------------------------------------------------------------------------------------------


def _manager1_with_zhang(org):
    manager1 = make_person(Role.MANAGER, team=org.t1, username="manager1")
    zhang = customer_services.customer_create(
        actor=manager1, data=CustomerInput(kind="individual", name="张三", monthly_income="12000")
    )
    return manager1, zhang


def test_the_demo_gives_zhang_a_mortgage_and_a_card_in_use(org):
    _manager1, zhang = _manager1_with_zhang(org)
    assert seed.run()["created_needs"] == 1
    need = Need.objects.get(customer=zhang)
    debts = list(need.debts.all())
    assert [(d.position, d.method, d.source, d.remaining_months) for d in debts] == [
        (1, "equal_installment", "manual", 252),
        (2, "revolving", "manual", 1),
    ]
    assert all(d.balance > 0 for d in debts)
    # Stored as need_record stores a need with debts: the existing payments are the debts' obligations.
    assert need.monthly_debt_payments == total_monthly_obligation(d.as_debt() for d in debts)
    assert need.assessment.debt_count == 2
    # The card counts its 等额本息 payment over 12 months, not its interest alone.
    card = debts[1].as_debt()
    assert card.monthly_obligation > card.balance / 12
    assert seed.run() == {"created_products": 0, "created_needs": 0}
    assert NeedDebt.objects.count() == 2


def test_a_database_seeded_before_debts_gets_a_new_need_for_zhang(org):
    manager1, zhang = _manager1_with_zhang(org)
    old = services.need_record(
        actor=manager1,
        customer_id=zhang.pk,
        data={"purpose": "consumption", "amount": "50000", "term_months": 24, "monthly_income": "12000"},
    )
    assert seed.run()["created_needs"] == 1
    new = Need.objects.exclude(pk=old.pk).get(customer=zhang)
    assert (new.purpose, new.amount, new.monthly_income) == ("consumption", D("50000.00"), D("12000.00"))
    assert new.debts.count() == 2 and not old.debts.exists()
    assert Need.objects.get(pk=old.pk).monthly_debt_payments == D("0.00")  # the old analysis is unchanged
    assert seed.run()["created_needs"] == 0


def test_the_demo_mortgage_payment_is_about_a_quarter_of_the_income():
    need = Need(monthly_income=D("12000.00"))
    mortgage, card = seed._demo_debts(need)
    assert (mortgage.method, card.method) == (Method.EQUAL_INSTALLMENT, Method.REVOLVING)
    assert mortgage.balance == D("530000.00") and card.balance == D("9000.00")
    assert (
        D("2900")
        < Debt(mortgage.method, mortgage.balance, mortgage.annual_rate, 252).monthly_obligation
        < D("3000")
    )
