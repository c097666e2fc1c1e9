"""Money: Decimal only, one rounding rule, exact splits — and the one way amounts and rates are read and
written for people.

Every amount in CreditDesk is a ``Decimal`` in yuan with two places (fen). Floats never enter: ``D()``
refuses them. Rounding is ROUND_HALF_UP to the fen unless a rule says otherwise (RULES.md).

Reading: ``parse_decimal`` / ``parse_amount`` turn what a person or a program typed into an exact
``Decimal`` (or a ``ValueError`` the caller turns into its own domain error) — ``parse_amount`` reads an
amount the way a customer manager types it ("300,000", "30万", "1.5万元"); ``parse_rate`` reads a rate
("3.5%", "350bp", "万3", "月息5厘") and says what it understood; ``is_fen_amount`` says
whether a ``Decimal`` is an exact amount of money. Writing: ``format_yuan`` ("6,000.00") and
``format_rate`` ("3.40%") are the one format of pages, the proposal PDF and every sentence — the way a
Chinese bank prints a figure on a statement: thousands separators, always two decimals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


_AMOUNT_UNITS = {"": 0, "万": 4, "亿": 8}  # power of ten: 万 = 10^4, 亿 = 10^8
_MINUS_SIGNS = "-\u2212\u2010\u2011\u2012\u2013\u2014"  # hyphen-minus, minus sign (−), hyphens, dashes
_AMOUNT_TEXT = re.compile(
    r"(?:[¥]\s*)?(?P<number>[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<unit>[万亿]?)\s*(?:元)?"
)
_AMOUNT_MAX_DIGITS = 40  # an amount is far below this; it keeps every conversion exact


class NegativeAmount(ValueError):
    """``parse_amount`` refused a negative amount (a caller may say so in its own words)."""


class NotWholeFen(ValueError):
    """``parse_amount`` refused an amount that is not a whole number of fen (more than two decimals);
    ``amount`` is the number read, for a caller whose own rule refuses it with its own code."""

    def __init__(self, message: str, amount: Decimal) -> None:
        super().__init__(message)
        self.amount = amount


def parse_amount(text: object) -> Decimal:
    """An amount of money in yuan from what a person or a program wrote; ``ValueError`` otherwise.

    Text is read the way a customer manager types it: thousands separators and full-width characters
    (``"300,000"``, ``"３０万"``), a ``元`` and a ``¥`` (``"300,000.50元"``), and the units 万 (10^4) and 亿
    (10^8), with or without a space (``"30万"``, ``"30 万元"``, ``"1.5万"``, ``"1亿"``). A ``Decimal`` or an
    ``int`` is taken as it is (a float or a bool never: not exact).

    Refused: empty text or a unit alone (``"万"``), anything that is not a number (``"3O万"`` with a letter
    O), a negative amount (``"-5万"``, ``"−5万"`` with the Unicode minus: an amount typed by a person is
    never negative — a refund is its own operation), exponent notation (``"1e9"``), digits after the unit
    (``"30万5"``: 30.5 万 or 300,005?), and anything that is not a whole number of fen after conversion
    (``"1.23456万"`` is 12,345.60 and fine; ``"0.0000001万"`` is 0.001 yuan and refused). The range is the
    caller's rule. The messages are English for logs; callers show their own Chinese sentence."""
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise ValueError(f"not an exact amount: {type(text).__name__} (pass a string such as '30万')")
    if isinstance(text, str):
        cleaned = unicodedata.normalize("NFKC", text).strip()
        if not cleaned:
            raise ValueError("no amount given")
        if cleaned[0] in _MINUS_SIGNS:
            raise NegativeAmount(f"an amount is not negative: {text!r}")
        if any(ch in "eE" for ch in cleaned):
            raise ValueError(f"exponent notation is not accepted: {text!r}")
        match = _AMOUNT_TEXT.fullmatch(cleaned)
        if match is None:
            raise ValueError(f"not an amount: {text!r} (write e.g. 300,000 or 30万)")
        number_text = match["number"].replace(",", "")
        if len(number_text) > _AMOUNT_MAX_DIGITS:
            raise ValueError(f"too many digits for an amount: {text!r}")
        amount = Decimal(number_text)
        if match["unit"]:
            amount = amount.scaleb(_AMOUNT_UNITS[match["unit"]])
            if is_fen_amount(amount):
                with localcontext() as ctx:
                    ctx.prec = _WIDE
                    amount = amount.quantize(FEN)  # "1.5万" is 15000.00, not 1.5E+4
    else:
        amount = parse_decimal(text)
        if amount < 0:
            raise NegativeAmount(f"an amount is not negative: {text!r}")
    if not is_fen_amount(amount):
        raise NotWholeFen(
            f"an amount is a whole number of fen (at most two decimals in yuan): {text!r}", amount
        )
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


