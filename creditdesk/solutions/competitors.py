"""Competitor offers (竞品) on the same annualized basis as ours.

A competitor's quote is recorded as it was said to the customer (``QuoteKind``):

- ``annual_rate`` — a nominal annual rate R with a repayment method (default 等额本息);
- ``daily_rate`` — 日息 on the outstanding balance ("日息万3", "0.03%/日"): the nominal annual rate is
  d × 360 (RULES.md, "Day count and rounding": 日利率 d = R/360 — the market convention; 365 is not used),
  then scheduled like an annual rate, so 万3 by 等额本息 is a monthly rate of 0.0003 × 360 / 12 = 0.9%;
- ``monthly_rate`` — 月息 on the outstanding balance ("月息5厘" = 0.5% a month, "月息1分" = 1% a month):
  nominal annual = 12 × the monthly rate, scheduled like an annual rate (等额本息 at monthly rate r);
- ``flat_monthly`` — 分期手续费 / 月费率: a flat monthly rate charged on the *original* principal every
  month, repaid with the principal in equal instalments (``finance.apr.flat_rate_cashflows``). Not the
  same as 月息 on the balance: 0.5% a month flat over 12 months is ≈ 10.90% simple, 11.46% compound,
  where 月息 5 厘 on the balance is 6.00% nominal (RULES.md);
- ``installment`` — "每月还 X 元，共 n 期";
- ``total_repayment`` — "总共还 X 元", in equal monthly instalments (fen-rounded, the last takes the rest);

each with what is charged around the drawdown (``Charge``, ``ChargeKind``; the older single
``upfront_fee`` is a charge paid in cash at drawdown):

- paid in cash at drawdown (手续费/服务费) — t0 receives the principal less the fee;
- deducted from the amount disbursed (砍头息) — t0 receives the principal less the deduction, the payments
  stay on the stated principal. In cash flows this is the same as paying the fee in cash (both give, on
  100,000 with 3,000, a net 97,000 at t0 against the same payments, hence the same APR); the difference is
  in law: Civil Code art. 670 (RULES.md) — interest may not be deducted from the principal in advance, and
  the loan is then the amount actually disbursed — so the comparison says so;
- a deposit held back (保证金), returned at the end without interest — t0 is reduced by it, the last flow
  increased by it: the borrower pays on money they never had, so the APR rises;
- a monthly service fee — added to every instalment (refused with a bullet loan, which has no monthly
  instalment: enter the total as a fee at drawdown or a total repayment instead).

Every quote becomes its real cash flows — net proceeds at t0, then each payment — and the annualized rate is
their IRR (PBOC 〔2021〕 No. 3): compound (1 + r)^k − 1 and simple k·r (单利), exactly as for our products
(``finance.apr``).

An offer also carries its non-price facts (``competitor_facts.OfferFacts``: approval time, documents,
prepayment, collateral, 受托支付), shown beside ours from the product spec.

``compare(ours, competitors, on)`` puts our quotes (full schedules, fees included) and the competitors'
side by side — annualized rate, first monthly payment, net amount received, total cost, non-price facts —
ordered by annualized rate, with a sentence for every row and a summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import (
    DAYS_PER_YEAR,
    MONTHS_PER_YEAR,
    ZERO,
    format_rate,
    format_yuan,
    is_fen_amount,
    parse_decimal,
    round_fen,
)
from creditdesk.finance.apr import AnnualizedRate, annualize, flat_rate_cashflows, irr, periods_per_year
from creditdesk.finance.schedule import PRECISION, build_schedule
from creditdesk.finance.terms import LoanTerms, Method
from creditdesk.solutions.competitor_facts import (
    FactsShown,
    OfferFacts,
    competitor_facts_shown,
    facts_problem,
    our_facts_shown,
)
from creditdesk.solutions.offers import Quote, apr_text, cost_difference_text, fee_text, figures


class CompetitorError(DomainError):
    """A competitor quote that cannot be converted; ``extra["field"]`` names what to fix."""


class QuoteKind(LabelledEnum):
    """How a competitor's quote was said to the customer (报价方式; see the module docstring)."""

    ANNUAL_RATE = "annual_rate", gettext_noop("年利率")
    DAILY_RATE = "daily_rate", gettext_noop("日息（按剩余本金）")
    MONTHLY_RATE = "monthly_rate", gettext_noop("月息（按剩余本金）")
    FLAT_MONTHLY = "flat_monthly", gettext_noop("分期手续费（按原始本金，每月）")
    INSTALLMENT = "installment", gettext_noop("每期还款额")
    TOTAL_REPAYMENT = "total_repayment", gettext_noop("总还款额")


