"""The product catalogue (产品库): what each loan product is, its price, and the seeded catalogue.

A ``ProductSpec`` is a frozen value: code and version (a change is a new version, so a quote or an
application made on an older one never changes), category, the customer types and purposes it serves,
amount and term ranges, pricing, repayment methods, fees, prepayment rule, penalty uplift, collateral and
its loan-to-value limits, whether a guarantor is required, the documents to bring, the approval time and
its admission rules. It round-trips through plain JSON (``to_dict`` / ``from_dict``; Decimals as strings)
— the form the Django side stores.

Pricing is either ``LprPricing`` — LPR of a tenor (``auto``: 1Y LPR up to 60 months, 5Y LPR beyond,
RULES.md) plus a spread in basis points by risk grade A–E (a risk premium, 风险溢价) — or ``FixedPricing``
— fixed annual rates by term tier — or ``ProvidentPricing`` (kind "provident"): the 住房公积金贷款 rate
of the 公积金 table in force on the pricing day for the home (首套 / 二套) and the term (≤ 60 / > 60 months),
never a copy of the table in the product (RULES.md: 公积金 loans are not LPR-priced and not fixed; a
"provident" pricing with tiers or a spread is refused, ``provident_pricing_extra``). ``price_for`` gives the
rate and its breakdown, for the "利率太高" conversation; ``Price.basis`` is the one-line rate basis.

The product's own elements are admission rules too (``effective_rules``): customer type, purpose, amount
and term range, collateral and loan-to-value, guarantor — so a customer who fails them is told why in the
same way as for a risk manager's rule.

``validate_spec`` refuses (``ProductDefinitionError``, ``extra["field"]``): an invalid code or name
(``spec_code_invalid``, ``spec_name_missing``, ``spec_version_invalid``), an unknown category, customer
type, purpose, method, collateral type (``*_unknown``), empty lists (``customer_types_empty``,
``purposes_empty``, ``methods_empty``), empty or inverted ranges (``amount_range_invalid``,
``amount_range_inverted``, ``term_range_invalid``, ``term_range_inverted``), a spread missing for a grade
the product admits (``spread_missing``), spreads that fall as the grade worsens (``spread_not_monotonic``),
an absurd spread (``spread_out_of_range``), overlapping or incomplete rate tiers (``tiers_overlap``,
``tiers_incomplete``), a fixed rate outside 0–36 % (``rate_out_of_range``), negative or malformed fees
(``fee_negative``, ``fee_invalid``), an invalid prepayment rule (``prepayment_invalid``), a penalty uplift
outside RULES.md's 30 %–50 % (``penalty_uplift_out_of_range``), an LTV over 100 % (``ltv_above_100``),
documents for customer types or collateral the product does not take (``document_invalid``), a negative
approval time (``approval_days_invalid``), and every rule error of ``rules.validate_rules``.

Limits every product obeys (``limits``, RULES.md "Term, age, use of funds"): a maximum term above the
regulatory limit of any of the product's loan types (``loan_types``: its ``loan_type`` when it names one,
else from category, customers and purposes) is refused with the rule and its source
(``term_over_regulatory_limit``; an unknown ``loan_type``: ``loan_type_unknown``). Every product lending to
people carries one age-at-maturity rule built from ``max_age_at_maturity`` (default 65) unless its rules
already hold one (which then sets it; both, differing: ``max_age_at_maturity_conflict``; outside 18–120:
``max_age_at_maturity_invalid``). ``entrusted_payment_threshold`` overrides the loan type's 受托支付
threshold per drawdown (``entrusted_payment_threshold_invalid`` when not a positive amount).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import (
    NegativeAmount,
    NotWholeFen,
    format_rate,
    is_fen_amount,
    parse_amount,
    parse_decimal,
    round_fen,
)
from creditdesk.finance.prepayment import PenaltyRule
from creditdesk.finance.pricing import (
    BASIS_POINT,
    LprQuote,
    LprTenor,
    lpr_in_force,
    price,
    provident_basis_text,
    provident_price,
    rate_basis_text,
    tenor_for_term,
)
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.servicing import DEFAULT_ORDER, Bucket, ServicingError, allocation_order
from creditdesk.finance.terms import DEFAULT_MAX_ANNUAL_RATE, Fee, FeeTiming, Method
from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA
from creditdesk.products.facts import COLLATERAL_TYPES, CUSTOMER_TYPES, GRADES, PURPOSES
from creditdesk.products.limits import (
    DEFAULT_MAX_AGE_AT_MATURITY,
    ENTRUSTED_PAYMENT_THRESHOLDS,
    TERM_LIMITS,
    LoanType,
    loan_type_of,
    loan_types_for,
    term_limit_sentence,
)
from creditdesk.products.rules import (
    AmountRange,
    CollateralRequired,
    CustomerTypes,
    GuarantorRequired,
    MaxAgeAtMaturity,
    MaxLtv,
    MinGrade,
    Purposes,
    Rule,
    TermRange,
    rules_to_dicts,
    validate_rules,
)

MAX_TERM_MONTHS = 360
DEFAULT_PENALTY_UPLIFT = Decimal("0.50")  # RULES.md: contract rate + 30 %–50 %, default + 50 %
PENALTY_UPLIFT_RANGE = (Decimal("0.30"), Decimal("0.50"))
SPREAD_RANGE_BP = (-300, 3000)
PRODUCT_ELEMENT = "产品要素"  # the ``source`` of the rules derived from the spec itself
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")


class ProductDefinitionError(DomainError):
    """A product definition was refused; ``extra["field"]`` names what to fix."""


class ProductError(DomainError):
    """A product cannot do what was asked (e.g. price a grade it does not admit)."""


class Category(LabelledEnum):
    """产品类别."""

    CREDIT = "credit", gettext_noop("信用贷")
    MORTGAGE = "mortgage", gettext_noop("抵押贷")
    BUSINESS = "business", gettext_noop("经营贷")
    CONSUMER = "consumer", gettext_noop("消费贷")
    PLEDGE = "pledge", gettext_noop("质押贷")
    GUARANTEED = "guaranteed", gettext_noop("保证贷")
    PROVIDENT_FUND = "provident_fund", gettext_noop("公积金贷")
    HOME_LOAN = "home_loan", gettext_noop("个人住房贷款")
    AUTO = "auto", gettext_noop("汽车贷款")


TENOR_CHOICES = ("auto", LprTenor.ONE_YEAR.value, LprTenor.FIVE_YEAR.value)


def _refuse(code: str, field_name: str, message: str) -> ProductDefinitionError:
    return ProductDefinitionError(code, message, {"field": field_name})


# --- parts of a spec -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LprPricing:
    """LPR of ``tenor`` ("auto" | "1y" | "5y") + ``spread_bp`` by risk grade (grade → basis points)."""

    spread_bp: tuple[tuple[str, int], ...]
    tenor: str = "auto"

    def spread_for(self, grade: str) -> int | None:
        for key, bp in self.spread_bp:
            if key == grade:
                return bp
        return None

    def to_dict(self) -> dict[str, object]:
        return {"kind": "lpr", "tenor": self.tenor, "spread_bp": dict(self.spread_bp)}


@dataclass(frozen=True)
class RateTier:
    up_to_months: int
    annual_rate: Decimal


@dataclass(frozen=True)
class FixedPricing:
    """Fixed annual rates by term: the first tier whose ``up_to_months`` ≥ the term applies."""

    tiers: tuple[RateTier, ...]

    def rate_for(self, term_months: int) -> Decimal | None:
        for tier in self.tiers:
            if term_months <= tier.up_to_months:
                return tier.annual_rate
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": "fixed",
            "tiers": [
                {"up_to_months": t.up_to_months, "annual_rate": str(t.annual_rate)} for t in self.tiers
            ],
        }


@dataclass(frozen=True)
class ProvidentPricing:
    """住房公积金贷款利率: the 公积金 table's rate in force on the pricing day, by home and term (RULES.md).
    Nothing to configure: the table is data (``rates.ProvidentRate``); it reprices every 1 January."""

    reset_date: str = "january_1"

    def to_dict(self) -> dict[str, object]:
        return {"kind": "provident"}


Pricing = LprPricing | FixedPricing | ProvidentPricing


@dataclass(frozen=True)
class FeeSpec:
    """A fee: a fixed ``amount`` or a ``rate`` of the principal (exactly one), paid at ``timing``
    (upfront at drawdown, per period with each instalment, or at the end). A per-period rate is the flat
    monthly fee of an instalment plan (分期手续费, e.g. 0.25 % of the original principal a month)."""

    name: str
    timing: FeeTiming
    amount: Decimal | None = None
    rate: Decimal | None = None

    def amount_for(self, principal: Decimal) -> Decimal:
        if self.amount is not None:
            return self.amount
        assert self.rate is not None  # validate_spec: exactly one of amount / rate
        return round_fen(principal * self.rate)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "timing": str(self.timing),
            "amount": None if self.amount is None else str(self.amount),
            "rate": None if self.rate is None else str(self.rate),
        }


@dataclass(frozen=True)
class CollateralSpec:
    type: str
    max_ltv: Decimal


@dataclass(frozen=True)
class DocumentSpec:
    """A document to bring; only for ``customer_types`` (empty: every type) and only when the collateral
    is one of ``collateral_types`` (empty: whatever the collateral)."""

    name: str
    customer_types: tuple[str, ...] = ()
    collateral_types: tuple[str, ...] = ()

    def applies(self, customer_type: str | None, collateral_type: str | None) -> bool:
        if self.customer_types and customer_type not in self.customer_types:
            return False
        return not self.collateral_types or collateral_type in self.collateral_types


@dataclass(frozen=True)
class Price:
    """An annual rate (fraction) and how it is made: LPR of ``tenor`` in force since ``lpr_effective_from``
    + ``spread_bp`` for ``grade``, or a fixed rate. ``explanation`` is the sentence for the customer."""

    annual_rate: Decimal
    kind: str  # "lpr" | "fixed" | "provident"
    grade: str | None = None
    tenor: LprTenor | None = None
    lpr: Decimal | None = None
    lpr_effective_from: date | None = None
    spread_bp: int | None = None
    # A 公积金 price: the table row it came from, the home order and the term that chose the column.
    provident: ProvidentQuote | None = None
    second_home: bool = False
    term_months: int | None = None

    @property
    def floating(self) -> bool:
        """LPR-priced and 公积金 loans reprice (RULES.md); a fixed rate does not."""
        return self.kind in ("lpr", "provident")

    @property
    def basis(self) -> str:
        """The rate basis every page shows: "LPR 3.00%（2025-05-20）+ 35 bp = 3.35%", "公积金首套 5 年以上
        2.60%（2025-05-08 起执行）", or "固定年利率 4.90%"."""
        if self.kind == "provident" and self.provident is not None and self.term_months is not None:
            return provident_basis_text(self.provident, self.term_months, self.second_home)
        if self.kind == "lpr" and self.lpr is not None and self.lpr_effective_from is not None:
            assert self.spread_bp is not None
            return rate_basis_text(self.lpr, self.lpr_effective_from, self.spread_bp, self.annual_rate)
        return f"固定年利率 {format_rate(self.annual_rate)}"

    @property
    def explanation(self) -> str:
        if self.kind == "provident":
            return f"年利率按{self.basis}执行（住房公积金贷款利率表，不按 LPR 定价）。"
        if self.kind == "fixed" or self.lpr is None or self.spread_bp is None:
            return f"固定年利率 {format_rate(self.annual_rate)}。"
        tenor = "1 年期" if self.tenor == LprTenor.ONE_YEAR else "5 年期以上"
        since = f"（{self.lpr_effective_from.isoformat()} 起）" if self.lpr_effective_from else ""
        grade = f"（风险等级 {self.grade}）" if self.grade else ""
        head = f"年利率 {format_rate(self.annual_rate)} = {tenor} LPR {format_rate(self.lpr)}{since}"
        if self.spread_bp >= 0:
            return f"{head} + 风险溢价 {self.spread_bp} 个基点{grade}。"
        return f"{head} − 优惠 {-self.spread_bp} 个基点{grade}。"

    def to_dict(self) -> dict[str, object]:
        return {
            "annual_rate": str(self.annual_rate),
            "kind": self.kind,
            "grade": self.grade,
            "tenor": None if self.tenor is None else str(self.tenor),
            "lpr": None if self.lpr is None else str(self.lpr),
            "lpr_effective_from": None
            if self.lpr_effective_from is None
            else self.lpr_effective_from.isoformat(),
            "spread_bp": self.spread_bp,
            "provident_effective_from": None
            if self.provident is None
            else self.provident.effective_from.isoformat(),
            "second_home": self.second_home if self.kind == "provident" else None,
            "basis": self.basis,
            "explanation": self.explanation,
        }


