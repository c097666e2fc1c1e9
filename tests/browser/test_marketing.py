"""The lead board (看板) in a real browser: a CM drags a new lead to 已联系 before any contact is logged —
the card goes back and the gate's sentence is shown, nothing changes; after a call logged on the lead's
page the same drag moves it. Then the board at phone width, where a card moves with its "移至…" select.

Run: ``.venv/bin/pytest tests/browser/test_marketing.py`` (Debian's chromium on PATH)."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from creditdesk.accounts.models import User
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadEvent, StageRule
from creditdesk.marketing.services import LeadInput
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser

GATE_REFUSAL = "进入“已联系”前须完成：已记录有效联系。"


def _default_rules() -> None:
    """The stage rules and lost reasons of the data migration: a live-server test's database is emptied
    after each test (the migration's rows with it), so the next test puts them back."""
    if not StageRule.objects.exists():
        importlib.import_module("creditdesk.marketing.migrations.0002_default_rules").add(apps, None)


@pytest.fixture
def leads(demo_org) -> dict[str, Lead]:
    """manager1's pipeline: 李四 new (the one dragged), 王五 contacted, 孙七 new and stalled, 赵六 lost."""
    _default_rules()
    manager = User.objects.get(username="manager1")

    def enter(name: str, phone: str, **fields: str) -> Lead:
        return services.lead_create(actor=manager, data=LeadInput(name=name, phone=phone, **fields)).lead

    def call(lead: Lead) -> None:
        services.lead_activity_log(
            actor=manager, lead_id=lead.pk, kind="call", outcome="reached", happened_at=timezone.now()
        )

    zhao = enter("赵六", "13900139031", channel="online")
    services.lead_move(actor=manager, lead_id=zhao.pk, stage="lost", lost_reason="rate_too_high")
    wang = enter("王五", "13900139032", channel="referral", need_amount="50万")
    call(wang)
    services.lead_move(actor=manager, lead_id=wang.pk, stage="contacted")
    sun = enter("孙七", "13900139033", channel="partner", channel_detail="房产中介推荐")
    Lead.objects.filter(pk=sun.pk).update(stalled_after=timezone.now() - timedelta(days=1))
    li = enter("李四", "13900139017", channel="offline", channel_detail="产业园地推", need_amount="30万")
    return {"li": li, "wang": wang, "sun": sun, "zhao": zhao}


def card(page: Page, lead: Lead) -> Locator:
    return page.locator(f'[data-testid=lead-card][data-lead="{lead.pk}"]')


def column(page: Page, stage: str) -> Locator:
    return page.locator(f'[data-cards][data-stage="{stage}"]')


def drag(page: Page, source: Locator, target: Locator) -> None:
    """Press on the card, move in steps (SortableJS follows the pointer), release over the column."""
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 20, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 20, steps=20)
    page.mouse.up()


def moves_recorded(lead: Lead) -> int:
    return LeadEvent.objects.filter(lead=lead, kind="stage").count()


def test_cm_drags_a_lead_through_the_contact_gate(
    page: Page, live_server, leads, screenshot_dir, console_errors
):
    li = leads["li"]
    login(page, live_server.url, "manager1")
    page.locator("#cd-nav a[data-nav=marketing]").click()
    expect(page.locator("main h1")).to_have_text("线索看板")
    expect(column(page, "new").locator(f'[data-lead="{li.pk}"]')).to_have_count(1)
    expect(page.locator("[data-testid=count-new]")).to_have_text("2")
    expect(card(page, leads["sun"]).locator("[data-testid=stalled]")).to_be_visible()

    drag(page, card(page, li).locator(".cd-lead-meta"), column(page, "contacted"))
    message = page.locator("[data-testid=board-message]")
    expect(message).to_have_text(GATE_REFUSAL)
    expect(column(page, "new").locator(f'[data-lead="{li.pk}"]')).to_have_count(1)  # back where it was
    expect(column(page, "contacted").locator(f'[data-lead="{li.pk}"]')).to_have_count(0)
    li.refresh_from_db()
    assert (li.stage, moves_recorded(li)) == ("new", 0)
    page.screenshot(path=screenshot_dir / "marketing-board-refused.png")

    card(page, li).get_by_role("link", name="李四").click()
    expect(page.locator("main h1")).to_have_text("李四")
    expect(page.locator("[data-testid=gate-checklist]")).to_contain_text("已记录有效联系")
    form = page.locator("[data-testid=activity-form]")
    form.locator("select[name=outcome]").select_option("interested")
    form.locator("textarea[name=notes]").fill("客户需要经营周转资金，约下周面谈")
    form.get_by_role("button", name="保存跟进记录").click()
    expect(page.locator("main .alert-success")).to_contain_text("已记录跟进")
    expect(page.locator("[data-testid=activity]")).to_contain_text("客户需要经营周转资金")
    page.screenshot(path=screenshot_dir / "marketing-lead.png", full_page=True)

    page.goto(f"{live_server.url}/marketing/board/")
    drag(page, card(page, li).locator(".cd-lead-meta"), column(page, "contacted"))
    expect(message).to_contain_text("已移至“已联系”")
    expect(column(page, "contacted").locator(f'[data-lead="{li.pk}"]')).to_have_count(1)
    expect(page.locator("[data-testid=count-new]")).to_have_text("1")
    expect(page.locator("[data-testid=count-contacted]")).to_have_text("2")
    expect(card(page, li)).to_contain_text("进入“需求确认”须：已记录融资需求（用途与金额）")
    li.refresh_from_db()
    assert (li.stage, moves_recorded(li)) == ("contacted", 1)
    page.wait_for_timeout(300)  # SortableJS's animation of the cards left behind
    page.screenshot(path=screenshot_dir / "marketing-board.png")

    page.reload()  # the database says so too
    expect(column(page, "contacted").locator(f'[data-lead="{li.pk}"]')).to_have_count(1)
    assert [e for e in console_errors if "status of 409" not in e] == []


def test_cm_moves_a_card_with_its_select_on_a_phone(
    page: Page, live_server, leads, screenshot_dir, console_errors
):
    wang, zhao = leads["wang"], leads["zhao"]
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/marketing/board/")
    expect(card(page, wang)).to_be_visible()
    page.screenshot(path=screenshot_dir / "marketing-board-phone.png", full_page=True)

    form = card(page, wang).locator("[data-move-form]")
    form.locator("select[name=stage]").select_option("need_confirmed")
    form.get_by_role("button", name="移动").click()
    expect(page.locator("[data-testid=board-message]")).to_have_text(
        "进入“需求确认”前须完成：已记录融资需求（用途与金额）。"
    )
    expect(column(page, "contacted").locator(f'[data-lead="{wang.pk}"]')).to_have_count(1)

    form.locator("select[name=stage]").select_option("lost")  # asks for the reason first
    form.get_by_role("button", name="移动").click()
    dialog = page.locator("[data-testid=lost-dialog]")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=lost_reason]").select_option("chose_competitor")
    expect(page.locator("#lost-dialog.show")).to_have_count(1)
    page.wait_for_timeout(400)  # the modal's fade-in
    page.screenshot(path=screenshot_dir / "marketing-board-lost-phone.png")
    dialog.get_by_role("button", name="确认流失").click()
    expect(column(page, "lost").locator(f'[data-lead="{wang.pk}"]')).to_have_count(1)
    expect(page.locator("[data-testid=count-lost]")).to_have_text("2")
    wang.refresh_from_db()
    assert (wang.stage, wang.lost_reason.code) == ("lost", "chose_competitor")
    assert zhao.pk != wang.pk
    assert [e for e in console_errors if "status of 409" not in e] == []
