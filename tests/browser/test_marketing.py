"""The lead board (看板) in a real browser: a CM drags a new lead to 已联系 before any contact is logged —
the card goes back and the gate's sentence is shown, nothing changes; after a call logged on the lead's
page the same drag moves it. Then the board at phone width, where a card moves with its "移至…" select.
Then the results per source with their chart drawn (desktop and phone), and the customer 360 page's
营销与客户关怀 panel: its offers with their reasons, one offered and answered in place (htmx).

Run: ``.venv/bin/pytest tests/browser/test_marketing.py`` (Debian's chromium on PATH)."""

from __future__ import annotations

import copy
import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from creditdesk.accounts.models import User
from creditdesk.consents.models import Consent
from creditdesk.customers import services as customer_services
from creditdesk.customers.models import Customer
from creditdesk.customers.services import CustomerInput
from creditdesk.loans.models import Loan
from creditdesk.loans.services import loan_disburse
from creditdesk.loans.tests.factories import make_signed_application
from creditdesk.marketing import services
from creditdesk.marketing.models import (
    CrossSellProduct,
    EducationArticle,
    Lead,
    LeadEvent,
    OfferRecord,
    StageRule,
)
from creditdesk.marketing.services import CampaignInput, LeadInput, PartnerInput
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import LI_ID
from creditdesk.solutions.tests.small_catalogue import XYD
from tests.browser.test_applications import _restore_seeded_tables
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


# --- where the business comes from, and the 360 panel ---------------------------------------------------


def _marketing_data() -> None:
    """The data migrations' cross-sell catalogue and education articles (emptied by an earlier flush)."""
    _default_rules()
    if not CrossSellProduct.objects.exists():
        importlib.import_module("creditdesk.marketing.migrations.0007_cross_sell").add_catalogue(apps, None)
    if not EducationArticle.objects.exists():
        importlib.import_module("creditdesk.marketing.migrations.0010_cases_education").add_articles(
            apps, None
        )


def _book(customer: Customer, version, amount: str, key: str, risk: User) -> Loan:
    """A loan of ``amount`` over 12 months at 3.60 %, disbursed on 2026-01-10 (``loans.tests.book_loan``)."""
    application = make_signed_application(
        customer=customer,
        product_version=version,
        checked_by=risk,
        amount=amount,
        term_months=12,
        annual_rate="3.6000",
        value_date=date(2026, 1, 10),
    )
    return loan_disburse(
        actor=application.owner,
        application_id=application.pk,
        part_id=application.parts.get().pk,
        value_date=date(2026, 1, 10),
        mode="entrusted",
        payee_name="北京美家装饰有限公司",
        payee_account="6222021234567890",
        payee_bank="工商银行北京分行",
        payment_reference=f"合同 {key}",
        idempotency_key=key,
    )


