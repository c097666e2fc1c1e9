"""Issue 15's happy path in a real browser, each person signed in through the login page: the CM
submits → the team lead recommends → the approver approves with a condition → the risk manager checks
the condition (放款审核) → the CM records the interview (面签) and the signing → the CM disburses → the
loan exists with the schedule of the signed contract. The application is brought to "ready to submit"
through the services (``creditdesk.applications.tests.flow.ready``); everything after that is pages.

"""

from __future__ import annotations

import copy
import importlib
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.applications.models import Application, ConditionCheck, Contract
from creditdesk.applications.terms import part_schedule, schedule_digest, schedule_rows
from creditdesk.applications.tests import flow
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.loans.models import Loan
from creditdesk.products import services as product_services
from creditdesk.rates.models import LprRate
from creditdesk.solutions.tests.conftest import LI_ID, grade
from creditdesk.solutions.tests.small_catalogue import XYD
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser

CONDITION = "落实借款人工作单位收入证明原件核验"


def _restore_seeded_tables() -> None:
    """The LPR table and the routing/concession/exposure matrices come from data migrations; an earlier
    transactional test's flush empties them."""
    for quote in SEEDED_LPR:
        LprRate.objects.get_or_create(
            effective_from=quote.effective_from,
            defaults={"one_year": quote.one_year * 100, "five_year": quote.five_year * 100},
        )
    matrices = importlib.import_module("creditdesk.applications.migrations.0002_default_matrices")
    matrices.seed(django_apps, None)


