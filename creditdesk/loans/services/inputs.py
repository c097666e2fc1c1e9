"""The checks every loan service makes on its inputs, written once: an amount of money, an idempotency
key, a reason, and that the loan is in the person's scope (404 before anything else: never a leak)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.core.money import is_fen_amount, parse_decimal
from creditdesk.loans.models import Loan

KEY_MAX = 100
AMOUNT_MAX = Decimal("1000000000")  # one billion yuan: far above any loan, below the field's range


def refuse(code: str, message: str, field: str, **extra: Any) -> DomainError:
    return DomainError(code, message, {"field": field, **extra})


def repayment_amount(value: object) -> Decimal:
    """What a person or a program typed, as an exact amount of yuan: a number (``amount_invalid``) of
    whole fen, positive (``amount_not_positive``)."""
    try:
        amount = value if isinstance(value, Decimal) else parse_decimal(value)
    except (ValueError, TypeError):
        raise refuse("amount_invalid", _("请输入有效的还款金额（元）。"), "amount") from None
    if not amount.is_finite() or not is_fen_amount(amount) or amount > AMOUNT_MAX:
        raise refuse("amount_invalid", _("还款金额须为精确到分的金额。"), "amount")
    if amount <= 0:
        raise refuse("amount_not_positive", _("还款金额须大于零。"), "amount")
    return amount


def idempotency_key(key: object) -> str:
    """1–``KEY_MAX`` printable characters (``idempotency_key_invalid``)."""
    text = str(key or "").strip()
    if not text or len(text) > KEY_MAX or not text.isprintable():
        raise refuse(
            "idempotency_key_invalid",
            _("幂等键须为 1–%(n)s 个可打印字符。") % {"n": KEY_MAX},
            "idempotency_key",
        )
    return text


def reason(text: str, *, limit: int, message: str) -> str:
    """A reason of 1–``limit`` characters (``reason_required``); ``message`` says what reason, with the
    limit as ``%(n)s``."""
    text = (text or "").strip()
    if not text or len(text) > limit:
        raise refuse("reason_required", message % {"n": limit}, "reason")
    return text


def require_loan_visible(actor: User, loan_id: int) -> None:
    """404 (``loan_not_found``) when the loan is outside the person's scope."""
    if not scope.visible(actor, Loan.objects.filter(pk=loan_id)).exists():
        raise NotFound("loan_not_found", _("没有这笔贷款。"))
