"""Money: Decimal only, one rounding rule, exact splits — and the one way amounts and rates are read and
written for people.

Every amount in CreditDesk is a ``Decimal`` in yuan with two places (fen). Floats never enter: ``D()``
refuses them. Rounding is ROUND_HALF_UP to the fen unless a rule says otherwise (RULES.md).

Reading: ``parse_decimal`` / ``parse_amount`` turn what a person or a program typed into an exact
``Decimal`` (or a ``ValueError`` the caller turns into its own domain error); ``is_fen_amount`` says
whether a ``Decimal`` is an exact amount of money. Writing: ``format_yuan`` ("6,000.00") and
``format_rate`` ("3.40%") are the one format of pages, the proposal PDF and every sentence — the way a
Chinese bank prints a figure on a statement: thousands separators, always two decimals.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

FEN = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
ZERO = Decimal("0.00")
_WIDE = 80  # digits kept while formatting: an absurd figure is still printed, never an error


def D(value: str | int | Decimal) -> Decimal:
    """Build a Decimal from a string, int or Decimal; floats are refused (they are not exact)."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"D() refuses {type(value).__name__}; pass a string such as '12.30'")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_fen(value: Decimal) -> Decimal:
    """Round half-up to the fen (0.01)."""
    return value.quantize(FEN, rounding=ROUNDING)


def to_fen(value: Decimal) -> int:
    """Yuan → integer fen; refuses amounts with more than two decimal places (they are not money)."""
    if not is_fen_amount(value):
        raise ValueError(f"amount {value} has more than two decimal places")
    return int(value * 100)


def from_fen(fen: int) -> Decimal:
    """Integer fen → yuan with exactly two places."""
    return (Decimal(fen) / 100).quantize(FEN)


def allocate_by_ratio(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` (to the fen) by ``weights`` so that the parts add back exactly.

    Largest-remainder method: every part is first rounded down to the fen, then the missing fen go one
    by one to the parts with the largest remainders (ties to the earlier part).
    """
    if not weights:
        raise ValueError("allocate_by_ratio needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    total_fen = to_fen(round_fen(total))
    exact = [Decimal(total_fen) * w / weight_sum for w in weights]
    floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
    missing = total_fen - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return [from_fen(f) for f in floors]


def is_fen_amount(value: object) -> bool:
    """Whether ``value`` is an exact amount of money: a finite ``Decimal`` with at most two decimal places
    (``Decimal("12.30")``, ``Decimal("12.300")`` and ``Decimal("12")`` are; ``Decimal("12.301")``, a float
    and NaN are not). Reads the digits, so no context precision can round a huge amount into passing."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    _sign, digits, exponent = value.as_tuple()
    beyond_fen = -int(exponent) - 2
    return beyond_fen <= 0 or not any(digits[-beyond_fen:])


def parse_decimal(text: object) -> Decimal:
    """An exact number from what a person or a program wrote: a ``Decimal``, an ``int``, or text with
    surrounding spaces, thousands separators (``"12,000.50"``) or full-width characters (``"１２０００"``).

    Raises ``ValueError`` (callers turn it into their own domain error) for a float or a bool (not exact),
    empty or malformed text, NaN and infinities, and exponent notation (``"1e9"``: no one writes an amount
    that way, and a slip of the keyboard would multiply it)."""
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise ValueError(f"not an exact number: {type(text).__name__} (pass a string such as '12.30')")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError(f"not a finite number: {text}")
        return text
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if not cleaned:
        raise ValueError("no number given")
    if any(ch in "eE" for ch in cleaned):
        raise ValueError(f"exponent notation is not accepted: {text!r}")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return number


def parse_amount(text: object) -> Decimal:
    """An amount of money from what a person or a program wrote (as ``parse_decimal`` reads it), with at
    most two decimal places; ``ValueError`` otherwise. The sign and the range are the caller's rule."""
    amount = parse_decimal(text)
    if not is_fen_amount(amount):
        raise ValueError(f"an amount has at most two decimal places: {text!r}")
    return amount


def _printed(value: Decimal, quantum: Decimal) -> str:
    with localcontext() as ctx:
        ctx.prec = _WIDE
        rounded = value.quantize(quantum, rounding=ROUNDING)
    if rounded.is_zero():
        rounded = rounded.copy_abs()  # never "-0.00"
    return f"{rounded:,}"


def format_yuan(amount: Decimal) -> str:
    """An amount in yuan for people: thousands separators and two decimals, half-up to the fen.
    ``Decimal("6000")`` → ``"6,000.00"``; ``Decimal("5307.265")`` → ``"5,307.27"``."""
    return _printed(amount, FEN)


def format_rate(fraction: Decimal) -> str:
    """A rate or a ratio (given as a fraction) for people: a percent with two decimals, half-up.
    ``Decimal("0.034")`` → ``"3.40%"``; ``Decimal("0.55")`` → ``"55.00%"``."""
    with localcontext() as ctx:
        ctx.prec = _WIDE
        percent = fraction * 100
    return f"{_printed(percent, FEN)}%"
