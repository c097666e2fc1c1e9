"""The CreditDesk shell in a real browser: sign-in, the workbench, every navigation entry, sign-out,
a wrong password, and a task created and completed through HTMX (with CSRF) — plus screenshots.

Run: ``.venv/bin/pytest tests/browser`` (Debian's chromium on PATH; CI=true turns a skip into a failure).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from creditdesk.accounts.models import User
from creditdesk.accounts.seed import demo_password
from creditdesk.agenda.models import Task
from creditdesk.core.navigation import navigation_for

pytestmark = pytest.mark.browser

ERROR_MARKERS = ("页面不存在", "系统繁忙", "无权访问")
SWAGGER_UI = "/api/docs/"


def login(page: Page, base: str, username: str, password: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or demo_password())
    with page.expect_navigation():  # the sign-in POST has been answered (a redirect or the form again)
        page.click("form button[type=submit]")


def test_manager_signs_in_to_workbench_desktop_and_phone(
    page: Page, live_server, screenshot_dir, console_errors
):
    manager = User.objects.get(username="manager1")
    login(page, live_server.url, "manager1")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1")).to_have_text("我的工作台")
    profile = page.locator("[data-testid=profile]")
    expect(profile).to_contain_text(manager.full_name)
    expect(profile).to_contain_text("客户经理")
    expect(profile).to_contain_text("小微金融一组")
    expect(page.locator("[data-testid=agenda]")).to_contain_text("今天没有待办事项")
    page.screenshot(path=screenshot_dir / "workbench.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    nav_link = page.locator("#cd-nav a[data-nav=agenda]")
    expect(nav_link).to_be_hidden()
    page.screenshot(path=screenshot_dir / "workbench-phone.png", full_page=True)
    page.locator("header button", has_text="菜单").click()
    expect(nav_link).to_be_visible()
    expect(page.locator("#cd-nav.show:not(.showing)")).to_have_count(1)  # the slide-in has finished
    expect(nav_link).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "workbench-phone-menu.png")
    assert console_errors == []


def test_every_navigation_entry_opens(page: Page, live_server, console_errors):
    manager = User.objects.get(username="manager1")
    login(page, live_server.url, "manager1")
    expect(page).to_have_url(f"{live_server.url}/")

    links = page.locator("#cd-nav a[data-nav]")
    shown = [(a.get_attribute("data-nav"), a.get_attribute("href")) for a in links.all()]
    keys = [key for key, _ in shown]
    expected = [e["key"] for group in navigation_for(manager, "/") for e in group["entries"]]
    assert keys == expected
    assert {"workbench", "agenda", "customers", "calculator", "staff", "api"} <= set(keys)
    assert "admin" not in keys and "audit" not in keys

    for key, href in shown:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None and response.status == 200, (key, href)
        if href == SWAGGER_UI:
            expect(page.locator("#swagger-ui")).to_be_attached()
            continue
        body = page.locator("body").inner_text()
        assert not [m for m in ERROR_MARKERS if m in body], (key, href)
        expect(page.locator(f"#cd-nav a[data-nav={key}]")).to_have_attribute("aria-current", "page")
        expect(page.locator("main")).not_to_contain_text("即将推出")  # only built areas are listed

    # Swagger UI included: its page CSS comes from a static file, so the CSP blocks nothing there either.
    assert console_errors == []


def test_logout_returns_to_login(page: Page, live_server):
    login(page, live_server.url, "manager1")
    expect(page).to_have_url(f"{live_server.url}/")

    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("input[name=password]")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/accounts/login/\?next=/$"))


def test_wrong_password_is_refused(page: Page, live_server):
    login(page, live_server.url, "manager1", password="not-the-password")

    expect(page.locator("form .alert-danger")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_lead_creates_task_and_completes_it_with_htmx(page: Page, live_server, console_errors):
    lead = User.objects.get(username="lead1")
    title = "回访个体户王老板，收集流水"
    login(page, live_server.url, "lead1")
    expect(page).to_have_url(f"{live_server.url}/")

    page.locator(".cd-shortcuts").get_by_role("link", name="新建待办").click()
    expect(page).to_have_url(f"{live_server.url}/agenda/new/")
    # The pre-fill is broken (app bug, see test_task_form_prefills_today): choose the date as a person would.
    page.fill("input[name=due_date]", timezone.localdate().isoformat())
    expect(page.locator("select[name=owner]")).to_have_value(str(lead.pk))
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", "visit")
    page.locator("[data-testid=task-form] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/agenda/\d+/$"))
    task = Task.objects.get(title=title)
    assert page.url == f"{live_server.url}/agenda/{task.pk}/"
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("实地走访")
    assert task.owner == lead and task.due_date == timezone.localdate()

    page.goto(f"{live_server.url}/")
    due_today = page.locator("[data-testid=agenda] h3", has_text="今天到期").locator(
        "xpath=following-sibling::ul[1]"
    )
    row = due_today.locator(f"#task-{task.pk}")
    expect(row).to_contain_text(title)
    row.get_by_role("button", name="完成").click()
    # The swapped-in row (same page, no reload) shows the new status and no button.
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_contain_text("已完成")
    expect(row.get_by_role("button", name="完成")).to_have_count(0)
    task.refresh_from_db()
    assert task.status == "done"

    page.reload()
    expect(page.locator(f"#task-{task.pk}")).to_have_count(0)
    expect(page.locator("[data-testid=agenda]")).not_to_contain_text(title)
    assert console_errors == []


# --- Regressions found by these tests ---------------------------------------------------------------


def test_task_form_prefills_today(page: Page, live_server):
    login(page, live_server.url, "lead1")
    page.goto(f"{live_server.url}/agenda/new/")
    expect(page.locator("input[name=due_date]")).to_have_value(timezone.localdate().isoformat(), timeout=1000)


def test_pages_declare_an_icon(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    declared = page.locator("link[rel~=icon]").count() > 0
    assert declared or page.request.get(f"{live_server.url}/favicon.ico").status == 200