_REQUIRED = {
    QuoteKind.ANNUAL_RATE: "annual_rate",
    QuoteKind.DAILY_RATE: "daily_rate",
    QuoteKind.MONTHLY_RATE: "monthly_rate",
    QuoteKind.FLAT_MONTHLY: "monthly_flat_rate",
    QuoteKind.INSTALLMENT: "monthly_payment",
    QuoteKind.TOTAL_REPAYMENT: "total_repayment",
}
FIGURE_NAMES = {
    "annual_rate": "年利率",
    "daily_rate": "日息",
    "monthly_rate": "月息",
    "monthly_flat_rate": "每月手续费率",
    "monthly_payment": "每期还款额",
    "total_repayment": "总还款额",
}
# The kinds quoted as a rate on the outstanding balance, scheduled by ``method`` at their nominal annual rate.
SCHEDULED = (QuoteKind.ANNUAL_RATE, QuoteKind.DAILY_RATE, QuoteKind.MONTHLY_RATE)
# A competitor's quote may be far above what we lend at: converted anyway (and flagged), up to 1,000 % a year.
COMPETITOR_MAX_NOMINAL = Decimal(10)
# The lines a comparison flags (RULES.md has no sentence for them; 36 % is also the ceiling of our own
# arithmetic core, ``finance.terms.DEFAULT_MAX_ANNUAL_RATE``). Neutral wording, to be confirmed by compliance.
FLAG_HIGH, FLAG_VERY_HIGH = Decimal("0.24"), Decimal("0.36")


class ChargeKind(LabelledEnum):
    """How a charge at drawdown moves the borrower's cash (see the module docstring)."""

    UPFRONT = "upfront", gettext_noop("放款时另行支付")
    DEDUCTED = "deducted", gettext_noop("从放款金额中直接扣除，即砍头息")
    DEPOSIT = "deposit", gettext_noop("保证金，放款时扣留、到期退还、不计息")
    MONTHLY = "monthly", gettext_noop("每月随还款收取")


AT_DRAWDOWN = (ChargeKind.UPFRONT, ChargeKind.DEDUCTED, ChargeKind.DEPOSIT)


@dataclass(frozen=True)
class Charge:
    """A fee or deduction of a competitor's offer (名称, 金额或本金的百分比, 方式): ``amount`` in yuan, or
    ``percent`` a fraction of the principal (0.03 = 3%); for ``MONTHLY`` both are per month."""

    name: str
    kind: ChargeKind
    amount: Decimal | None = None
    percent: Decimal | None = None

    def value(self, principal: Decimal) -> Decimal:
        """The charge in yuan (a percent of the principal rounded half-up to the fen)."""
        if self.amount is not None:
            return self.amount
        assert self.percent is not None
        with localcontext(prec=PRECISION):
            return round_fen(principal * self.percent)

    def said(self, principal: Decimal) -> str:
        """ "服务费 3,000.00 元（本金的 3.00%，从放款金额中直接扣除（砍头息））"."""
        share = f"本金的 {format_rate(self.percent)}，" if self.percent is not None else ""
        each = "每月 " if self.kind == ChargeKind.MONTHLY else ""
        return f"{self.name} {each}{format_yuan(self.value(principal))} 元（{share}{self.kind.label}）"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "amount": None if self.amount is None else str(self.amount),
            "percent": None if self.percent is None else str(self.percent),
        }


