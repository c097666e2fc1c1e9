"""Property: for any valid loan, the page, the API and the command line give identical figures."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

loans = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["equal_installment", "equal_principal", "interest_only", "bullet"]),
        "principal": st.integers(min_value=100_000, max_value=500_000_000).map(
            lambda fen: f"{fen / 100:.2f}"
        ),
        "annual_rate": st.integers(min_value=0, max_value=2400).map(lambda bp: f"{bp / 100:.2f}"),
        "months": st.integers(min_value=1, max_value=120),
        "start_date": st.integers(min_value=0, max_value=3000).map(
            lambda d: (date(2024, 1, 1) + timedelta(days=d)).isoformat()
        ),
        "fee": st.one_of(st.none(), st.integers(min_value=1, max_value=50_000).map(str)),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loan=loans)
def test_page_api_and_cli_agree(loan, org, api_client, client, capsys):
    assume(not loan["fee"] or int(loan["fee"]) < float(loan["principal"]))  # larger fees are refused
    fees = [{"amount": f"{loan['fee']}.00", "when": "upfront"}] if loan["fee"] else []
    request = {k: loan[k] for k in ("method", "principal", "annual_rate", "months", "start_date")} | {
        "fees": fees
    }
    api_client.force_authenticate(org.cm_a)
    api = api_client.post("/api/v1/calculator/quote/", request, format="json").json()

    cli_args = [
        "--method",
        loan["method"],
        "--principal",
        loan["principal"],
        "--rate",
        loan["annual_rate"],
        "--months",
        str(loan["months"]),
        "--start",
        loan["start_date"],
        "--json",
    ]
    if loan["fee"]:
        cli_args += ["--fee", f"{loan['fee']}.00"]
    capsys.readouterr()
    call_command("calc", *cli_args)
    assert json.loads(capsys.readouterr().out) == api

    client.force_login(org.cm_a)
    page = client.get(
        "/calculator/",
        {
            "principal": loan["principal"],
            "months": loan["months"],
            "pricing_mode": "fixed",
            "annual_rate": loan["annual_rate"],
            "frequency": "monthly",
            "start_date": loan["start_date"],
            "fee_amount": loan["fee"] or "",
            "fee_when": "upfront",
            "method": loan["method"],
        },
    )
    chosen = page.context["chosen"]
    assert [
        [
            str(r.period),
            r.due_date.isoformat(),
            str(r.payment),
            str(r.principal),
            str(r.interest),
            str(r.balance),
        ]
        for r in chosen.schedule.installments
    ] == [
        [str(r["period"]), r["due_date"], r["payment"], r["principal"], r["interest"], r["balance"]]
        for r in api["schedule"]
    ]
    assert str(chosen.schedule.total_interest) == api["total_interest"]
