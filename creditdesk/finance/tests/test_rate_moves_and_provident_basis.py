"""The ±50 bp illustration of a floating quote (``payment_after_rate_move``) and the 公积金 rate basis
(``provident_price`` / ``provident_basis_text``).

Worked figures: 1,000,000 over 360 months at 5Y LPR 3.50 % − 0 bp. The 等额本息 payment
M = P·i·(1+i)^n / ((1+i)^n − 1), i = R/12, is computed here from the formula with Decimal, independently of
the schedule module: at 3.50 % it is 4,490.45 (RULES.md's vector), at 4.00 % 4,774.15, at 3.00 % 4,216.04.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from creditdesk.finance.pricing import (
    SEEDED_LPR,
    LprTenor,
    payment_after_rate_move,
    price,
    provident_basis_text,
    provident_price,
    rate_move_text,
    rate_moves,
)
from creditdesk.finance.provident import SEEDED_PROVIDENT, ProvidentQuote
from creditdesk.finance.terms import CalculationError, LoanTerms, Method

D = Decimal
START = date(2025, 6, 1)


def annuity(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        i = annual_rate / 12
        growth = (1 + i) ** months
        return (principal * i * growth / (growth - 1)).quantize(D("0.01"), ROUND_HALF_UP)


def mortgage() -> LoanTerms:
    rate = price(SEEDED_LPR, LprTenor.FIVE_YEAR, 0, START)
    assert rate == D("0.0350")
    return LoanTerms(Method.EQUAL_INSTALLMENT, D("1000000.00"), rate, 360, START)


def test_the_formula_reproduces_the_rules_md_vector():
    assert annuity(D("1000000"), D("0.035"), 360) == D("4490.45")


@pytest.mark.parametrize(("bp", "rate"), [(50, "0.040"), (-50, "0.030"), (0, "0.035")])
def test_payment_after_a_move_is_the_annuity_at_the_moved_rate(bp, rate):
    expected = annuity(D("1000000"), D(rate), 360)
    assert payment_after_rate_move(mortgage(), bp) == expected
    assert {50: D("4774.15"), -50: D("4216.04"), 0: D("4490.45")}[bp] == expected


def test_rate_moves_up_then_down_and_the_sentence_says_it_is_an_illustration():
    up, down = rate_moves(mortgage())
    assert (up.bp, up.annual_rate, up.payment) == (50, D("0.0400"), D("4774.15"))
    assert (down.bp, down.annual_rate, down.payment) == (-50, D("0.0300"), D("4216.04"))
    text = rate_move_text((up, down), "2026-01-01")
    assert text.startswith(
        "示例：若 LPR 在第一个重定价日（2026-01-01）上升 50 个基点（年利率 4.00%），按相同本金和期限测算，"
        "每期还款约 4,774.15 元；下降 50 个基点（年利率 3.00%）约 4,216.04 元。"
    )
    assert "不是对 LPR 走势的预测" in text


def test_a_move_below_zero_stops_at_zero_and_other_methods_use_their_first_payment():
    low = LoanTerms(Method.EQUAL_INSTALLMENT, D("120000.00"), D("0.0030"), 12, START)
    assert rate_moves(low)[1].annual_rate == 0
    assert payment_after_rate_move(low, -50) == D("10000.00")  # P/n at a zero rate
    principal = LoanTerms(Method.EQUAL_PRINCIPAL, D("1000000.00"), D("0.0350"), 360, START)
    # 1,000,000/360 = 2,777.78 + 1,000,000 × 4.00 % / 12 = 3,333.33
    assert payment_after_rate_move(principal, 50) == D("6111.11")
    # A broken first period and fees do not change the illustration: a regular first month, no fees.
    broken = LoanTerms(
        Method.EQUAL_INSTALLMENT, D("1000000.00"), D("0.035"), 360, START, first_due_date=date(2025, 7, 20)
    )
    assert payment_after_rate_move(broken, 50) == D("4774.15")


# --- 公积金 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "second_home", "rate", "basis"),
    [
        (240, False, "0.0260", "公积金首套 5 年以上 2.60%（2025-05-08 起执行）"),
        (240, True, "0.03075", "公积金二套 5 年以上 3.075%（2025-05-08 起执行）"),
        (60, False, "0.0210", "公积金首套 5 年以下（含） 2.10%（2025-05-08 起执行）"),
        (60, True, "0.02525", "公积金二套 5 年以下（含） 2.525%（2025-05-08 起执行）"),
        (61, False, "0.0260", "公积金首套 5 年以上 2.60%（2025-05-08 起执行）"),
    ],
)
def test_provident_price_and_its_basis(months, second_home, rate, basis):
    found = provident_price(SEEDED_PROVIDENT, months, second_home, START)
    assert found.annual_rate == D(rate)
    assert found.basis == basis
    assert provident_basis_text(found.quote, months, second_home) == basis


def test_the_row_in_force_on_the_day_names_its_own_date():
    earlier = ProvidentQuote(date(2024, 5, 18), D("0.0235"), D("0.0285"), D("0.02775"), D("0.03325"))
    table = (*SEEDED_PROVIDENT, earlier)
    found = provident_price(table, 240, False, date(2025, 5, 7))
    assert (found.annual_rate, found.basis) == (D("0.0285"), "公积金首套 5 年以上 2.85%（2024-05-18 起执行）")


def test_a_day_before_the_first_row_is_refused():
    with pytest.raises(CalculationError) as caught:
        provident_price(SEEDED_PROVIDENT, 240, False, date(2025, 5, 7))
    assert caught.value.code == "provident_rate_missing"
    assert "2025-05-07 没有生效的公积金贷款利率" in caught.value.message
