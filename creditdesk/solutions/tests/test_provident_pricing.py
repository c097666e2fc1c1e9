"""公积金 loans priced from their own dated table (RULES.md "Pricing"), and the ±50 bp line of a floating
quote in the customer's copy.

GJJDK (公积金个人住房贷款) is priced "provident": the 公积金 table's row in force on the quote day (the
migration's row: from 2025-05-08 首套 2.10 % / 2.60 %, 二套 2.525 % / 3.075 %) for the need's home order and
the term (≤ 60 months / over). No rate is copied into the product.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.template.loader import render_to_string

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.finance.terms import CalculationError
from creditdesk.products import display
from creditdesk.products import services as product_services
from creditdesk.products.capacity import Need
from creditdesk.products.catalogue import SEED_CATALOGUE, ProductSpec, ProvidentPricing, price_for
from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA
from creditdesk.products.evaluation import evaluate_product
from creditdesk.products.models import ProductVersion
from creditdesk.rates.selectors import provident_table
from creditdesk.solutions import customer_terms, services
from creditdesk.solutions.offers import figures, make_context, quote
from creditdesk.solutions.tests.small_catalogue import CAPACITY, CUSTOMER

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2025, 6, 1)
GJJDK = next(spec for spec in SEED_CATALOGUE if spec.code == "GJJDK")


def gjjdk_data() -> dict:
    return copy.deepcopy(next(d for d in SEED_CATALOGUE_DATA if d["code"] == "GJJDK"))


def annuity(principal: str, annual_rate: Decimal, months: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        i = annual_rate / 12
        growth = (1 + i) ** months
        return (D(principal) * i * growth / (growth - 1)).quantize(D("0.01"), ROUND_HALF_UP)


def test_gjjdk_is_priced_from_the_provident_table_not_a_copy():
    assert isinstance(GJJDK.pricing, ProvidentPricing)
    assert gjjdk_data()["pricing"] == {"kind": "provident"}
    gjjxd = next(spec for spec in SEED_CATALOGUE if spec.code == "GJJXD")  # a credit loan: LPR-priced
    assert not isinstance(gjjxd.pricing, ProvidentPricing)


@pytest.mark.parametrize(
    ("months", "second_home", "rate", "basis"),
    [
        (240, False, "0.0260", "公积金首套 5 年以上 2.60%（2025-05-08 起执行）"),
        (240, True, "0.03075", "公积金二套 5 年以上 3.075%（2025-05-08 起执行）"),
        (60, False, "0.0210", "公积金首套 5 年以下（含） 2.10%（2025-05-08 起执行）"),
    ],
)
def test_the_rate_is_the_table_row_in_force_for_the_home_and_the_term(months, second_home, rate, basis):
    price = price_for(
        GJJDK, None, months, SEEDED_LPR, ON, provident_table=provident_table(), second_home=second_home
    )
    assert (price.kind, price.annual_rate, price.basis) == ("provident", D(rate), basis)
    assert "公积金" in price.explanation and "2025-05-08" in price.explanation
    assert price.to_dict()["basis"] == basis


def test_a_day_before_the_first_row_is_refused():
    with pytest.raises(CalculationError) as refused:
        price_for(GJJDK, None, 240, SEEDED_LPR, date(2025, 5, 7), provident_table=provident_table())
    assert refused.value.code == "provident_rate_missing"


def test_matching_prices_gjjdk_for_the_needs_home_order_and_says_it_reprices_on_1_january():
    need = Need(
        purpose="home_purchase",
        amount=D("600000.00"),
        term_months=240,
        collateral_type="residential_property",
        collateral_value=D("1000000.00"),
    )
    facts = {**CUSTOMER, "provident_fund_months": 24}
    first = quote(
        make_context(need, CAPACITY, facts, SEEDED_LPR, ON, provident_table=provident_table()), GJJDK
    )
    second = quote(
        make_context(
            need, CAPACITY, facts, SEEDED_LPR, ON, provident_table=provident_table(), second_home=True
        ),
        GJJDK,
    )
    assert (first.price.annual_rate, second.price.annual_rate) == (D("0.0260"), D("0.03075"))
    f = figures(first, ON, exact=True)
    assert f.schedule is not None
    assert f.first_payment == annuity("600000", D("0.026"), 240)
    lines = customer_terms.rate_terms(GJJDK, first.price, ON, f.apr.compound, f.apr.simple)
    assert lines[0] == (
        "本贷款按住房公积金贷款利率执行（不按 LPR 定价）：公积金首套 5 年以上 2.60%（2025-05-08 起执行）。"
        "公积金贷款利率调整的，自调整后的次年 1 月 1 日起按新利率计算：重定价日为每年 1 月 1 日，"
        "按本方案测算，第一个重定价日为 2026-01-01，您的每期还款额随之变化。"
    )
    assert "固定利率" not in "".join(lines)


@pytest.mark.parametrize(
    "pricing",
    [
        {"kind": "provident", "tiers": [{"up_to_months": 360, "annual_rate": "0.0260"}]},
        {"kind": "provident", "spread_bp": {"A": 0}},
    ],
)
def test_a_provident_version_with_tiers_or_a_spread_is_refused_and_nothing_is_saved(org, pricing):
    product_services.product_create(actor=org.risk1, spec=gjjdk_data(), note="首版")
    before = (ProductVersion.objects.count(), AuditEvent.objects.count())
    data = gjjdk_data()
    data["pricing"] = pricing
    with pytest.raises(DomainError) as refused:
        product_services.product_version_create(actor=org.risk1, code="GJJDK", spec=data, note="改定价")
    assert refused.value.code == "provident_pricing_extra"
    assert refused.value.extra["field"].startswith("pricing.")
    assert "公积金贷款利率取自公积金利率表" in refused.value.message
    assert (ProductVersion.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(DomainError):
        ProductSpec.from_dict(data)


def test_the_product_page_shows_the_table_rates_with_their_basis(client, org):
    product_services.product_create(actor=org.risk1, spec=gjjdk_data(), note="首版")
    client.force_login(org.cm_a)
    html = client.get("/products/GJJDK/").content.decode()
    today_row = provident_table()[-1]
    assert today_row.effective_from == date(2025, 5, 8)
    assert "公积金首套 5 年以上 2.60%（2025-05-08 起执行）" in html
    assert "公积金二套 5 年以上 3.075%（2025-05-08 起执行）" in html
    listing = client.get("/products/").content.decode()
    assert "公积金首套 2.10% / 2.60%（2025-05-08 起执行）" in listing


# --- ±50 bp in the customer's copy of a floating proposal ----------------------------------------------


def test_the_customer_copy_of_a_floating_proposal_says_the_payment_after_50_bp(
    client, org, small_catalogue, li, li_graded
):
    """信用贷 150,000 × 36 months at 1Y LPR 3.00 % + 80 bp = 3.80 %: ±50 bp → 4.30 % / 3.30 %."""
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    lines = proposal.content["options"][0]["rate_terms"]
    up, down = annuity("150000", D("0.043"), 36), annuity("150000", D("0.033"), 36)
    expected = (
        "示例：若 LPR 在第一个重定价日上升 50 个基点（年利率 4.30%），按相同本金和期限测算，"
        f"每期还款约 {up:,.2f} 元；下降 50 个基点（年利率 3.30%）约 {down:,.2f} 元。"
        "此示例仅说明利率变动对还款额的影响，不是对 LPR 走势的预测，实际以重定价后的还款计划为准。"
    )
    assert expected in lines
    client.force_login(org.cm_a)
    page = re.sub(r"<[^>]+>", " ", client.get(f"/solutions/proposals/{proposal.pk}/").content.decode())
    assert f"每期还款约 {up:,.2f} 元" in page and f"约 {down:,.2f} 元" in page


def test_the_product_evaluation_shows_the_50_bp_line_when_the_rate_is_known():
    """工薪e贷 (GXED) for grade B over 24 months: 1Y LPR 3.00 % + 40 bp = 3.40 %; ±50 bp → 3.90 % / 2.90 %."""
    spec = next(s for s in SEED_CATALOGUE if s.code == "GXED")
    facts = {"requested_amount": D("100000.00"), "term_months": 24, "risk_grade": "B"}
    result = evaluate_product(spec, facts, SEEDED_LPR, ON, provident_table=provident_table())
    assert result.price is not None and result.price.annual_rate == D("0.0340")
    sentence = display.rate_move_sentence(result, ON)
    up, down = annuity("100000", D("0.039"), 24), annuity("100000", D("0.029"), 24)
    assert f"上升 50 个基点（年利率 3.90%），按相同本金和期限测算，每期还款约 {up:,.2f} 元" in sentence
    assert f"下降 50 个基点（年利率 2.90%）约 {down:,.2f} 元" in sentence
    html = render_to_string(
        "products/_evaluation.html",
        {"result": result, "rate_move": sentence, "customer": {"name": "张三", "pk": 1}, "need": True},
    )
    assert f'data-testid="rate-move">{sentence}<' in html
    assert "LPR 3.00%（2025-05-20）+ 40 bp = 3.40%" in html  # the rate basis beside the explanation
    # No known rate (an LPR product without a grade), or a 公积金 / fixed rate: no line.
    ungraded = evaluate_product(spec, {**facts, "risk_grade": None}, SEEDED_LPR, ON)
    assert display.rate_move_sentence(ungraded, ON) == ""
    provident = evaluate_product(
        GJJDK,
        {"requested_amount": D("600000.00"), "term_months": 240},
        SEEDED_LPR,
        ON,
        provident_table=provident_table(),
    )
    assert provident.price is not None and provident.price.kind == "provident"
    assert display.rate_move_sentence(provident, ON) == ""