@pytest.fixture
def ready_application(demo_org, settings, tmp_path) -> Application:
    """李四, manager1's customer graded B, with a 信用贷 application of 150,000 over 36 months (等额本息)
    ready to submit: 征信 authorised, identity verified, documents complete, investigation concluded."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _restore_seeded_tables()
    manager = User.objects.get(username="manager1")
    risk = User.objects.get(username="risk1")
    product_services.product_create(actor=risk, spec=copy.deepcopy(XYD), note="首版")
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
    grade(SimpleNamespace(risk1=risk, cm_a=manager), customer, "B")
    return flow.ready(manager, customer)


def sign_in_as(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()  # the previous person's session ends; the next signs in on the real page
    login(page, base, username)
    expect(page).to_have_url(f"{base}/")


def submit_and_recommend(page: Page, base: str, application: Application, screenshot_dir) -> None:
    """The CM submits; the team lead finds it in the queue and recommends; it waits for approver1."""
    detail_url = f"{base}/applications/{application.pk}/"
    status = page.locator("[data-testid=application-status]")
    approval = page.locator("[data-testid=approval]")

    sign_in_as(page, base, "manager1")
    page.goto(detail_url)
    expect(page.locator("h1")).to_contain_text(application.number)
    page.screenshot(path=screenshot_dir / "applications-detail-ready.png", full_page=True)
    page.locator("[data-testid=submit] [data-testid=submit-button]").click()
    expect(status).to_have_text("已提交")
    expect(approval).to_contain_text("团队主管推荐")
    expect(approval).to_contain_text("审批人审批")
    expect(page.locator("[data-testid=submit]")).to_have_count(0)
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)  # the CM does not decide
    application.refresh_from_db()
    assert application.assigned_to.username == "lead1"

    sign_in_as(page, base, "lead1")
    page.goto(f"{base}/applications/queue/")
    row = page.locator("[data-testid=queue-row]", has_text=application.number)
    expect(row).to_contain_text("李四")
    expect(row).to_contain_text("150,000.00")
    row.get_by_role("link").click()
    expect(page).to_have_url(detail_url)
    form = page.locator("[data-testid=decision-form]")
    form.locator("[name=outcome]").select_option("recommend")
    form.locator("[name=comment]").fill("收入稳定，负债收入比低，同意推荐。")
    form.locator("[data-testid=decide-button]").click()
    expect(approval).to_contain_text("同意推荐")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    application.refresh_from_db()
    assert application.assigned_to.username == "approver1"


def approve(page: Page, base: str, application: Application, screenshot_dir) -> None:
    """approver1 finds the case in the queue on a phone, opens it, and approves it on the desktop with
    one condition (the click only: where the approver lands afterwards is the caller's to check)."""
    sign_in_as(page, base, "approver1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/applications/queue/")
    row = page.locator("[data-testid=queue-row]", has_text=application.number)
    expect(row).to_be_visible()
    expect(row).to_contain_text("150,000.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=screenshot_dir / "applications-queue-phone.png", full_page=True)
    row.get_by_role("link").click()
    expect(page).to_have_url(f"{base}/applications/{application.pk}/")
    expect(page.locator("[data-testid=decision-form]")).to_be_visible()
    page.screenshot(path=screenshot_dir / "applications-detail-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    form = page.locator("[data-testid=decision-form]")
    expect(form.locator("[data-outcome-for=reject]")).to_be_hidden()  # nothing chosen yet: no reasons
    form.locator("[name=outcome]").select_option("reject")
    expect(form.locator("[data-outcome-for=reject]")).to_be_visible()  # a rejection asks its reasons
    form.locator("[name=outcome]").select_option("approve")
    expect(form.locator("[data-outcome-for=reject]")).to_be_hidden()
    expect(form.locator("[data-outcome-for=approve_with_changes]")).to_be_hidden()
    form.locator("[name=comment]").fill("同意发放。")
    form.locator("[name=conditions]").fill(CONDITION)
    with page.expect_navigation():
        form.locator("[data-testid=decide-button]").click()


def test_application_from_submission_to_disbursed_loan(
    page: Page, live_server, ready_application, screenshot_dir, console_errors
):
    application = ready_application
    base = live_server.url
    detail_url = f"{base}/applications/{application.pk}/"
    status = page.locator("[data-testid=application-status]")
    risk = User.objects.get(username="risk1")
    assert User.objects.get(username="approver1").approval_authority >= Decimal("150000.00")

    # 1–2. The CM submits; the team lead recommends.
    submit_and_recommend(page, base, application, screenshot_dir)

    # 3. The approver approves with a condition, is told so, and the queue is empty again.
    approve(page, base, application, screenshot_dir)
    application.refresh_from_db()
    assert application.status == "approved" and application.conditions == [CONDITION]
    # back on the application (an approver keeps what they decided, read only), told so
    expect(page).to_have_url(detail_url)
    expect(page.locator("[role=alert]").first).to_contain_text("审批意见已提交")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    page.goto(f"{base}/applications/queue/")
    expect(page.locator("[data-testid=queue-row]")).to_have_count(0)
    expect(page.locator("[data-testid=queue]")).to_contain_text("没有等待您审批的申请")

    # 4. The risk manager checks the condition (放款审核).
    sign_in_as(page, base, "risk1")
    page.goto(detail_url)
    expect(status).to_have_text("已批准")
    conditions = page.locator("[data-testid=conditions]")
    expect(conditions).to_contain_text(CONDITION)
    check = page.locator("[data-testid=check-form]")
    check.locator("[name=met_0]").check()
    check.locator("[name=note_0]").fill("已核验收入证明原件。")
    check.get_by_role("button", name="提交放款审核").click()
    expect(conditions).to_contain_text("审核通过")
    assert ConditionCheck.objects.get(application=application).checked_by == risk

    # 5. The CM records the interview (面签) and the signing.
    sign_in_as(page, base, "manager1")
    page.goto(detail_url)
    page.locator("[data-testid=identity] summary", has_text="记录面签").click()
    interview = page.locator("[data-testid=interview-form]")
    held_at = timezone.localtime(timezone.now() - timedelta(minutes=10))
    interview.locator("[name=customer]").select_option(str(application.customer_id))
    interview.locator("[name=kind]").select_option("face_to_face")
    interview.locator("[name=held_at]").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    interview.locator("[name=place]").fill("城东支行二楼面签室")
    interview.locator("[name=second_witness]").fill("王芳")
    interview.get_by_role("button", name="保存面签记录").click()
    expect(page.locator("[data-testid=identity]")).to_contain_text("城东支行二楼面签室")
    contract = page.locator("[data-testid=contract]")
    expect(contract.locator("[name=value_date]")).to_have_value(timezone.localdate().isoformat())
    contract.locator("[name=place]").fill("城东支行")
    contract.get_by_role("button", name="记录签约").click()
    expect(status).to_have_text("已签约")
    expect(contract.get_by_role("link", name="下载合同 PDF")).to_be_visible()

    # 6. The CM disburses: from the application's page when it offers the way there.
    disburse_path = f"/loans/applications/{application.pk}/disburse/"
    page.locator("[data-testid=disburse-link]").click()
    expect(page).to_have_url(f"{base}{disburse_path}")
    part = application.parts.get()
    expect(page.locator(f"[data-testid=entrusted-{part.pk}]")).to_contain_text("可自主支付")
    disburse = page.locator("[data-testid=disburse-form]")
    expect(disburse.locator("[name=value_date]")).to_have_value(timezone.localdate().isoformat())
    expect(disburse.locator("[name=mode][value=self]")).to_be_checked()
    disburse.locator("[name=payee_account]").fill("6222 0212 3456 7890")
    page.screenshot(path=screenshot_dir / "applications-disburse.png", full_page=True)
    disburse.get_by_role("button", name="确认放款").click()

    # 7. The loan page: 36 instalments.
    loan = Loan.objects.get()
    expect(page).to_have_url(f"{base}/loans/{loan.pk}/")
    expect(page.locator("main h1")).to_contain_text(loan.number)
    expect(page.locator("[data-testid=schedule] tbody tr")).to_have_count(36)
    page.screenshot(path=screenshot_dir / "applications-loan.png", full_page=True)

    page.goto(detail_url)
    expect(status).to_have_text("已放款")
    expect(page.locator(f"[data-testid=contract] a[href='/loans/{loan.pk}/']")).to_contain_text(loan.number)
    page.screenshot(path=screenshot_dir / "applications-detail.png", full_page=True)

    # The database: one loan of 150,000.00 with the schedule and the APR of the signed contract.
    application.refresh_from_db()
    assert application.status == "disbursed"
    assert loan.principal == Decimal("150000.00")
    assert loan.disbursement.part == part and loan.disbursement.mode == "self"
    installments = list(loan.installments.order_by("period"))
    assert len(installments) == 36
    assert sum((i.principal for i in installments), Decimal(0)) == Decimal("150000.00")
    contract_parts = Contract.objects.get(application=application).content["parts"]
    signed = next(entry for entry in contract_parts if entry["part_id"] == part.pk)
    assert loan.schedule_sha256 == signed["schedule_sha256"]
    quoted = part_schedule(part, loan.value_date)
    assert schedule_digest(schedule_rows(quoted)) == loan.schedule_sha256
    assert [(i.due_date, i.principal, i.interest, i.payment) for i in installments] == [
        (row.due_date, row.principal, row.interest, row.payment) for row in quoted.installments
    ]
    signed_apr = Decimal(signed["apr"])  # percent, as the contract PDF prints it
    assert Decimal("3.80") < signed_apr < Decimal("4.00")  # 3.80 % a year, monthly: about 3.87 %
    assert loan.apr == signed_apr
    page.goto(f"{base}/loans/{loan.pk}/")
    expect(page.locator("[data-testid=apr]")).to_have_text(f"{signed_apr:.2f}%")
    assert console_errors == []