# --- rates as people type them ---------------------------------------------------------------------------

RATE_FORMS = "3.5%、3.5、350bp、万3、日息万分之3、0.03%/日、月息5厘、0.5分、0.5%/月、年息5厘"
"""The forms ``parse_rate`` reads, for the message a caller shows when it refuses one."""

DAYS_PER_YEAR = 360  # RULES.md: 日利率 d = R/360
MONTHS_PER_YEAR = 12  # RULES.md: 月利率 i = R/12

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_N = r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+|[零一二两三四五六七八九十])"
_DAY = r"(?:日息|日利率|日利|日)"
_MONTH = r"(?:月息|月利率|月利|月)"
_YEAR = r"(?:年化利率|年化|年利率|年息|年利|年)"
# (pattern, basis, fraction per unit of N): N × unit is the rate per basis period, as a fraction.
_RATE_FORMS: list[tuple[re.Pattern[str], str, Decimal]] = [
    (re.compile(rf"{_DAY}?万分之{_N}"), "daily", Decimal("0.0001")),
    (re.compile(rf"{_DAY}?万{_N}"), "daily", Decimal("0.0001")),
    (re.compile(rf"{_DAY}{_N}%|{_N}%/[日天]|每[日天]{_N}%"), "daily", Decimal("0.01")),
    (re.compile(rf"日息{_N}厘"), "daily", Decimal("0.0001")),
    (re.compile(rf"日息{_N}分"), "daily", Decimal("0.001")),
    (re.compile(rf"{_MONTH}{_N}%|{_N}%/月|每月{_N}%"), "monthly", Decimal("0.01")),
    (re.compile(rf"{_MONTH}{_N}厘"), "monthly", Decimal("0.001")),
    (re.compile(rf"{_MONTH}?{_N}分利?"), "monthly", Decimal("0.01")),
    (re.compile(rf"{_YEAR}{_N}%?|{_N}%/年"), "annual", Decimal("0.01")),
    (re.compile(rf"{_YEAR}{_N}厘"), "annual", Decimal("0.01")),
    (re.compile(rf"{_YEAR}{_N}分"), "annual", Decimal("0.1")),
    (re.compile(rf"{_N}(?:bps?|个?基点)"), "bp", Decimal("0.0001")),
    (re.compile(rf"{_N}%?"), "bare", Decimal("0.01")),
]
_BARE_LI = re.compile(rf"{_N}厘")


class NegativeRate(ValueError):
    """``parse_rate`` refused a negative rate."""


class AmbiguousRate(ValueError):
    """A rate whose period cannot be told (``"5厘"``: 月息 or 年息?); the message names the readings."""


@dataclass(frozen=True)
class ParsedRate:
    """What ``parse_rate`` understood: ``value`` the annual rate as a fraction (simple: a daily rate × 360,
    a monthly rate × 12, RULES.md), ``basis`` the period it was quoted for (``"annual"``, ``"monthly"``,
    ``"daily"``), ``quoted`` the rate for that period as a fraction, and ``description`` a Chinese sentence
    to show back ("日息万分之3，折合年利率 10.80%（单利）")."""

    value: Decimal
    basis: str
    quoted: Decimal
    description: str


def _exact_percent(fraction: Decimal) -> str:
    """A percent with every significant decimal, at least two ("10.80%", "11.988%", "0.125%")."""
    with localcontext() as ctx:
        ctx.prec = _WIDE
        percent = (fraction * 100).normalize()
        if percent.as_tuple().exponent > -2:  # type: ignore[operator]
            percent = percent.quantize(FEN)
    return f"{percent:f}%"


def _plain(number: Decimal) -> str:
    with localcontext() as ctx:
        ctx.prec = _WIDE
        return f"{number.normalize():f}"