@dataclass(frozen=True)
class CompetitorOffer:
    """A competitor's quote as the customer heard it (see the module docstring)."""

    institution: str
    product_name: str
    kind: QuoteKind
    amount: Decimal
    term_months: int
    annual_rate: Decimal | None = None
    method: Method = Method.EQUAL_INSTALLMENT
    monthly_flat_rate: Decimal | None = None
    monthly_payment: Decimal | None = None
    total_repayment: Decimal | None = None
    upfront_fee: Decimal = ZERO
    note: str = ""
    daily_rate: Decimal | None = None  # a fraction a day (万3 = 0.0003)
    monthly_rate: Decimal | None = None  # a fraction a month on the balance (月息5厘 = 0.005)
    charges: tuple[Charge, ...] = ()
    facts: OfferFacts = field(default_factory=OfferFacts)

    @property
    def label(self) -> str:
        return f"{self.institution}「{self.product_name}」"

    @property
    def all_charges(self) -> tuple[Charge, ...]:
        """``charges`` with the older ``upfront_fee`` as the first, paid in cash at drawdown."""
        fee = (Charge("手续费", ChargeKind.UPFRONT, amount=self.upfront_fee),) if self.upfront_fee else ()
        return fee + self.charges

    def charged(self, *kinds: ChargeKind) -> Decimal:
        """The total in yuan of the charges of ``kinds`` (per month for ``MONTHLY``)."""
        return sum((c.value(self.amount) for c in self.all_charges if c.kind in kinds), ZERO)

    @property
    def nominal_annual_rate(self) -> Decimal | None:
        """The nominal annual rate of a quote on the balance: R, d × 360 (RULES.md: 日利率 d = R/360), or
        12 × the monthly rate (月利率 i = R/12); ``None`` for the other kinds."""
        if self.kind == QuoteKind.ANNUAL_RATE:
            return self.annual_rate
        if self.kind == QuoteKind.DAILY_RATE and self.daily_rate is not None:
            return self.daily_rate * DAYS_PER_YEAR
        if self.kind == QuoteKind.MONTHLY_RATE and self.monthly_rate is not None:
            return self.monthly_rate * MONTHS_PER_YEAR
        return None

    def to_dict(self) -> dict[str, object]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "institution": self.institution,
            "product_name": self.product_name,
            "kind": self.kind.value,
            "amount": str(self.amount),
            "term_months": self.term_months,
            "annual_rate": text(self.annual_rate),
            "method": self.method.value,
            "monthly_flat_rate": text(self.monthly_flat_rate),
            "monthly_payment": text(self.monthly_payment),
            "total_repayment": text(self.total_repayment),
            "upfront_fee": str(self.upfront_fee),
            "note": self.note,
            "daily_rate": text(self.daily_rate),
            "monthly_rate": text(self.monthly_rate),
            "charges": [c.to_dict() for c in self.charges],
            "facts": self.facts.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompetitorOffer:
        """From JSON (Decimals as strings), validated."""

        def dec(key: str, default: Decimal | None = None) -> Decimal | None:
            value = data.get(key)
            if value is None:
                return default
            if isinstance(value, bool | float) or not isinstance(value, str | int):
                raise _refuse("competitor_field_invalid", key, f"「{key}」应为写成字符串的十进制数。")
            try:
                return parse_decimal(value)
            except ValueError as exc:
                raise _refuse("competitor_field_invalid", key, f"「{key}」不是数字。") from exc

        kind, method = data.get("kind"), data.get("method", Method.EQUAL_INSTALLMENT.value)
        if kind not in set(QuoteKind):
            raise _refuse("competitor_kind_unknown", "kind", f"未知的报价方式 {kind!r}。")
        if method not in set(Method):
            raise _refuse("competitor_method_unknown", "method", f"未知的还款方式 {method!r}。")
        offer = cls(
            institution=str(data.get("institution", "")),
            product_name=str(data.get("product_name", "")),
            kind=QuoteKind(kind),
            amount=dec("amount", ZERO) or ZERO,
            term_months=data.get("term_months"),  # type: ignore[arg-type]  # validated below
            annual_rate=dec("annual_rate"),
            method=Method(method),
            monthly_flat_rate=dec("monthly_flat_rate"),
            monthly_payment=dec("monthly_payment"),
            total_repayment=dec("total_repayment"),
            upfront_fee=dec("upfront_fee", ZERO) or ZERO,
            note=str(data.get("note", "")),
            daily_rate=dec("daily_rate"),
            monthly_rate=dec("monthly_rate"),
            charges=charges_from(data.get("charges") or []),
            facts=_facts_from(data.get("facts") or {}),
        )
        validate_offer(offer)
        return offer


