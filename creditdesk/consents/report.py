"""The structured credit-report summary (征信报告摘要) as a pure value: parsed, validated, serialised.

Imports nothing from ``django.db``; tested without a database. The model ``CreditReportSummary`` keeps
what ``ReportSummary.to_json`` returns, encrypted (credit-report content is sensitive, RULES.md).

The 24-month repayment status (``status_24m``) is what the report prints for each month, oldest month
first and the report month last, one character a month:

=====  ======================================================================
mark   month
=====  ======================================================================
N      paid as agreed (正常)
\\*     nothing due (未发生还款义务)
/      no record (未开立 / 无记录)
C      account closed (结清)
1–7    overdue: the number of instalments then overdue (逾期 1–7 期, 7 = 7 or more)
=====  ======================================================================

A month is an *overdue month* when its mark is 1–7. ``consecutive_overdue_months`` is the longest run of
overdue months, ``cumulative_overdue_months`` their number in the 24 months: the two numbers of the
banks' "连三累六" rule (refused at 3 consecutive or 6 cumulative overdue months in 24).

Credit lines (贷记卡 and other revolving lines), when the report gives them: ``revolving_limit`` (the total
limit granted) and ``revolving_used`` (the balance in use), both or neither; ``credit_line_usage`` is used ÷
limit (above 1 when over the limit, which cards allow).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import is_fen_amount, parse_decimal

STATUS_MONTHS = 24
OVERDUE_MARKS = frozenset("1234567")
STATUS_MARKS = frozenset("N*/C") | OVERDUE_MARKS
MAX_INQUIRIES = 999
MAX_DEBTS = 999


def _refuse(code: str, field: str, message: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def _amount(value: object, field: str, label: str, *, required: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _refuse("summary_field_required", field, f"请填写「{label}」。")
        return None
    try:
        amount = parse_decimal(value)
    except ValueError:
        raise _refuse("summary_amount_invalid", field, f"「{label}」须为金额（元，最多两位小数）。") from None
    if amount < 0 or not is_fen_amount(amount):
        raise _refuse(
            "summary_amount_invalid", field, f"「{label}」须为不小于 0 的金额（元，最多两位小数）。"
        )
    return amount


def _count(value: object, field: str, label: str, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _refuse("summary_count_invalid", field, f"「{label}」须为 0–{most} 的整数。")
    text = str(value).strip()
    if not text.isdigit() or int(text) > most:
        raise _refuse("summary_count_invalid", field, f"「{label}」须为 0–{most} 的整数。")
    return int(text)


def longest_run(status: str) -> int:
    """The longest run of overdue months (marks 1–7) in ``status``."""
    best = run = 0
    for mark in status:
        run = run + 1 if mark in OVERDUE_MARKS else 0
        best = max(best, run)
    return best


@dataclass(frozen=True)
class ReportSummary:
    """What a customer manager reads off one credit report: current overdue (and its amount), the
    24-month status, hard inquiries in the last 6 months, and the debts (accounts with a balance, their
    total balance and, when the report gives it, their total monthly obligation)."""

    current_overdue: bool
    current_overdue_amount: Decimal | None
    status_24m: str
    inquiries_6m: int
    debt_count: int
    debt_balance: Decimal
    monthly_obligation: Decimal | None = None
    revolving_limit: Decimal | None = None
    revolving_used: Decimal | None = None

    @property
    def credit_line_usage(self) -> Decimal | None:
        """授信额度使用率: the credit lines' balance in use ÷ their total limit (None without lines)."""
        if self.revolving_limit is None or self.revolving_used is None:
            return None
        return self.revolving_used / self.revolving_limit

    @property
    def consecutive_overdue_months(self) -> int:
        return longest_run(self.status_24m)

    @property
    def cumulative_overdue_months(self) -> int:
        return sum(1 for mark in self.status_24m if mark in OVERDUE_MARKS)

    def to_json(self) -> dict[str, Any]:
        return {
            "current_overdue": self.current_overdue,
            "current_overdue_amount": None
            if self.current_overdue_amount is None
            else str(self.current_overdue_amount),
            "status_24m": self.status_24m,
            "inquiries_6m": self.inquiries_6m,
            "debt_count": self.debt_count,
            "debt_balance": str(self.debt_balance),
            "monthly_obligation": None if self.monthly_obligation is None else str(self.monthly_obligation),
            "revolving_limit": None if self.revolving_limit is None else str(self.revolving_limit),
            "revolving_used": None if self.revolving_used is None else str(self.revolving_used),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportSummary:
        return parse_summary(**data)


def parse_summary(
    *,
    current_overdue: object,
    current_overdue_amount: object = None,
    status_24m: object,
    inquiries_6m: object,
    debt_count: object,
    debt_balance: object,
    monthly_obligation: object = None,
    revolving_limit: object = None,
    revolving_used: object = None,
) -> ReportSummary:
    """A ``ReportSummary`` from what was typed or sent; ``DomainError`` (``extra["field"]``) otherwise.

    Refused: ``current_overdue`` not a yes/no; a current overdue without an amount above zero, or an
    amount without a current overdue (``summary_overdue_amount``); a status that is not exactly 24 marks
    of ``N * / C 1–7`` (``summary_status_invalid``); a count outside 0–999 or an amount below zero or
    beyond the fen; debts with a balance but no account (``summary_debts_inconsistent``); a credit-line
    limit without its balance in use or the other way round, or a limit of 0
    (``summary_revolving_invalid``)."""
    if not isinstance(current_overdue, bool):
        raise _refuse("summary_field_required", "current_overdue", "请选择「当前是否逾期」。")
    amount = _amount(current_overdue_amount, "current_overdue_amount", "当前逾期金额", required=False)
    if current_overdue and (amount is None or amount == 0):
        raise _refuse(
            "summary_overdue_amount", "current_overdue_amount", "当前有逾期时须填写大于 0 的当前逾期金额。"
        )
    if not current_overdue and amount:
        raise _refuse(
            "summary_overdue_amount", "current_overdue_amount", "当前无逾期时不填写当前逾期金额（或填 0）。"
        )
    status = "".join(str(status_24m or "").split()).upper() if isinstance(status_24m, str) else None
    if status is None or len(status) != STATUS_MONTHS or not set(status) <= STATUS_MARKS:
        raise _refuse(
            "summary_status_invalid",
            "status_24m",
            "近 24 个月还款状态须为 24 个字符（由早到晚，最后一个为报告当月）："
            "N 正常、* 无还款义务、/ 无记录、C 结清、1–7 逾期期数。",
        )
    debts = _count(debt_count, "debt_count", "未结清负债笔数", MAX_DEBTS)
    balance = _amount(debt_balance, "debt_balance", "负债余额合计", required=True)
    assert balance is not None
    if debts == 0 and balance > 0:
        raise _refuse(
            "summary_debts_inconsistent", "debt_count", "负债余额大于 0 时，未结清负债笔数不能为 0。"
        )
    limit = _amount(revolving_limit, "revolving_limit", "信用卡及循环额度授信总额", required=False)
    used = _amount(revolving_used, "revolving_used", "信用卡及循环额度已用额度", required=False)
    if (limit is None) != (used is None) or limit == 0:
        raise _refuse(
            "summary_revolving_invalid",
            "revolving_limit" if limit is None or limit == 0 else "revolving_used",
            "信用卡及循环额度须同时填写授信总额（大于 0）和已用额度，报告没有则都不填。",
        )
    return ReportSummary(
        current_overdue=current_overdue,
        current_overdue_amount=amount if current_overdue else None,
        status_24m=status,
        inquiries_6m=_count(inquiries_6m, "inquiries_6m", "近 6 个月查询次数", MAX_INQUIRIES),
        debt_count=debts,
        debt_balance=balance,
        monthly_obligation=_amount(monthly_obligation, "monthly_obligation", "月还款额合计", required=False),
        revolving_limit=limit,
        revolving_used=used,
    )
