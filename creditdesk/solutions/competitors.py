"""Competitor offers (竞品) on the same annualized basis as ours.

A competitor's quote is recorded as it was said to the customer (``QuoteKind``):

- ``annual_rate`` — a nominal annual rate R with a repayment method (default 等额本息);
- ``flat_monthly`` — a flat monthly rate (月息 / 月费率) charged on the *original* principal every month,
  repaid with the principal in equal instalments (``loans.apr.flat_rate_cashflows``);
- ``installment`` — "每月还 X 元，共 n 期";
- ``total_repayment`` — "总共还 X 元", in equal monthly instalments (fen-rounded, the last takes the rest);

each optionally with an upfront fee (服务费/手续费) taken at drawdown. Every quote becomes its real cash
flows — net proceeds at t0, then each payment — and the annualized rate is their IRR (PBOC 〔2021〕 No. 3):
compound (1 + r)^12 − 1 and simple 12·r (单利), exactly as for our products (``loans.apr``). A flat 0.5 %
a month over 12 months is ≈ 10.90 % simple and 11.46 % compound, not 6 % (RULES.md).

``compare(ours, competitors, on)`` puts our quotes (full schedules, fees included) and the competitors'
side by side — annualized rate, first monthly payment, total repaid, total cost — ordered by annualized
rate, with a sentence for every row and a summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_rate, format_yuan, is_fen_amount, parse_decimal, round_fen
from creditdesk.finance.apr import AnnualizedRate, annualize, annualized_rate, flat_rate_cashflows, irr
from creditdesk.finance.schedule import PRECISION, build_schedule
from creditdesk.finance.terms import Fee, FeeTiming, LoanTerms, Method
from creditdesk.solutions.offers import Quote, apr_text, cost_difference_text, fee_text, figures


class CompetitorError(DomainError):
    """A competitor quote that cannot be converted; ``extra["field"]`` names what to fix."""


class QuoteKind(LabelledEnum):
    """How a competitor's quote was said to the customer (报价方式; see the module docstring)."""

    ANNUAL_RATE = "annual_rate", gettext_noop("年利率")
    FLAT_MONTHLY = "flat_monthly", gettext_noop("月息（按原始本金）")
    INSTALLMENT = "installment", gettext_noop("每期还款额")
    TOTAL_REPAYMENT = "total_repayment", gettext_noop("总还款额")


_REQUIRED = {
    QuoteKind.ANNUAL_RATE: "annual_rate",
    QuoteKind.FLAT_MONTHLY: "monthly_flat_rate",
    QuoteKind.INSTALLMENT: "monthly_payment",
    QuoteKind.TOTAL_REPAYMENT: "total_repayment",
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

    @property
    def label(self) -> str:
        return f"{self.institution}「{self.product_name}」"

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
        )
        validate_offer(offer)
        return offer


def _refuse(code: str, field: str, message: str) -> CompetitorError:
    return CompetitorError(code, message, {"field": field})


def validate_offer(offer: CompetitorOffer) -> None:
    """Refuse a quote that cannot be converted: ``competitor_name_missing``, ``competitor_amount_invalid``,
    ``competitor_term_invalid`` (1–360 months), ``competitor_figure_missing`` (the figure its kind needs),
    ``competitor_figure_invalid`` (negative, or a repayment that does not even return the principal),
    ``competitor_method_unknown`` (revolving has no schedule), ``competitor_fee_invalid``."""
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
        raise _refuse("competitor_figure_missing", key, f"按「{offer.kind.value}」报价时须填写「{key}」。")
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise _refuse("competitor_figure_invalid", key, f"「{key}」必须是不小于零的十进制数。")
    if offer.kind == QuoteKind.ANNUAL_RATE and offer.method == Method.REVOLVING:
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


@dataclass(frozen=True)
class ComparisonRow:
    """One offer on the common basis: ``quoted`` is how it was said; ``apr`` what it really costs."""

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

    @property
    def total_cost(self) -> Decimal:
        """Everything paid beyond what was received: interest plus fees."""
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
            "net_received": str(self.net_received),
            "total_cost": str(self.total_cost),
            "sentence": self.sentence,
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


