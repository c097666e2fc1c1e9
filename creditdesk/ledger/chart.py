"""The chart of accounts (会计科目) of the loan ledger, the kinds of journal entry (记账凭证类型) and the
double-entry rule, in plain Python (no Django: import-linter forbids it).

Every posting is a list of ``Line`` s — account, side (借/贷) and a positive amount in yuan — that
``balanced_lines`` accepts only when debits equal credits (有借必有贷，借贷必相等). ``signed_lines`` turns
"this balance goes up by x, that one down by y" into lines, so loan servicing can speak in balances
(``{LOANS_RECEIVABLE: +100, CLEARING: -100}`` is 借 贷款本金 100 / 贷 现金及清算 100).

The errors carry stable codes for programs (``journal_unbalanced`` …) and a Chinese sentence for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.core.money import FEN, ZERO, is_fen_amount


class Side(LabelledEnum):
    """记账方向 — debit (借) or credit (贷)."""

    DEBIT = "debit", gettext_noop("借")
    CREDIT = "credit", gettext_noop("贷")

    @property
    def opposite(self) -> Side:
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


class Account(LabelledEnum):
    """会计科目 — the loan ledger's chart of accounts. Each account has a normal side (``NORMAL_SIDE``):
    assets grow on the debit side, the customer's credit balance and the incomes on the credit side."""

    LOANS_RECEIVABLE = "loans_receivable", gettext_noop("贷款本金")
    INTEREST_RECEIVABLE = "interest_receivable", gettext_noop("应收利息")
    PENALTY_RECEIVABLE = "penalty_receivable", gettext_noop("应收罚息及复利")
    FEE_RECEIVABLE = "fee_receivable", gettext_noop("应收费用")
    CLEARING = "clearing", gettext_noop("现金及清算")
    CUSTOMER_CREDIT = "customer_credit", gettext_noop("客户挂账（溢缴款）")
    INTEREST_INCOME = "interest_income", gettext_noop("利息收入")
    PENALTY_INCOME = "penalty_income", gettext_noop("罚息收入")
    FEE_INCOME = "fee_income", gettext_noop("手续费及佣金收入")
    WRITE_OFF = "write_off", gettext_noop("贷款核销（减值准备）")
    RECOVERY_INCOME = "recovery_income", gettext_noop("已核销贷款收回")


NORMAL_SIDE: dict[Account, Side] = {
    Account.LOANS_RECEIVABLE: Side.DEBIT,
    Account.INTEREST_RECEIVABLE: Side.DEBIT,
    Account.PENALTY_RECEIVABLE: Side.DEBIT,
    Account.FEE_RECEIVABLE: Side.DEBIT,
    Account.CLEARING: Side.DEBIT,
    Account.CUSTOMER_CREDIT: Side.CREDIT,
    Account.INTEREST_INCOME: Side.CREDIT,
    Account.PENALTY_INCOME: Side.CREDIT,
    Account.FEE_INCOME: Side.CREDIT,
    Account.WRITE_OFF: Side.DEBIT,
    Account.RECOVERY_INCOME: Side.CREDIT,
}
"""The side on which each account's balance grows (资产类借方，负债及收入类贷方)."""

LOAN_HELD: tuple[Account, ...] = (
    Account.LOANS_RECEIVABLE,
    Account.INTEREST_RECEIVABLE,
    Account.PENALTY_RECEIVABLE,
    Account.FEE_RECEIVABLE,
    Account.CUSTOMER_CREDIT,
)
"""The balances a loan holds (分户账): what the customer owes on it and what the bank owes the customer
back. The writer keeps each loan's running balance of these (``LoanAccountBalance``); the incomes,
clearing and write-off are the bank's, read from the lines."""


class EntryKind(LabelledEnum):
    """记账凭证类型 — what business event a journal entry records."""

    DISBURSEMENT = "disbursement", gettext_noop("放款")
    ACCRUAL = "accrual", gettext_noop("计息")
    PENALTY = "penalty", gettext_noop("罚息复利计提")
    REPAYMENT = "repayment", gettext_noop("还款")
    ADJUSTMENT = "adjustment", gettext_noop("调整（倒起息重算）")
    REVERSAL = "reversal", gettext_noop("冲正")
    WRITE_OFF = "write_off", gettext_noop("核销")
    RECOVERY = "recovery", gettext_noop("核销后收回")
    PREPAYMENT = "prepayment", gettext_noop("提前还款")
    RESTRUCTURE = "restructure", gettext_noop("重组")


