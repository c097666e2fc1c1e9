"""Loan servicing in a real browser: manager1's customer 李四 has a loan booked on 2026-01-10 and left
unpaid to 2026-03-12 (30 days past due, 关注); manager1 signs in, opens the loan, records a repayment of
everything overdue through the form, and sees the balances and the schedule updated."""

from __future__ import annotations

import copy
from datetime import date
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.loans.models import Loan, Repayment
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.tests.conftest import book_loan
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import LI_ID
from creditdesk.solutions.tests.small_catalogue import XYD
from tests.browser.test_applications import _restore_seeded_tables, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_loan(demo_org, settings, tmp_path) -> Loan:
    settings.MEDIA_ROOT = tmp_path / "media"
    _restore_seeded_tables()
    manager = User.objects.get(username="manager1")
    risk = User.objects.get(username="risk1")
    version = product_services.product_create(
        actor=risk, spec=copy.deepcopy(XYD), note="首版"
    ).current_version
    customer = customer_services.customer_create(
        actor=manager,
        data=CustomerInput(
            kind="individual",
            name="李四",
            id_number=LI_ID,
            monthly_income="30000",
            monthly_debt_payments="2000",
            profile={"industry": "教育"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )
    loan = book_loan(SimpleNamespace(risk1=risk), customer, version, key="browser-1")
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 3, 12))
    return Loan.objects.get(pk=loan.pk)


def test_the_cm_records_a_repayment_and_sees_the_loan_updated(
    page: Page, live_server, overdue_loan, screenshot_dir, console_errors
):
    base = live_server.url
    sign_in_as(page, base, "manager1")
    page.goto(f"{base}/loans/{overdue_loan.pk}/")
    expect(page.locator("h1")).to_contain_text(overdue_loan.number)
    expect(page.locator("[data-testid=overdue-principal]")).to_have_text("16,418.05")
    expect(page.locator("[data-testid=dpd]")).to_contain_text("30")
    expect(page.locator("[data-testid=loan-status]")).to_contain_text("逾期")
    expect(page.locator("[data-testid=state-1]")).to_have_text("逾期")
    # the end-of-day snapshots, newest first: the loan as it stood at the end of 2026-03-12
    snapshots = page.locator("[data-testid=snapshots]")
    snapshots.locator("summary").click()
    latest = snapshots.locator("tbody tr").first
    expect(latest).to_contain_text("2026-03-12")
    expect(latest).to_contain_text("16,418.05")
    expect(latest).to_contain_text("关注")
    snapshots.screenshot(path=screenshot_dir / "servicing-snapshots.png")

    page.locator("[data-testid=repayment-new]").click()
    form = page.locator("[data-testid=repayment-form]")
    expect(form.locator("[name=value_date]")).to_have_value("2026-03-13")
    form.locator("[name=amount]").fill("17,034.25")
    form.locator("[name=value_date]").fill("2026-03-12")
    form.locator("[name=channel]").select_option("transfer")
    form.locator("[name=reference]").fill("ZZ-20260312-01")
    form.locator("[data-testid=repayment-submit]").click()

    expect(page).to_have_url(f"{base}/loans/{overdue_loan.pk}/")
    expect(page.locator(".alert")).to_contain_text("已登记还款 17,034.25 元")
    expect(page.locator("[data-testid=principal-outstanding]")).to_have_text("83,581.95")
    expect(page.locator("[data-testid=overdue-principal]")).to_have_text("0.00")
    expect(page.locator("[data-testid=dpd]")).to_contain_text("0")
    expect(page.locator("[data-testid=state-1]")).to_have_text("已结清")
    expect(page.locator("[data-testid=state-2]")).to_have_text("已结清")
    expect(page.locator("[data-testid=state-3]")).to_have_text("当期")
    expect(page.locator("[data-testid=repayments]")).to_contain_text("逾期本金 16,418.05")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("还款 17,034.25 元（转账）")
    page.screenshot(path="/tmp/servicing.png", full_page=True)
    page.screenshot(path=screenshot_dir / "servicing-loan.png", full_page=True)
    assert Repayment.objects.filter(loan=overdue_loan).count() == 1
    assert console_errors == []


def test_a_risk_manager_reads_the_end_of_day_report_with_each_steps_seconds(
    page: Page, live_server, overdue_loan, screenshot_dir, console_errors
):
    base = live_server.url
    sign_in_as(page, base, "risk1")
    page.goto(f"{base}/loans/eod/2026-03-12/")
    expect(page.locator("h1")).to_contain_text("2026-03-12")
    expect(page.locator("[data-testid=eod-status]")).to_contain_text("完成")
    counts = page.locator("[data-testid=eod-counts]")
    expect(counts).to_contain_text("计息、账务与分类 · ")  # each step with the seconds it took
    expect(counts).to_contain_text(" 秒")
    expect(counts).to_contain_text("日终快照 · ")
    expect(page.locator("[data-testid=eod-reconciliation]")).to_contain_text("分户账与总账一致")
    page.screenshot(path=screenshot_dir / "servicing-eod-report.png", full_page=True)
    page.screenshot(path="/tmp/eod-report.png", full_page=True)
    assert console_errors == []