def competitor_flows(offer: CompetitorOffer) -> list[Decimal]:
    """The borrower's monthly cash flows of a non-``annual_rate`` quote (t0 net of the upfront fee)."""
    validate_offer(offer)
    n = offer.term_months
    if offer.kind == QuoteKind.FLAT_MONTHLY:
        assert offer.monthly_flat_rate is not None
        flows = flat_rate_cashflows(offer.amount, offer.monthly_flat_rate, n)
    elif offer.kind == QuoteKind.INSTALLMENT:
        assert offer.monthly_payment is not None
        flows = [offer.amount] + [-offer.monthly_payment] * n
    elif offer.kind == QuoteKind.TOTAL_REPAYMENT:
        assert offer.total_repayment is not None
        with localcontext(prec=PRECISION):
            payment = round_fen(offer.total_repayment / n)
        flows = [offer.amount] + [-payment] * (n - 1) + [-(offer.total_repayment - payment * (n - 1))]
    else:
        raise _refuse("competitor_kind_unknown", "kind", "按年利率报价的请用 competitor_row。")
    flows[0] -= offer.upfront_fee
    return flows


def competitor_row(offer: CompetitorOffer, on: date) -> ComparisonRow:
    """A competitor's quote converted to its annualized rate, with the sentence that says so."""
    validate_offer(offer)
    fee_said = f"，另收手续费 {format_yuan(offer.upfront_fee)} 元" if offer.upfront_fee else ""
    if offer.kind == QuoteKind.ANNUAL_RATE:
        assert offer.annual_rate is not None
        fees = (Fee(offer.upfront_fee, FeeTiming.UPFRONT),) if offer.upfront_fee else ()
        terms = LoanTerms(offer.method, offer.amount, offer.annual_rate, offer.term_months, on, fees=fees)
        schedule = build_schedule(terms)
        apr = annualized_rate(schedule)
        first = schedule.installments[0].payment
        repaid = schedule.total_payment + schedule.total_fees - schedule.upfront_fees
        quoted = f"年利率 {format_rate(offer.annual_rate)}（{Method(offer.method).label}）{fee_said}"
        if offer.upfront_fee:
            sentence = (
                f"{offer.label}名义年利率 {format_rate(offer.annual_rate)}，"
                f"加上 {format_yuan(offer.upfront_fee)} 元手续费，按实际到手金额计算的年化利率（IRR）为 "
                f"{format_rate(apr.compound)}（单利 {format_rate(apr.simple)}）。"
            )
        else:
            sentence = (
                f"{offer.label}年利率 {format_rate(offer.annual_rate)}，"
                f"年化利率（IRR 复利）{format_rate(apr.compound)}。"
            )
    else:
        flows = competitor_flows(offer)
        apr = annualize(irr(flows), 12)
        first = -flows[1]
        repaid = -sum(flows[1:], ZERO)
        extra = repaid - offer.amount
        if offer.kind == QuoteKind.FLAT_MONTHLY:
            assert offer.monthly_flat_rate is not None
            monthly = format_rate(offer.monthly_flat_rate)
            naive = format_rate(offer.monthly_flat_rate * 12)
            quoted = f"月息 {monthly}（按原始本金）{fee_said}"
            sentence = (
                f"{offer.label}报“月息 {monthly}”，"
                f"利息每月都按原始本金 {format_yuan(offer.amount)} 元计算，"
                f"而本金在逐月归还：每月还 {format_yuan(first)} 元，"
                f"共多还 {format_yuan(extra)} 元{fee_said}。"
                f"按实际占用本金计算，年化利率（IRR）为 {format_rate(apr.compound)}"
                f"（单利 {format_rate(apr.simple)}），并不是 {naive}。"
            )
        elif offer.kind == QuoteKind.INSTALLMENT:
            quoted = f"每月还 {format_yuan(first)} 元，共 {offer.term_months} 期{fee_said}"
            sentence = (
                f"{offer.label}借 {format_yuan(offer.amount)} 元、"
                f"每月还 {format_yuan(first)} 元共 {offer.term_months} 期，"
                f"共多还 {format_yuan(extra)} 元{fee_said}，折合年化利率（IRR）{format_rate(apr.compound)}"
                f"（单利 {format_rate(apr.simple)}）。"
            )
        else:
            quoted = f"总还款 {format_yuan(repaid)} 元，共 {offer.term_months} 期{fee_said}"
            sentence = (
                f"{offer.label}借 {format_yuan(offer.amount)} 元、"
                f"{offer.term_months} 期共还 {format_yuan(repaid)} 元"
                f"（多还 {format_yuan(extra)} 元{fee_said}），折合年化利率（IRR）{format_rate(apr.compound)}"
                f"（单利 {format_rate(apr.simple)}）。"
            )
    return ComparisonRow(
        side="competitor",
        label=offer.label,
        quoted=quoted,
        amount=offer.amount,
        term_months=offer.term_months,
        apr=apr,
        first_payment=first,
        total_repaid=repaid,
        net_received=offer.amount - offer.upfront_fee,
        sentence=sentence,
    )


def our_row(q: Quote, on: date) -> ComparisonRow:
    """Our quote on the same basis: its full schedule, fees included."""
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
