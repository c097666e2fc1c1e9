"""Money: Decimal only, one rounding rule, exact splits.

Every amount in CreditDesk is a ``Decimal`` in yuan with two places (fen). Floats never enter: ``D()``
refuses them. Rounding is ROUND_HALF_UP to the fen unless a rule says otherwise (RULES.md).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
ZERO = Decimal("0.00")


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
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"amount {value} has more than two decimal places")
    return int(fen)


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
