"""Customers in a real browser: a CM searches "zs", opens 张三's 360 page (masked), and another team's
customer answers 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.customers import services
from creditdesk.customers.services import CustomerInput
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


@pytest.fixture
def customers(demo_org):
    mine = services.customer_create(
        actor=User.objects.get(username="manager1"),
        data=CustomerInput(
            kind="individual", name="张三", id_number="11010519491231002X", phone="13812345678"
        ),
    )
    theirs = services.customer_create(
        actor=User.objects.get(username="manager6"),  # another team (lead2's)
        data=CustomerInput(kind="individual", name="张三丰"),
    )
    return mine, theirs


def test_cm_finds_zhang_san_by_initials_and_cannot_open_another_teams_customer(
    page: Page, live_server, customers, screenshot_dir, console_errors
):
    _mine, theirs = customers
    login(page, live_server.url, "manager1")
    page.locator("#cd-nav a[data-nav=customers]").click()
    page.locator("[data-testid=customer-search]").fill("zs")  # htmx live search
    results = page.locator("#customer-results")
    expect(results.get_by_role("link", name="张三", exact=True)).to_be_visible()
    expect(results).not_to_contain_text("张三丰")  # same initials, other team: not in scope
    results.get_by_role("link", name="张三", exact=True).click()

    expect(page.locator("main h1")).to_contain_text("张三")
    profile = page.locator("[data-testid=profile]")
    expect(profile).to_contain_text("110***********002X")
    expect(profile).to_contain_text("138****5678")
    expect(profile).not_to_contain_text("11010519491231002X")
    page.screenshot(path=screenshot_dir / "customer-360.png", full_page=True)

    response = page.goto(f"{live_server.url}/customers/{theirs.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).to_contain_text("页面不存在")
    assert [e for e in console_errors if "404" not in e] == []


def test_cm_merges_a_likely_duplicate_and_undoes_it(
    page: Page, live_server, demo_org, screenshot_dir, console_errors
):
    manager = User.objects.get(username="manager1")
    keep, duplicate = (
        services.customer_create(
            actor=manager, data=CustomerInput(kind="individual", name="王五", phone="13900001111")
        )
        for _ in range(2)
    )
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{keep.pk}/")
    flagged = page.locator("[data-testid=likely-duplicate]")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("王五")
    flagged.locator("input[name=reason]").fill("同一客户重复建档")
    flagged.get_by_role("button", name="合并到本客户").click()

    expect(page.locator("[data-testid=merged-customers]")).to_contain_text("王五")
    expect(page.locator("[data-testid=likely-duplicate]")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "customer-merged.png", full_page=True)

    page.locator("[data-testid=merged-customers] a").click()
    banner = page.locator("[data-testid=merged-banner]")
    expect(banner).to_contain_text("已合并至")
    assert page.url.rstrip("/").endswith(f"/customers/{duplicate.pk}")
    banner.locator("input[name=reason]").fill("合并有误，恢复")
    banner.get_by_role("button", name="撤销合并").click()

    expect(page.locator("[data-testid=merged-banner]")).to_have_count(0)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert console_errors == []


def test_cm_relates_a_customer_found_with_the_picker_search(
    page: Page, live_server, customers, screenshot_dir, console_errors
):
    mine, _theirs = customers
    manager = User.objects.get(username="manager1")
    spouse = services.customer_create(actor=manager, data=CustomerInput(kind="individual", name="李梅"))
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{mine.pk}/")
    form = page.locator("[data-testid=relationship-form]")
    form.locator("[data-testid=relationship-search]").fill("lm")  # htmx fills the 关联客户 options
    other = form.locator("select[name=other]")
    expect(other.locator(f"option[value='{spouse.pk}']")).to_have_count(1)
    other.select_option(str(spouse.pk))
    form.locator("select[name=kind]").select_option("household")
    form.locator("input[name=role_detail]").fill("配偶")
    form.get_by_role("button", name="添加关联关系").click()

    expect(page.locator("main")).to_contain_text("张三 是 李梅 的家庭成员（配偶）")
    page.screenshot(path=screenshot_dir / "customer-related.png", full_page=True)
    assert console_errors == []


def test_cm_ticks_clear_on_the_phone_and_the_box_shows_its_tick(
    page: Page, live_server, customers, screenshot_dir, console_errors
):
    """Ticking "清除" does what it says: the box shows its tick (no "form-control" class hiding it),
    saving empties the phone, and the ID number is not offered for clearing."""
    mine, _theirs = customers
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{mine.pk}/edit/")
    expect(page.locator("input[name=clear][value=id_number]")).to_have_count(0)
    box = page.get_by_label("手机号码", exact=True).and_(page.locator("input[name=clear]"))
    box.check()
    expect(box).to_be_checked()
    expect(box).to_have_class("form-check-input")  # Bootstrap draws the tick of a checked form-check-input
    page.screenshot(path=screenshot_dir / "customer-edit-clear.png", full_page=True)
    page.locator("[data-testid=customer-form] button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("张三")
    expect(page.locator("[data-testid=profile]")).not_to_contain_text("138****5678")
    assert console_errors == []
