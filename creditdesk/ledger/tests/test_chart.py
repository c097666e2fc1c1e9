"""The chart and the double-entry rule, without a database: ``balanced_lines`` and ``signed_lines``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.ledger.chart import (
    NORMAL_SIDE,
    Account,
    EntryKind,
    JournalAlreadyReversed,
    JournalAmountInvalid,
    JournalLineInvalid,
    JournalTooShort,
    JournalUnbalanced,
    Line,
    Side,
    balanced_lines,
    normal_balance,
    signed_lines,
)

D = Decimal


def test_chart_values_and_labels():
    assert Account.pairs() == (
        ("loans_receivable", "贷款本金"),
        ("interest_receivable", "应收利息"),
        ("penalty_receivable", "应收罚息及复利"),
        ("fee_receivable", "应收费用"),
        ("clearing", "现金及清算"),
        ("customer_credit", "客户挂账（溢缴款）"),
        ("interest_income", "利息收入"),
        ("penalty_income", "罚息收入"),
        ("fee_income", "手续费及佣金收入"),
        ("write_off", "贷款核销（减值准备）"),
        ("recovery_income", "已核销贷款收回"),
    )
    assert Side.pairs() == (("debit", "借"), ("credit", "贷"))
    assert Side.DEBIT.opposite is Side.CREDIT
    assert Side.CREDIT.opposite is Side.DEBIT
    assert [kind.value for kind in EntryKind] == [
        "disbursement",
        "accrual",
        "penalty",
        "repayment",
        "adjustment",
        "reversal",
        "write_off",
        "recovery",
        "prepayment",
        "restructure",
    ]
    assert EntryKind.ADJUSTMENT.label == "调整（倒起息重算）"


def test_every_account_has_a_normal_side():
    assert set(NORMAL_SIDE) == set(Account)
    debit_normal = {a for a, side in NORMAL_SIDE.items() if side is Side.DEBIT}
    assert debit_normal == {
        Account.LOANS_RECEIVABLE,
        Account.INTEREST_RECEIVABLE,
        Account.PENALTY_RECEIVABLE,
        Account.FEE_RECEIVABLE,
        Account.CLEARING,
        Account.WRITE_OFF,
    }


def test_disbursement_worked_example():
    """放款 100,000.00: 借 贷款本金 / 贷 现金及清算."""
    lines = balanced_lines(
        [
            Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D("100000.00")),
            Line(Account.CLEARING, Side.CREDIT, D("100000.00")),
        ]
    )
    assert lines == (
        Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D("100000.00")),
        Line(Account.CLEARING, Side.CREDIT, D("100000.00")),
    )


def test_repayment_worked_example_split_into_principal_and_interest():
    """还款 8,496.73 = 本金 8,196.73 + 利息 300.00 (the interest was accrued before)."""
    lines = balanced_lines(
        [
            Line(Account.CLEARING, Side.DEBIT, D("8496.73")),
            Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("8196.73")),
            Line(Account.INTEREST_RECEIVABLE, Side.CREDIT, D("300.00")),
        ]
    )
    assert [(line.account, line.side, str(line.amount)) for line in lines] == [
        ("clearing", "debit", "8496.73"),
        ("loans_receivable", "credit", "8196.73"),
        ("interest_receivable", "credit", "300.00"),
    ]


def test_lines_given_as_strings_come_back_as_the_enumerations_to_the_fen():
    lines = balanced_lines([Line("clearing", "debit", D("5")), Line("fee_income", "credit", D("5.000"))])
    assert lines[0].account is Account.CLEARING and lines[0].side is Side.DEBIT
    assert [str(line.amount) for line in lines] == ["5.00", "5.00"]


def test_unbalanced_lines_are_refused_with_the_totals():
    with pytest.raises(JournalUnbalanced) as excinfo:
        balanced_lines(
            [
                Line(Account.CLEARING, Side.DEBIT, D("8496.73")),
                Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("8196.73")),
                Line(Account.INTEREST_RECEIVABLE, Side.CREDIT, D("299.99")),
            ]
        )
    error = excinfo.value
    assert isinstance(error, DomainError)
    assert error.code == "journal_unbalanced"
    assert error.extra == {"debit": "8496.73", "credit": "8496.72"}
    assert error.status == 400
    assert error.message == "借方合计 8496.73 元与贷方合计 8496.72 元不相等，凭证不能入账。"


@pytest.mark.parametrize(
    "amount",
    [D("0.001"), D("100.005"), D("0"), D("0.00"), D("-1.00"), D("NaN"), D("Infinity"), 1, 1.5, "1.00", None],
    ids=repr,
)
def test_amounts_that_are_not_positive_money_are_refused(amount):
    with pytest.raises(JournalAmountInvalid) as excinfo:
        balanced_lines(
            [Line(Account.CLEARING, Side.DEBIT, D("1.00")), Line(Account.FEE_INCOME, Side.CREDIT, amount)]
        )
    assert excinfo.value.code == "journal_amount_invalid"
    assert excinfo.value.extra == {"line": 1, "amount": str(amount)}


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_lines_are_refused(count):
    lines = [Line(Account.CLEARING, Side.DEBIT, D("1.00"))][:count]
    with pytest.raises(JournalTooShort) as excinfo:
        balanced_lines(lines)
    assert excinfo.value.code == "journal_too_short"
    assert excinfo.value.extra == {"lines": count}


def test_unknown_account_or_side_is_refused():
    with pytest.raises(JournalLineInvalid) as excinfo:
        balanced_lines([Line("cash", Side.DEBIT, D("1.00")), Line(Account.CLEARING, Side.CREDIT, D("1.00"))])
    assert (excinfo.value.code, excinfo.value.extra) == (
        "journal_line_invalid",
        {"line": 0, "field": "account", "value": "cash"},
    )
    with pytest.raises(JournalLineInvalid) as excinfo:
        balanced_lines(
            [Line(Account.CLEARING, "left", D("1.00")), Line(Account.CLEARING, Side.CREDIT, D("1.00"))]
        )
    assert excinfo.value.extra == {"line": 0, "field": "side", "value": "left"}


def test_signed_lines_books_increases_on_the_normal_side():
    assert signed_lines({Account.LOANS_RECEIVABLE: D("100"), Account.CLEARING: D("-100")}) == [
        Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D("100")),
        Line(Account.CLEARING, Side.CREDIT, D("100")),
    ]


def test_signed_lines_for_a_repayment_and_an_accrual_skip_zeros():
    repayment = signed_lines(
        {
            Account.CLEARING: D("8496.73"),
            Account.LOANS_RECEIVABLE: D("-8196.73"),
            Account.INTEREST_RECEIVABLE: D("-300.00"),
            Account.PENALTY_RECEIVABLE: D("0.00"),
        }
    )
    assert repayment == [
        Line(Account.CLEARING, Side.DEBIT, D("8496.73")),
        Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("8196.73")),
        Line(Account.INTEREST_RECEIVABLE, Side.CREDIT, D("300.00")),
    ]
    accrual = signed_lines({Account.INTEREST_RECEIVABLE: D("27.40"), Account.INTEREST_INCOME: D("27.40")})
    assert accrual == [
        Line(Account.INTEREST_RECEIVABLE, Side.DEBIT, D("27.40")),
        Line(Account.INTEREST_INCOME, Side.CREDIT, D("27.40")),
    ]
    assert balanced_lines(accrual) == tuple(accrual)
    assert signed_lines({Account.CLEARING: D("0"), Account.FEE_INCOME: D("-0.00")}) == []


def test_signed_lines_of_an_overpayment_credit_the_customer():
    """多缴 50.00 挂账: 借 现金及清算 / 贷 客户挂账 — a credit-normal account grows on the credit side."""
    assert signed_lines({Account.CLEARING: D("50.00"), Account.CUSTOMER_CREDIT: D("50.00")}) == [
        Line(Account.CLEARING, Side.DEBIT, D("50.00")),
        Line(Account.CUSTOMER_CREDIT, Side.CREDIT, D("50.00")),
    ]


def test_signed_lines_refuses_an_unknown_account():
    with pytest.raises(JournalLineInvalid) as excinfo:
        signed_lines({"cash": D("1.00")})
    assert excinfo.value.extra == {"line": 0, "field": "account", "value": "cash"}


def test_mirrored_line_and_normal_balance():
    line = Line(Account.WRITE_OFF, Side.DEBIT, D("70000.00"))
    assert line.mirrored() == Line(Account.WRITE_OFF, Side.CREDIT, D("70000.00"))
    assert normal_balance(Account.CLEARING, D("10.00"), D("3.50")) == D("6.50")
    assert normal_balance(Account.INTEREST_INCOME, D("10.00"), D("3.50")) == D("-6.50")


def test_already_reversed_is_a_conflict():
    error = JournalAlreadyReversed(7)
    assert isinstance(error, Conflict)
    assert (error.code, error.status, error.extra) == ("journal_already_reversed", 409, {"entry": 7})
