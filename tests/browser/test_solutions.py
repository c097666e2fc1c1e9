"""Matching and the proposal in a real browser: from a customer's 360 page the CM records a need, runs the
matching, issues the proposal from the best-ranked product and opens it (page and PDF)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.finance.provident import PROVIDENT_SOURCE, SEEDED_PROVIDENT
from creditdesk.products import seed as products_seed
from creditdesk.rates.models import LprRate, ProvidentRate
from creditdesk.scoring import seed as scoring_seed
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.solutions.models import Proposal
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


@pytest.fixture
def graded_customer(demo_org):
    # The LPR and 公积金 tables come from data migrations; an earlier transactional test's flush empties them.
    for quote in SEEDED_LPR:
        LprRate.objects.get_or_create(
            effective_from=quote.effective_from,
            defaults={"one_year": quote.one_year * 100, "five_year": quote.five_year * 100},
        )
    for row in SEEDED_PROVIDENT:
        ProvidentRate.objects.get_or_create(
            effective_from=row.effective_from,
            defaults={
                "first_home_up_to_5y": row.first_home_up_to_5y * 100,
                "first_home_over_5y": row.first_home_over_5y * 100,
                "second_home_up_to_5y": row.second_home_up_to_5y * 100,
                "second_home_over_5y": row.second_home_over_5y * 100,
                "source": PROVIDENT_SOURCE,
            },
        )
    products_seed.run()  # the catalogue
    scoring_seed.run()  # the shipped scorecard, active
    manager = User.objects.get(username="manager1")
    customer = customer_services.customer_create(
        actor=manager,
        data=CustomerInput(
            kind="individual",
            name="孙七",
            id_number="110105199003071239",
            monthly_income="20000",
            monthly_debt_payments="1000",
            profile={"industry": "信息技术"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="1",
        ),
    )
    Assessment.objects.create(  # the grade is what matching reads; the scorecard's own flow has its test
        customer=customer,
        model=ScoreModel.objects.get(status="active"),
        points=Decimal("640.00"),
        probability_of_default=Decimal("0.030000"),
        grade="A",
        created_by=manager,
    )
    return customer


def test_cm_records_a_need_matches_and_opens_the_proposal(
    page: Page, live_server, graded_customer, screenshot_dir, console_errors
):
    customer = graded_customer
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("[data-testid=need-panel]").get_by_role("link", name="记录需求分析").click()

    form = page.locator("[data-testid=need-form]")
    form.locator("[name=purpose]").select_option("renovation")
    form.locator("[name=amount]").fill("120000")
    form.locator("[name=term_months]").fill("36")
    form.locator("[name=repayment_preference]").select_option("equal_installment")
    form.locator("[name=monthly_income]").fill("20000")
    form.locator("[name=monthly_debt_payments]").fill("1000")
    form.get_by_role("button", name="保存需求分析").click()
    expect(page.locator("[data-testid=need-row]")).to_have_count(1)

    page.get_by_role("link", name="返回客户 360").click()
    panel = page.locator("[data-testid=solutions-panel]")
    expect(panel).to_contain_text("尚未出具方案书")
    page.screenshot(path=screenshot_dir / "solutions-360.png", full_page=True)
    panel.get_by_role("link", name="产品匹配").click()

    options = page.locator("[data-testid=eligible-option]")
    expect(options.first).to_be_visible()
    expect(options.first.locator("[data-testid=reason]")).to_contain_text("第 1 名")
    expect(page.locator("[data-testid=grade]")).to_have_text("A")
    first_product = options.first.get_attribute("data-product")
    page.screenshot(path=screenshot_dir / "solutions-match.png", full_page=True)

    options.first.get_by_role("link", name="条款解释").click()
    expect(page.locator("[data-testid=schedule]")).to_contain_text("还款计划（共 36 期）")
    page.locator("[data-testid=prepayment] [name=month]").fill("6")
    page.locator("[data-testid=prepay-submit]").click()  # htmx: only the result is replaced
    expect(page.locator("#prepay-result")).to_contain_text("第 6 个月")
    page.screenshot(path=screenshot_dir / "solutions-option.png", full_page=True)
    page.get_by_role("link", name="返回产品匹配").click()

    page.locator(f"[data-testid=eligible-option][data-product={first_product}]").get_by_role(
        "button", name="生成方案书"
    ).click()
    expect(page.locator("[data-testid=proposal-title]")).to_contain_text("方案书")
    expect(page.locator("[data-testid=proposal-apr]")).to_have_text(re.compile(r"^\d+\.\d\d%$"))
    expect(page.locator("[data-testid=proposal-title]")).to_be_visible()
    proposal = Proposal.objects.get()
    # Six required disclosures, a seventh (the LPR in force) when the chosen product is LPR-priced.
    lpr_priced = proposal.content["options"][0]["rate"]["lpr"] is not None
    expect(page.locator("[data-testid=proposal-disclosures] li")).to_have_count(7 if lpr_priced else 6)
    page.screenshot(path=screenshot_dir / "solutions-proposal.png", full_page=True)

    href = page.locator("[data-testid=proposal-pdf]").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == bytes(proposal.pdf)
    assert proposal.options.get().product_version.product.code == first_product
    assert console_errors == []


def test_the_customer_copy_pdf_has_no_grade_or_score_and_says_where_to_complain(
    page: Page, live_server, graded_customer, console_errors
):
    """Issue a proposal from the matching page, download its PDF as the customer gets it, read its text."""
    import io

    from pypdf import PdfReader

    from creditdesk.products import services as product_services

    manager = User.objects.get(username="manager1")
    product_services.need_record(
        actor=manager,
        customer_id=graded_customer.pk,
        data={
            "purpose": "renovation",
            "amount": "120000.00",
            "term_months": 36,
            "monthly_income": "20000.00",
            "monthly_debt_payments": "1000.00",
        },
    )
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/solutions/customers/{graded_customer.pk}/")
    expect(page.locator("[data-testid=grade]")).to_have_text("A")  # the CM's page shows the grade
    page.locator("[data-testid=eligible-option]").first.get_by_role("button", name="生成方案书").click()
    expect(page.locator("[data-testid=proposal-complaint]")).to_contain_text("12378")
    expect(page.locator("[data-testid=proposal]")).not_to_contain_text("风险等级")
    href = page.locator("[data-testid=proposal-pdf]").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "12378" in text and "国家金融监督管理总局" in text
    assert "罚息=逾期本金" in text and "复利=逾期利息" in text
    for internal in ("风险等级", "评分", "640.00", "关注类", "至多"):
        assert internal not in text, internal
    assert not re.search(r"[（(]?[A-E]级", text)
    assert console_errors == []
