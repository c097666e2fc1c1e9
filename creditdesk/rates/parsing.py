"""Reading the calculator's input: strings (form fields, JSON, command-line arguments) into numbers, dates
and choices, each refusal a ``CalculationError`` naming the field, with a Chinese sentence for people and a
stable code for programs. Numbers are parsed straight into ``Decimal`` — a float never enters.

Shared by the single-loan calculator (``rates.calculator``), the 公积金 pricing (``rates.provident``) and
the 组合贷 (``rates.combination``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.core.money import NegativeAmount, NotWholeFen, parse_amount
from creditdesk.core.money import parse_decimal as parse_number
from creditdesk.finance.terms import CalculationError, Fee, FeeTiming

MAX_FEES = 10


def refusal(field: str, code: str, message: str) -> CalculationError:
    """A refusal of the input ``field``: a stable ``code`` and a Chinese sentence saying what to fix."""
    return CalculationError(code, message, {"field": field})


def parse_decimal(value: Any, *, field: str, label: str) -> Decimal:
    """A number from a string, int or Decimal (JSON numbers arrive as Decimal); floats are refused."""
    if value is None or value == "":
        raise refusal(field, "required", _("请填写%(label)s。") % {"label": label})
    if isinstance(value, (bool, float)):
        raise refusal(
            field, "not_decimal", _("%(label)s须以字符串或整数传入，不接受浮点数。") % {"label": label}
        )
    try:
        number = parse_number(value if isinstance(value, Decimal | int) else str(value))
    except ValueError:
        raise refusal(field, "malformed_number", _("%(label)s不是有效的数字。") % {"label": label}) from None
    return number


def parse_money(value: Any, *, field: str, label: str) -> Decimal:
    """An amount as a CM types it (``core.money.parse_amount``: "300,000", "30万", full-width digits).
    A negative amount or one finer than the fen is read as the number it is, so that the core refuses it
    with its own code and sentence (``principal_not_positive``, ``principal_not_fen`` …)."""
    if value is None or value == "" or isinstance(value, bool | float):
        return parse_decimal(value, field=field, label=label)
    try:
        return parse_amount(value if isinstance(value, Decimal | int) else str(value))
    except (NegativeAmount, NotWholeFen):
        return parse_decimal(value, field=field, label=label)
    except ValueError:
        raise refusal(
            field,
            "malformed_number",
            _("%(label)s不是有效的金额，请输入如 300,000 或 30万。") % {"label": label},
        ) from None


def parse_int(value: Any, *, field: str, label: str) -> int:
    number = parse_decimal(value, field=field, label=label)
    if number != number.to_integral_value():
        raise refusal(field, "not_integer", _("%(label)s必须是整数。") % {"label": label})
    return int(number)


def parse_date(value: Any, *, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise refusal(
            field, "malformed_date", _("%(label)s不是有效日期（格式 YYYY-MM-DD）。") % {"label": label}
        ) from None


def parse_choice(value: Any, enum: type[Any], *, field: str, label: str) -> Any:
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = "、".join(member.value for member in enum)
        raise refusal(
            field,
            f"unknown_{field}",
            _("%(label)s无效，可选：%(allowed)s。")
            % {
                "label": label,
                "allowed": allowed,
            },
        ) from None


def parse_fees(raw: Any) -> tuple[Fee, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise refusal("fees", "malformed_fees", _("费用须为列表，每项含 amount 和 when。"))
    if len(raw) > MAX_FEES:
        raise refusal("fees", "too_many_fees", _("费用最多 %(n)s 项。") % {"n": MAX_FEES})
    fees = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise refusal(f"fees[{index}]", "malformed_fees", _("费用须为列表，每项含 amount 和 when。"))
        amount = parse_money(item.get("amount"), field=f"fees[{index}].amount", label=_("费用金额"))
        when = parse_choice(
            item.get("when", FeeTiming.UPFRONT), FeeTiming, field=f"fees[{index}].when", label=_("收费时点")
        )
        fees.append(Fee(amount=amount, when=when))
    return tuple(fees)


def parse_pricing_date(data: Mapping[str, Any], *, today: date) -> date:
    """The day a rate table is read on: ``pricing_date`` when given, else today."""
    if data.get("pricing_date"):
        return parse_date(data["pricing_date"], field="pricing_date", label=_("定价日"))
    return today
