"""The single-loan calculator's third pricing mode, 公积金贷款利率 (RULES.md "Pricing": a 公积金 loan is
priced on the 公积金 table, is not a fixed rate and reprices on 1 January), through the API, the command line
and the page, with identical figures.

Worked case, priced on 2025-05-08 (the migration's 公积金 row) and drawn on 2025-06-01: 1,000,000 over 360
months 首套 at 2.60 % → 等额本息 4,003.40 a month; over 60 months 2.10 %; 二套 over 5 years 3.075 %.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, Method
from creditdesk.rates.models import ProvidentRate

pytestmark = pytest.mark.django_db
D = Decimal
QUOTE_URL = "/api/v1/calculator/quote/"
RESET = "公积金贷款利率调整时，自次年 1 月 1 日起按调整后的公积金贷款利率执行，每期还款额随之变化。"

PROVIDENT = {
    "method": "equal_installment",
    "principal": "1000000.00",
    "months": 360,
    "pricing_mode": "provident",
    "home_order": "first",
    "start_date": "2025-06-01",
    "pricing_date": "2025-05-08",
}


def core_payment(annual_rate: str, months: int) -> Decimal:
    """The first 等额本息 payment of 1,000,000 drawn on 2025-06-01, straight from the finance core."""
    terms = LoanTerms(
        method=Method.EQUAL_INSTALLMENT,
        principal=D("1000000.00"),
        annual_rate=D(annual_rate),
        periods=months,
        start_date=date(2025, 6, 1),
    )
    return build_schedule(terms).installments[0].payment


@pytest.fixture
def cm_client(api_client, org):
    api_client.force_authenticate(org.cm_a)
    return api_client


def quote(cm_client, **change) -> dict:
    data = {k: v for k, v in dict(PROVIDENT, **change).items() if v is not None}
    response = cm_client.post(QUOTE_URL, data, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


# --- the worked figures --------------------------------------------------------------------------------


def test_a_30_year_first_home_loan_is_priced_at_2_60_percent(cm_client):
    body = quote(cm_client)
    assert core_payment("0.026", 360) == D("4003.40")
    assert body["schedule"][0]["payment"] == "4003.40"
    assert len(body["schedule"]) == 360
    assert body["rate_basis"] == "公积金首套 5 年以上 2.60%（2025-05-08 起执行）"
    assert body["provident"] == {
        "effective_from": "2025-05-08",
        "rate": "2.6000",
        "home_order": "first",
        "reset_note": RESET,
    }
    # Not LPR-priced, so no LPR, no LPR pricing and no ±50 bp LPR illustration.
    assert body["lpr"] is None
    assert "pricing" not in body and "rate_moves" not in body


@pytest.mark.parametrize(
    ("change", "basis", "rate", "fraction", "payment"),
    [
        (
            {"months": 60},
            "公积金首套 5 年以下（含） 2.10%（2025-05-08 起执行）",
            "2.1000",
            "0.021",
            "17571.54",
        ),
        (
            {"home_order": "second"},
            "公积金二套 5 年以上 3.075%（2025-05-08 起执行）",
            "3.0750",
            "0.03075",
            "4256.60",
        ),
        (
            {"home_order": "second", "months": 60},
            "公积金二套 5 年以下（含） 2.525%（2025-05-08 起执行）",
            "2.5250",
            "0.02525",
            "17758.39",
        ),
    ],
)
def test_the_term_and_the_home_order_choose_the_column(cm_client, change, basis, rate, fraction, payment):
    body = quote(cm_client, **change)
    assert (body["rate_basis"], body["provident"]["rate"]) == (basis, rate)
    months = change.get("months", 360)
    assert body["schedule"][0]["payment"] == payment == str(core_payment(fraction, months))


def test_home_order_defaults_to_first_and_pricing_date_to_today(cm_client):
    body = quote(cm_client, home_order=None, pricing_date=None)
    assert body["provident"]["home_order"] == "first"
    assert body["provident"]["effective_from"] == "2025-05-08"  # the latest row in force today
    assert body["schedule"][0]["payment"] == "4003.40"


def test_the_latest_row_in_force_on_the_pricing_date_is_used(cm_client):
    ProvidentRate.objects.create(
        effective_from=date(2026, 1, 1),
        first_home_up_to_5y=D("2.00"),
        first_home_over_5y=D("2.50"),
        second_home_up_to_5y=D("2.40"),
        second_home_over_5y=D("2.95"),
        source="测试",
    )
    assert quote(cm_client, pricing_date="2025-12-31")["provident"]["rate"] == "2.6000"
    later = quote(cm_client, pricing_date="2026-01-01")
    assert later["rate_basis"] == "公积金首套 5 年以上 2.50%（2026-01-01 起执行）"


def test_requests_without_pricing_mode_keep_their_meaning(cm_client):
    fixed = {k: v for k, v in PROVIDENT.items() if k not in ("pricing_mode", "home_order")}
    body = cm_client.post(QUOTE_URL, dict(fixed, annual_rate="2.60"), format="json").json()
    assert body["rate_basis"] == "固定年利率 2.60%"
    assert body["provident"] is None and body["lpr"] is None
    assert body["schedule"] == quote(cm_client)["schedule"]  # same rate, same figures: only the basis differs
    lpr = cm_client.post(QUOTE_URL, dict(fixed, spread_bp=0), format="json").json()
    assert lpr["lpr"]["effective_from"] == "2024-10-21" and lpr["provident"] is None


def test_the_combination_prices_its_provident_part_the_same_way(cm_client):
    combo = cm_client.post(
        "/api/v1/calculator/combination/",
        {
            "home_order": "second",
            "provident_amount": "1000000.00",
            "provident_months": 360,
            "commercial_amount": "100000.00",
            "commercial_months": 120,
            "spread_bp": 0,
            "start_date": "2025-06-01",
            "pricing_date": "2025-05-08",
        },
        format="json",
    ).json()
    single = quote(cm_client, home_order="second")
    part = combo["parts"]["provident"]
    assert part["schedule"] == single["schedule"]
    assert (part["rate_basis"], part["provident"]) == (single["rate_basis"], single["provident"])
    assert combo["parts"]["commercial"]["provident"] is None


def test_a_prepayment_on_a_provident_loan(cm_client):
    request = dict(PROVIDENT, prepayment_amount="200000.00", prepayment_date="2026-06-01", keep="term")
    response = cm_client.post("/api/v1/calculator/prepayment/", request, format="json")
    assert response.status_code == 200, response.json()
    assert len(response.json()["new_schedule"]) == 348


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"pricing_date": "2025-05-07"}, "date", "provident_rate_missing"),
        ({"months": 361}, "months", "term_over_housing_limit"),
        ({"months": 600}, "months", "term_over_housing_limit"),
        ({"home_order": "third"}, "home_order", "unknown_home_order"),
        ({"annual_rate": "2.60"}, "annual_rate", "pricing_fields_conflict"),
        ({"spread_bp": -20}, "spread_bp", "pricing_fields_conflict"),
        ({"lpr_tenor": "5y"}, "lpr_tenor", "pricing_fields_conflict"),
        ({"pricing_mode": "floating"}, "pricing_mode", "unknown_pricing_mode"),
        ({"pricing_mode": None, "annual_rate": "2.60"}, "home_order", "pricing_fields_conflict"),
        ({"pricing_mode": "fixed", "annual_rate": "2.60"}, "home_order", "pricing_fields_conflict"),
        ({"pricing_date": "2025-02-30"}, "pricing_date", "malformed_date"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_a_chinese_sentence(cm_client, change, field, code):
    before = ProvidentRate.objects.count()
    data = {k: v for k, v in dict(PROVIDENT, **change).items() if v is not None}
    response = cm_client.post(QUOTE_URL, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["details"]["field"]) == (code, field)
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert ProvidentRate.objects.count() == before  # a quote changes nothing


def test_the_refusals_say_what_to_fix(cm_client):
    def message(**change) -> str:
        data = {k: v for k, v in dict(PROVIDENT, **change).items() if v is not None}
        return cm_client.post(QUOTE_URL, data, format="json").json()["message"]

    assert message(months=361) == "公积金贷款期限须在 1 到 360 个月之间（住房贷款最长 30 年）。"
    conflict = message(annual_rate="2.60")
    assert conflict.startswith("按“公积金贷款利率”定价时不能再填写 annual_rate。")
    assert "home_order" in conflict and "spread_bp" in conflict
    assert "2025-05-07 没有生效的公积金贷款利率" in message(pricing_date="2025-05-07")


def test_an_empty_table_is_refused(cm_client):
    ProvidentRate.objects.all().delete()
    response = cm_client.post(QUOTE_URL, PROVIDENT, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "provident_rate_missing")


# --- the three doors agree -------------------------------------------------------------------------------

CLI = [
    "--method",
    "equal_installment",
    "--principal",
    "1000000",
    "--months",
    "360",
    "--pricing-mode",
    "provident",
    "--start",
    "2025-06-01",
    "--pricing-date",
    "2025-05-08",
]
PAGE = {
    "principal": "1000000",
    "months": "360",
    "pricing_mode": "provident",
    "annual_rate": "4.90",  # left in the box from a fixed quote: not read in this mode
    "spread_bp": "35",
    "lpr_tenor": "auto",
    "home_order": "first",
    "pricing_date": "2025-05-08",
    "frequency": "monthly",
    "start_date": "2025-06-01",
    "method": "equal_installment",
}


def _rows(schedule) -> list[list[str]]:
    return [
        [
            str(r.period),
            r.due_date.isoformat(),
            str(r.payment),
            str(r.principal),
            str(r.interest),
            str(r.balance),
        ]
        for r in schedule.installments
    ]


@pytest.mark.parametrize("home", ["first", "second"])
def test_page_api_and_cli_agree(cm_client, client, org, capsys, home):
    api = quote(cm_client, home_order=home)
    capsys.readouterr()
    call_command("calc", *CLI, "--home", home, "--json")
    assert json.loads(capsys.readouterr().out) == api

    client.force_login(org.cm_a)
    page = client.get("/calculator/", dict(PAGE, home_order=home))
    chosen = page.context["chosen"]
    assert _rows(chosen.schedule) == [
        [str(r["period"]), r["due_date"], r["payment"], r["principal"], r["interest"], r["balance"]]
        for r in api["schedule"]
    ]
    assert str(chosen.schedule.total_interest) == api["total_interest"]
    assert page.context["pricing"].basis == api["rate_basis"]


def test_cli_table_names_the_basis_and_the_reset(capsys):
    call_command("calc", *CLI, "--home", "second")
    out = capsys.readouterr().out
    assert "合同年利率：公积金二套 5 年以上 3.075%（2025-05-08 起执行）" in out
    assert RESET in out
    assert "固定" not in out


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (["--rate", "2.6"], "错误 [pricing_fields_conflict] annual_rate: "),
        (["--home", "third"], "错误 [unknown_home_order] home_order: "),
        (["--pricing-date", "2025-05-07"], "错误 [provident_rate_missing] date: "),
    ],
)
def test_cli_refusals_exit_2_with_one_line(capsys, extra, line):
    with pytest.raises(SystemExit) as exited:
        call_command("calc", *CLI, *extra)
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(line)


def test_cli_refuses_a_home_order_without_the_provident_mode(capsys):
    args = ["--method", "equal_installment", "--principal", "100000", "--months", "12", "--rate", "3"]
    with pytest.raises(SystemExit):
        call_command("calc", *args, "--home", "second")
    assert capsys.readouterr().err.startswith("错误 [pricing_fields_conflict] home_order: ")


# --- the page says what the rate is ----------------------------------------------------------------------


def _results(html: str) -> str:
    """The page without its input form (whose mode menu rightly offers 固定年利率)."""
    return re.sub(r'<form[^>]*data-testid="calculator-form".*?</form>', "", html, flags=re.S)


def test_the_page_names_the_basis_and_the_reset_and_never_says_fixed(client, org):
    client.force_login(org.cm_a)
    response = client.get("/calculator/", PAGE)
    html = response.content.decode()
    assert "按公积金贷款利率定价：公积金首套 5 年以上 2.60%（2025-05-08 起执行）" in html
    assert f'data-testid="provident-reset">{RESET}<' in html
    assert 'data-testid="contract-rate">2.60%<' in html
    assert 'data-testid="rate-moves"' not in html  # the ±50 bp line is for LPR loans
    assert "固定" not in _results(html)
    assert response.context["form"].data["annual_rate"] == "2.60"  # the box shows the rate applied
    assert re.search(r'<option value="provident" selected>公积金贷款利率</option>', html)


def test_a_second_home_rate_is_shown_whole(client, org):
    client.force_login(org.cm_a)
    response = client.get("/calculator/", dict(PAGE, home_order="second"))
    html = response.content.decode()
    assert 'data-testid="contract-rate">3.075%<' in html
    assert response.context["form"].data["annual_rate"] == "3.075"


def test_the_print_view_names_the_basis_and_the_reset(client, org):
    client.force_login(org.cm_a)
    printed = client.get("/calculator/", dict(PAGE, print="1")).content.decode()
    assert "合同年利率的构成：公积金首套 5 年以上 2.60%（2025-05-08 起执行）。" in printed
    assert RESET in printed and "合同年利率 2.60%" in printed
    assert "固定" not in printed and 'data-testid="rate-moves"' not in printed


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"months": "400"}, "months", "公积金贷款期限须在 1 到 360 个月之间（住房贷款最长 30 年）。"),
        (
            {"pricing_date": "2025-05-07"},
            "pricing_date",
            "2025-05-07 没有生效的公积金贷款利率，请先维护公积金利率表。",
        ),
    ],
)
def test_the_page_refuses_on_the_field(client, org, change, field, message):
    client.force_login(org.cm_a)
    response = client.get("/calculator/", dict(PAGE, **change))
    assert response.context["form"].errors[field] == [message]
    assert "chosen" not in response.context