# --- the spec ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    category: str
    customer_types: tuple[str, ...]
    purposes: tuple[str, ...]
    min_amount: Decimal
    max_amount: Decimal
    min_term_months: int
    max_term_months: int
    pricing: Pricing
    methods: tuple[Method, ...]
    fees: tuple[FeeSpec, ...] = ()
    prepayment: PenaltyRule = field(default_factory=PenaltyRule)
    penalty_uplift: Decimal = DEFAULT_PENALTY_UPLIFT
    # 还款冲抵顺序 (PRODUCT.md §6) and what an overpayment becomes: "credit" (挂账, applied to the next
    # instalment on its due date) or "prepay" (提前还本, same term, lower payment)
    allocation_order: tuple[Bucket, ...] = DEFAULT_ORDER
    overpayment: str = "credit"
    collateral: tuple[CollateralSpec, ...] = ()
    guarantee_required: bool = False
    documents: tuple[DocumentSpec, ...] = ()
    approval_days: int = 1
    rules: tuple[Rule, ...] = ()
    version: int = 1
    description: str = ""
    # 贷款种类 when the category and customers do not settle it (``limits.loan_types_for``).
    loan_type: str | None = None
    # 到期年龄上限: age + term may not pass it (RULES.md: bank practice 60–70, set per product).
    max_age_at_maturity: int = DEFAULT_MAX_AGE_AT_MATURITY
    # 受托支付 above this amount per drawdown; None: the loan type's default (``limits``).
    entrusted_payment_threshold: Decimal | None = None

    def __post_init__(self) -> None:
        # Every product lending to people carries its age-at-maturity limit as an admission rule (one,
        # never two), so matching, quotes and the what-if's shorter-term lever apply it like any rule.
        serves_people = any(t != "enterprise" for t in self.customer_types)
        if serves_people and not any(isinstance(r, MaxAgeAtMaturity) for r in self.rules):
            rule = MaxAgeAtMaturity(max=self.max_age_at_maturity, source=PRODUCT_ELEMENT)
            object.__setattr__(self, "rules", (*self.rules, rule))

    @property
    def loan_types(self) -> tuple[LoanType, ...]:
        """The loan types this product makes, each held to its regulatory term limit."""
        if self.loan_type is not None:
            return (LoanType(self.loan_type),)
        return loan_types_for(self.category, self.customer_types, self.purposes)

    def entrusted_payment_threshold_for(
        self, customer_type: str | None, purpose: str | None
    ) -> Decimal | None:
        """The amount per drawdown above which 受托支付 is required for this borrower and purpose."""
        if self.entrusted_payment_threshold is not None:
            return self.entrusted_payment_threshold
        return ENTRUSTED_PAYMENT_THRESHOLDS[loan_type_of(self.loan_types, customer_type, purpose)]

    def needs_entrusted_payment(
        self, drawdown: Decimal, customer_type: str | None, purpose: str | None
    ) -> bool:
        threshold = self.entrusted_payment_threshold_for(customer_type, purpose)
        return threshold is not None and drawdown > threshold

    @property
    def category_label(self) -> str:
        return Category.label_of(self.category)

    @property
    def collateral_types(self) -> tuple[str, ...]:
        return tuple(c.type for c in self.collateral)

    def max_ltv_for(self, collateral_type: str | None) -> Decimal | None:
        for spec in self.collateral:
            if spec.type == collateral_type:
                return spec.max_ltv
        return None

    @cached_property
    def element_rules(self) -> tuple[Rule, ...]:
        """The product's own elements said as rules (``source`` = 产品要素)."""
        src = PRODUCT_ELEMENT
        rules: list[Rule] = [
            CustomerTypes(types=self.customer_types, source=src),
            Purposes(purposes=self.purposes, source=src),
            AmountRange(min=self.min_amount, max=self.max_amount, source=src),
            TermRange(min=self.min_term_months, max=self.max_term_months, source=src),
        ]
        if self.collateral:
            rules.append(CollateralRequired(types=self.collateral_types, source=src))
            rules.append(
                MaxLtv(
                    max=max(c.max_ltv for c in self.collateral),
                    by_type=tuple((c.type, c.max_ltv) for c in self.collateral),
                    source=src,
                )
            )
        if self.guarantee_required:
            rules.append(GuarantorRequired(source=src))
        return tuple(rules)

    @cached_property
    def effective_rules(self) -> tuple[Rule, ...]:
        """Everything a customer is checked against: the product's elements, then its admission rules."""
        return self.element_rules + self.rules

    @property
    def admitted_grades(self) -> tuple[str, ...]:
        """The grades the product's ``min_grade`` rule lets through (all of A–E without one)."""
        for rule in self.rules:
            if isinstance(rule, MinGrade):
                return GRADES[: GRADES.index(rule.grade) + 1]
        return GRADES

    def documents_for(self, customer_type: str | None, collateral_type: str | None) -> tuple[str, ...]:
        return tuple(d.name for d in self.documents if d.applies(customer_type, collateral_type))

    def loan_fees(self, principal: Decimal) -> tuple[Fee, ...]:
        """The fees of a loan of ``principal`` as the arithmetic core takes them."""
        return tuple(Fee(f.amount_for(principal), f.timing) for f in self.fees)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "version": self.version,
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "customer_types": list(self.customer_types),
            "purposes": list(self.purposes),
            "amount": {"min": str(self.min_amount), "max": str(self.max_amount)},
            "term_months": {"min": self.min_term_months, "max": self.max_term_months},
            "pricing": self.pricing.to_dict(),
            "methods": [str(m) for m in self.methods],
            "fees": [f.to_dict() for f in self.fees],
            "prepayment": {
                "percent_of_prepaid": str(self.prepayment.percent_of_prepaid),
                "months_of_interest": self.prepayment.months_of_interest,
                "waived_after_months": self.prepayment.waived_after_months,
            },
            "penalty_uplift": str(self.penalty_uplift),
            "allocation_order": [str(bucket) for bucket in self.allocation_order],
            "overpayment": self.overpayment,
            "collateral": [{"type": c.type, "max_ltv": str(c.max_ltv)} for c in self.collateral],
            "guarantee_required": self.guarantee_required,
            "documents": [
                {
                    "name": d.name,
                    "customer_types": list(d.customer_types),
                    "collateral_types": list(d.collateral_types),
                }
                for d in self.documents
            ],
            "approval_days": self.approval_days,
            "rules": rules_to_dicts(self.rules),
            "loan_type": self.loan_type,
            "max_age_at_maturity": self.max_age_at_maturity,
            "entrusted_payment_threshold": None
            if self.entrusted_payment_threshold is None
            else str(self.entrusted_payment_threshold),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, validate: bool = True) -> ProductSpec:
        """A spec from its JSON form; validated (``validate_spec``) unless ``validate=False``."""
        spec = _spec_from_dict(data)
        if validate:
            validate_spec(spec)
        return spec