def _facts_from(data: object) -> OfferFacts:
    if not isinstance(data, Mapping):
        raise _refuse("competitor_facts_invalid", "facts", "非价格因素应为对象。")
    try:
        return OfferFacts.from_dict(data)
    except (ValueError, ArithmeticError) as exc:
        raise _refuse("competitor_facts_invalid", "facts", "非价格因素无法识别，请核对。") from exc


def charges_from(items: object) -> tuple[Charge, ...]:
    """Charges from JSON: a list of ``{"name", "kind", "amount" | "percent"}`` (Decimals as strings;
    ``percent`` a fraction of the principal), each checked by ``validate_charge`` when the offer is."""
    if not isinstance(items, list | tuple):
        raise _refuse("competitor_charge_invalid", "charges", "费用应为列表。")
    charges = []
    for item in items:
        if not isinstance(item, Mapping) or item.get("kind") not in set(ChargeKind):
            raise _refuse(
                "competitor_charge_invalid",
                "charges",
                "费用的方式应为放款时另付、从放款金额扣除、保证金或每月服务费之一。",
            )
        values: dict[str, Decimal | None] = {}
        for key in ("amount", "percent"):
            value = item.get(key)
            if value in (None, ""):
                values[key] = None
                continue
            if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
                raise _refuse(
                    "competitor_charge_invalid", "charges", "费用金额或比例应为写成字符串的十进制数。"
                )
            try:
                values[key] = parse_decimal(value)
            except ValueError as exc:
                raise _refuse("competitor_charge_invalid", "charges", "费用金额或比例不是数字。") from exc
        charges.append(
            Charge(str(item.get("name") or ""), ChargeKind(item["kind"]), values["amount"], values["percent"])
        )
    return tuple(charges)


def _refuse(code: str, field: str, message: str) -> CompetitorError:
    return CompetitorError(code, message, {"field": field})


def validate_offer(offer: CompetitorOffer) -> None:
    """Refuse a quote that cannot be converted: ``competitor_name_missing``, ``competitor_amount_invalid``,
    ``competitor_term_invalid`` (1–360 months), ``competitor_figure_missing`` (the figure its kind needs),
    ``competitor_figure_invalid`` (negative, or a repayment that does not even return the principal),
    ``competitor_method_unknown`` (revolving has no schedule), ``competitor_fee_invalid``,
    ``competitor_rate_too_high`` (a nominal rate above 1,000 % a year: a typing error),
    ``competitor_charge_invalid`` (``validate_charge``; or all charged at drawdown reaching the principal),
    ``competitor_facts_invalid`` (``competitor_facts.facts_problem``)."""
    if not offer.institution.strip() or not offer.product_name.strip():
        raise _refuse("competitor_name_missing", "institution", "请填写竞争对手机构和产品名称。")
    if not is_fen_amount(offer.amount) or offer.amount <= 0:
        raise _refuse("competitor_amount_invalid", "amount", "贷款金额必须大于零，最多保留两位小数。")
    term = offer.term_months
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= 360:
        raise _refuse("competitor_term_invalid", "term_months", "期限应为 1–360 个月的整数。")
    key = _REQUIRED[offer.kind]
    value = getattr(offer, key)
    if value is None:
        raise _refuse(
            "competitor_figure_missing", key, f"按「{offer.kind.label}」报价时须填写「{FIGURE_NAMES[key]}」。"
        )
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise _refuse("competitor_figure_invalid", key, f"「{FIGURE_NAMES[key]}」必须是不小于零的十进制数。")
    nominal = offer.nominal_annual_rate
    if nominal is not None and nominal > COMPETITOR_MAX_NOMINAL:
        raise _refuse(
            "competitor_rate_too_high",
            key,
            f"折合名义年利率 {format_rate(nominal)}，超过 1,000%，请核对报价。",
        )
    if offer.kind in SCHEDULED and offer.method == Method.REVOLVING:
        raise _refuse(
            "competitor_method_unknown", "method", "随借随还没有固定还款计划，请按年利率和先息后本录入。"
        )
    if offer.kind == QuoteKind.INSTALLMENT and value * term < offer.amount:
        raise _refuse("competitor_figure_invalid", key, "每期还款乘以期数少于本金，请核对报价。")
    if offer.kind == QuoteKind.TOTAL_REPAYMENT and value < offer.amount:
        raise _refuse("competitor_figure_invalid", key, "总还款额少于本金，请核对报价。")
    if not is_fen_amount(offer.upfront_fee) or offer.upfront_fee < 0 or offer.upfront_fee >= offer.amount:
        raise _refuse(
            "competitor_fee_invalid", "upfront_fee", "手续费应不小于零、少于本金，且最多保留两位小数。"
        )
    for charge in offer.charges:
        validate_charge(charge)
        if charge.kind == ChargeKind.MONTHLY and offer.kind in SCHEDULED and offer.method == Method.BULLET:
            raise _refuse(
                "competitor_charge_invalid",
                "charges",
                "一次性还本付息没有按月还款，每月服务费请折成总额、按放款时收取录入。",
            )
    if offer.charged(*AT_DRAWDOWN) >= offer.amount:
        raise _refuse("competitor_charge_invalid", "charges", "放款时收取、扣除和扣留的合计不能达到本金。")
    problem = facts_problem(offer.facts)
    if problem is not None:
        raise _refuse("competitor_facts_invalid", problem[0], problem[1])