class JournalUnbalanced(DomainError):
    """Debits and credits differ (``extra``: ``debit`` and ``credit`` totals as strings)."""

    def __init__(self, debit: Decimal, credit: Decimal):
        super().__init__(
            "journal_unbalanced",
            f"借方合计 {debit} 元与贷方合计 {credit} 元不相等，凭证不能入账。",
            {"debit": str(debit), "credit": str(credit)},
        )


class JournalAmountInvalid(DomainError):
    """A line's amount is not a positive Decimal with at most two places (``extra``: ``line``, ``amount``)."""

    def __init__(self, index: int, amount: object):
        super().__init__(
            "journal_amount_invalid",
            f"第 {index + 1} 行的金额 {amount} 不正确：金额须大于零且最多两位小数。",
            {"line": index, "amount": str(amount)},
        )


class JournalTooShort(DomainError):
    """A journal entry needs at least two lines (one debit, one credit)."""

    def __init__(self, count: int):
        super().__init__(
            "journal_too_short",
            f"凭证只有 {count} 行：至少要有一借一贷两行。",
            {"lines": count},
        )


class JournalLineInvalid(DomainError):
    """A line names an account or a side outside the chart (``extra``: ``line``, ``field``, ``value``)."""

    def __init__(self, index: int, field: str, value: object):
        super().__init__(
            "journal_line_invalid",
            f"第 {index + 1} 行的{'科目' if field == 'account' else '记账方向'} {value!r} 不存在。",
            {"line": index, "field": field, "value": str(value)},
        )


class JournalAlreadyReversed(Conflict):
    """An entry is reversed at most once (冲正只能一次)."""

    def __init__(self, entry_id: int):
        super().__init__(
            "journal_already_reversed",
            f"凭证 {entry_id} 已经冲正过，不能再次冲正。",
            {"entry": entry_id},
        )


@dataclass(frozen=True, slots=True)
class Line:
    """分录 — one line of a journal entry: ``amount`` yuan on ``side`` of ``account``."""

    account: Account
    side: Side
    amount: Decimal

    def mirrored(self) -> Line:
        """The same amount on the other side (the line of a reversal, 红字冲正 written as 蓝字反向)."""
        return Line(self.account, self.side.opposite, self.amount)


def balanced_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """The lines of one journal entry, checked: at least two; every account and side in the chart; every
    amount a positive Decimal with at most two places; debits equal to credits. Returns them with their
    account and side as the enumerations and their amount to the fen; raises ``JournalTooShort``,
    ``JournalLineInvalid``, ``JournalAmountInvalid`` or ``JournalUnbalanced``."""
    checked: list[Line] = []
    for index, line in enumerate(lines):
        try:
            account = Account(line.account)
        except ValueError:
            raise JournalLineInvalid(index, "account", line.account) from None
        try:
            side = Side(line.side)
        except ValueError:
            raise JournalLineInvalid(index, "side", line.side) from None
        amount = line.amount
        if not is_fen_amount(amount) or amount <= 0:
            raise JournalAmountInvalid(index, amount)
        checked.append(Line(account, side, amount.quantize(FEN)))
    if len(checked) < 2:
        raise JournalTooShort(len(checked))
    debit = sum((line.amount for line in checked if line.side is Side.DEBIT), ZERO)
    credit = sum((line.amount for line in checked if line.side is Side.CREDIT), ZERO)
    if debit != credit:
        raise JournalUnbalanced(debit, credit)
    return tuple(checked)


def signed_lines(deltas: Mapping[Account, Decimal]) -> list[Line]:
    """Lines that change each account's balance by its delta: a positive delta is booked on the account's
    normal side, a negative one on the other side; zeros are skipped. Nothing is checked here —
    ``balanced_lines`` (through ``journal_post``) does."""
    lines: list[Line] = []
    for index, (key, delta) in enumerate(deltas.items()):
        try:
            account = Account(key)
        except ValueError:
            raise JournalLineInvalid(index, "account", key) from None
        if delta == 0:
            continue
        normal = NORMAL_SIDE[account]
        if delta > 0:
            lines.append(Line(account, normal, delta))
        else:
            lines.append(Line(account, normal.opposite, -delta))
    return lines


def normal_balance(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """The balance of ``account`` on its normal side given its debit and credit totals."""
    return debit - credit if NORMAL_SIDE[account] is Side.DEBIT else credit - debit
