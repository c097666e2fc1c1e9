"""组合贷 through the API, the page and ``creditdesk calc --combo``, and the ±50 bp line of an LPR quote.

Worked case, priced on 2025-06-01 and drawn that day: 600,000 公积金 over 300 months (首套 5 年以上 2.60 %,
from the migration's 公积金 table) + 400,000 commercial over 360 months (5Y LPR 3.50 % − 45 bp = 3.05 %).
Each part is exactly the single-loan calculator's quote at that rate; the combination sums them month by
month (months 301–360: the commercial part alone).
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.core.management import call_command

from creditdesk.rates.models import ProvidentRate

pytestmark = pytest.mark.django_db
D = Decimal

COMBO = {
    "home_order": "first",
    "provident_amount": "600000.00",
    "provident_months": 300,
    "commercial_amount": "400000.00",
    "commercial_months": 360,
    "spread_bp": -45,
    "method": "equal_installment",
    "start_date": "2025-06-01",
    "pricing_date": "2025-06-01",
}


def annuity(principal: str, annual_rate: str, months: int) -> Decimal:
    """等额本息 M = P·i·(1+i)^n / ((1+i)^n − 1), rounded half-up to the fen (RULES.md)."""
    with localcontext() as ctx:
        ctx.prec = 50
        i = D(annual_rate) / 12
        growth = (1 + i) ** months
        return (D(principal) * i * growth / (growth - 1)).quantize(D("0.01"), ROUND_HALF_UP)


@pytest.fixture
def cm_client(api_client, org):
    api_client.force_authenticate(org.cm_a)
    return api_client


def single(cm_client, principal: str, rate: str, months: int) -> dict:
    response = cm_client.post(
        "/api/v1/calculator/quote/",
        {
            "method": "equal_installment",
            "principal": principal,
            "annual_rate": rate,
            "months": months,
            "start_date": "2025-06-01",
        },
        format="json",
    )
    assert response.status_code == 200
    return response.json()


def test_each_part_is_the_single_calculator_and_the_total_is_their_sum(cm_client):
    response = cm_client.post("/api/v1/calculator/combination/", COMBO, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    provident, commercial = body["parts"]["provident"], body["parts"]["commercial"]
    assert provident["rate_basis"] == "公积金首套 5 年以上 2.60%（2025-05-08 起执行）"
    assert commercial["rate_basis"] == "LPR 3.50%（2025-05-20）− 45 bp = 3.05%"
    # Each part's payment is the single-loan calculator's, and the formula's.
    alone_provident = single(cm_client, "600000.00", "2.60", 300)
    alone_commercial = single(cm_client, "400000.00", "3.05", 360)
    assert provident["schedule"] == alone_provident["schedule"]
    assert commercial["schedule"] == alone_commercial["schedule"]
    p_payment = D(provident["schedule"][0]["payment"])
    c_payment = D(commercial["schedule"][0]["payment"])
    assert p_payment == annuity("600000", "0.026", 300)
    assert c_payment == annuity("400000", "0.0305", 360)
    # The combination: month-by-month sums, the longer part running on alone.
    rows = body["schedule"]
    assert len(rows) == 360
    assert D(body["first_payment"]) == p_payment + c_payment == D(rows[0]["total"])
    assert rows[299]["provident"] != "0.00" and rows[300]["provident"] == "0.00"
    assert rows[300]["total"] == rows[300]["commercial"] == commercial["schedule"][300]["payment"]
    for row in rows:
        assert D(row["total"]) == D(row["provident"]) + D(row["commercial"])
    assert D(body["total_interest"]) == D(alone_provident["total_interest"]) + D(
        alone_commercial["total_interest"]
    )
    assert D(body["total_payment"]) == D(alone_provident["total_payment"]) + D(
        alone_commercial["total_payment"]
    )
    assert D(body["total_payment"]) == sum(D(row["total"]) for row in rows)
    assert body["principal"] == "1000000.00"
    # The commercial part is floating: it carries the ±50 bp illustration.
    assert [m["bp"] for m in commercial["rate_moves"]] == [50, -50]
    assert D(commercial["rate_moves"][0]["payment"]) == annuity("400000", "0.0355", 360)


def test_a_second_home_takes_the_second_home_rate(cm_client):
    body = cm_client.post(
        "/api/v1/calculator/combination/", dict(COMBO, home_order="second"), format="json"
    ).json()
    provident = body["parts"]["provident"]
    assert provident["rate_basis"] == "公积金二套 5 年以上 3.075%（2025-05-08 起执行）"
    assert D(provident["schedule"][0]["payment"]) == annuity("600000", "0.03075", 300)


def test_a_short_provident_part_takes_the_up_to_5_year_rate(cm_client):
    body = cm_client.post(
        "/api/v1/calculator/combination/", dict(COMBO, provident_months=60), format="json"
    ).json()
    assert body["parts"]["provident"]["rate_basis"] == "公积金首套 5 年以下（含） 2.10%（2025-05-08 起执行）"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"provident_amount": "0"}, "provident_amount", "part_not_positive"),
        ({"commercial_amount": "-1"}, "commercial_amount", "part_not_positive"),
        ({"provident_months": 361}, "provident_months", "term_over_housing_limit"),
        ({"commercial_months": 420}, "commercial_months", "term_over_housing_limit"),
        ({"pricing_date": "2025-05-07"}, "date", "provident_rate_missing"),
        ({"pricing_date": "2019-01-01"}, "date", "provident_rate_missing"),
        ({"pricing_date": "2025-02-30"}, "pricing_date", "malformed_date"),
        ({"home_order": "third"}, "home_order", "unknown_home_order"),
        ({"spread_bp": None}, "spread_bp", "required"),
        ({"commercial_amount": "100.001"}, "commercial_amount", "principal_not_fen"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(cm_client, change, field, code):
    data = {k: v for k, v in dict(COMBO, **change).items() if v is not None}
    response = cm_client.post("/api/v1/calculator/combination/", data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["details"]["field"]) == (code, field)
    assert re.search(r"[\u4e00-\u9fff]", body["message"])


def test_no_provident_rate_in_force_yet_is_refused(cm_client):
    ProvidentRate.objects.all().delete()
    response = cm_client.post("/api/v1/calculator/combination/", COMBO, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "provident_rate_missing"


def test_the_page_tab_shows_both_parts_and_the_total(client, org, cm_client):
    api = cm_client.post("/api/v1/calculator/combination/", COMBO, format="json").json()
    client.force_login(org.cm_a)
    query = {"mode": "combo", **{k: str(v) for k, v in COMBO.items()}}
    response = client.get("/calculator/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="combination-summary"' in html
    assert "公积金首套 5 年以上 2.60%（2025-05-08 起执行）" in html
    assert "LPR 3.50%（2025-05-20）− 45 bp = 3.05%" in html
    first = f"{D(api['first_payment']):,.2f}"
    assert f'data-testid="combination-first-payment">{first}<' in html
    refused = client.get("/calculator/", dict(query, provident_months="400")).content.decode()
    assert "期限须在 1 到 360 个月之间（住房贷款最长 30 年）" in refused
    assert 'data-testid="combination-summary"' not in refused
    # The default tab is still the single-loan calculator.
    assert 'data-testid="calculator-form"' in client.get("/calculator/").content.decode()


def test_cli_combo_json_is_the_api_json(cm_client, capsys):
    api = cm_client.post("/api/v1/calculator/combination/", COMBO, format="json").json()
    call_command(
        "calc",
        "--combo",
        "--provident",
        "600000:300",
        "--commercial",
        "400000:360",
        "--spread-bp",
        "-45",
        "--start",
        "2025-06-01",
        "--pricing-date",
        "2025-06-01",
        "--json",
    )
    assert json.loads(capsys.readouterr().out) == api


# --- ±50 bp on an LPR quote ---------------------------------------------------------------------------

LPR_MORTGAGE = {
    "method": "equal_installment",
    "principal": "1000000.00",
    "spread_bp": 0,
    "months": 360,
    "start_date": "2025-06-01",
    "pricing_date": "2025-06-01",
}


def test_an_lpr_quote_gives_the_payment_after_plus_and_minus_50_bp(cm_client):
    body = cm_client.post("/api/v1/calculator/quote/", LPR_MORTGAGE, format="json").json()
    assert body["schedule"][0]["payment"] == "4490.45"  # RULES.md: 1,000,000 × 360 at 3.50 %
    assert body["rate_moves"] == [
        {"bp": 50, "annual_rate": "4.0000", "payment": str(annuity("1000000", "0.040", 360))},
        {"bp": -50, "annual_rate": "3.0000", "payment": str(annuity("1000000", "0.030", 360))},
    ]
    assert body["rate_moves"][0]["payment"] == "4774.15"
    fixed = cm_client.post(
        "/api/v1/calculator/quote/",
        {k: v for k, v in dict(LPR_MORTGAGE, annual_rate="3.50").items() if k != "spread_bp"},
        format="json",
    ).json()
    assert "rate_moves" not in fixed  # a fixed rate does not move


def test_the_page_in_lpr_mode_shows_the_50_bp_line(client, org):
    client.force_login(org.cm_a)
    html = client.get(
        "/calculator/",
        {
            "principal": "1000000",
            "months": "360",
            "pricing_mode": "lpr",
            "spread_bp": "0",
            "lpr_tenor": "auto",
            "frequency": "monthly",
            "method": "equal_installment",
        },
    ).content.decode()
    line = re.search(r'data-testid="rate-moves">(.*?)</p>', html, re.S)
    assert line is not None
    text = re.sub(r"<[^>]+>", "", line.group(1))
    assert "若 LPR 上升 50 个基点（年利率 4.00%），等额本息首期月供约 4,774.15 元" in text
    assert "下降 50 个基点（年利率 3.00%）约 4,216.04 元" in text and "示例" in text


def test_the_print_view_carries_the_50_bp_line_and_a_fixed_quote_has_none(client, org):
    client.force_login(org.cm_a)
    query = {
        "principal": "1000000",
        "months": "360",
        "pricing_mode": "lpr",
        "spread_bp": "0",
        "lpr_tenor": "auto",
        "frequency": "monthly",
        "method": "equal_installment",
    }
    printed = client.get("/calculator/", dict(query, print="1")).content.decode()
    assert 'data-testid="rate-moves"' in printed and "4,774.15" in printed
    fixed = client.get("/calculator/", dict(query, pricing_mode="fixed", annual_rate="3.50")).content.decode()
    assert 'data-testid="rate-moves"' not in fixed