def validate_charge(charge: Charge) -> None:
    """A charge has a name, a known kind, and exactly one of an amount (yuan, at most two places) or a
    percent of the principal (0–100 %), neither negative: ``competitor_charge_invalid``."""
    if not charge.name.strip():
        raise _refuse("competitor_charge_invalid", "charges", "请填写每项费用的名称。")
    if charge.kind not in set(ChargeKind):
        raise _refuse("competitor_charge_invalid", "charges", f"「{charge.name}」的收取方式未知。")
    if (charge.amount is None) == (charge.percent is None):
        raise _refuse(
            "competitor_charge_invalid", "charges", f"「{charge.name}」请填写金额或本金的百分比（只填一项）。"
        )
    if charge.amount is not None and (not is_fen_amount(charge.amount) or charge.amount < 0):
        raise _refuse(
            "competitor_charge_invalid", "charges", f"「{charge.name}」的金额不能为负数，最多保留两位小数。"
        )
    if charge.percent is not None and (not charge.percent.is_finite() or not 0 <= charge.percent <= 1):
        raise _refuse("competitor_charge_invalid", "charges", f"「{charge.name}」的比例应在 0 到 100% 之间。")


@dataclass(frozen=True)
class ComparisonRow:
    """One offer on the common basis: ``quoted`` is how it was said; ``apr`` what it really costs.
    ``disbursed`` is what the lender pays out (less deductions and deposits); ``net_received`` what the
    borrower keeps at drawdown once every charge at drawdown is paid."""

    side: str  # "ours" | "competitor"
    label: str
    quoted: str
    amount: Decimal
    term_months: int
    apr: AnnualizedRate
    first_payment: Decimal
    total_repaid: Decimal
    net_received: Decimal
    sentence: str
    disbursed: Decimal | None = None
    facts: FactsShown | None = None
    warnings: tuple[str, ...] = ()

    @property
    def total_cost(self) -> Decimal:
        """Everything paid beyond what was received: interest plus fees (a returned deposit counts back)."""
        return self.total_repaid - self.net_received

    def to_dict(self) -> dict[str, object]:
        return {
            "side": self.side,
            "label": self.label,
            "quoted": self.quoted,
            "amount": str(self.amount),
            "term_months": self.term_months,
            "apr_compound": str(self.apr.compound.quantize(Decimal("0.000001"))),
            "apr_simple": str(self.apr.simple.quantize(Decimal("0.000001"))),
            "first_payment": str(self.first_payment),
            "total_repaid": str(self.total_repaid),
            "disbursed": str(self.amount if self.disbursed is None else self.disbursed),
            "net_received": str(self.net_received),
            "total_cost": str(self.total_cost),
            "sentence": self.sentence,
            "facts": None if self.facts is None else self.facts.to_dict(),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    summary: str
    # Total cost against each competitor at the same amount and term: who pays more, never a signed saving.
    differences: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "rows": [r.to_dict() for r in self.rows],
            "summary": self.summary,
            "differences": list(self.differences),
        }


