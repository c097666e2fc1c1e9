"""The pre-assessment in a real browser: a CM opens a customer's 360 page, starts a pre-assessment with the
shipped expert card, sees what CreditDesk already holds (with where each value came from, 不适用 where a
feature does not apply), answers only the rest, and reads the score, the grade and the reasons in the
customer's terms — never a 违约概率."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.products import services as product_services
from creditdesk.rates.models import LprRate
from creditdesk.scoring import seed as scoring_seed
from creditdesk.scoring.tests.test_assessments import LI_ASKED, LI_ID, NEED
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


def test_cm_pre_assesses_a_customer_with_the_expert_card(
    page: Page, live_server, demo_org, screenshot_dir, console_errors
):
    # The LPR table comes from a data migration; an earlier transactional test's flush empties it.
    for quote in SEEDED_LPR:
        LprRate.objects.get_or_create(
            effective_from=quote.effective_from,
            defaults={"one_year": quote.one_year * 100, "five_year": quote.five_year * 100},
        )
    scoring_seed.run()  # the shipped expert card: registered by risk1, approved and activated by risk2
    manager = User.objects.get(username="manager1")
    customer = customer_services.customer_create(
        actor=manager,
        data=CustomerInput(
            kind="individual",
            name="赵六",
            id_number=LI_ID,
            monthly_income="30000",
            profile={"has_property": "yes"},
            monthly_debt_payments="2000",
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )
    product_services.need_record(actor=manager, customer_id=customer.pk, data=dict(NEED))
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("[data-testid=assessment-panel]").get_by_role("link", name="做预评估").click()
    form = page.locator("[data-testid=assessment-form]")
    expect(form).to_be_visible()

    amount = form.locator("[data-testid=known-field][data-name=requested_amount]")
    expect(amount.locator("[data-testid=known-value]")).to_have_text("150,000.00 元")
    expect(amount.locator("[data-testid=source]")).to_have_text("需求分析")
    dti = form.locator("[data-testid=known-field][data-name=debt_to_income_after]")
    expect(dti).to_contain_text("按最近一次需求分析，以 LPR 测算")
    expect(form.locator("[data-testid=known-field][data-name=size_class]")).to_contain_text("不适用")
    asked = form.locator("[data-testid=asked-field]")
    expect(asked).to_have_count(len(LI_ASKED))
    for name, value in LI_ASKED.items():
        form.locator(f"[data-testid=asked-field] [name={name}]").fill(value)
    expect(page.get_by_text("违约概率")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "scoring-expert-form.png", full_page=True)
    form.get_by_role("button", name="评分").click()

    result = page.locator("[data-testid=assessment-result]")
    expect(result.locator("[data-testid=grade]")).to_have_text(re.compile(r"^[A-E]$"))
    expect(result.locator("[data-testid=points]")).to_have_text("696.00")
    reason = page.locator("[data-testid=customer-reason]").first
    expect(reason.locator("[data-testid=reason]")).to_have_text("月收入 30,000.00 元，低于 50,000.00 元")
    expect(reason.locator("[data-testid=advice]")).to_contain_text("提供完整的收入证明")
    expect(page.locator("[data-testid=input-row]").filter(has_text="抵质押率")).to_contain_text("抵押物")
    expect(page.get_by_text("违约概率")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "scoring-expert.png", full_page=True)
    page.get_by_role("link", name=re.compile("零售及小微贷款预筛专家评分卡")).click()
    expect(page.locator("[data-testid=scorecard-table]")).to_contain_text("依据")
    page.screenshot(path=screenshot_dir / "scoring-expert-card.png", full_page=True)
    assert console_errors == []
