"""Issue 13: the product evaluation of a fee-based product (家装分期: 0 % contract rate, 0.3 % of the original
amount a month) quotes its annualized rate with the fees included and the fee per month and in total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.products import services
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.products.evaluation import evaluate_product
from creditdesk.products.tests.conftest import spec_data

D = Decimal
ON = date(2026, 1, 5)
JZFQ = next(spec for spec in SEED_CATALOGUE if spec.code == "JZFQ")


def pct(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(D("0.01"))


def test_fee_cost_of_the_rules_md_worked_figure():
    """125,000 over 12 months: 375.00 a month, 4,500.00 in total (3.6 %), APR 6.58 % simple, 6.78 %."""
    facts = {"requested_amount": D("125000.00"), "term_months": 12}
    result = evaluate_product(JZFQ, facts, SEEDED_LPR, ON)
    cost = result.fee_cost
    assert cost is not None
    assert (cost.periodic_fee, cost.total_fees, cost.contract_rate) == (D("375.00"), D("4500.00"), D("0"))
    assert (pct(cost.apr.simple), pct(cost.apr.compound)) == (D("6.58"), D("6.78"))
    assert cost.sentence == (
        "年化利率（IRR 复利）6.78%（含手续费），单利 6.58%，合同利率 0.00%；"
        "分期手续费每月 375.00 元，共 4,500.00 元。"
    )
    assert result.to_dict()["fee_cost"]["periodic_fee"] == "375.00"


def test_a_product_without_instalment_fees_has_no_fee_cost():
    spec = next(s for s in SEED_CATALOGUE if s.code == "GXED")
    facts = {"requested_amount": D("100000.00"), "term_months": 12, "risk_grade": "B"}
    assert evaluate_product(spec, facts, SEEDED_LPR, ON).fee_cost is None


def test_evaluation_page_quotes_the_apr_with_the_fees(client, org, zhang, zhang_need):
    """Zhang's need: 100,000 over 36 months → 300.00 a month, 10,800.00 in total."""
    services.product_create(actor=org.risk1, spec=spec_data("JZFQ"), note="首版")
    client.force_login(org.cm_a)
    page = client.get(f"/products/JZFQ/evaluate/?customer={zhang.pk}", HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="fee-cost"' in html
    assert (
        "年化利率（IRR 复利）7.00%（含手续费），单利 6.78%，合同利率 0.00%；"
        "分期手续费每月 300.00 元，共 10,800.00 元。"
    ) in html


def test_library_pages_quote_the_fee_based_product_by_its_apr(client, org):
    """The list and the detail page: 6.78 % (12 months) up to 7.00 % (36 months), not "固定 0.00%"."""
    services.product_create(actor=org.risk1, spec=spec_data("JZFQ"), note="首版")
    client.force_login(org.cm_a)
    said = "年化利率（IRR 复利）6.78%–7.00%（含手续费，12–60 个月），合同利率 0.00%"
    listing = client.get("/products/").content.decode()
    assert said in listing and "固定 0.00%" not in listing
    detail = client.get("/products/JZFQ/").content.decode()
    assert f'data-testid="fee-apr">{said}<' in detail
