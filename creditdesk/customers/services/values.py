"""How a typed value of the customer record is read: amounts, whole numbers, yes/no, with refusals that
name the field. Shared by ``records`` (the record) and ``business`` (经营信息 and 公积金).

Rule: an amount is a non-negative number of yuan with at most two decimals, below 1,000 亿 (anything
above is a typing error); a whole number is in its field's range; yes/no takes the words people type.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import NegativeAmount, NotWholeFen, is_fen_amount
from creditdesk.core.money import parse_amount as read_amount
from creditdesk.customers.models import Customer

AMOUNT_MAX = Decimal("100000000000")  # 1,000 亿元: anything above is a typing error, not a customer
YES = frozenset({"yes", "y", "true", "1", "是", "有"})
NO = frozenset({"no", "n", "false", "0", "否", "无"})
# Input fields that are not model fields (the credit-report summary is stored as one JSON value).
CREDIT_LABELS = {
    "credit_current_overdue": _lazy("当前逾期金额（元）"),
    "credit_worst_overdue_days": _lazy("近 24 个月最长逾期天数"),
    "credit_inquiries_6m": _lazy("近 6 个月征信查询次数"),
}


def label(field: str) -> str:
    """The field's name as the person reads it (the model's verbose name)."""
    if field in CREDIT_LABELS:
        return str(CREDIT_LABELS[field])
    return str(getattr(Customer._meta.get_field(field), "verbose_name", field))


def parse_amount(raw: str | None, *, field: str, code: str | None = None) -> str:
    """A non-negative amount in yuan with at most two decimals, as ``"1234.50"``; ``""`` when blank.

    Read by ``core.money.parse_amount`` as a customer manager types it (``12,000``, ``30万``, ``1.5万元``,
    full-width digits); anything else names the field in the refusal.
    """
    if not unicodedata.normalize("NFKC", raw or "").strip().replace(",", ""):
        return ""
    code = code or f"{field}_invalid"
    try:
        amount = read_amount(raw or "")
    except (NegativeAmount, NotWholeFen):
        amount = Decimal(-1)  # refused below with the range in the message
    except ValueError:
        raise DomainError(
            code, _("%(field)s不是有效的金额。") % {"field": label(field)}, {"field": field}
        ) from None
    if amount < 0 or amount >= AMOUNT_MAX or not is_fen_amount(amount):
        raise DomainError(
            code,
            _("%(field)s须为不小于 0、小于 1000 亿、最多两位小数的金额。") % {"field": label(field)},
            {"field": field},
        )
    return str(amount.quantize(Decimal("0.01")) + 0)  # "+ 0" turns -0.00 into 0.00


def parse_count(raw: str | None, *, field: str, low: int, high: int) -> int | None:
    """A whole number between ``low`` and ``high`` (full-width digits read too); ``None`` when blank."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(
            f"{field}_invalid",
            _("%(field)s须为 %(low)s 至 %(high)s 之间的整数。")
            % {"field": label(field), "low": low, "high": high},
            {"field": field},
        )
    return int(text)


def parse_yes_no(raw: str | None, *, field: str) -> bool | None:
    """有/无 (yes/no, 是/否, 1/0 …) as True/False; ``None`` (not recorded) when blank."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise DomainError(
        f"{field}_invalid", _("%(field)s请填写“有”或“无”。") % {"field": label(field)}, {"field": field}
    )