def _base_flows(offer: CompetitorOffer, on: date) -> tuple[list[Decimal], Decimal | int]:
    """The quote's own flows before any charge — +principal at t0, −each payment — and the periods a
    year to annualize them by (12; a bullet loan's single period by its days, ``finance.apr``)."""
    n = offer.term_months
    if offer.kind in SCHEDULED:
        rate = offer.nominal_annual_rate
        assert rate is not None
        terms = LoanTerms(offer.method, offer.amount, rate, n, on)
        schedule = build_schedule(terms, max_annual_rate=COMPETITOR_MAX_NOMINAL)
        return [offer.amount] + [-row.payment for row in schedule.installments], periods_per_year(schedule)
    if offer.kind == QuoteKind.FLAT_MONTHLY:
        assert offer.monthly_flat_rate is not None
        return flat_rate_cashflows(offer.amount, offer.monthly_flat_rate, n), 12
    if offer.kind == QuoteKind.INSTALLMENT:
        assert offer.monthly_payment is not None
        return [offer.amount] + [-offer.monthly_payment] * n, 12
    assert offer.total_repayment is not None
    with localcontext(prec=PRECISION):
        payment = round_fen(offer.total_repayment / n)
    return [offer.amount] + [-payment] * (n - 1) + [-(offer.total_repayment - payment * (n - 1))], 12


def competitor_flows(offer: CompetitorOffer, on: date | None = None) -> list[Decimal]:
    """The borrower's cash flows of a quote, every charge in (see the module docstring): t0 = principal
    − paid in cash − deducted − deposit held; each instalment − monthly fees; the deposit back with the
    last. ``on`` (the drawdown day) matters only to a bullet loan's days; default 2000-01-01."""
    validate_offer(offer)
    flows, _k = _base_flows(offer, on or date(2000, 1, 1))
    return _with_charges(offer, flows)


def _with_charges(offer: CompetitorOffer, flows: list[Decimal]) -> list[Decimal]:
    flows = list(flows)
    flows[0] -= offer.charged(*AT_DRAWDOWN)
    monthly = offer.charged(ChargeKind.MONTHLY)
    for k in range(1, len(flows)):
        flows[k] -= monthly
    flows[-1] += offer.charged(ChargeKind.DEPOSIT)
    return flows


def _quoted(offer: CompetitorOffer) -> tuple[str, str]:
    """How the quote was said (short), and the first clause of its sentence."""
    method = Method(offer.method).label
    if offer.kind == QuoteKind.ANNUAL_RATE:
        assert offer.annual_rate is not None
        rate = format_rate(offer.annual_rate)
        return f"年利率 {rate}（{method}）", f"{offer.label}年利率 {rate}（{method}）"
    nominal = offer.nominal_annual_rate
    if offer.kind == QuoteKind.DAILY_RATE:
        assert offer.daily_rate is not None and nominal is not None
        per_10k = f"{(offer.daily_rate * 10000).normalize():f}"
        return (
            f"日息万分之{per_10k}（按剩余本金，{method}）",
            f"{offer.label}报“日息万分之{per_10k}”，按剩余本金计息，按一年 360 天折合名义年利率 "
            f"{format_rate(nominal)}（{method}）",
        )
    if offer.kind == QuoteKind.MONTHLY_RATE:
        assert offer.monthly_rate is not None and nominal is not None
        monthly = format_rate(offer.monthly_rate)
        return (
            f"月息 {monthly}（按剩余本金，{method}）",
            f"{offer.label}报“月息 {monthly}”，按剩余本金计息，"
            f"折合名义年利率 {format_rate(nominal)}（{method}）",
        )
    if offer.kind == QuoteKind.FLAT_MONTHLY:
        assert offer.monthly_flat_rate is not None
        monthly = format_rate(offer.monthly_flat_rate)
        return (
            f"分期手续费每月 {monthly}（按原始本金）",
            f"{offer.label}报“每月手续费 {monthly}”，每月都按原始本金 {format_yuan(offer.amount)} 元收取，"
            f"而本金在逐月归还，看似年利率 {format_rate(offer.monthly_flat_rate * 12)}",
        )
    if offer.kind == QuoteKind.INSTALLMENT:
        assert offer.monthly_payment is not None
        payment = format_yuan(offer.monthly_payment)
        return (
            f"每月还 {payment} 元，共 {offer.term_months} 期",
            f"{offer.label}借 {format_yuan(offer.amount)} 元、每月还 {payment} 元共 {offer.term_months} 期",
        )
    assert offer.total_repayment is not None
    total = format_yuan(offer.total_repayment)
    return (
        f"总还款 {total} 元，共 {offer.term_months} 期",
        f"{offer.label}借 {format_yuan(offer.amount)} 元、{offer.term_months} 期共还 {total} 元",
    )


