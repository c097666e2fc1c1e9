"""The repayment calculator in a real browser: a CM compares methods for a mortgage, sees the charts,
tries a prepayment, and takes a phone-sized screenshot."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


def test_cm_quotes_a_mortgage_and_tries_a_prepayment(page: Page, live_server, screenshot_dir, console_errors):
    login(page, live_server.url, "manager1")
    page.locator("#cd-nav a[data-nav=calculator]").click()
    expect(page.locator("main h1")).to_have_text("还款计算器")

    page.fill("input[name=principal]", "1000000")
    page.fill("input[name=months]", "360")
    page.fill("input[name=annual_rate]", "4.90")
    page.fill("input[name=start_date]", "2026-01-20")
    page.fill("input[name=fee_amount]", "1000")
    page.locator("[data-testid=calculator-form] button").click()

    comparison = page.locator("[data-testid=comparison]")
    expect(comparison).to_contain_text("等额本息")
    expect(comparison).to_contain_text("等额本金")
    expect(comparison).to_contain_text("单利")
    expect(page.locator("[data-testid=apr]")).to_have_text("5.02%")
    # ECharts drew both charts (a canvas inside each container)
    expect(page.locator("#chart-balance canvas")).to_have_count(1)
    expect(page.locator("#chart-split canvas")).to_have_count(1)
    page.locator("[data-testid=detail] summary").click()
    expect(page.locator("[data-testid=schedule] tbody tr").first).to_contain_text("5,307.27")
    page.screenshot(path=screenshot_dir / "calculator.png", full_page=False)

    page.fill("input[name=prepayment_amount]", "200000")
    page.fill("input[name=prepayment_date]", "2027-01-20")
    page.locator("[data-testid=prepayment] button").click()
    expect(page.locator("[data-testid=prepayment-result]")).to_contain_text("节省利息")

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "calculator-phone.png", full_page=False)
    assert console_errors == []


def test_bad_input_shows_the_reason_next_to_the_field(page: Page, live_server):
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/calculator/")
    page.fill("input[name=principal]", "-5")
    page.locator("[data-testid=calculator-form] button").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("贷款本金必须大于零")
