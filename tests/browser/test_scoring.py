"""The pre-assessment in a real browser: a CM opens a customer's 360 page, starts a pre-assessment, fills
what the profile does not say, and reads the score, the grade and the reasons."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.scoring import seed as scoring_seed
from creditdesk.scoring.tests.test_assessments import ASKED
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


def test_cm_pre_assesses_a_customer_from_the_360_page(
    page: Page, live_server, demo_org, screenshot_dir, console_errors
):
    scoring_seed.run()  # the shipped German Credit model, approved and active
    customer = customer_services.customer_create(
        actor=User.objects.get(username="manager1"),
        data=CustomerInput(kind="individual", name="赵六", id_number="110101197001010016"),
    )
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("[data-testid=assessment-panel]").get_by_role("link", name="做预评估").click()
    form = page.locator("[data-testid=assessment-form]")
    expect(form).to_be_visible()
    for name, value in ASKED.items():
        field = form.locator(f"[name={name}]")
        if field.count() == 0:
            continue
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    for name in ("housing", "property"):
        field = form.locator(f"[name={name}]")
        if field.count():
            field.select_option(index=1)
    page.screenshot(path=screenshot_dir / "assessment-form.png", full_page=True)
    form.get_by_role("button", name="评分").click()

    result = page.locator("[data-testid=assessment-result]")
    expect(result.locator("[data-testid=grade]")).to_have_text(re.compile(r"^[A-E]$"))
    expect(page.locator("[data-testid=reason]").first).to_contain_text("比该项最佳档少")
    page.screenshot(path=screenshot_dir / "assessment-result.png", full_page=True)
    assert console_errors == []