# --- JSON → spec ---------------------------------------------------------------------------------------


def _get(
    data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], *, default: Any = ..., where: str = ""
) -> Any:
    key = f"{where}.{name}" if where else name
    if not isinstance(data, Mapping):
        raise _refuse("spec_field_type", key, f"「{key}」所在的部分应为对象。")
    if name not in data or data[name] is None:
        if default is not ...:
            return default
        raise _refuse("spec_field_missing", key, f"产品定义缺少「{key}」。")
    value = data[name]
    if isinstance(value, bool) and kind is not bool:
        raise _refuse("spec_field_type", key, f"「{key}」的类型不对。")
    if not isinstance(value, kind):
        raise _refuse("spec_field_type", key, f"「{key}」的类型不对（收到 {type(value).__name__}）。")
    return value


def _dec(value: object, key: str) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise _refuse("spec_field_type", key, f"「{key}」应为写成字符串的十进制数（收到 {value!r}）。")
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise _refuse("spec_field_type", key, f"「{key}」不是有效的数字：{value!r}。") from exc


def _amount(value: object, key: str) -> Decimal:
    """An amount in yuan as a product manager types it ("300000.00", "30万", "1亿": ``parse_amount``); a
    negative or sub-fen one is read as a number for ``validate_spec`` to refuse with its own code."""
    try:
        return parse_amount(value)
    except NotWholeFen as exc:
        return exc.amount
    except NegativeAmount:
        return _dec(value, key)
    except ValueError:
        if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
            return _dec(value, key)  # its type error
        raise _refuse(
            "spec_field_type", key, f"「{key}」不是有效的金额（如 300000 或 30万）：{value!r}。"
        ) from None