def parse_rate(text: object, *, bare: str = "annual") -> ParsedRate:
    """An interest rate as a customer manager types it, read for what it says; ``ValueError`` otherwise.

    Accepted (``RATE_FORMS``), with full-width characters and spaces tolerated:

    - annual percent: ``"3.5%"``, ``"年利率3.5%"``, ``"年化3.5"``, ``"3.5%/年"``; a bare ``"3.5"`` or
      ``"3.5%"`` is a percent for the period ``bare`` names (``"annual"`` by default, ``"monthly"`` for a
      field that asks for a monthly rate);
    - basis points: ``"350bp"``, ``"350bps"``, ``"350基点"`` → 3.50% a year;
    - daily: ``"万3"``, ``"万三"``, ``"日息万三"``, ``"万分之3"``, ``"日息万分之3"``, ``"万2.5"``,
      ``"0.03%/日"``, ``"日利率0.03%"``, ``"日息3厘"`` → annual × 360 (RULES.md: 日利率 d = R/360), so 万3 is
      10.80%. A bare 万N is daily: in Chinese consumer lending "日息万三" / "万三" is how a daily rate of
      0.03% is advertised, and nothing else is quoted per 万;
    - monthly: ``"月息5厘"``, ``"月利率0.5%"``, ``"0.5%/月"``, ``"0.5分"``, ``"月息0.5分"``, ``"1分利"`` →
      annual × 12 (月利率 i = R/12), so 月息5厘 is 6.00%;
    - annual in the traditional notation: ``"年息5厘"`` (5%), ``"年息1分"`` (10%).

    分 and 厘 follow the traditional notation of interest: 年息 1 分 = 10%, 1 厘 = 1% a year; 月息 1 分 = 1%,
    1 厘 = 0.1% a month; 日息 1 分 = 0.1%, 1 厘 = 0.01% a day. Decision on the forms without a period:
    "N分" / "N分利" alone is read as monthly, as it is used in everyday and 民间借贷 speech ("一分利" is 1% a
    month); "N厘" alone is refused (``AmbiguousRate``), because both readings are current — 月息5厘 (0.5% a
    month, 6% a year) in private lending, and "4厘9" / "5厘" for 4.9% / 5% a year in mortgage talk — and
    they differ by a fifth; the message asks for 月息N厘 or 年息N厘. (Source: the 分/厘 convention of Chinese
    interest notation as given in banking glossaries; no regulation defines these colloquial forms, hence
    the refusal where usage splits.)

    Refused: empty text, anything not in the forms above (``"3.5%%"``, ``"abc"``), a negative rate, exponent
    notation. The conversion is simple (单利), as the description says; compounding is the APR's business.
    """
    if bare not in ("annual", "monthly"):
        raise ValueError(f"bare must be 'annual' or 'monthly', not {bare!r}")
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise ValueError(f"not a rate: {type(text).__name__} (pass text such as '3.5%')")
    cleaned = "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()
    if not cleaned:
        raise ValueError(f"no rate given; accepted forms: {RATE_FORMS}")
    if cleaned[0] in _MINUS_SIGNS:
        raise NegativeRate(f"a rate is not negative: {text!r}")
    if "e" in cleaned.replace("bps", "").replace("bp", ""):
        raise ValueError(f"exponent notation is not accepted: {text!r}")
    if _BARE_LI.fullmatch(cleaned):
        raise AmbiguousRate(f"{text!r} does not say 月息 or 年息: write 月息{cleaned} or 年息{cleaned}")
    found = next(
        ((m, basis, unit) for pattern, basis, unit in _RATE_FORMS if (m := pattern.fullmatch(cleaned))), None
    )
    if found is None:
        raise ValueError(f"not a rate: {text!r}; accepted forms: {RATE_FORMS}")
    match, basis, unit = found
    digits = next(group for group in match.groups() if group is not None)
    number = Decimal(_CN_DIGITS[digits]) if digits in _CN_DIGITS else Decimal(digits)
    with localcontext() as ctx:
        ctx.prec = _WIDE
        quoted = number * unit
        if basis == "bare":
            basis = bare
        if basis == "bp":
            value = quoted
            description = f"{_plain(number)} 个基点，即年利率 {_exact_percent(value)}"
            return ParsedRate(value=value, basis="annual", quoted=quoted, description=description)
        if basis == "daily":
            value = quoted * DAYS_PER_YEAR
            description = f"日息万分之{_plain(quoted * 10000)}，折合年利率 {_exact_percent(value)}（单利）"
        elif basis == "monthly":
            value = quoted * MONTHS_PER_YEAR
            description = f"月利率 {_exact_percent(quoted)}，折合年利率 {_exact_percent(value)}（单利）"
        else:
            value = quoted
            description = f"年利率 {_exact_percent(value)}"
    return ParsedRate(value=value, basis=basis, quoted=quoted, description=description)
