"""Pages: the permission matrix for every page (anonymous → login; CM, team lead, branch head, risk
manager, approver, admin; other team's customer → 404), refusals shown next to the form, the product list's
query count, and one end-to-end path (revise a product, record a need, evaluate)."""

from __future__ import annotations

import json
import re

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.products.forms import dump_json
from creditdesk.products.models import Need, Product, ProductVersion
from creditdesk.products.tests.conftest import spec_data

pytestmark = pytest.mark.django_db

EVERYONE = ["cm_a", "cm_b", "lead1", "head1", "risk1", "approver1", "admin", "cm_d"]
EDITORS = {"risk1", "admin"}
# Needs of zhang (cm_a's customer, team T1, branch B1): who sees, who records.
SEE = {"cm_a": 200, "cm_b": 404, "lead1": 200, "head1": 200, "risk1": 200, "cm_d": 404, "lead3": 404}
CHANGE = {"cm_a": 302, "cm_b": 404, "lead1": 302, "head1": 403, "risk1": 403, "cm_d": 404, "lead3": 404}
NEED_FORM = {
    "purpose": "renovation",
    "amount": "100000",
    "term_months": "36",
    "rate_sensitivity": "medium",
    "collateral_type": "none",
    "monthly_income": "12000",
    "monthly_debt_payments": "1500",
}


