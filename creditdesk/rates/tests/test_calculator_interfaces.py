"""The calculator through its three doors — API, command line, page — with identical figures, and
bad input refused in each door's way (JSON error shape, exit status + one stderr line, Chinese form error).
"""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]

MORTGAGE = {
    "method": "equal_installment",
    "principal": "1000000.00",
    "annual_rate": "4.90",
    "months": 360,
    "start_date": "2026-01-20",
    "fees": [{"amount": "1000.00", "when": "upfront"}],
}
CLI_MORTGAGE = [
    "--method",
    "equal_installment",
    "--principal",
    "1000000",
    "--rate",
    "4.9",
    "--months",
    "360",
    "--start",
    "2026-01-20",
    "--fee",
    "1000",
]


@pytest.fixture
def cm_client(api_client, org):
    api_client.force_authenticate(org.cm_a)
    return api_client


def test_api_quote_has_the_promised_shape_and_figures(cm_client):
    body = cm_client.post("/api/v1/calculator/quote/", MORTGAGE, format="json").json()
    assert len(body["schedule"]) == 360
    assert body["schedule"][0] == {
        "period": 1,
        "due_date": "2026-02-20",
        "payment": "5307.27",
        "principal": "1223.94",
        "interest": "4083.33",
        "balance": "998776.06",
    }
    assert body["schedule"][-1]["balance"] == "0.00"
    assert body["schedule"][-1]["due_date"] == "2056-01-20"
    assert sum(float(r["principal"]) for r in body["schedule"][:0]) == 0  # (keys only; sums below in Decimal)
    from decimal import Decimal

    assert sum(Decimal(r["principal"]) for r in body["schedule"]) == Decimal("1000000.00")
    assert body["total_payment"] == str(Decimal("1000000.00") + Decimal(body["total_interest"]))
    for key in ("apr_compound", "apr_simple"):
        assert len(body[key].split(".")[1]) == 4
    assert Decimal(body["apr_compound"]) > Decimal(body["apr_simple"]) > Decimal("4.90")  # the fee costs


def test_json_numbers_are_decimals_not_floats(cm_client):
    """A client that sends 4.9 as a JSON number gets exactly what "4.90" gives (parsed as Decimal)."""
    as_number = dict(MORTGAGE, annual_rate=4.9, principal=1000000)
    a = cm_client.post("/api/v1/calculator/quote/", as_number, format="json").json()
    b = cm_client.post("/api/v1/calculator/quote/", MORTGAGE, format="json").json()
    assert a == b


def test_cli_json_is_exactly_the_api_json(cm_client, capsys):
    api = cm_client.post("/api/v1/calculator/quote/", MORTGAGE, format="json").json()
    call_command("calc", *CLI_MORTGAGE, "--json")
    assert json.loads(capsys.readouterr().out) == api


def test_page_shows_the_same_figures(client, org, cm_client):
    api = cm_client.post("/api/v1/calculator/quote/", MORTGAGE, format="json").json()
    client.force_login(org.cm_a)
    response = client.get(
        "/calculator/",
        {
            "principal": "1000000",
            "months": "360",
            "pricing_mode": "fixed",
            "annual_rate": "4.90",
            "frequency": "monthly",
            "start_date": "2026-01-20",
            "fee_amount": "1000",
            "fee_when": "upfront",
            "method": "equal_installment",
        },
    )
    assert response.status_code == 200
    chosen = response.context["chosen"]
    rows = chosen.schedule.installments
    assert [str(r.payment) for r in rows] == [r["payment"] for r in api["schedule"]]
    assert str(chosen.schedule.total_interest) == api["total_interest"]
    text = response.content.decode()
    assert "5,307.27" in text
    assert f"{float(api['apr_compound']):.2f}%" in text  # the IRR rate, shown prominently
    assert "单利" in text
    assert [label for label, _ in response.context["comparison"]] == [
        "等额本息",
        "等额本金",
        "先息后本",
        "一次性还本付息",
    ]


