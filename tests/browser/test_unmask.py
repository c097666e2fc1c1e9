"""查看明文 in a real browser: the customer's own manager opens the 360 page, asks to see the monthly income
with a reason and reads it in place; a reason that says nothing is refused in place (the fragment answers
400 and creditdesk.js swaps it in); the branch head sees only the mask."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(demo_org):
    return customer_services.customer_create(
        actor=User.objects.get(username="manager1"),
        data=CustomerInput(
            kind="individual", name="周八", id_number="110105199003071239", monthly_income="23456"
        ),
    )


def test_the_owner_sees_the_income_with_a_reason_and_a_bare_reason_is_refused_in_place(
    page: Page, live_server, customer, screenshot_dir
):
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    income = page.locator("[data-testid=income]")
    expect(income).to_contain_text("已登记")
    expect(income).not_to_contain_text("23,456")

    income.get_by_text("查看明文").click()
    income.locator("[name=reason]").fill("。。。。")  # four characters, no words: passes the browser, not us
    income.get_by_role("button", name="查看").click()
    expect(income.locator("[data-testid=unmask-error]")).to_contain_text("理由")
    assert not AuditEvent.objects.filter(action="sensitive.unmask").exists()

    income.locator("[name=reason]").fill("核实收入，准备方案")
    income.get_by_role("button", name="查看").click()
    expect(income.locator("[data-testid=unmasked]")).to_have_text("23,456.00")
    page.screenshot(path=screenshot_dir / "customer-unmask.png", full_page=True)
    looked = AuditEvent.objects.get(action="sensitive.unmask")
    assert looked.after["field"] == "monthly_income" and "23456" not in str(looked.after)


def test_the_branch_head_sees_only_the_mask(page: Page, live_server, customer):
    login(page, live_server.url, "head1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    income = page.locator("[data-testid=income]")
    expect(income).to_contain_text("已登记")
    expect(income.get_by_text("查看明文")).to_have_count(0)