def test_anonymous_is_sent_to_login(client, gxed, zhang):
    for url in (
        "/products/",
        "/products/GXED/",
        "/products/new/",
        "/products/GXED/revise/",
        f"/products/GXED/evaluate/?customer={zhang.pk}",
        f"/products/customers/{zhang.pk}/need/",
        f"/products/customers/{zhang.pk}/panel/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post("/products/GXED/active/", {"active": "0"}).status_code == 302
    assert client.post(f"/products/customers/{zhang.pk}/need/", NEED_FORM).status_code == 302
    assert Product.objects.get().is_active and not Need.objects.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_signed_in_reads_the_library(client, org, catalogue, who):
    client.force_login(getattr(org, who))
    listing = client.get("/products/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert html.count('data-testid="product-row"') == 3
    assert (
        "工薪e贷" in html
        and "A 级 3.10% … D 级 4.50%" in html
        and "公积金首套 2.10% / 2.60%（2025-05-08 起执行）" in html
    )
    assert ('data-testid="product-new"' in html) is (who in EDITORS)
    detail = client.get("/products/GXED/")
    assert detail.status_code == 200
    page = detail.content.decode()
    for text in (
        "年龄 22–55 岁（含）",
        "贷后负债收入比不超过 55.00%",
        "依据：《商业银行房地产贷款风险管理指引》",
        "收入证明（单位盖章）",
        "提前还款按提前归还本金的 1.00% 收取违约金；贷款满 12 个月后提前还款免收。",
        "逾期后按合同利率上浮 50.00% 计收罚息",
        "等额本息、先息后本",
        "1 年期 LPR + 40 个基点",
        "3.40%",
        "v1",
    ):
        assert text in page, text
    assert ('data-testid="product-revise"' in page) is (who in EDITORS)
    assert client.get("/products/NOPE/").status_code == 404


def test_list_filters_by_category_and_active(client, org, catalogue):
    Product.objects.filter(code="FDJYD").update(is_active=False)
    client.force_login(org.cm_a)
    html = client.get("/products/", {"category": "credit"}).content.decode()
    assert html.count('data-testid="product-row"') == 1 and "工薪e贷" in html
    html = client.get("/products/", {"is_active": "false"}).content.decode()
    assert html.count('data-testid="product-row"') == 1 and "FDJYD" in html


def test_product_list_query_count_is_constant(client, org, catalogue, django_assert_max_num_queries):
    from creditdesk.products import services

    client.force_login(org.cm_a)
    with django_assert_max_num_queries(11) as few:  # + the unread notifications badge
        client.get("/products/")
    for code in ("GJJXD", "FDXFD", "XWKD", "JZFQ", "CDZY"):
        services.product_create(actor=org.risk1, spec=spec_data(code))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/products/").content.decode().count('data-testid="product-row"') == 8


@pytest.mark.parametrize("who", EVERYONE)
def test_editor_pages_are_for_risk_managers_and_admins(client, org, gxed, who):
    client.force_login(getattr(org, who))
    allowed = who in EDITORS
    assert client.get("/products/GXED/revise/").status_code == (200 if allowed else 403)
    assert client.get("/products/new/").status_code == (200 if allowed else 403)
    data = spec_data("GXED")
    data["pricing"]["spread_bp"]["B"] = 60
    revised = client.post("/products/GXED/revise/", {"spec": json.dumps(data), "note": "上调 B 级加点"})
    assert revised.status_code == (302 if allowed else 403)
    assert ProductVersion.objects.count() == (2 if allowed else 1)
    toggled = client.post("/products/GXED/active/", {"active": "0"})
    assert toggled.status_code == (302 if allowed else 403)
    assert Product.objects.get().is_active is not allowed


def test_editor_shows_the_core_refusal_next_to_the_json_and_saves_nothing(client, org, gxed):
    client.force_login(org.risk1)
    data = spec_data("GXED")
    data["collateral"] = [{"type": "vehicle", "max_ltv": "1.2"}]
    before = AuditEvent.objects.count()
    page = client.post("/products/GXED/revise/", {"spec": json.dumps(data), "note": "试试"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "抵质押率应大于 0 且不超过 100%。" in html and "[ltv_above_100]" in html
    broken = client.post("/products/GXED/revise/", {"spec": '{"code": ', "note": "x"})
    assert broken.status_code == 400 and "JSON 格式错误" in broken.content.decode()
    assert ProductVersion.objects.count() == 1 and AuditEvent.objects.count() == before


def test_editor_creates_a_product(client, org):
    client.force_login(org.risk1)
    form = client.get("/products/new/")
    assert "NEW-PRODUCT" in form.content.decode()
    data = spec_data("CDZY")
    response = client.post("/products/new/", {"spec": dump_json(data), "note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == "/products/CDZY/"
    assert "存单质押贷" in response.content.decode() and Product.objects.get().current_version.number == 1


@pytest.mark.parametrize("who", ["cm_a", "cm_b", "lead1", "head1", "risk1", "cm_d"])
def test_evaluate_a_customer_in_scope(client, org, gxed, zhang, zhang_need, who):
    client.force_login(getattr(org, who))
    response = client.get(f"/products/GXED/evaluate/?customer={zhang.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == SEE[who]
    if response.status_code == 200:
        html = response.content.decode()
        # 4 product elements + 8 admission rules + the default age-at-maturity limit (65)
        assert html.count('data-testid="rule-outcome"') == 13
        assert 'data-status="unknown"' in html and "缺少「风险等级」" in html
        assert "申请金额 100,000.00 元，在本产品 10,000.00–300,000.00 元的范围内。" in html
        assert "<html" not in html  # a fragment for htmx


def test_evaluate_without_htmx_renders_the_product_page(client, org, gxed, zhang, zhang_need):
    client.force_login(org.cm_a)
    page = client.get(f"/products/GXED/evaluate/?customer={zhang.pk}")
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert f'<option value="{zhang.pk}" selected>' in page.content.decode()
    assert client.get("/products/GXED/evaluate/?customer=abc").status_code == 400


@pytest.mark.parametrize("who", list(SEE))
def test_need_page_and_panel_scope(client, org, zhang, zhang_need, who):
    client.force_login(getattr(org, who))
    page = client.get(f"/products/customers/{zhang.pk}/need/")
    assert page.status_code == SEE[who]
    if page.status_code == 200:
        html = page.content.decode()
        assert "5,100.00" in html and "12.50%" in html  # affordable payment, DTI before
        assert ('data-testid="need-form"' in html) is (CHANGE[who] == 302)
    panel = client.get(f"/products/customers/{zhang.pk}/panel/")
    assert panel.status_code == SEE[who]
    if panel.status_code == 200:
        assert "装修 · 100,000.00" in panel.content.decode()


@pytest.mark.parametrize("who", list(CHANGE))
def test_need_record_scope(client, org, zhang, who):
    client.force_login(getattr(org, who))
    response = client.post(f"/products/customers/{zhang.pk}/need/", NEED_FORM)
    assert response.status_code == CHANGE[who]
    assert Need.objects.count() == (1 if CHANGE[who] == 302 else 0)


def test_need_form_is_prefilled_from_the_profile_but_never_with_income(client, org, zhang):
    client.force_login(org.cm_a)
    html = client.get(f"/products/customers/{zhang.pk}/need/").content.decode()
    assert '<option value="high" selected>' in html  # the profile's rate sensitivity
    # income and debt payments are sensitive: an initial value would be written into the page in clear
    assert 'name="monthly_income" value' not in html and 'name="monthly_debt_payments" value' not in html
    assert "12000" not in html and "12,000" not in html
    assert "尚未做需求分析" in html


def test_need_refusal_is_shown_next_to_the_field(client, org, zhang):
    client.force_login(org.cm_a)
    page = client.post(
        f"/products/customers/{zhang.pk}/need/",
        {**NEED_FORM, "collateral_type": "vehicle", "collateral_value": ""},
    )
    assert page.status_code == 400
    assert "请填写抵质押物的评估价值。" in page.content.decode()
    assert not Need.objects.exists()


def test_need_end_to_end_with_a_warning(client, org, zhang):
    client.force_login(org.cm_a)
    response = client.post(
        f"/products/customers/{zhang.pk}/need/",
        {**NEED_FORM, "monthly_debt_payments": "7000"},
        follow=True,
    )
    html = response.content.decode()
    assert "已记录需求分析。" in html
    assert html.count('data-testid="need-row"') == 1
    assert 'data-testid="need-flag"' in html and "没有新增月供的空间" in html
    assert "7000" not in html and "7,000" not in html  # the debt payments are masked, never pre-filled
    assert 'data-testid="need-debt-payments"' in html and "已登记" in html


def test_customer_360_loads_the_need_panel(client, org, zhang):
    client.force_login(org.cm_a)
    html = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert f'hx-get="/products/customers/{zhang.pk}/panel/"' in html


def test_navigation_points_at_the_library(client, org):
    client.force_login(org.cm_a)
    html = client.get("/products/").content.decode()
    assert re.search(r'href="/products/"\s+data-nav="products"', html)


def test_every_seeded_product_page_renders(client, org):
    from creditdesk.products import seed

    seed.run()
    client.force_login(org.cm_a)
    listing = client.get("/products/").content.decode()
    assert listing.count('data-testid="product-row"') == Product.objects.count() >= 8
    for product in Product.objects.all():
        page = client.get(f"/products/{product.code}/")
        assert page.status_code == 200, product.code
        assert page.content.decode().count('data-testid="rule-line"') == len(
            product.current_version.as_spec().effective_rules
        )
    mortgage = client.get("/products/FDJYD/").content.decode()
    assert "住宅：最高抵质押率 70.00%" in mortgage and "不动产权证书（以住宅" in mortgage
    fixed = client.get("/products/GJJDK/").content.decode()
    assert "首套" in fixed and "公积金首套 5 年以下（含） 2.10%（2025-05-08 起执行）" in fixed
    assert "公积金首套 5 年以上 2.60%（2025-05-08 起执行）" in fixed and "二套" in fixed
