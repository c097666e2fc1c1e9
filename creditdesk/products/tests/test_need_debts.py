"""Needs with existing debts one by one (RULES.md "Debt-to-income"), income and balances encrypted at
rest and never answered in clear (RULES.md "Personal information"), prior liens and 首套/二套.

The worked figure of issue 13: a 1,000,000.00 先息后本 loan with 36 months left at 3.60 % counts
29,346.38 a month in DTI (the 等额本息 payment over 36 months), not its 3,000.00 of interest.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.consents import services as consent_services
from creditdesk.consents.tests.conftest import make_consent
from creditdesk.core.crypto import decrypt
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.finance.terms import Method
from creditdesk.products import services
from creditdesk.products.capacity import Capacity, Debt, assess, validate_capacity
from creditdesk.products.models import Need, NeedDebt
from creditdesk.products.tests.conftest import D

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("creditdesk.products.migrations.0002_need_sealed_amounts_and_debts")

INCOME = "80000"  # not a figure found anywhere else on the page or in the answer
INTEREST_ONLY = {
    "label": "经营贷",
    "method": "interest_only",
    "balance": "1000000",
    "annual_rate": "0.036",
    "remaining_months": 36,
}
INSTALMENT = {  # RULES.md: 100,000 at 3.60 % over 12 → 8,496.73 a month
    "label": "车贷",
    "method": "equal_installment",
    "balance": "100000",
    "annual_rate": "0.036",
    "remaining_months": 12,
}
NEED = {"purpose": "renovation", "amount": "300000", "term_months": 36, "monthly_income": INCOME}
FORM = {
    "purpose": "renovation",
    "amount": "300000",
    "term_months": "36",
    "rate_sensitivity": "medium",
    "collateral_type": "none",
    "monthly_income": INCOME,
}


def _record(org, customer, **change):
    return services.need_record(actor=org.cm_a, customer_id=customer.pk, data={**NEED, **change})


# --- the pure core ---------------------------------------------------------------------------------------


def test_capacity_counts_the_debts_not_the_typed_total():
    debt = Debt(Method.INTEREST_ONLY, D("1000000.00"), D("0.036"), 36, "经营贷")
    capacity = Capacity(monthly_income=D("80000.00"), monthly_debt_payments=D("3000.00"), debts=(debt,))
    assert capacity.monthly_debt_payments == D("29346.38")
    assert capacity.typed_debt_payments == D("3000.00")
    assert "逐笔计算" in capacity.debt_basis
    assert [f.code for f in validate_capacity(capacity)] == ["debt_payments_from_debts"]
    typed = Capacity(monthly_income=D("80000.00"), monthly_debt_payments=D("3000.00"))
    assert typed.monthly_debt_payments == D("3000.00") and "手工填写" in typed.debt_basis
    assert assess(capacity).affordable_payment == D("14653.62")  # 55 % × 80,000 − 29,346.38
    assert Capacity.from_dict(capacity.to_dict()) == capacity


# --- the service -------------------------------------------------------------------------------------------


def test_interest_only_debt_counts_its_amortising_payment(org, zhang):
    need = _record(org, zhang, debts=[INTEREST_ONLY], monthly_debt_payments="3000")
    assert need.monthly_debt_payments == D("29346.38")  # stored as counted, not the typed 3,000
    fresh = Need.objects.get(pk=need.pk)
    assert fresh.monthly_debt_payments == D("29346.38") and fresh.monthly_income == D("80000.00")
    assessment = fresh.assessment
    assert assessment.monthly_debt_payments == D("29346.38")
    assert assessment.to_dict()["dti_before"] == "0.3668"  # 29,346.38 ÷ 80,000
    assert assessment.affordable_payment == D("14653.62")
    assert assessment.debt_count == 1
    (debt,) = fresh.debts.all()
    assert (debt.position, debt.label, debt.method, debt.source) == (1, "经营贷", "interest_only", "manual")
    assert (debt.balance, debt.annual_rate, debt.remaining_months) == (D("1000000.00"), D("3.6000"), 36)


def test_two_debts_are_summed(org, zhang):
    need = _record(org, zhang, debts=[INTEREST_ONLY, {**INSTALMENT, "balance": "10万"}])
    assert need.monthly_debt_payments == D("29346.38") + D("8496.73")
    assert Need.objects.get(pk=need.pk).assessment.monthly_debt_payments == D("37843.11")
    assert list(need.debts.values_list("position", "label")) == [(1, "经营贷"), (2, "车贷")]


def test_a_half_filled_debt_is_refused_naming_its_row(org, zhang):
    with pytest.raises(DomainError) as refused:
        _record(
            org, zhang, debts=[INTEREST_ONLY, {"label": "信用卡", "method": "revolving", "balance": "5000"}]
        )
    assert refused.value.code == "debt_incomplete"
    assert refused.value.message.startswith("第 2 笔负债未填完整") and "年利率" in refused.value.message
    assert refused.value.extra["row"] == 2
    with pytest.raises(DomainError) as bad:
        _record(org, zhang, debts=[{**INSTALMENT, "remaining_months": 0}])
    assert bad.value.code == "debt_term_invalid" and bad.value.message.startswith("第 1 笔负债：")
    assert not Need.objects.exists() and not NeedDebt.objects.exists()


def test_prior_liens_and_home_order_are_stored(org, zhang):
    need = _record(
        org,
        zhang,
        purpose="home_purchase",
        collateral_type="residential_property",
        collateral_value="3000000",
        collateral_prior_liens="500000",
        home_purchase_order="second",
    )
    fresh = Need.objects.get(pk=need.pk)
    assert (fresh.collateral_prior_liens, fresh.home_purchase_order) == (D("500000.00"), "second")
    assert fresh.get_home_purchase_order_display() == "二套"


def test_home_order_needs_a_home_purchase_and_liens_a_collateral(org, zhang):
    with pytest.raises(DomainError) as refused:
        _record(org, zhang, home_purchase_order="first")
    assert refused.value.code == "need_home_purchase_order_not_home"
    assert refused.value.extra["field"] == "home_purchase_order"
    with pytest.raises(DomainError) as liens:
        _record(org, zhang, collateral_prior_liens="1000")
    assert liens.value.code == "need_prior_liens_without_collateral"
    assert not Need.objects.exists()


# --- nothing in clear: column, page, API answer, audit row -------------------------------------------------


def test_no_clear_income_or_balance_in_the_columns(org, zhang):
    need = _record(org, zhang, debts=[INTEREST_ONLY])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT monthly_income, monthly_debt_payments FROM products_need WHERE id = %s", [need.pk]
        )
        income, payments = cursor.fetchone()
        cursor.execute("SELECT balance FROM products_needdebt WHERE need_id = %s", [need.pk])
        (balance,) = cursor.fetchone()
    for raw in (income, payments, balance):
        assert isinstance(raw, str) and raw.startswith("v1.")
    assert "80000" not in income and "8000000" not in str(income)
    assert "1000000" not in balance and "29346" not in payments
    # …and each token opens under the context the field reads with (what the migration seals with)
    assert decrypt(income, context="products.need.monthly_income") == "80000.00"
    assert decrypt(balance, context="products.needdebt.balance") == "1000000.00"


def test_no_clear_income_or_balance_on_the_page(client, org, zhang):
    client.force_login(org.cm_a)
    form = {
        **FORM,
        "debt_1_label": "经营贷",
        "debt_1_method": "interest_only",
        "debt_1_balance": "100万",
        "debt_1_annual_rate": "3.6%",
        "debt_1_remaining_months": "36",
        "monthly_debt_payments": "3000",  # typed too: the debts win, and the page says so
    }
    response = client.post(f"/products/customers/{zhang.pk}/need/", form, follow=True)
    html = response.content.decode()
    assert "已记录需求分析。" in html and "手工填写的合计未采用" in html
    need = Need.objects.get()
    assert need.monthly_debt_payments == D("29346.38") and need.debts.get().annual_rate == D("3.6000")
    for clear in ("80,000.00", "80000", "1,000,000.00", "1000000", "100万", "29,346.38"):
        assert clear not in html
    assert "已登记" in html and 'data-testid="need-debt"' in html
    assert "14,653.62" in html  # the affordable payment stays visible
    assert "按 1 笔负债逐笔计算" in html
    assert 'name="debt_1_label" value="经营贷"' in html  # the next form starts from the last need's debts
    assert 'name="monthly_income" value' not in html  # never pre-filled in clear


def test_a_half_filled_row_is_refused_on_the_page(client, org, zhang):
    client.force_login(org.cm_a)
    page = client.post(
        f"/products/customers/{zhang.pk}/need/",
        {**FORM, "debt_2_label": "车贷", "debt_2_balance": "5万"},
    )
    assert page.status_code == 400
    assert "第 2 笔负债未填完整：请填写还款方式、年利率、剩余期数（或整行留空）。" in page.content.decode()
    home = client.post(f"/products/customers/{zhang.pk}/need/", {**FORM, "home_purchase_order": "first"})
    assert home.status_code == 400 and "只有购房用途才填写首套/二套。" in home.content.decode()
    assert not Need.objects.exists()


def test_no_clear_income_or_balance_in_the_api_answer(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        "/api/v1/needs/",
        {
            "customer": zhang.pk,
            **NEED,
            "debts": [INTEREST_ONLY],
            "collateral_type": "residential_property",
            "collateral_value": "3000000",
            "collateral_prior_liens": "500000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Need.objects.get().monthly_debt_payments == D("29346.38")
    assert body["assessment"]["affordable_payment"] == "14653.62"
    assert body["assessment"]["dti_before"] == "0.3668" and body["assessment"]["debt_count"] == 1
    assert body["monthly_income_masked"] == "已登记" and body["monthly_revenue_masked"] is None
    assert "monthly_income" not in body and "monthly_debt_payments" not in body
    assert body["collateral_prior_liens"] == "500000.00" and body["home_purchase_order"] == ""
    (debt,) = body["debts"]
    assert debt["balance_masked"] == "已登记" and debt["annual_rate"] == "0.036" and "balance" not in debt
    text = response.content.decode()
    for clear in ("80000", "1000000", "29346"):
        assert clear not in text
    listed = api_client.get("/api/v1/needs/", {"customer": zhang.pk}).content.decode()
    assert "80000" not in listed and "1000000" not in listed
    refused = api_client.post(
        "/api/v1/needs/",
        {"customer": zhang.pk, **NEED, "debts": [INTEREST_ONLY, {"method": "bullet", "balance": "1"}]},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "debt_incomplete"
    assert refused.json()["details"]["row"] == 2 and "第 2 笔负债" in refused.json()["message"]


def test_no_clear_income_or_balance_in_the_audit_row(org, zhang):
    need = _record(org, zhang, debts=[INTEREST_ONLY], monthly_revenue="90000", monthly_costs="70000")
    event = AuditEvent.objects.get(action="need.record", target_id=str(need.pk))
    text = json.dumps(event.after, ensure_ascii=False)
    for clear in ("80000", "1000000", "29346", "90000", "70000"):
        assert clear not in text
    assert event.after["debts"][0]["label"] == "经营贷" and event.after["debts"][0]["balance"] != "1000000.00"


# --- pre-filled from the 征信 summary --------------------------------------------------------------------


def test_debt_rows_are_offered_from_the_latest_credit_report(client, org, zhang):
    make_consent(zhang, purpose="loan_review")
    inquiry = consent_services.credit_inquiry_request(
        actor=org.cm_a, customer_id=zhang.pk, purpose="loan_review"
    )
    consent_services.credit_report_summary_record(
        actor=org.cm_a,
        inquiry_id=inquiry.pk,
        report_date=timezone.localdate(inquiry.requested_at),
        current_overdue=False,
        status_24m="N" * 24,
        inquiries_6m=0,
        debt_count=2,
        debt_balance="654321",
    )
    rows = services.need_debt_rows_from_report(customer=zhang)
    assert [(r["label"], r["source"]) for r in rows] == [
        ("征信负债 1", "credit_report"),
        ("征信负债 2", "credit_report"),
    ]
    client.force_login(org.cm_a)
    html = client.get(f"/products/customers/{zhang.pk}/need/").content.decode()
    assert 'name="debt_2_label" value="征信负债 2"' in html and "654321" not in html and "654,321" not in html


# --- the migration's data step -----------------------------------------------------------------------------


def test_the_migration_seals_existing_clear_amounts_and_opens_them_back():
    table = "h4_need_migration_check"
    columns = ", ".join(f"{f} bigint NULL, {f}_sealed text NULL" for f in MIGRATION.SEALED)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, {columns})")
        cursor.execute(
            f"INSERT INTO {table} (id, monthly_income, monthly_debt_payments, monthly_revenue) "
            "VALUES (1, 1234567, 0, NULL)"
        )
    MIGRATION.seal_clear_amounts(connection, table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT monthly_income_sealed, monthly_debt_payments_sealed, monthly_revenue_sealed FROM {table}"
        )
        income, payments, revenue = cursor.fetchone()
    assert income.startswith("v1.") and "12345" not in income and revenue is None
    assert decrypt(income, context="products.need.monthly_income") == "12345.67"
    assert decrypt(payments, context="products.need.monthly_debt_payments") == "0.00"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET monthly_income = NULL, monthly_debt_payments = NULL")
    MIGRATION.open_sealed_amounts(connection, table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT monthly_income, monthly_debt_payments, monthly_revenue FROM {table}")
        assert cursor.fetchone() == (1234567, 0, None)
        cursor.execute(f"DROP TABLE {table}")


def test_a_token_sealed_by_the_migration_reads_back_through_the_model(org, zhang):
    need = _record(org, zhang)
    token = MIGRATION.seal_value(987654, "monthly_income")  # 9,876.54 yuan as the old column held it
    with connection.cursor() as cursor:
        cursor.execute("UPDATE products_need SET monthly_income = %s WHERE id = %s", [token, need.pk])
    assert Need.objects.get(pk=need.pk).monthly_income == D("9876.54")
    assert MIGRATION.open_value(token, "monthly_income") == 987654