def test_page_refuses_bad_input_in_chinese(client, org):
    client.force_login(org.cm_a)
    response = client.get(
        "/calculator/",
        {
            "principal": "-1",
            "months": "12",
            "pricing_mode": "fixed",
            "annual_rate": "4",
            "frequency": "monthly",
            "method": "bullet",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["principal"] == ["贷款本金必须大于零。"]
    assert "chosen" not in response.context


def test_page_excel_export_and_print_view(client, org):
    client.force_login(org.cm_a)
    params = {
        "principal": "100000",
        "months": "12",
        "pricing_mode": "fixed",
        "annual_rate": "3.60",
        "frequency": "monthly",
        "start_date": "2026-01-20",
        "method": "equal_installment",
    }
    response = client.get("/calculator/", params | {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    payments = [row[2] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(payments) == 12
    assert str(payments[0]) == "8496.73"
    printed = client.get("/calculator/", params | {"print": "1"}).content.decode()
    assert "3.66%" in printed and "8,496.73" in printed and "IRR" in printed


def test_prepayment_through_the_api_and_cli(cm_client, capsys):
    request = dict(MORTGAGE, prepayment_amount="200000.00", prepayment_date="2027-01-20", keep="term")
    api = cm_client.post("/api/v1/calculator/prepayment/", request, format="json").json()
    assert api["full"] is False
    assert api["penalty"] == "0.00"
    assert len(api["new_schedule"]) == 348
    call_command(
        "calc", *CLI_MORTGAGE, "--prepay", "200000", "--prepay-date", "2027-01-20", "--keep", "term", "--json"
    )
    assert json.loads(capsys.readouterr().out) == api


def test_prepayment_above_the_balance_is_refused(cm_client):
    request = dict(MORTGAGE, prepayment_amount="2000000.00", prepayment_date="2027-01-20")
    response = cm_client.post("/api/v1/calculator/prepayment/", request, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "prepayment_exceeds_balance"


def test_lpr_pricing(cm_client):
    body = cm_client.post(
        "/api/v1/calculator/quote/",
        {
            "method": "equal_installment",
            "principal": "1000000.00",
            "spread_bp": 50,
            "months": 360,
            "start_date": "2026-01-20",
            "pricing_date": "2026-01-20",
        },
        format="json",
    ).json()
    assert body["pricing"] == {
        "lpr_effective_from": "2025-05-20",
        "lpr_tenor": "5y",
        "lpr": "3.5000",
        "spread_bp": 50,
        "annual_rate": "4.0000",
    }
    before = cm_client.post(
        "/api/v1/calculator/quote/",
        {
            "method": "equal_installment",
            "principal": "100000.00",
            "spread_bp": 0,
            "months": 12,
            "pricing_date": "2025-03-01",
        },
        format="json",
    ).json()
    assert before["pricing"]["lpr"] == "3.1000" and before["pricing"]["lpr_tenor"] == "1y"
    assert cm_client.get("/api/v1/lpr/").json()["results"][0]["one_year"] == "3.0000"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"principal": "0"}, "principal", "principal_not_positive"),
        ({"principal": "-100"}, "principal", "principal_not_positive"),
        ({"principal": "12abc"}, "principal", "malformed_number"),
        ({"principal": "100.001"}, "principal", "principal_not_fen"),
        ({"annual_rate": "36.01"}, "annual_rate", "rate_above_ceiling"),
        ({"annual_rate": "-1"}, "annual_rate", "rate_negative"),
        ({"months": 0}, "months", "term_out_of_range"),
        ({"months": 601}, "months", "term_out_of_range"),
        ({"months": "12.5"}, "months", "not_integer"),
        ({"method": "magic"}, "method", "unknown_method"),
        ({"start_date": "2026-02-30"}, "start_date", "malformed_date"),
        ({"fees": [{"amount": "1000000.00", "when": "upfront"}]}, "fees", "fee_exceeds_principal"),
        ({"fees": [{"amount": "10", "when": "sometimes"}]}, "fees[0].when", "unknown_fees[0].when"),
    ],
)
def test_api_refusals_name_the_field(cm_client, change, field, code):
    response = cm_client.post("/api/v1/calculator/quote/", dict(MORTGAGE, **change), format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["details"]["field"]) == (code, field)
    assert body["message"]


def test_cli_refusal_is_one_line_on_stderr_and_a_nonzero_exit():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "creditdesk.cli",
            "calc",
            "--method",
            "equal_installment",
            "--principal",
            "-5",
            "--rate",
            "4.9",
            "--months",
            "360",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == ["错误 [principal_not_positive] principal: 贷款本金必须大于零。"]


def test_calculator_needs_sign_in(client, api_client):
    assert client.get("/calculator/").status_code == 302
    assert api_client.post("/api/v1/calculator/quote/", MORTGAGE, format="json").status_code == 401


def test_a_huge_fee_on_a_short_loan_shows_its_huge_rate(cm_client):
    """Found by the doors-agree property: 986 fee on 1,000 for one month used to crash formatting."""
    body = cm_client.post(
        "/api/v1/calculator/quote/",
        {
            "method": "equal_installment",
            "principal": "1000.00",
            "annual_rate": "0",
            "months": 1,
            "start_date": "2024-01-01",
            "fees": [{"amount": "986.00", "when": "upfront"}],
        },
        format="json",
    ).json()
    assert body["apr_simple"] == "84514.2857"  # (1000/14 − 1) × 12, in percent
    assert float(body["apr_compound"]) > 1e20


def test_the_principal_is_read_as_a_cm_types_it():
    """ "30万", "300,000" and full-width digits are the same amount (core.money.parse_amount); "3O万" (a
    letter O) is refused with the field named."""
    from datetime import date

    from creditdesk.core.money import D
    from creditdesk.rates import calculator

    base = {"method": "equal_installment", "annual_rate": "3.60", "months": "12"}
    for typed in ("100000", "10万", "100,000", "１０万元"):
        terms, _pricing = calculator.parse_terms(
            {**base, "principal": typed}, lpr_table=(), today=date(2026, 1, 5)
        )
        assert terms.principal == D("100000.00")
    with pytest.raises(calculator.CalculationError) as refused:
        calculator.parse_terms({**base, "principal": "3O万"}, lpr_table=(), today=date(2026, 1, 5))
    assert refused.value.code == "malformed_number"
    assert refused.value.extra == {"field": "principal"}