def flags(apr: AnnualizedRate, nominal: Decimal | None) -> tuple[str, ...]:
    """What the comparison points out about a high rate (``FLAG_HIGH`` / ``FLAG_VERY_HIGH``)."""
    said = []
    if nominal is not None and nominal > FLAG_VERY_HIGH:
        said.append(f"注意：名义年利率 {format_rate(nominal)} 已超过 36%。")
    if apr.compound > FLAG_VERY_HIGH:
        said.append(
            f"注意：计入全部费用的年化利率 {format_rate(apr.compound)} 超过 36%，"
            "请提醒客户核实合同中的全部费用。"
        )
    elif apr.compound > FLAG_HIGH:
        said.append(
            f"注意：计入全部费用的年化利率 {format_rate(apr.compound)} 超过 24%，请提醒客户核实综合融资成本。"
        )
    return tuple(said)


def competitor_row(offer: CompetitorOffer, on: date) -> ComparisonRow:
    """A competitor's quote converted to its annualized rate (IRR of its real cash flows, every charge
    in), with the sentence that says so, its non-price facts and any flag."""
    validate_offer(offer)
    base, k = _base_flows(offer, on)
    flows = _with_charges(offer, base)
    apr = annualize(irr(flows), k)
    deposit = offer.charged(ChargeKind.DEPOSIT)
    deducted = offer.charged(ChargeKind.DEDUCTED)
    disbursed = offer.amount - deducted - deposit
    net = flows[0]
    repaid = -sum(flows[1:], ZERO)
    short, opening = _quoted(offer)
    charges = "；".join(c.said(offer.amount) for c in offer.all_charges)
    quoted = f"{short}；{charges}" if charges else short
    parts = [opening]
    if charges:
        parts.append(f"另有{charges}")
    parts.append(f"首期还款 {format_yuan(-base[1] + offer.charged(ChargeKind.MONTHLY))} 元")
    if net != offer.amount:
        parts.append(f"放款时实际到手 {format_yuan(net)} 元")
    parts.append(
        f"按实际占用本金计算，年化利率（IRR）为 {format_rate(apr.compound)}"
        f"（单利 {format_rate(apr.simple)}），"
        f"总成本 {format_yuan(repaid - net)} 元"
    )
    sentence = "，".join(parts) + "。"
    if offer.kind == QuoteKind.FLAT_MONTHLY:
        assert offer.monthly_flat_rate is not None
        naive = format_rate(offer.monthly_flat_rate * 12)
        sentence += f"按原始本金收费的“月费率”不是年利率：实际年化并不是 {naive}。"
    if deducted:
        sentence += (
            f"其中 {format_yuan(deducted)} 元从放款金额中直接扣除（砍头息）："
            "《民法典》第六百七十条规定利息不得预先在本金中扣除，预先扣除的，"
            f"按实际借款数额 {format_yuan(offer.amount - deducted)} 元返还借款并计算利息。"
        )
    if deposit:
        sentence += (
            f"保证金 {format_yuan(deposit)} 元放款时扣留、到期才退还且不计息，"
            "占用的是客户自己的钱，年化利率因此更高。"
        )
    return ComparisonRow(
        side="competitor",
        label=offer.label,
        quoted=quoted,
        amount=offer.amount,
        term_months=offer.term_months,
        apr=apr,
        first_payment=-base[1] + offer.charged(ChargeKind.MONTHLY),
        total_repaid=repaid,
        net_received=net,
        sentence=sentence,
        disbursed=disbursed,
        facts=competitor_facts_shown(offer.facts),
        warnings=flags(apr, offer.nominal_annual_rate),
    )


