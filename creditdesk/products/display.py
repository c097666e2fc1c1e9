"""A product definition said in readable Chinese for the library pages (and the API's ``summary``).

Only presentation: every figure comes from the pure core (``catalogue.price_for`` for today's rate,
``rules.Rule.requirement`` for a rule's sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_rate, format_yuan
from creditdesk.finance.apr import annualized_rate
from creditdesk.finance.pricing import LprQuote, rate_move_text, rate_moves
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import FeeTiming, LoanTerms, Method
from creditdesk.products.catalogue import (
    PRODUCT_ELEMENT,
    FixedPricing,
    LprPricing,
    Price,
    ProductSpec,
    ProvidentPricing,
    price_for,
)
from creditdesk.products.choices import Category, CollateralType, LoanPurpose
from creditdesk.products.evaluation import ProductEvaluation
from creditdesk.products.facts import CUSTOMER_TYPES, GRADES
from creditdesk.products.limits import ENTRUSTED_PAYMENT_THRESHOLDS, TERM_LIMITS, LoanType
from creditdesk.products.rules import RULE_TYPES
from creditdesk.rates.choices import RepaymentMethod

LONG_TERM = 60  # months: "auto" LPR tenor switches from 1Y to 5Y above it (RULES.md)


def labels(choices: type, values: Sequence[str]) -> str:
    names = dict(choices.choices)  # type: ignore[attr-defined]
    return "、".join(str(names.get(value, value)) for value in values)


def category_label(value: str) -> str:
    return str(dict(Category.choices).get(value, value))


def customer_types_text(spec: ProductSpec) -> str:
    names = dict(CUSTOMER_TYPES)
    return "、".join(names.get(value, value) for value in spec.customer_types)


def amount_text(spec: ProductSpec) -> str:
    return _("%(low)s–%(high)s 元") % {
        "low": format_yuan(spec.min_amount),
        "high": format_yuan(spec.max_amount),
    }


def term_text(spec: ProductSpec) -> str:
    return _("%(low)s–%(high)s 个月") % {"low": spec.min_term_months, "high": spec.max_term_months}


def limit_lines(spec: ProductSpec) -> list[str]:
    """The limits the product obeys (RULES.md "Term, age, use of funds"): by loan type the regulatory
    longest term and the 受托支付 threshold per drawdown, then the age at maturity."""
    lines = []
    for loan_type in spec.loan_types:
        limit = TERM_LIMITS[loan_type]
        threshold = spec.entrusted_payment_threshold
        if threshold is None:
            threshold = ENTRUSTED_PAYMENT_THRESHOLDS[loan_type]
        entrusted = (
            _("单笔提款超过 %(amount)s 元须受托支付") % {"amount": format_yuan(threshold)}
            if threshold is not None
            else _("按购房（购车）合同支付给交易对象")
        )
        lines.append(
            _("%(type)s：期限最长 %(months)s 个月（%(source)s）；%(entrusted)s")
            % {
                "type": _(LoanType.label_of(loan_type)),
                "months": limit.months,
                "source": limit.source,
                "entrusted": entrusted,
            }
        )
    lines.append(_("贷款到期时借款人年龄不超过 %(age)s 周岁") % {"age": spec.max_age_at_maturity})
    return lines


def _price(
    spec: ProductSpec,
    grade: str | None,
    term: int,
    table: Sequence[LprQuote],
    on: date,
    provident_table: Sequence[ProvidentQuote] = (),
    second_home: bool = False,
) -> Price | None:
    try:
        return price_for(
            spec, grade, term, table, on, provident_table=provident_table, second_home=second_home
        )
    except DomainError:
        return None  # no LPR in force yet, or a grade the product does not price


@dataclass(frozen=True)
class RateRow:
    """One line of the pricing table: a grade (LPR products) or a term tier (fixed), its make-up and the
    annual rate today for a short and (when the product lends that long) a long term."""

    label: str
    basis: str
    short: Decimal | None
    long: Decimal | None
    short_price: Price | None = None
    long_price: Price | None = None

    @property
    def short_basis(self) -> str:
        return price_basis(self.short_price)

    @property
    def long_basis(self) -> str:
        return price_basis(self.long_price)


def price_basis(price: Price | None) -> str:
    """The sentence "LPR 3.00%（2025-05-20）+ 35 bp = 3.35%" for an LPR price (RULES.md: a rate says which
    LPR it used and its date), "公积金首套 5 年以上 2.60%（2025-05-08 起执行）" for a 公积金 one; empty for a
    fixed rate or no price."""
    if price is None or price.kind == "fixed":
        return ""
    return price.basis


def rate_move_sentence(result: ProductEvaluation, on: date) -> str:
    """For an LPR-priced evaluation with an amount and a term: the payment after a ±50 bp move at the first
    reset (``finance.pricing.rate_moves``, an illustration — RULES.md: a floating quote says the payment will
    change); empty otherwise."""
    price, method = result.price, result.method
    amount, term = result.facts.get("requested_amount"), result.facts.get("term_months")
    if price is None or price.kind != "lpr" or method is None or amount is None or term is None:
        return ""
    method = Method.EQUAL_INSTALLMENT if method == Method.REVOLVING else method  # as the DTI counts it
    try:
        moves = rate_moves(LoanTerms(method, amount, price.annual_rate, term, on))
    except DomainError:
        return ""
    return rate_move_text(moves)


def rate_rows(
    spec: ProductSpec,
    table: Sequence[LprQuote],
    on: date,
    *,
    provident_table: Sequence[ProvidentQuote] = (),
) -> list[RateRow]:
    pricing = spec.pricing
    rows: list[RateRow] = []
    if isinstance(pricing, ProvidentPricing):
        short_term = min(spec.max_term_months, LONG_TERM)
        long_term = spec.max_term_months if spec.max_term_months > LONG_TERM else None
        for second_home, label in ((False, _("首套")), (True, _("二套"))):
            short = _price(
                spec, None, max(short_term, spec.min_term_months), table, on, provident_table, second_home
            )
            long = (
                _price(spec, None, long_term, table, on, provident_table, second_home) if long_term else None
            )
            rows.append(
                RateRow(
                    label,
                    _("公积金贷款利率表"),
                    short.annual_rate if short else None,
                    long.annual_rate if long else None,
                    short,
                    long,
                )
            )
        return rows
    if isinstance(pricing, FixedPricing):
        low = 1
        for tier in pricing.tiers:
            rows.append(
                RateRow(
                    _("%(low)s–%(high)s 个月") % {"low": low, "high": tier.up_to_months},
                    _("固定利率"),
                    tier.annual_rate,
                    None,
                )
            )
            low = tier.up_to_months + 1
        return rows
    assert isinstance(pricing, LprPricing)
    short_term = min(spec.max_term_months, LONG_TERM)
    long_term = spec.max_term_months if spec.max_term_months > LONG_TERM else None
    tenor = {"auto": _("按期限选 LPR"), "1y": _("1 年期 LPR"), "5y": _("5 年期以上 LPR")}[pricing.tenor]
    for grade in GRADES:
        bp = pricing.spread_for(grade)
        if bp is None:
            continue
        short = _price(spec, grade, max(short_term, spec.min_term_months), table, on)
        long = _price(spec, grade, long_term, table, on) if long_term else None
        basis = _("%(tenor)s %(sign)s %(bp)s 个基点") % {
            "tenor": tenor,
            "sign": "+" if bp >= 0 else "−",
            "bp": abs(bp),
        }
        rows.append(
            RateRow(
                _("%(grade)s 级") % {"grade": grade},
                basis,
                short.annual_rate if short else None,
                long.annual_rate if long else None,
                short,
                long,
            )
        )
    return rows


def fee_apr_text(spec: ProductSpec, table: Sequence[LprQuote], on: date) -> str:
    """A fee-based product (分期手续费 with every instalment, often at "0 利率") said by its annualized rate
    with the fees included, lowest and highest over the terms it lends (a flat fee's rate is not monotonic
    in the term: it rises, then falls towards the monthly fee rate compounded), RULES.md: never by its
    contract rate alone: "年化利率（IRR 复利）6.78%–7.00%（含手续费，12–60 个月），合同利率 0.00%". Empty
    for other products, and
    for an LPR-priced one (its rate depends on the customer's grade: the quote on the matching page says
    it)."""
    pricing = spec.pricing
    if not isinstance(pricing, FixedPricing) or not any(f.timing == FeeTiming.PER_PERIOD for f in spec.fees):
        return ""
    method = Method(spec.methods[0])
    method = Method.INTEREST_ONLY if method == Method.REVOLVING else method
    principal = spec.min_amount  # the fees are proportional or fixed: the rate barely moves with the amount
    aprs, rates = [], []
    for term in range(spec.min_term_months, spec.max_term_months + 1):
        price = _price(spec, None, term, table, on)
        if price is None:
            return ""
        terms = LoanTerms(method, principal, price.annual_rate, term, on, fees=spec.loan_fees(principal))
        try:
            aprs.append(annualized_rate(build_schedule(terms)).compound)
        except DomainError:
            return ""
        rates.append(price.annual_rate)
    low, high = format_rate(min(aprs)), format_rate(max(aprs))
    return _("年化利率（IRR 复利）%(apr)s（含手续费，%(low)s–%(high)s 个月），合同利率 %(rate)s") % {
        "apr": low if low == high else f"{low}–{high}",
        "low": spec.min_term_months,
        "high": spec.max_term_months,
        "rate": " / ".join(dict.fromkeys(format_rate(r) for r in rates)),
    }


def rate_summary(
    spec: ProductSpec,
    table: Sequence[LprQuote],
    on: date,
    *,
    provident_table: Sequence[ProvidentQuote] = (),
) -> str:
    """The list's one-line price: "A 3.10% … E 5.10%" (LPR), "2.10% / 2.60%" (fixed tiers) or "公积金首套
    2.10% / 2.60%（2025-05-08 起执行）"; a fee-based product by its annualized rate with the fees
    (``fee_apr_text``)."""
    pricing = spec.pricing
    if isinstance(pricing, ProvidentPricing):
        first = rate_rows(spec, table, on, provident_table=provident_table)[0]
        price = first.short_price or first.long_price
        if price is None or price.provident is None:
            return _("公积金贷款利率（暂无公积金利率）")
        rates = " / ".join(format_rate(r) for r in (first.short, first.long) if r is not None)
        return _("公积金首套 %(rates)s（%(since)s 起执行）") % {
            "rates": rates,
            "since": price.provident.effective_from.isoformat(),
        }
    fee_based = fee_apr_text(spec, table, on)
    if fee_based:
        return fee_based
    if isinstance(pricing, FixedPricing):
        return _("固定 %(rates)s") % {"rates": " / ".join(format_rate(t.annual_rate) for t in pricing.tiers)}
    rows = rate_rows(spec, table, on)
    shown = [(row.label, row.short) for row in rows if row.short is not None]
    if not shown:
        return _("LPR 加点（暂无 LPR 报价）")
    (first, low), (last, high) = shown[0], shown[-1]
    used = next(row.short_price for row in rows if row.short_price is not None)
    basis = ""
    if used.lpr is not None and used.lpr_effective_from is not None:
        basis = _("（LPR %(lpr)s，%(since)s 起）") % {
            "lpr": format_rate(used.lpr),
            "since": used.lpr_effective_from.isoformat(),
        }
    if first == last:
        return f"{first} {format_rate(low)}{basis}"
    return f"{first} {format_rate(low)} … {last} {format_rate(high)}{basis}"


def methods_text(spec: ProductSpec) -> str:
    return labels(RepaymentMethod, [str(m) for m in spec.methods])


def purposes_text(spec: ProductSpec) -> str:
    return labels(LoanPurpose, list(spec.purposes))


TIMING = {
    FeeTiming.UPFRONT: gettext_lazy("放款时一次性收取"),
    FeeTiming.PER_PERIOD: gettext_lazy("每期随月供收取"),
    FeeTiming.AT_END: gettext_lazy("到期时收取"),
}


def fee_lines(spec: ProductSpec) -> list[str]:
    lines = []
    for fee in spec.fees:
        if fee.amount is not None:
            how = _("%(amount)s 元") % {"amount": format_yuan(fee.amount)}
        else:
            assert fee.rate is not None
            how = _("贷款本金的 %(rate)s") % {"rate": format_rate(fee.rate)}
        lines.append(f"{fee.name}：{how}，{TIMING[fee.timing]}")
    return lines


def prepayment_text(spec: ProductSpec) -> str:
    rule = spec.prepayment
    if rule.percent_of_prepaid > 0:
        rate = format_rate(rule.percent_of_prepaid)
        text = _("提前还款按提前归还本金的 %(rate)s 收取违约金") % {"rate": rate}
    elif rule.months_of_interest > 0:
        text = _("提前还款收取 %(n)s 个月利息作为违约金") % {"n": rule.months_of_interest}
    else:
        return _("可随时提前还款，不收违约金。")
    if rule.waived_after_months is not None:
        text += _("；贷款满 %(n)s 个月后提前还款免收") % {"n": rule.waived_after_months}
    return text + "。"


def penalty_text(spec: ProductSpec) -> str:
    return _("逾期后按合同利率上浮 %(uplift)s 计收罚息（逾期会记入征信）。") % {
        "uplift": format_rate(spec.penalty_uplift)
    }


def collateral_lines(spec: ProductSpec) -> list[str]:
    return [
        _("%(kind)s：最高抵质押率 %(ltv)s")
        % {"kind": labels(CollateralType, [c.type]), "ltv": format_rate(c.max_ltv)}
        for c in spec.collateral
    ]


@dataclass(frozen=True)
class DocumentGroup:
    customer_type: str
    documents: list[str]


def document_groups(spec: ProductSpec) -> list[DocumentGroup]:
    """The documents to bring, per customer type the product takes (a collateral condition in brackets)."""
    names = dict(CUSTOMER_TYPES)
    groups = []
    for kind in spec.customer_types:
        docs = []
        for doc in spec.documents:
            if doc.customer_types and kind not in doc.customer_types:
                continue
            if doc.collateral_types:
                docs.append(
                    _("%(name)s（以%(kinds)s抵质押时）")
                    % {"name": doc.name, "kinds": labels(CollateralType, list(doc.collateral_types))}
                )
            else:
                docs.append(doc.name)
        groups.append(DocumentGroup(names.get(kind, kind), docs))
    return groups


@dataclass(frozen=True)
class RuleLine:
    label: str
    sentence: str
    source: str
    element: bool  # derived from the product's own elements rather than a risk manager's rule


def rule_lines(spec: ProductSpec) -> list[RuleLine]:
    return [
        RuleLine(rule.LABEL, rule.requirement(), rule.source, rule.source == PRODUCT_ELEMENT)
        for rule in spec.effective_rules
    ]


@dataclass(frozen=True)
class RuleTypeHelp:
    type: str
    label: str
    fields: str


def rule_type_help() -> list[RuleTypeHelp]:
    """The rule types a risk manager may write, with their fields (for the editor's reference table)."""
    return [
        RuleTypeHelp(
            cls.TYPE,
            cls.LABEL,
            "、".join(f"{f.name}（{f.label}{'，可选' if f.optional else ''}）" for f in cls.FIELDS) or "—",
        )
        for cls in RULE_TYPES.values()
    ]
