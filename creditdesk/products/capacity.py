"""Needs analysis (需求分析): what the customer needs, what they can carry, and the arithmetic between.

A ``Need`` is the purpose, amount, term, repayment preference, rate sensitivity and the collateral offered.
A ``Capacity`` is the monthly income (after tax), the existing monthly debt payments and, for a business,
monthly revenue and costs. Choices, stated once:

- Income for debt-to-income (DTI) = monthly income + the business's net monthly cash flow (revenue −
  costs) when revenue and costs are given. ``monthly_income`` is then income *other than* the business
  (wages, rents; 0 for a business with none), so nothing is counted twice. A negative cash flow (costs
  above revenue) is not refused — a loss-making month happens — but flagged, and it lowers the income.
- DTI = (existing monthly debt payments + the new monthly payment) ÷ income; no income → no DTI (None).
- The existing monthly debt payments are, when the debts are given one by one (``Debt``: method, balance or
  limit in use, rate, remaining months), the sum of their monthly obligations (RULES.md "Debt-to-income",
  below); only without them the total typed by hand (``Capacity.debt_basis`` says which).
- Income and debts are sensitive (RULES.md "Personal information"): the flags' sentences, shown to whoever
  sees the need, carry ratios, never an amount of income or debt.
- The default DTI ceiling is 55 %: 《商业银行房地产贷款风险管理指引》（银监发〔2004〕57号）第三十一条 caps
  a borrower's monthly debt payments at 55 % of income (50 % for housing payments alone); RULES.md sets
  none, so a product's own ``max_dti`` rule prevails where it has one.
- The largest affordable payment = ceiling × income − existing payments, rounded *down* to the fen, never
  below zero.
- The monthly payment a DTI counts (``PaymentPlan.payment``) is the loan's monthly obligation
  (``finance.obligation.monthly_obligation``, RULES.md "Debt-to-income"): the regular instalment for
  等额本息; the first, largest one for 等额本金; for 先息后本, 一次性还本付息 and 随借随还 (the limit taken
  as fully drawn) the 等额本息 payment of the principal over max(term, ``floor_months``, default 12) —
  never the interest alone, which overstated affordability up to tenfold — plus the per-period fees
  (a flat monthly 分期手续费 is a payment like any other).
- The largest affordable principal (``PaymentPlan.max_principal``) inverts that payment in closed form
  (P = M ÷ the payment per yuan, ``finance.obligation.obligation_per_yuan``: the annuity factor
  i(1+i)^n/((1+i)^n − 1) for 等额本息 and, over max(n, floor), for the interest-only shapes; 1/n + i for
  等额本金; each plus the per-period fee rate), rounded *down* to the hundred yuan, then checked against
  the fen-rounded payment itself so the answer's payment never exceeds the budget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Any

from creditdesk.core.enums import LabelledEnum, RateSensitivity, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_rate, is_fen_amount, parse_decimal, round_fen
from creditdesk.finance.obligation import DEFAULT_FLOOR_MONTHS, monthly_obligation, obligation_per_yuan
from creditdesk.finance.schedule import PRECISION, floor_fen
from creditdesk.finance.terms import Method
from creditdesk.products.facts import COLLATERAL_TYPES, PURPOSES

DEFAULT_MAX_DTI = Decimal("0.55")
DEFAULT_MAX_DTI_SOURCE = (
    "《商业银行房地产贷款风险管理指引》（银监发〔2004〕57号）第三十一条：月所有债务支出与收入比 ≤ 55%"
)
MAX_NEED_TERM_MONTHS = 360
MAX_DEBT_TERM_MONTHS = 600  # an existing loan's remaining term: finance.terms.DEFAULT_MAX_PERIODS_MONTHS
AMOUNT_STEP = Decimal(100)  # amounts proposed to a customer are whole hundreds of yuan


class DebtSource(LabelledEnum):
    """Where an existing debt's figures came from: the customer's 征信 summary, or typed by hand."""

    CREDIT_REPORT = "credit_report", gettext_noop("征信")
    MANUAL = "manual", gettext_noop("手工")


class NeedError(DomainError):
    """A need or a capacity with impossible numbers; ``extra["field"]`` names the field."""


def _refuse(code: str, field: str, message: str) -> NeedError:
    return NeedError(code, message, {"field": field})


def floor_to(amount: Decimal, step: Decimal = AMOUNT_STEP) -> Decimal:
    """Down to a multiple of ``step`` (two places kept: 123,456.78 → 123,400.00)."""
    return ((amount / step).to_integral_value(ROUND_FLOOR) * step).quantize(Decimal("0.01"))


def ceil_to(amount: Decimal, step: Decimal = AMOUNT_STEP) -> Decimal:
    """Up to a multiple of ``step`` (123,401 → 123,500.00)."""
    return (-floor_to(-amount, step)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Need:
    """需求: ``purpose`` (facts.PURPOSES), ``amount`` (yuan), ``term_months``, an optional preferred
    repayment method, the rate sensitivity, and the collateral offered ("none", or a type with its
    appraised value)."""

    purpose: str
    amount: Decimal
    term_months: int
    repayment_preference: Method | None = None
    rate_sensitivity: str = RateSensitivity.MEDIUM
    collateral_type: str = "none"
    collateral_value: Decimal | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "amount": str(self.amount),
            "term_months": self.term_months,
            "repayment_preference": None
            if self.repayment_preference is None
            else str(self.repayment_preference),
            "rate_sensitivity": str(self.rate_sensitivity),
            "collateral_type": self.collateral_type,
            "collateral_value": None if self.collateral_value is None else str(self.collateral_value),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Need:
        """From JSON (validated with ``validate_need``)."""
        preference = data.get("repayment_preference")
        if preference is not None and preference not in set(Method):
            raise _refuse(
                "need_method_unknown", "repayment_preference", f"未知的还款方式偏好 {preference!r}。"
            )
        value = data.get("collateral_value")
        need = cls(
            purpose=data.get("purpose", ""),
            amount=_json_decimal(data.get("amount"), "amount", "需求金额", "need_amount"),
            term_months=data.get("term_months"),  # type: ignore[arg-type]  # validated below
            repayment_preference=None if preference is None else Method(preference),
            rate_sensitivity=data.get("rate_sensitivity", RateSensitivity.MEDIUM),
            collateral_type=data.get("collateral_type") or "none",
            collateral_value=None
            if value is None
            else _json_decimal(value, "collateral_value", "抵质押物价值", "need_collateral_value"),
        )
        validate_need(need)
        return need


@dataclass(frozen=True)
class Capacity:
    """还款能力: monthly income (after tax, other than the business), existing monthly debt payments, and
    for a business its monthly revenue and costs (both or neither).

    Existing debts may be given one by one (``debts``, RULES.md "Debt-to-income"): then
    ``monthly_debt_payments`` *is* the sum of their monthly obligations (over ``floor_months`` for the
    interest-only shapes), and the total typed by hand is kept as ``typed_debt_payments`` only to say it
    was not used. Without debts, the typed total is what DTI counts. ``debt_basis`` says which."""

    monthly_income: Decimal
    monthly_debt_payments: Decimal = ZERO
    monthly_revenue: Decimal | None = None
    monthly_costs: Decimal | None = None
    debts: tuple[Debt, ...] = ()
    floor_months: int = DEFAULT_FLOOR_MONTHS
    typed_debt_payments: Decimal | None = dataclasses.field(
        default=None, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.debts:
            object.__setattr__(self, "debts", tuple(self.debts))
            object.__setattr__(self, "typed_debt_payments", self.monthly_debt_payments)
            for debt in self.debts:
                validate_debt(debt)
            object.__setattr__(
                self, "monthly_debt_payments", total_monthly_obligation(self.debts, self.floor_months)
            )

    @property
    def debt_basis(self) -> str:
        """Where the existing monthly payments come from, in a sentence for the page."""
        if self.debts:
            return (
                f"现有月还款按 {len(self.debts)} 笔负债逐笔计算（先息后本、一次性还本付息、随借随还按余额"
                f"以不少于 {self.floor_months} 个月的等额本息月供计入，RULES.md 负债收入比）。"
            )
        return "现有月还款按手工填写的合计计入。"

    @property
    def business_cash_flow(self) -> Decimal | None:
        """Revenue − costs (may be negative), or None when not a business."""
        if self.monthly_revenue is None or self.monthly_costs is None:
            return None
        return self.monthly_revenue - self.monthly_costs

    @property
    def total_income(self) -> Decimal:
        """The income DTI is taken on: monthly income + the business cash flow."""
        return self.monthly_income + (self.business_cash_flow or ZERO)

    def dti(self, new_payment: Decimal = ZERO) -> Decimal | None:
        """(existing payments + ``new_payment``) ÷ income, unrounded; None without income."""
        income = self.total_income
        if income <= 0:
            return None
        return (self.monthly_debt_payments + new_payment) / income

    def affordable_payment(self, max_dti: Decimal = DEFAULT_MAX_DTI) -> Decimal:
        """The largest new monthly payment within ``max_dti``: ceiling × income − existing payments, down to
        the fen, never below zero."""
        return max(ZERO, floor_fen(max_dti * self.total_income - self.monthly_debt_payments))

    def to_dict(self) -> dict[str, object]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        data: dict[str, object] = {
            "monthly_income": str(self.monthly_income),
            "monthly_debt_payments": str(self.monthly_debt_payments),
            "monthly_revenue": text(self.monthly_revenue),
            "monthly_costs": text(self.monthly_costs),
        }
        if self.debts:
            data["debts"] = [debt.to_dict() for debt in self.debts]
            data["monthly_debt_payments"] = text(self.typed_debt_payments)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capacity:
        """From JSON (validated with ``validate_capacity``; its flags are not returned here)."""

        def optional(key: str, label: str) -> Decimal | None:
            value = data.get(key)
            code = f"capacity_{key.removeprefix('monthly_')}"
            return None if value is None else _json_decimal(value, key, label, code)

        capacity = cls(
            monthly_income=_json_decimal(
                data.get("monthly_income"), "monthly_income", "月收入", "capacity_income"
            ),
            monthly_debt_payments=optional("monthly_debt_payments", "现有月还款额") or ZERO,
            monthly_revenue=optional("monthly_revenue", "月经营收入"),
            monthly_costs=optional("monthly_costs", "月经营成本"),
            debts=tuple(Debt.from_dict(debt) for debt in data.get("debts") or ()),
        )
        validate_capacity(capacity)
        return capacity


def _json_decimal(value: object, field: str, label: str, code: str) -> Decimal:
    """A JSON number kept exact (a string such as "8000.00", or an integer); ``<code>_invalid`` otherwise."""
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise _refuse(f"{code}_invalid", field, f"{label}应为写成字符串的十进制数（收到 {value!r}）。")
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise _refuse(f"{code}_invalid", field, f"{label}不是有效的数字：{value!r}。") from exc


def _money(value: object, field: str, label: str, code: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        kind = type(value).__name__
        raise _refuse(
            f"{code}_invalid", field, f"{label}必须是精确的十进制数（收到 {kind}），请勿使用浮点数。"
        )
    if not is_fen_amount(value):
        raise _refuse(f"{code}_invalid", field, f"{label}最多保留两位小数（精确到分）。")
    return value


@dataclass(frozen=True)
class Flag:
    """Something possible but worth a second look (a loss-making business, no room for a new payment)."""

    code: str
    message: str


def validate_need(need: Need) -> None:
    """Refuse a need no product could answer. Codes: ``need_purpose_unknown``, ``need_amount_invalid``,
    ``need_amount_not_positive``, ``need_term_invalid`` (not 1–360 months), ``need_method_unknown``,
    ``need_rate_sensitivity_unknown``, ``need_collateral_type_unknown``, ``need_collateral_value_missing``
    (a collateral without a value), ``need_collateral_value_invalid`` (not above zero, or a value without a
    collateral)."""
    if need.purpose not in dict(PURPOSES):
        raise _refuse("need_purpose_unknown", "purpose", f"未知的贷款用途 {need.purpose!r}。")
    amount = _money(need.amount, "amount", "需求金额", "need_amount")
    if amount <= 0:
        raise _refuse("need_amount_not_positive", "amount", "需求金额必须大于零。")
    term = need.term_months
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= MAX_NEED_TERM_MONTHS:
        raise _refuse(
            "need_term_invalid",
            "term_months",
            f"期限应为 1–{MAX_NEED_TERM_MONTHS} 个月的整数（收到 {term!r}）。",
        )
    if need.repayment_preference is not None and need.repayment_preference not in set(Method):
        raise _refuse(
            "need_method_unknown",
            "repayment_preference",
            f"未知的还款方式偏好 {need.repayment_preference!r}。",
        )
    if need.rate_sensitivity not in set(RateSensitivity):
        raise _refuse(
            "need_rate_sensitivity_unknown",
            "rate_sensitivity",
            f"未知的利率敏感度 {need.rate_sensitivity!r}。",
        )
    if need.collateral_type not in dict(COLLATERAL_TYPES):
        raise _refuse(
            "need_collateral_type_unknown",
            "collateral_type",
            f"未知的抵质押物类型 {need.collateral_type!r}。",
        )
    if need.collateral_type == "none":
        if need.collateral_value is not None:
            raise _refuse(
                "need_collateral_value_invalid", "collateral_value", "没有抵质押物时不应填写抵质押物价值。"
            )
        return
    if need.collateral_value is None:
        raise _refuse("need_collateral_value_missing", "collateral_value", "请填写抵质押物的评估价值。")
    value = _money(need.collateral_value, "collateral_value", "抵质押物评估价值", "need_collateral_value")
    if value <= 0:
        raise _refuse("need_collateral_value_invalid", "collateral_value", "抵质押物评估价值必须大于零。")


def validate_capacity(capacity: Capacity, max_dti: Decimal = DEFAULT_MAX_DTI) -> tuple[Flag, ...]:
    """Refuse impossible capacity figures (``capacity_<field>_invalid`` for a non-Decimal,
    ``capacity_<field>_negative``, ``capacity_business_incomplete`` for revenue without costs or the
    reverse); return flags for what is possible but alarming: ``debt_payments_from_debts`` (a typed total
    replaced by the debts' obligations and different from them), ``negative_cash_flow`` (costs above
    revenue), ``no_income``, ``no_room`` (existing payments already at or above ``max_dti`` of income).
    No flag states an amount (module docstring)."""
    fields = (
        ("monthly_income", "月收入", capacity.monthly_income),
        ("monthly_debt_payments", "现有月还款额", capacity.monthly_debt_payments),
        ("monthly_revenue", "月经营收入", capacity.monthly_revenue),
        ("monthly_costs", "月经营成本", capacity.monthly_costs),
    )
    for field, label, value in fields:
        if value is None and field in ("monthly_revenue", "monthly_costs"):
            continue
        name = field.removeprefix("monthly_")
        checked = _money(value, field, label, f"capacity_{name}")
        if checked < 0:
            raise _refuse(f"capacity_{name}_negative", field, f"{label}不能为负数。")
    if (capacity.monthly_revenue is None) != (capacity.monthly_costs is None):
        raise _refuse(
            "capacity_business_incomplete", "monthly_costs", "经营收入和经营成本须同时填写（或都不填）。"
        )
    flags = []
    typed = capacity.typed_debt_payments
    if typed is not None and typed > 0 and typed != capacity.monthly_debt_payments:
        flags.append(
            Flag(
                "debt_payments_from_debts",
                "现有月还款已按逐笔负债计算，手工填写的月还款合计与之不同，未采用。",
            )
        )
    cash_flow = capacity.business_cash_flow
    if cash_flow is not None and cash_flow < 0:
        flags.append(
            Flag(
                "negative_cash_flow",
                "月经营成本高于经营收入，经营净现金流为负，已从可计入收入中扣减。",
            )
        )
    income = capacity.total_income
    if income <= 0:
        flags.append(Flag("no_income", "没有可计入的月收入，无法承担新的月供。"))
    elif capacity.monthly_debt_payments >= max_dti * income:
        flags.append(
            Flag(
                "no_room",
                f"现有月还款已达到月收入的 {format_rate(capacity.monthly_debt_payments / income)}，"
                f"超过 {format_rate(max_dti)} 的上限，"
                "没有新增月供的空间。",
            )
        )
    return tuple(flags)


@dataclass(frozen=True)
class Assessment:
    """The needs-analysis figures: income counted, DTI before a new loan, the ceiling and the largest
    affordable new monthly payment, with the flags of ``validate_capacity``."""

    total_income: Decimal
    monthly_debt_payments: Decimal
    dti_before: Decimal | None
    max_dti: Decimal
    affordable_payment: Decimal
    flags: tuple[Flag, ...]
    debt_basis: str = ""
    debt_count: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "debt_basis": self.debt_basis,
            "debt_count": self.debt_count,
            "total_income": str(self.total_income),
            "monthly_debt_payments": str(self.monthly_debt_payments),
            "dti_before": None
            if self.dti_before is None
            else str(self.dti_before.quantize(Decimal("0.0001"))),
            "max_dti": str(self.max_dti),
            "affordable_payment": str(self.affordable_payment),
            "flags": [{"code": f.code, "message": f.message} for f in self.flags],
        }


def assess(capacity: Capacity, max_dti: Decimal = DEFAULT_MAX_DTI) -> Assessment:
    flags = validate_capacity(capacity, max_dti)
    return Assessment(
        total_income=capacity.total_income,
        monthly_debt_payments=capacity.monthly_debt_payments,
        dti_before=capacity.dti(),
        max_dti=max_dti,
        affordable_payment=capacity.affordable_payment(max_dti),
        flags=flags,
        debt_basis=capacity.debt_basis,
        debt_count=len(capacity.debts),
    )


@dataclass(frozen=True)
class PaymentPlan:
    """How the monthly payment a DTI counts follows from the principal (see the module docstring):
    ``method``, ``annual_rate`` (fraction), ``term_months``, per-period fees as a rate of the principal
    (``fee_rate``) and as a fixed amount (``fee_amount``); ``floor_months``: the shortest term the
    interest-only shapes are spread over (RULES.md, default 12)."""

    method: Method
    annual_rate: Decimal
    term_months: int
    fee_rate: Decimal = ZERO
    fee_amount: Decimal = ZERO
    floor_months: int = DEFAULT_FLOOR_MONTHS

    def payment(self, principal: Decimal) -> Decimal:
        """The monthly payment for ``principal`` (fen-rounded the way the schedule rounds it)."""
        fees = self.fee_amount + (round_fen(principal * self.fee_rate) if self.fee_rate else ZERO)
        obligation = monthly_obligation(
            principal, self.annual_rate, self.term_months, self.method, floor_months=self.floor_months
        )
        return obligation + fees

    def per_yuan(self) -> Decimal:
        """The payment per yuan of principal, before fen rounding."""
        base = obligation_per_yuan(
            self.annual_rate, self.term_months, self.method, floor_months=self.floor_months
        )
        with localcontext(prec=PRECISION):
            return base + self.fee_rate

    def max_principal(self, payment: Decimal, step: Decimal = AMOUNT_STEP) -> Decimal | None:
        """The largest multiple of ``step`` whose payment is within ``payment``; 0.00 when none is; None
        when the payment does not grow with the principal (a guard: every method's obligation now repays
        principal, so the payment per yuan is positive even at a zero rate)."""
        budget = payment - self.fee_amount
        if budget <= 0:
            return ZERO.quantize(Decimal("0.01"))
        factor = self.per_yuan()
        if factor <= 0:
            return None
        with localcontext(prec=PRECISION):
            principal = floor_to(budget / factor, step)
        while principal > 0 and self.payment(principal) > payment:  # the fen rounding of the payment
            principal -= step
        while self.payment(principal + step) <= payment:
            principal += step
        return max(principal, ZERO.quantize(Decimal("0.01")))


def affordable_principal(
    capacity: Capacity, plan: PaymentPlan, max_dti: Decimal = DEFAULT_MAX_DTI
) -> Decimal | None:
    """The largest principal (to the hundred yuan) whose payment fits the affordable payment."""
    return plan.max_principal(capacity.affordable_payment(max_dti))


# --- existing debts as structured data -----------------------------------------------------------------


@dataclass(frozen=True)
class Debt:
    """现有负债: one existing loan or credit line, as its monthly obligation is computed (RULES.md
    "Debt-to-income", ``finance.obligation``): ``method``, ``balance`` (principal outstanding; for a
    revolving line or a credit card, the limit in use), ``annual_rate`` (fraction), ``remaining_months``
    (a line without a fixed end: 1, so that the floor applies), an optional ``label`` (e.g. "房贷").

    ``monthly_obligation`` is what DTI counts for it: the amortising payment, or for 先息后本,
    一次性还本付息 and 随借随还 the 等额本息 payment of the balance over max(remaining, 12 months)."""

    method: Method
    balance: Decimal
    annual_rate: Decimal
    remaining_months: int
    label: str = ""

    @property
    def monthly_obligation(self) -> Decimal:
        return self.obligation()

    def obligation(self, floor_months: int = DEFAULT_FLOOR_MONTHS) -> Decimal:
        """The monthly obligation with another floor (a product's ``max_dti.floor_months``)."""
        return monthly_obligation(
            self.balance, self.annual_rate, self.remaining_months, self.method, floor_months=floor_months
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "method": str(self.method),
            "balance": str(self.balance),
            "annual_rate": str(self.annual_rate),
            "remaining_months": self.remaining_months,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Debt:
        """From JSON (money and rates as decimal strings), validated with ``validate_debt``."""
        method = data.get("method")
        if method not in set(Method):
            raise _refuse("debt_method_unknown", "method", f"未知的还款方式 {method!r}。")
        debt = cls(
            method=Method(method),
            balance=_json_decimal(data.get("balance"), "balance", "贷款余额", "debt_balance"),
            annual_rate=_json_decimal(data.get("annual_rate"), "annual_rate", "年利率", "debt_rate"),
            remaining_months=data.get("remaining_months"),  # type: ignore[arg-type]  # validated below
            label=str(data.get("label") or ""),
        )
        validate_debt(debt)
        return debt


def validate_debt(debt: Debt) -> None:
    """Refuse a debt whose obligation cannot be computed. Codes: ``debt_method_unknown``,
    ``debt_balance_invalid`` (not a Decimal to the fen, or negative), ``debt_rate_invalid`` (not a Decimal,
    or negative), ``debt_term_invalid`` (not 1–600 months)."""
    if debt.method not in set(Method):
        raise _refuse("debt_method_unknown", "method", f"未知的还款方式 {debt.method!r}。")
    balance = _money(debt.balance, "balance", "贷款余额（或已用额度）", "debt_balance")
    if balance < 0:
        raise _refuse("debt_balance_invalid", "balance", "贷款余额（或已用额度）不能为负数。")
    rate = debt.annual_rate
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0:
        raise _refuse("debt_rate_invalid", "annual_rate", "年利率应为不小于零的十进制数（如 0.036）。")
    term = debt.remaining_months
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= MAX_DEBT_TERM_MONTHS:
        raise _refuse(
            "debt_term_invalid",
            "remaining_months",
            f"剩余期限应为 1–{MAX_DEBT_TERM_MONTHS} 个月的整数（收到 {term!r}）。",
        )


def total_monthly_obligation(debts: Iterable[Debt], floor_months: int = DEFAULT_FLOOR_MONTHS) -> Decimal:
    """The existing monthly debt payments a DTI counts (``Capacity.monthly_debt_payments``): the sum of
    each debt's monthly obligation, each already to the fen."""
    return sum((debt.obligation(floor_months) for debt in debts), ZERO)