def _strings(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _refuse("spec_field_type", key, f"「{key}」应为文字列表。")
    return tuple(value)


def _pricing_from_dict(data: Mapping[str, Any]) -> Pricing:
    kind = _get(data, "kind", str, where="pricing")
    if kind == "lpr":
        spreads = _get(data, "spread_bp", Mapping, where="pricing")
        pairs = []
        for grade, bp in spreads.items():
            if isinstance(bp, bool) or not isinstance(bp, int):
                raise _refuse("spec_field_type", "pricing.spread_bp", f"{grade} 级的加点应为整数基点。")
            pairs.append((grade, bp))
        return LprPricing(
            spread_bp=tuple(sorted(pairs)), tenor=_get(data, "tenor", str, default="auto", where="pricing")
        )
    if kind == "fixed":
        tiers = []
        for tier in _get(data, "tiers", list, where="pricing"):
            months = _get(tier, "up_to_months", int, where="pricing.tiers")
            tiers.append(
                RateTier(
                    months,
                    _dec(
                        _get(tier, "annual_rate", (str, int), where="pricing.tiers"),
                        "pricing.tiers.annual_rate",
                    ),
                )
            )
        return FixedPricing(tiers=tuple(tiers))
    if kind == "provident":
        extra = sorted(key for key in data if key != "kind")
        if extra:
            raise _refuse(
                "provident_pricing_extra",
                f"pricing.{extra[0]}",
                "公积金贷款利率取自公积金利率表（按首套/二套、期限 5 年以下/以上），"
                f"不能另设利率档、加点或期限品种（请删除：{'、'.join(extra)}）。",
            )
        return ProvidentPricing()
    raise _refuse(
        "pricing_kind_unknown", "pricing.kind", f"未知的定价方式 {kind!r}（lpr、fixed 或 provident）。"
    )


def _spec_from_dict(data: Mapping[str, Any]) -> ProductSpec:
    amount = _get(data, "amount", Mapping)
    term = _get(data, "term_months", Mapping)
    methods = []
    for method in _strings(_get(data, "methods", list), "methods"):
        if method not in set(Method):
            raise _refuse("method_unknown", "methods", f"未知的还款方式 {method!r}。")
        methods.append(Method(method))
    fees = []
    for fee in _get(data, "fees", list, default=[]):
        timing = _get(fee, "timing", str, where="fees")
        if timing not in set(FeeTiming):
            raise _refuse("fee_invalid", "fees", f"未知的费用收取时点 {timing!r}。")
        raw_amount, raw_rate = fee.get("amount"), fee.get("rate")
        fees.append(
            FeeSpec(
                name=_get(fee, "name", str, where="fees"),
                timing=FeeTiming(timing),
                amount=None if raw_amount is None else _amount(raw_amount, "fees.amount"),
                rate=None if raw_rate is None else _dec(raw_rate, "fees.rate"),
            )
        )
    prepay = _get(data, "prepayment", Mapping, default={})
    waived = prepay.get("waived_after_months")
    if waived is not None and (isinstance(waived, bool) or not isinstance(waived, int)):
        raise _refuse("spec_field_type", "prepayment.waived_after_months", "免收违约金的月数应为整数。")
    prepayment = PenaltyRule(
        percent_of_prepaid=_dec(prepay.get("percent_of_prepaid", "0"), "prepayment.percent_of_prepaid"),
        months_of_interest=_get(prepay, "months_of_interest", int, default=0, where="prepayment"),
        waived_after_months=waived,
    )
    collateral = tuple(
        CollateralSpec(
            _get(c, "type", str, where="collateral"),
            _dec(_get(c, "max_ltv", (str, int), where="collateral"), "collateral.max_ltv"),
        )
        for c in _get(data, "collateral", list, default=[])
    )
    documents = tuple(
        DocumentSpec(
            name=_get(d, "name", str, where="documents"),
            customer_types=_strings(d.get("customer_types", []), "documents.customer_types"),
            collateral_types=_strings(d.get("collateral_types", []), "documents.collateral_types"),
        )
        for d in _get(data, "documents", list, default=[])
    )
    rules = validate_rules(_get(data, "rules", list, default=[]))
    # A product's own max_age_at_maturity rule is its limit (one limit, never two).
    age_rule = next((r.max for r in rules if isinstance(r, MaxAgeAtMaturity)), DEFAULT_MAX_AGE_AT_MATURITY)
    threshold = data.get("entrusted_payment_threshold")
    return ProductSpec(
        code=_get(data, "code", str),
        name=_get(data, "name", str),
        category=_get(data, "category", str),
        customer_types=_strings(_get(data, "customer_types", list), "customer_types"),
        purposes=_strings(_get(data, "purposes", list), "purposes"),
        min_amount=_amount(_get(amount, "min", (str, int), where="amount"), "amount.min"),
        max_amount=_amount(_get(amount, "max", (str, int), where="amount"), "amount.max"),
        min_term_months=_get(term, "min", int, where="term_months"),
        max_term_months=_get(term, "max", int, where="term_months"),
        pricing=_pricing_from_dict(_get(data, "pricing", Mapping)),
        methods=tuple(methods),
        fees=tuple(fees),
        prepayment=prepayment,
        penalty_uplift=_dec(_get(data, "penalty_uplift", (str, int), default="0.50"), "penalty_uplift"),
        allocation_order=_allocation_order(data.get("allocation_order")),
        overpayment=_overpayment(data.get("overpayment", "credit")),
        collateral=collateral,
        guarantee_required=_get(data, "guarantee_required", bool, default=False),
        documents=documents,
        approval_days=_get(data, "approval_days", int, default=1),
        rules=rules,
        version=_get(data, "version", int, default=1),
        description=_get(data, "description", str, default=""),
        loan_type=_get(data, "loan_type", str, default=None),
        max_age_at_maturity=_get(data, "max_age_at_maturity", int, default=age_rule),
        entrusted_payment_threshold=None
        if threshold is None
        else _amount(threshold, "entrusted_payment_threshold"),
    )


# --- validation ----------------------------------------------------------------------------------------


def validate_spec(spec: ProductSpec) -> None:
    """Refuse a product no one could sell consistently (codes in the module docstring)."""
    if not isinstance(spec.code, str) or not _CODE.match(spec.code):
        raise _refuse("spec_code_invalid", "code", "产品代码应为 2–32 位大写字母、数字、- 或 _。")
    if not isinstance(spec.name, str) or not spec.name.strip():
        raise _refuse("spec_name_missing", "name", "产品名称不能为空。")
    if isinstance(spec.version, bool) or not isinstance(spec.version, int) or spec.version < 1:
        raise _refuse("spec_version_invalid", "version", "版本号应为不小于 1 的整数。")
    if spec.category not in set(Category):
        raise _refuse("category_unknown", "category", f"未知的产品类别 {spec.category!r}。")
    _check_choices(spec.customer_types, CUSTOMER_TYPES, "customer_types", "客户类型")
    _check_choices(spec.purposes, PURPOSES, "purposes", "贷款用途")
    _validate_ranges(spec)
    if not spec.methods:
        raise _refuse("methods_empty", "methods", "至少要有一种还款方式。")
    for method in spec.methods:
        if method not in set(Method):
            raise _refuse("method_unknown", "methods", f"未知的还款方式 {method!r}。")
    # A rule built in code is checked as its JSON is; saving refuses what stored versions may still say.
    rules = validate_rules(rules_to_dicts(spec.rules), saving=True)
    _validate_pricing(spec, rules)
    _validate_fees(spec)
    _validate_prepayment(spec.prepayment)
    uplift = spec.penalty_uplift
    low, high = PENALTY_UPLIFT_RANGE
    if not isinstance(uplift, Decimal) or not low <= uplift <= high:
        raise _refuse(
            "penalty_uplift_out_of_range",
            "penalty_uplift",
            "罚息上浮比例应在合同利率的 30%–50% 之间（RULES.md）。",
        )
    _validate_collateral(spec)
    _validate_documents(spec)
    _validate_limits(spec, rules)
    if (
        isinstance(spec.approval_days, bool)
        or not isinstance(spec.approval_days, int)
        or spec.approval_days < 0
    ):
        raise _refuse("approval_days_invalid", "approval_days", "审批时间应为不小于 0 的整数（工作日）。")


def _validate_limits(spec: ProductSpec, rules: tuple[Rule, ...]) -> None:
    """RULES.md "Term, age, use of funds": the loan type's longest term, the age at maturity, 受托支付."""
    if spec.loan_type is not None and spec.loan_type not in set(LoanType):
        raise _refuse("loan_type_unknown", "loan_type", f"未知的贷款种类 {spec.loan_type!r}。")
    for loan_type in spec.loan_types:
        limit = TERM_LIMITS[loan_type]
        if spec.max_term_months > limit.months:
            raise ProductDefinitionError(
                "term_over_regulatory_limit",
                term_limit_sentence(limit, spec.max_term_months),
                {
                    "field": "term_months.max",
                    "loan_type": str(loan_type),
                    "limit_months": limit.months,
                    "source": limit.source,
                },
            )
    age = spec.max_age_at_maturity
    if isinstance(age, bool) or not isinstance(age, int) or not 18 <= age <= 120:
        raise _refuse(
            "max_age_at_maturity_invalid", "max_age_at_maturity", "到期年龄上限应为 18–120 岁的整数。"
        )
    rule_age = next((r.max for r in rules if isinstance(r, MaxAgeAtMaturity)), None)
    if rule_age is not None and rule_age != age:
        raise _refuse(
            "max_age_at_maturity_conflict",
            "max_age_at_maturity",
            f"到期年龄上限 {age} 岁与准入规则中的 {rule_age} 岁不一致，请只保留一个。",
        )
    threshold = spec.entrusted_payment_threshold
    if threshold is not None and (not is_fen_amount(threshold) or threshold <= 0):
        raise _refuse(
            "entrusted_payment_threshold_invalid",
            "entrusted_payment_threshold",
            "受托支付标准应为大于零的金额，最多保留两位小数。",
        )


def _check_choices(
    values: tuple[str, ...], choices: tuple[tuple[str, str], ...], key: str, label: str
) -> None:
    if not values:
        raise _refuse(f"{key}_empty", key, f"{label}不能为空。")
    allowed = dict(choices)
    for value in values:
        if value not in allowed:
            raise _refuse(f"{key.removesuffix('s')}_unknown", key, f"未知的{label} {value!r}。")


def _validate_ranges(spec: ProductSpec) -> None:
    for key, value in (("amount.min", spec.min_amount), ("amount.max", spec.max_amount)):
        if not is_fen_amount(value) or value <= 0:
            raise _refuse("amount_range_invalid", key, "金额必须大于零，且最多保留两位小数。")
    if spec.min_amount > spec.max_amount:
        raise _refuse(
            "amount_range_inverted",
            "amount.min",
            f"最低金额 {spec.min_amount} 大于最高金额 {spec.max_amount}。",
        )
    for key, months in (("term_months.min", spec.min_term_months), ("term_months.max", spec.max_term_months)):
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_TERM_MONTHS:
            raise _refuse("term_range_invalid", key, f"期限应为 1–{MAX_TERM_MONTHS} 个月的整数。")
    if spec.min_term_months > spec.max_term_months:
        raise _refuse(
            "term_range_inverted",
            "term_months.min",
            f"最短期限 {spec.min_term_months} 个月大于最长期限 {spec.max_term_months} 个月。",
        )


def _validate_pricing(spec: ProductSpec, rules: tuple[Rule, ...]) -> None:
    pricing = spec.pricing
    if isinstance(pricing, LprPricing):
        if pricing.tenor not in TENOR_CHOICES:
            raise _refuse(
                "tenor_unknown", "pricing.tenor", f"未知的 LPR 期限品种 {pricing.tenor!r}（auto、1y 或 5y）。"
            )
        spreads = dict(pricing.spread_bp)
        for grade, bp in spreads.items():
            if grade not in GRADES:
                raise _refuse("grade_unknown", "pricing.spread_bp", f"未知的风险等级 {grade!r}（A–E）。")
            if (
                isinstance(bp, bool)
                or not isinstance(bp, int)
                or not SPREAD_RANGE_BP[0] <= bp <= SPREAD_RANGE_BP[1]
            ):
                raise _refuse(
                    "spread_out_of_range",
                    "pricing.spread_bp",
                    f"{grade} 级加点应为 {SPREAD_RANGE_BP[0]}–{SPREAD_RANGE_BP[1]} 个基点的整数。",
                )
        admitted = next(
            (GRADES[: GRADES.index(r.grade) + 1] for r in rules if isinstance(r, MinGrade)), GRADES
        )
        for grade in admitted:
            if grade not in spreads:
                raise _refuse(
                    "spread_missing",
                    "pricing.spread_bp",
                    f"本产品接受 {grade} 级客户，但没有 {grade} 级的加点。",
                )
        ordered = [spreads[g] for g in GRADES if g in spreads]
        if any(later < earlier for earlier, later in itertools.pairwise(ordered)):
            raise _refuse(
                "spread_not_monotonic", "pricing.spread_bp", "风险等级越差，加点不应越低（A 到 E 应不降）。"
            )
        return
    if isinstance(pricing, FixedPricing):
        if not pricing.tiers:
            raise _refuse("tiers_incomplete", "pricing.tiers", "固定利率至少要有一档。")
        previous = 0
        for tier in pricing.tiers:
            if isinstance(tier.up_to_months, bool) or not isinstance(tier.up_to_months, int):
                raise _refuse("tiers_overlap", "pricing.tiers", "每档的期限上限应为整数月。")
            if tier.up_to_months <= previous:
                raise _refuse("tiers_overlap", "pricing.tiers", "利率档的期限上限必须逐档递增，不能重叠。")
            previous = tier.up_to_months
            rate = tier.annual_rate
            if not isinstance(rate, Decimal) or not 0 <= rate <= DEFAULT_MAX_ANNUAL_RATE:
                raise _refuse("rate_out_of_range", "pricing.tiers", "固定年利率应在 0 到 36% 之间。")
        if previous < spec.max_term_months:
            raise _refuse(
                "tiers_incomplete",
                "pricing.tiers",
                f"利率档只覆盖到 {previous} 个月，产品最长期限为 {spec.max_term_months} 个月。",
            )
        return
    if isinstance(pricing, ProvidentPricing):
        return
    raise _refuse("pricing_kind_unknown", "pricing", "定价应为 LPR 加点、固定利率或公积金利率。")


def _validate_fees(spec: ProductSpec) -> None:
    for fee in spec.fees:
        if not isinstance(fee.name, str) or not fee.name.strip():
            raise _refuse("fee_invalid", "fees", "每项费用都要有名称。")
        if fee.timing not in set(FeeTiming):
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」的收取时点未知。")
        if (fee.amount is None) == (fee.rate is None):
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」须在固定金额和本金比例中二选一。")
        value = fee.amount if fee.amount is not None else fee.rate
        if not isinstance(value, Decimal) or not value.is_finite():
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」应为十进制数。")
        if value < 0:
            raise _refuse("fee_negative", "fees", f"「{fee.name}」不能为负数。")
        if value == 0:
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」为零，请删除该项费用。")
        if fee.amount is not None and not is_fen_amount(fee.amount):
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」金额最多保留两位小数。")
        if fee.rate is not None and fee.rate >= Decimal("0.1"):
            raise _refuse(
                "fee_invalid", "fees", f"「{fee.name}」的费率 {fee.rate} 过高（应低于本金的 10%）。"
            )
        if fee.amount is not None and fee.timing != FeeTiming.PER_PERIOD and fee.amount >= spec.min_amount:
            raise _refuse("fee_invalid", "fees", f"「{fee.name}」不低于最低贷款金额，借款人将拿不到钱。")


OVERPAYMENT_POLICIES = ("credit", "prepay")


def _allocation_order(raw: object) -> tuple[Bucket, ...]:
    if raw is None:
        return DEFAULT_ORDER
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise _refuse("spec_field_type", "allocation_order", "还款冲抵顺序应为项目列表。")
    try:
        return allocation_order(raw)
    except ServicingError as exc:
        raise _refuse("allocation_order_invalid", "allocation_order", exc.message) from exc


def _overpayment(raw: object) -> str:
    if raw not in OVERPAYMENT_POLICIES:
        raise _refuse(
            "overpayment_invalid", "overpayment", "溢缴款处理方式应为 credit（挂账）或 prepay（提前还本）。"
        )
    return str(raw)


def _validate_prepayment(rule: PenaltyRule) -> None:
    percent, months, waived = rule.percent_of_prepaid, rule.months_of_interest, rule.waived_after_months
    if not isinstance(percent, Decimal) or not 0 <= percent <= Decimal("0.05"):
        raise _refuse("prepayment_invalid", "prepayment", "提前还款违约金比例应在 0–5% 之间。")
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 12:
        raise _refuse("prepayment_invalid", "prepayment", "违约金利息月数应为 0–12 的整数。")
    if percent > 0 and months > 0:
        raise _refuse("prepayment_invalid", "prepayment", "违约金只能按比例或按月利息二选一。")
    if waived is not None and (isinstance(waived, bool) or not isinstance(waived, int) or waived < 0):
        raise _refuse("prepayment_invalid", "prepayment", "免收违约金的月数应为不小于 0 的整数。")


def _validate_collateral(spec: ProductSpec) -> None:
    allowed = {key for key, _label in COLLATERAL_TYPES if key != "none"}
    seen: set[str] = set()
    for item in spec.collateral:
        if item.type not in allowed:
            raise _refuse("collateral_type_unknown", "collateral", f"未知的抵质押物类型 {item.type!r}。")
        if item.type in seen:
            raise _refuse("collateral_type_unknown", "collateral", f"抵质押物类型 {item.type} 重复。")
        seen.add(item.type)
        if not isinstance(item.max_ltv, Decimal) or not 0 < item.max_ltv <= 1:
            raise _refuse("ltv_above_100", "collateral", "抵质押率应大于 0 且不超过 100%。")


def _validate_documents(spec: ProductSpec) -> None:
    for doc in spec.documents:
        if not isinstance(doc.name, str) or not doc.name.strip():
            raise _refuse("document_invalid", "documents", "材料名称不能为空。")
        if not set(doc.customer_types) <= set(spec.customer_types):
            raise _refuse("document_invalid", "documents", f"材料「{doc.name}」针对本产品不受理的客户类型。")
        if not set(doc.collateral_types) <= set(spec.collateral_types):
            raise _refuse("document_invalid", "documents", f"材料「{doc.name}」针对本产品不接受的抵质押物。")


def validate_catalogue(specs: Sequence[ProductSpec]) -> None:
    """Every spec valid, and no code + version twice (``catalogue_duplicate_code``)."""
    seen: set[tuple[str, int]] = set()
    for spec in specs:
        validate_spec(spec)
        key = (spec.code, spec.version)
        if key in seen:
            raise _refuse(
                "catalogue_duplicate_code", "code", f"产品代码 {spec.code} 第 {spec.version} 版重复。"
            )
        seen.add(key)


# --- pricing -------------------------------------------------------------------------------------------


def price_for(
    spec: ProductSpec,
    grade: str | None,
    term_months: int,
    lpr_table: Sequence[LprQuote],
    on: date,
    *,
    provident_table: Sequence[ProvidentQuote] = (),
    second_home: bool = False,
) -> Price:
    """The annual rate of ``spec`` for a customer of ``grade`` over ``term_months``, priced on ``on``:
    LPR in force that day (tenor "auto" → 1Y up to 60 months, 5Y beyond) + the grade's spread, the
    fixed tier's rate, or the 公积金 rate in force that day (``provident_table``) for a first or second
    home (``second_home``) and the term. Refuses (``ProductError``) a grade without a spread
    (``grade_not_priced``) and a term no tier covers (``term_not_priced``); a day with no 公积金 rate is
    the core's ``provident_rate_missing``."""
    pricing = spec.pricing
    if isinstance(pricing, ProvidentPricing):
        found = provident_price(provident_table, term_months, second_home, on)
        return Price(
            annual_rate=found.annual_rate,
            kind="provident",
            grade=grade,
            provident=found.quote,
            second_home=found.second_home,
            term_months=found.term_months,
        )
    if isinstance(pricing, FixedPricing):
        rate = pricing.rate_for(term_months)
        if rate is None:
            raise ProductError(
                "term_not_priced",
                f"「{spec.name}」没有 {term_months} 个月期限的利率。",
                {"field": "term_months"},
            )
        return Price(annual_rate=rate, kind="fixed", grade=grade)
    if grade is None:
        raise ProductError(
            "grade_not_priced", f"「{spec.name}」按风险等级加点定价，请先提供风险等级。", {"field": "grade"}
        )
    spread = pricing.spread_for(grade)
    if spread is None:
        raise ProductError(
            "grade_not_priced",
            f"「{spec.name}」不接受风险等级 {grade} 的客户（没有对应的加点）。",
            {"field": "grade"},
        )
    tenor = tenor_for_term(term_months) if pricing.tenor == "auto" else LprTenor(pricing.tenor)
    quote = lpr_in_force(lpr_table, on)
    base = quote.one_year if tenor == LprTenor.ONE_YEAR else quote.five_year
    rate = price(lpr_table, tenor, spread, on)
    assert rate == base + spread * BASIS_POINT
    return Price(
        annual_rate=rate,
        kind="lpr",
        grade=grade,
        tenor=tenor,
        lpr=base,
        lpr_effective_from=quote.effective_from,
        spread_bp=spread,
    )


# --- the seeded catalogue ------------------------------------------------------------------------------

SEED_CATALOGUE: tuple[ProductSpec, ...] = tuple(ProductSpec.from_dict(data) for data in SEED_CATALOGUE_DATA)