def our_row(q: Quote, on: date) -> ComparisonRow:
    """Our quote on the same basis: its full schedule, fees included, and the product's non-price facts."""
    f = figures(q, on, exact=True)
    schedule = f.schedule
    assert schedule is not None
    repaid = schedule.total_payment + schedule.total_fees - schedule.upfront_fees
    label = f"本行「{q.spec.name}」"
    sentence = (
        f"{label}{q.price.explanation.removesuffix('。')}，"
        f"年化利率（IRR 复利）{format_rate(f.apr.compound)}。"
    )
    quoted = f"年利率 {format_rate(q.annual_rate)}（{Method(q.method).label}）"
    if f.fee_based:  # RULES.md: quoted by its annualized rate with the fees, never by its 0 % contract rate
        sentence = f"{label}{apr_text(f)}；{fee_text(f)}。"
        quoted = f"合同利率 {format_rate(q.annual_rate)}（{Method(q.method).label}），{fee_text(f)}"
    facts = our_facts_shown(
        q.spec, q.amount, q.facts.get("customer_type"), q.facts.get("collateral_type"), q.facts.get("purpose")
    )
    return ComparisonRow(
        side="ours",
        label=label,
        quoted=quoted,
        amount=q.amount,
        term_months=q.term_months,
        apr=f.apr,
        first_payment=f.first_payment,
        total_repaid=repaid,
        net_received=q.amount - f.upfront_fees,
        sentence=sentence,
        disbursed=q.amount,
        facts=facts,
    )


def compare(ours: Sequence[Quote], competitors: Sequence[CompetitorOffer], on: date) -> Comparison:
    """Our quotes and the competitors' side by side, lowest annualized rate first (ours first on a tie)."""
    rows = [our_row(q, on) for q in ours] + [competitor_row(c, on) for c in competitors]
    rows.sort(key=lambda r: (r.apr.compound, r.side != "ours", r.label))
    if not rows:
        return Comparison((), "没有可比较的报价。")
    best = rows[0]
    summary = f"按年化利率（IRR 复利）比较，最低的是{best.label}：{format_rate(best.apr.compound)}。"
    best_ours = next((r for r in rows if r.side == "ours"), None)
    if best_ours is not None:
        cheaper = [r for r in rows if r.side == "competitor" and r.apr.compound > best_ours.apr.compound]
        if cheaper:
            base = best_ours.apr.compound
            gaps = "、".join(
                f"{r.label}高 {((r.apr.compound - base) * 100).quantize(Decimal('0.01'))} 个百分点"
                for r in cheaper
            )
            summary += f"与{best_ours.label}相比：{gaps}。"
    return Comparison(tuple(rows), summary, cost_differences(rows))


def cost_differences(rows: Sequence[ComparisonRow]) -> tuple[str, ...]:
    """For each competitor, our best (lowest-rate) quote of the same amount and term against it by total
    cost (interest plus fees): "按总成本（利息加费用），本行「信用贷」与某银行「安居贷」相比：
    我行方案比对方多付 3,000.00 元。" (``offers.cost_difference_text``)."""
    said = []
    for theirs in (r for r in rows if r.side == "competitor"):
        ours = next(
            (
                r
                for r in rows
                if r.side == "ours" and r.amount == theirs.amount and r.term_months == theirs.term_months
            ),
            None,
        )
        if ours is not None:
            said.append(
                f"按总成本（利息加费用），{ours.label}与{theirs.label}相比："
                f"{cost_difference_text(ours.total_cost, theirs.total_cost)}。"
            )
    return tuple(said)