@pytest.fixture
def sources(demo_org, settings, tmp_path) -> dict[str, Customer]:
    """manager1's leads from two campaigns of the branch (one with a partner), a referral and online ads;
    loans booked for four of their customers, one of them 次级 (NPL); 李四 with a marketing consent."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _restore_seeded_tables()
    _marketing_data()
    manager, lead, risk = (User.objects.get(username=name) for name in ("manager1", "lead1", "risk1"))
    version = product_services.product_create(
        actor=risk, spec=copy.deepcopy(XYD), note="首版"
    ).current_version
    partner = services.partner_save(actor=lead, data=PartnerInput(name="链家高新店", kind="real_estate"))
    park = services.campaign_save(
        actor=lead,
        data=CampaignInput("高新区产业园地推", "offline", date(2026, 3, 1), date(2026, 3, 31), cost="18000"),
    )
    agency = services.campaign_save(
        actor=lead,
        data=CampaignInput(
            "二手房贷款联合推广",
            "partner",
            date(2026, 4, 1),
            date(2026, 6, 30),
            cost="12000",
            partner=partner.pk,
        ),
    )
    li = customer_services.customer_create(
        actor=manager,
        data=CustomerInput(kind="individual", name="李四", id_number=LI_ID, monthly_income="30000"),
    )
    people = {"li": li}
    for key, name, phone in (
        ("wang", "王五", "13700137001"),
        ("zhao", "赵六", "13700137002"),
        ("sun", "孙七", "13700137003"),
    ):
        people[key] = customer_services.customer_create(
            actor=manager, data=CustomerInput(kind="individual", name=name, phone=phone)
        )

    def enter(name: str, phone: str, **fields) -> Lead:
        return services.lead_create(actor=manager, data=LeadInput(name=name, phone=phone, **fields)).lead

    enter("李四", "13900139555", id_number=LI_ID, campaign=park.pk)
    enter("王五", "13700137001", campaign=agency.pk)
    enter("赵六", "13700137002", referrer_customer=li.pk)
    enter("孙七", "13700137003", campaign=park.pk)
    for i in range(6):
        enter(
            f"意向客户{i}",
            f"1390013970{i}",
            channel="online" if i % 2 else "offline",
            campaign=park.pk if i < 2 else None,
        )
    for key, amount in (
        ("li", "300000.00"),
        ("wang", "800000.00"),
        ("zhao", "150000.00"),
        ("sun", "200000.00"),
    ):
        _book(people[key], version, amount, f"browser-{key}", risk)
    Loan.objects.filter(customer=people["wang"]).update(
        status="overdue", max_dpd=95, risk_class="substandard"
    )
    today = timezone.localdate()
    Consent.objects.create(
        customer=li,
        kind="marketing",
        purpose="",
        signed_on=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
        channel="paper",
        recorded_by=manager,
    )
    return people


def test_cm_reads_where_the_business_comes_from(
    page: Page, live_server, sources, screenshot_dir, console_errors
):
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/marketing/board/")
    page.locator("[data-testid=sources-link]").click()
    expect(page.locator("main h1")).to_have_text("获客来源")
    chart = page.locator("[data-testid=sources-chart]")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    offline = page.locator("[data-testid=source-row]", has_text="线下")
    expect(offline).to_contain_text("500,000.00")  # 李四 300,000 + 孙七 200,000
    expect(page.locator("[data-testid=source-row]", has_text="合作渠道")).to_contain_text(
        "100.00%"
    )  # 王五: 次级
    expect(page.locator("[data-testid=source-definitions]")).to_contain_text("末次触达")
    page.wait_for_timeout(600)  # ECharts' entry animation
    page.screenshot(path=screenshot_dir / "marketing-sources.png", full_page=True)

    page.locator("[data-testid=group-campaign]").click()
    expect(page.locator("[data-testid=source-row]", has_text="高新区产业园地推")).to_contain_text("18,000.00")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("[data-testid=sources-chart]")).to_have_attribute("data-drawn", "true")
    page.wait_for_timeout(600)
    page.screenshot(path=screenshot_dir / "marketing-sources-phone.png", full_page=True)
    assert console_errors == []


def test_cm_offers_a_product_from_the_customer_360_panel(
    page: Page, live_server, sources, screenshot_dir, console_errors
):
    li = sources["li"]
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/customers/{li.pk}/")
    panel = page.locator("[data-testid=contacts-panel]")
    offers = panel.locator("[data-testid=offer]")
    expect(offers.first).to_be_visible()
    expect(panel.locator("[data-testid=consent-missing]")).to_have_count(0)
    deposits = panel.locator("[data-testid=offer][data-category=deposits]")
    expect(deposits).to_contain_text("归集日常资金")
    deposits.get_by_role("button", name="推荐").click()
    expect(panel.locator("[data-testid=care-done]")).to_contain_text("已推荐：存款")
    expect(deposits).to_contain_text("已推荐，待客户答复")
    record = OfferRecord.objects.get(customer=li)
    assert (record.category, record.outcome) == ("deposits", "offered")
    panel.locator("[data-testid=feedback-log]").scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    panel.screenshot(path=screenshot_dir / "marketing-customer-panel.png")

    # A screenshot leaves style="" on the inputs (Playwright); htmx would copy it onto the swapped-in
    # panel, which the Content-Security-Policy refuses: the CM's answer is recorded on a fresh page.
    page.reload()
    deposits.locator("[data-testid=offer-accepted]").click()
    expect(panel.locator("[data-testid=care-done]")).to_contain_text("已登记客户的答复")
    expect(panel.locator("[data-testid=offer-record]")).to_contain_text("已接受")
    record.refresh_from_db()
    assert record.outcome == "accepted"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("[data-testid=contacts-panel] [data-testid=offer]").first).to_be_visible()
    page.locator("[data-testid=contacts-panel]").screenshot(
        path=screenshot_dir / "marketing-customer-panel-phone.png"
    )
    assert console_errors == []
