"""Admission rules (准入规则) as data a risk manager edits without code, and their evaluation.

A rule is a JSON object ``{"type": ..., <fields>, "source": "..."}`` (``source``, optional, says where the
threshold comes from — a policy, a regulation — and is shown with it). ``parse_rule`` / ``validate_rules``
turn JSON into frozen rule objects and refuse, with a ``RuleDefinitionError`` whose ``extra`` holds
``index`` (0-based; the message counts from 1) and ``field``:

========================  ==========================================================================
code                      refused
========================  ==========================================================================
rules_not_list            the rules are not a JSON array
rule_not_object           a rule is not a JSON object
rule_type_unknown         ``type`` is not one of ``RULE_TYPES``
rule_field_missing        a required field is absent (or null)
rule_field_unknown        a field the type does not have (a typo would otherwise be ignored)
rule_field_type           a value of the wrong type (a float for money, text for a count …)
rule_fact_unknown         ``compare`` names a fact that is not in ``facts.FACTS``
rule_range_inverted       min above max
rule_value_out_of_range   a negative amount or count, an age outside 0–120, a DTI outside (0, 100 %]
rule_ltv_above_100        a loan-to-value above 100 % (or not above zero)
rule_list_empty           an empty list of types / industries (a rule nobody could pass, or nobody fail)
rule_choice_unknown       a customer type, purpose, collateral type, size class, 纳税信用等级 or 首套/二套
                          that does not exist
rule_industry_code_unknown  an excluded industry code that is not in GB/T 4754-2017
                          (``customers.industries``); the message names it
rule_industry_text_retired  (saving a product only, ``validate_rules(..., saving=True)``) excluded
                          industries as free text (``industries``) instead of codes (``codes``)
rule_grade_unknown        a grade other than A–E
rule_operator_unknown     ``compare`` with an operator other than >=, <=, >, <, ==, !=
rule_operator_not_applicable  an ordering operator on a yes/no, choice, grade or text fact
rule_duplicate            two rules of the same type (except ``compare``): which one would apply?
========================  ==========================================================================

Evaluation (``evaluate(rules, facts)``) answers every rule with pass, fail or unknown — unknown when a
fact the rule needs is missing, never a silent pass — the actual value, the threshold and a sentence a
customer manager can say to the customer. Boundaries, stated once: every limit is inclusive.
``age_range`` 22–60 passes at 22 and at 60; ``min_income`` 8,000 passes at 8,000.00; ``max_dti`` 55 %
passes at exactly 55 % (compared exactly, without rounding: payments ≤ 0.55 × income); ``max_ltv`` 70 %
passes at exactly 70 %; ``max_worst_overdue_days`` 30 passes at 30; ``max_inquiries_6m`` 6 passes at 6;
``min_grade`` C passes A, B and C; ``max_age_at_maturity`` 65 passes when age + term/12 is exactly 65.
The one exception is ``overdue_pattern_24m`` (连三累六): its counts are the ones that refuse — 3
consecutive overdue months fail, 2 pass.

Debt-to-income (``max_dti``): (existing monthly debt payments + the new monthly payment) ÷ monthly income,
where a co-borrower's monthly income (net of their own payments) is added when ``has_co_borrower`` is
true; no income at all fails. Loan-to-value (``max_ltv``): requested amount ÷ (collateral value − prior
liens), against the limit for the collateral's type (``by_type``) or the general ``max``.

Loan-to-value is taken on the collateral's value less the balance of the liens already on it that rank
ahead (``collateral_prior_liens``; issue 13 "LTV computed with existing liens"): 700,000 on a property
worth 1,500,000 with 500,000 of earlier liens is 700,000 ÷ 1,000,000 = 70 %. Liens not recorded count as
none, and the sentence says so; a value not above the liens leaves nothing to lend on (fail).
``loan_to_value`` is the one formula (``evaluation`` and matching compute the fact with it).

Business customers (PRODUCT.md §1): ``excluded_industries`` matches GB/T 4754 code prefixes ("K701"
covers "K7010"); ``tax_credit_grades``, ``size_classes``, ``payroll_with_bank_required``,
``provident_fund`` and ``home_purchase_order`` (首套/二套, with the product's own LTV cap per order —
product data with its source: RULES.md sets no down-payment floor) check the facts of the same names; the
years in business are a ``compare`` on ``business_years``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_rate, format_yuan, is_fen_amount, parse_decimal
from creditdesk.customers import industries
from creditdesk.finance.obligation import DEFAULT_FLOOR_MONTHS
from creditdesk.products.facts import (
    COLLATERAL_TYPES,
    CUSTOMER_TYPES,
    FACTS,
    GRADES,
    HOME_PURCHASE_ORDERS,
    PURPOSES,
    SIZE_CLASSES,
    TAX_CREDIT_GRADES,
    FactType,
    check_fact,
    format_value,
    grade_rank,
    to_json_value,
)


class RuleDefinitionError(DomainError):
    """A rule definition was refused; ``extra``: ``index`` (0-based), ``field``, ``type``."""


class Status(LabelledEnum):
    """A rule's answer for a customer."""

    PASS = "pass", gettext_noop("通过")
    FAIL = "fail", gettext_noop("未通过")
    UNKNOWN = "unknown", gettext_noop("待确认")


class Lever(StrEnum):
    """What a customer can change to pass a rule (the what-if levers); a what-if change is of one of
    these kinds (``solutions.whatif.Change.kind``)."""

    AMOUNT = "amount"
    TERM = "term"
    CO_BORROWER = "co_borrower"
    GUARANTOR = "guarantor"
    COLLATERAL = "collateral"


# --- field kinds: how a JSON value becomes a rule attribute and back ------------------------------------


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # int | money | ratio | grade | customer_types | purposes | collateral_types | size_classes
    #            | tax_credit_grades | home_purchase_orders | texts | industry_codes | fact | op | value
    #            | ltv_map | order_ltv_map
    label: str
    optional: bool = False


_CHOICES = {
    "customer_types": CUSTOMER_TYPES,
    "purposes": PURPOSES,
    "collateral_types": tuple(c for c in COLLATERAL_TYPES if c[0] != "none"),
    "size_classes": SIZE_CLASSES,
    "tax_credit_grades": TAX_CREDIT_GRADES,
    "home_purchase_orders": HOME_PURCHASE_ORDERS,
}
# The keys of a map of loan-to-value limits: by collateral type, or by 首套/二套.
_LTV_MAP_KEYS = {"ltv_map": "collateral_types", "order_ltv_map": "home_purchase_orders"}
OPERATORS: dict[str, str] = {
    ">=": "不低于",
    "<=": "不超过",
    ">": "高于",
    "<": "低于",
    "==": "为",
    "!=": "不为",
}
ORDERED_TYPES = (FactType.MONEY, FactType.RATIO, FactType.INT)
MAX_FLOOR_MONTHS = 360  # max_dti.floor_months: no loan term here is longer (MAX_NEED_TERM_MONTHS)


def _error(
    code: str, rule_type: str, index: int | None, field_name: str, problem: str
) -> RuleDefinitionError:
    cls = RULE_TYPES.get(rule_type)
    label = cls.LABEL if cls else rule_type or "?"
    where = f"第 {index + 1} 条准入规则" if index is not None else "准入规则"
    return RuleDefinitionError(
        code,
        f"{where}（{label}）的「{field_name}」：{problem}",
        {"index": index, "field": field_name, "type": rule_type},
    )


def _decimal(value: object) -> Decimal | None:
    """A JSON number kept exact: a string such as "0.55" or an integer; floats and junk give None."""
    try:
        return parse_decimal(value)
    except ValueError:
        return None


def _parse_value(spec: _Field, value: object, rule_type: str, index: int | None) -> object:
    def bad(code: str, problem: str) -> RuleDefinitionError:
        return _error(code, rule_type, index, spec.name, problem)

    kind = spec.kind
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("rule_field_type", f"应为整数（收到 {value!r}）。")
        if value < 0:
            raise bad("rule_value_out_of_range", f"不能为负数（收到 {value}）。")
        return value
    if kind in ("money", "ratio"):
        number = _decimal(value)
        if number is None:
            raise bad("rule_field_type", f'应为写成字符串的十进制数，如 "8000.00"（收到 {value!r}）。')
        if number < 0:
            raise bad("rule_value_out_of_range", f"不能为负数（收到 {number}）。")
        if kind == "money" and not is_fen_amount(number):
            raise bad("rule_field_type", "金额最多保留两位小数（精确到分）。")
        return number
    if kind == "grade":
        if value not in GRADES:
            raise bad("rule_grade_unknown", f"风险等级应为 A–E 之一（收到 {value!r}）。")
        return value
    if kind in _CHOICES or kind in ("texts", "industry_codes"):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad("rule_field_type", "应为非空文字组成的列表。")
        if not value:
            raise bad("rule_list_empty", "列表不能为空。")
        items = tuple(dict.fromkeys(v.strip() for v in value))  # order kept, duplicates dropped
        if kind == "industry_codes":
            codes = []
            for item in items:
                try:
                    codes.append(industries.normalize_code(item))
                except industries.IndustryCodeError as exc:
                    raise bad("rule_industry_code_unknown", exc.message) from exc
            return tuple(dict.fromkeys(codes))
        if kind in _CHOICES:
            allowed = dict(_CHOICES[kind])
            unknown = [v for v in items if v not in allowed]
            if unknown:
                raise bad(
                    "rule_choice_unknown", f"未知的取值 {', '.join(unknown)}；可选：{'、'.join(allowed)}。"
                )
        return items
    if kind == "fact":
        if not isinstance(value, str) or value not in FACTS:
            raise bad("rule_fact_unknown", f"未登记的客户要素 {value!r}（见客户要素表）。")
        return value
    if kind == "op":
        if value not in OPERATORS:
            raise bad("rule_operator_unknown", f"未知的比较符 {value!r}；可选：{' '.join(OPERATORS)}。")
        return value
    if kind in _LTV_MAP_KEYS:
        what = "抵质押物类型" if kind == "ltv_map" else "首套/二套"
        if not isinstance(value, Mapping):
            raise bad("rule_field_type", f"应为「{what} → 最高抵质押率」的对象。")
        allowed = dict(_CHOICES[_LTV_MAP_KEYS[kind]])
        result = []
        for key, ratio in value.items():
            if key not in allowed:
                raise bad("rule_choice_unknown", f"未知的{what} {key!r}；可选：{'、'.join(allowed)}。")
            number = _decimal(ratio)
            if number is None:
                raise bad("rule_field_type", f"{allowed[key]}的抵质押率应为写成字符串的十进制数。")
            _check_ltv(number, rule_type, index, spec.name)
            result.append((key, number))
        return tuple(result)
    return value  # "value": converted by the rule that knows its fact (Compare)


def _dump_value(kind: str, value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if kind in _LTV_MAP_KEYS and isinstance(value, tuple):
        return {key: str(ratio) for key, ratio in value}
    if isinstance(value, tuple):
        return list(value)
    return value


def _check_ltv(ratio: Decimal, rule_type: str, index: int | None, field_name: str) -> None:
    if ratio > 1:
        raise _error(
            "rule_ltv_above_100",
            rule_type,
            index,
            field_name,
            f"抵质押率不能超过 100%（收到 {format_rate(ratio)}）。",
        )
    if ratio <= 0:
        raise _error("rule_ltv_above_100", rule_type, index, field_name, "抵质押率必须大于零。")


def _check_range(low: Any, high: Any, rule_type: str, index: int | None) -> None:
    if low > high:
        raise _error("rule_range_inverted", rule_type, index, "min", f"最小值 {low} 大于最大值 {high}。")


# --- outcomes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's answer: ``actual`` is the customer's value (None when missing or not computable),
    ``threshold`` what the product asks, ``message`` the sentence for the customer, ``missing`` the facts
    that made it unknown."""

    index: int
    rule: Rule
    status: Status
    actual: object
    threshold: str
    message: str
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "rule": self.rule.to_dict(),
            "type": self.rule.TYPE,
            "label": self.rule.LABEL,
            "status": self.status.value,
            "actual": to_json_value(self.actual),
            "threshold": self.threshold,
            "message": self.message,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class Evaluation:
    """Every rule's outcome, in rule order. ``status``: fail if any rule fails, else unknown if any is
    unknown, else pass."""

    outcomes: tuple[RuleOutcome, ...]

    @property
    def failed(self) -> tuple[RuleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == Status.FAIL)

    @property
    def unknown(self) -> tuple[RuleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == Status.UNKNOWN)

    @property
    def status(self) -> Status:
        statuses = {o.status for o in self.outcomes}
        if Status.FAIL in statuses:
            return Status.FAIL
        return Status.UNKNOWN if Status.UNKNOWN in statuses else Status.PASS

    @property
    def passed(self) -> bool:
        return self.status == Status.PASS

    @property
    def missing_facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for o in self.unknown for key in o.missing))

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "missing_facts": list(self.missing_facts),
        }


# --- the rule types ------------------------------------------------------------------------------------

Verdict = tuple[bool, object, str]  # passed, actual value, the sentence


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Base of every rule type. Subclasses declare ``TYPE`` (the JSON ``type``), ``LABEL`` (Chinese),
    ``FIELDS`` (their JSON fields), ``NEEDS`` (the facts that must be present) and implement
    ``requirement`` (the threshold said in Chinese) and ``judge`` (called only when the facts are there)."""

    TYPE: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[_Field, ...]] = ()
    NEEDS: ClassVar[tuple[str, ...]] = ()
    LEVERS: ClassVar[frozenset[Lever]] = frozenset()

    source: str = ""

    @classmethod
    def build(cls, values: dict[str, Any], index: int | None) -> Rule:
        rule = cls(**values)
        rule.check(index)
        return rule

    def check(self, index: int | None) -> None:
        """Cross-field invariants (min ≤ max …); raise ``RuleDefinitionError``."""

    def check_saving(self, index: int | None) -> None:
        """What a product saved from now on may no longer say, though stored versions still do (they are
        immutable and keep being read); raise ``RuleDefinitionError``."""

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return self.NEEDS

    def levers(self) -> frozenset[Lever]:
        """What a customer could change to pass this rule (empty: nothing — the rule blocks)."""
        return self.LEVERS

    def requirement(self) -> str:
        raise NotImplementedError

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    @cached_property
    def requirement_text(self) -> str:
        """``requirement()``, written once per rule: a rule is immutable, and matching evaluates each
        rule of each product for every need (and again in every what-if)."""
        return self.requirement()

    def evaluate(self, facts: Mapping[str, Any], index: int = 0) -> RuleOutcome:
        missing = tuple(key for key in self.needs(facts) if facts.get(key) is None)
        requirement = self.requirement_text
        if missing:
            labels = "、".join(f"「{FACTS[key].label}」" for key in missing)
            message = f"缺少{labels}，无法判断是否满足“{requirement}”，请补充。"
            return RuleOutcome(index, self, Status.UNKNOWN, None, requirement, message, missing)
        passed, actual, message = self.judge(facts)
        status = Status.PASS if passed else Status.FAIL
        return RuleOutcome(index, self, status, actual, requirement, message)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"type": self.TYPE}
        for spec in self.FIELDS:
            value = getattr(self, spec.name)
            if value is None or (spec.optional and value == ()):
                continue
            data[spec.name] = _dump_value(spec.kind, value)
        if self.source:
            data["source"] = self.source
        return data


def _range_text(low: object, high: object, unit: str) -> str:
    return f"{low}–{high} {unit}" if unit else f"{low}–{high}"


@dataclass(frozen=True, kw_only=True)
class AgeRange(Rule):
    TYPE = "age_range"
    LABEL = "年龄范围"
    FIELDS = (_Field("min", "int", "最小年龄"), _Field("max", "int", "最大年龄"))
    NEEDS = ("age",)

    min: int
    max: int

    def check(self, index: int | None) -> None:
        if self.max > 120:
            raise _error("rule_value_out_of_range", self.TYPE, index, "max", "年龄应在 0–120 岁之间。")
        _check_range(self.min, self.max, self.TYPE, index)

    def requirement(self) -> str:
        return f"年龄 {self.min}–{self.max} 岁（含）"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        age = facts["age"]
        if self.min <= age <= self.max:
            return True, age, f"您的年龄 {age} 岁，符合本产品 {self.min}–{self.max} 岁的要求。"
        return False, age, f"您的年龄 {age} 岁，本产品要求 {self.min}–{self.max} 岁（含）。"


@dataclass(frozen=True, kw_only=True)
class MaxAgeAtMaturity(Rule):
    """Age at maturity = age + term in months / 12, compared exactly (age × 12 + term ≤ max × 12)."""

    TYPE = "max_age_at_maturity"
    LABEL = "到期年龄上限"
    FIELDS = (_Field("max", "int", "到期时最大年龄"),)
    NEEDS = ("age", "term_months")
    LEVERS = frozenset({Lever.TERM})

    max: int

    def check(self, index: int | None) -> None:
        if self.max > 120:
            raise _error("rule_value_out_of_range", self.TYPE, index, "max", "年龄应在 0–120 岁之间。")

    def requirement(self) -> str:
        return f"年龄加贷款期限不超过 {self.max} 岁"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        age, term = facts["age"], facts["term_months"]
        at_maturity = (Decimal(age) + Decimal(term) / 12).quantize(Decimal("0.1"), ROUND_HALF_UP)
        shown = f"{at_maturity:f}".removesuffix(".0")
        passed = age * 12 + term <= self.max * 12
        verb = "符合" if passed else "超过了"
        return (
            passed,
            at_maturity,
            f"您现在 {age} 岁，贷款 {term} 个月，到期时约 {shown} 岁，"
            f"{verb}本产品到期时不超过 {self.max} 岁的要求。",
        )


@dataclass(frozen=True, kw_only=True)
class MinIncome(Rule):
    TYPE = "min_income"
    LABEL = "最低月收入"
    FIELDS = (_Field("amount", "money", "最低月收入"),)
    NEEDS = ("monthly_income",)

    amount: Decimal

    def requirement(self) -> str:
        return f"月收入不低于 {format_yuan(self.amount)} 元"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        """The sentence and ``actual`` never carry the income itself: it is a sealed figure (shown only
        through the audited unmask), and these results reach pages, the API and the printed proposal."""
        if facts["monthly_income"] >= self.amount:
            return True, None, f"您的月收入满足本产品不低于 {format_yuan(self.amount)} 元的要求。"
        return False, None, f"您的月收入低于本产品要求的 {format_yuan(self.amount)} 元。"


@dataclass(frozen=True, kw_only=True)
class MaxDti(Rule):
    """(existing payments + new payment) ≤ max × (income + co-borrower income if any), exactly.

    ``floor_months`` (optional, 1–360): the shortest term over which the new loan's principal is counted
    when it is 先息后本, 一次性还本付息 or 随借随还 (its 等额本息 payment over max(term, floor)); unset, the
    RULES.md default ``finance.obligation.DEFAULT_FLOOR_MONTHS`` (12). See ``obligation_floor_months``."""

    TYPE = "max_dti"
    LABEL = "负债收入比上限"
    FIELDS = (
        _Field("max", "ratio", "最高负债收入比"),
        _Field(
            "floor_months",
            "int",
            "先息后本/到期还本/随借随还按等额本息计入月供的最短期限（月）",
            optional=True,
        ),
    )
    NEEDS = ("monthly_income", "monthly_debt_payments", "new_monthly_payment")
    LEVERS = frozenset({Lever.AMOUNT, Lever.TERM, Lever.CO_BORROWER})

    max: Decimal
    floor_months: int | None = None

    def check(self, index: int | None) -> None:
        if not 0 < self.max <= 1:
            raise _error(
                "rule_value_out_of_range", self.TYPE, index, "max", "负债收入比上限应大于 0 且不超过 100%。"
            )
        if self.floor_months is not None and not 1 <= self.floor_months <= MAX_FLOOR_MONTHS:
            raise _error(
                "rule_value_out_of_range",
                self.TYPE,
                index,
                "floor_months",
                f"计入月供的最短期限应为 1–{MAX_FLOOR_MONTHS} 个月。",
            )

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        if facts.get("has_co_borrower") is True:
            return (*self.NEEDS, "co_borrower_monthly_income")
        return self.NEEDS

    def requirement(self) -> str:
        return f"贷后负债收入比不超过 {format_rate(self.max)}"

    @staticmethod
    def income(facts: Mapping[str, Any]) -> Decimal:
        """The income the ratio is taken on: the customer's, plus a co-borrower's when there is one."""
        income: Decimal = facts["monthly_income"]
        if facts.get("has_co_borrower") is True:
            income += facts["co_borrower_monthly_income"]
        return income

    def payment_budget(self, facts: Mapping[str, Any]) -> Decimal:
        """The largest new monthly payment this rule allows (may be negative: nothing fits)."""
        debts: Decimal = facts["monthly_debt_payments"]
        return self.max * self.income(facts) - debts

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        new, debts = facts["new_monthly_payment"], facts["monthly_debt_payments"]
        income = self.income(facts)
        total = debts + new
        whose = "您与共同借款人月收入合计" if facts.get("has_co_borrower") is True else "月收入"
        if income <= 0:
            return False, None, f"没有可计入的月收入，无法承担本笔月供 {format_yuan(new)} 元。"
        ratio = total / income
        passed = total <= self.max * income
        # The ratio, never the income itself (a sealed figure; see MinIncome.judge).
        said = (
            f"加上本笔月供 {format_yuan(new)} 元，您每月还款合计 {format_yuan(total)} 元，"
            f"占{whose}的 {format_rate(ratio)}"
        )
        if passed:
            return True, ratio, f"{said}，在本产品 {format_rate(self.max)} 的上限以内。"
        return False, ratio, f"{said}，本产品要求不超过 {format_rate(self.max)}。"


@dataclass(frozen=True, kw_only=True)
class NoCurrentOverdue(Rule):
    TYPE = "no_current_overdue"
    LABEL = "无当前逾期"
    NEEDS = ("current_overdue",)

    def requirement(self) -> str:
        return "征信无当前逾期"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        if facts["current_overdue"]:
            return False, True, "您的征信显示当前有逾期，本产品要求无当前逾期，请先结清逾期欠款。"
        return True, False, "您的征信当前无逾期。"


@dataclass(frozen=True, kw_only=True)
class MaxWorstOverdueDays(Rule):
    TYPE = "max_worst_overdue_days"
    LABEL = "最长逾期天数上限"
    FIELDS = (_Field("days", "int", "最长逾期天数"),)
    NEEDS = ("worst_overdue_days_24m",)

    days: int

    def requirement(self) -> str:
        return "近 24 个月无逾期" if self.days == 0 else f"近 24 个月最长逾期不超过 {self.days} 天"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        worst = facts["worst_overdue_days_24m"]
        said = "近 24 个月无逾期" if worst == 0 else f"近 24 个月最长逾期 {worst} 天"
        if worst <= self.days:
            return True, worst, f"您{said}，符合本产品要求。"
        return False, worst, f"您{said}，本产品要求{self.requirement().removeprefix('近 24 个月')}。"


@dataclass(frozen=True, kw_only=True)
class MaxInquiries6m(Rule):
    TYPE = "max_inquiries_6m"
    LABEL = "近 6 个月查询次数上限"
    FIELDS = (_Field("count", "int", "查询次数上限"),)
    NEEDS = ("inquiries_6m",)

    count: int

    def requirement(self) -> str:
        return f"近 6 个月征信查询不超过 {self.count} 次"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        seen = facts["inquiries_6m"]
        if seen <= self.count:
            return True, seen, f"近 6 个月征信查询 {seen} 次，符合本产品不超过 {self.count} 次的要求。"
        return False, seen, f"近 6 个月征信查询 {seen} 次，本产品要求不超过 {self.count} 次。"


@dataclass(frozen=True, kw_only=True)
class OverduePattern24m(Rule):
    """连 N 累 M (the banks' 连三累六): refused when the credit report's last 24 months show N or more
    consecutive overdue months, or M or more overdue months in all. Unlike the ``max_*`` limits, N and M
    are the counts that refuse (连三累六 refuses at exactly 3 consecutive or 6 cumulative)."""

    TYPE = "overdue_pattern_24m"
    LABEL = "近 24 个月连续 / 累计逾期（连 N 累 M）"
    FIELDS = (
        _Field("consecutive", "int", "连续逾期期数（达到即拒绝）"),
        _Field("cumulative", "int", "累计逾期期数（达到即拒绝）"),
    )
    NEEDS = ("overdue_months_consecutive_24m", "overdue_months_cumulative_24m")

    consecutive: int
    cumulative: int

    def check(self, index: int | None) -> None:
        for name in ("consecutive", "cumulative"):
            if not 1 <= getattr(self, name) <= 24:
                raise _error(
                    "rule_value_out_of_range", self.TYPE, index, name, "期数应为 1–24（近 24 个月）。"
                )
        if self.cumulative < self.consecutive:
            raise _error("rule_range_inverted", self.TYPE, index, "cumulative", "累计期数不能少于连续期数。")

    def requirement(self) -> str:
        return f"近 24 个月无连续 {self.consecutive} 期或累计 {self.cumulative} 期逾期"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        run = facts["overdue_months_consecutive_24m"]
        total = facts["overdue_months_cumulative_24m"]
        actual = {"consecutive": run, "cumulative": total}
        said = "近 24 个月无逾期" if total == 0 else f"近 24 个月最长连续逾期 {run} 期、累计逾期 {total} 期"
        if run < self.consecutive and total < self.cumulative:
            return True, actual, f"您{said}，符合本产品要求。"
        return False, actual, f"您{said}，本产品要求{self.requirement().removeprefix('近 24 个月')}。"


@dataclass(frozen=True, kw_only=True)
class MinGrade(Rule):
    TYPE = "min_grade"
    LABEL = "最低风险等级"
    FIELDS = (_Field("grade", "grade", "最低风险等级"),)
    NEEDS = ("risk_grade",)

    grade: str

    def requirement(self) -> str:
        return f"风险等级 {self.grade} 级及以上"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        grade = facts["risk_grade"]
        if grade_rank(grade) <= grade_rank(self.grade):
            return True, grade, f"您的风险等级为 {grade}，符合本产品 {self.grade} 级及以上的要求。"
        return False, grade, f"您的风险等级为 {grade}，本产品要求 {self.grade} 级及以上。"


_NAMES: dict[int, dict[str, str]] = {
    id(c): dict(c)
    for c in (
        COLLATERAL_TYPES,
        CUSTOMER_TYPES,
        PURPOSES,
        SIZE_CLASSES,
        TAX_CREDIT_GRADES,
        HOME_PURCHASE_ORDERS,
    )
}


def _labels(choices: tuple[tuple[str, str], ...], keys: Iterable[str]) -> str:
    names = _NAMES.get(id(choices)) or dict(choices)
    return "、".join(names.get(key, key) for key in keys)


@dataclass(frozen=True, kw_only=True)
class CollateralRequired(Rule):
    TYPE = "collateral_required"
    LABEL = "抵质押要求"
    FIELDS = (_Field("types", "collateral_types", "可接受的抵质押物"),)
    NEEDS = ("collateral_type",)
    LEVERS = frozenset({Lever.COLLATERAL})

    types: tuple[str, ...]

    def requirement(self) -> str:
        return f"以{_labels(COLLATERAL_TYPES, self.types)}作抵质押"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        offered = facts["collateral_type"]
        accepted = _labels(COLLATERAL_TYPES, self.types)
        if offered in self.types:
            return (
                True,
                offered,
                f"您提供的{_labels(COLLATERAL_TYPES, [offered])}属于本产品可接受的抵质押物。",
            )
        if offered == "none":
            return False, offered, f"本产品需要以{accepted}作抵质押，您目前没有提供抵质押物。"
        return (
            False,
            offered,
            f"本产品需要以{accepted}作抵质押，"
            f"您提供的{_labels(COLLATERAL_TYPES, [offered])}不在可接受范围内。",
        )


def loan_to_value(amount: Decimal, value: Decimal, prior_liens: Decimal | None) -> Decimal | None:
    """贷款金额 ÷（抵质押物评估价值 − 已有抵押余额）: the loan-to-value on what the collateral is worth to
    this loan once the liens ranking ahead are paid (``None`` when nothing is left: value ≤ liens)."""
    net = value - (prior_liens or ZERO)
    return amount / net if net > 0 else None


def _collateral_said(name: str, value: Decimal, liens: Decimal | None) -> str:
    """ "住宅评估价值 1,500,000.00 元，减已有抵押余额 500,000.00 元后为 1,000,000.00 元" (or the value alone,
    saying that no earlier lien was recorded)."""
    if liens is None:
        return f"{name}评估价值 {format_yuan(value)} 元（未登记已有抵押，按无已有抵押计算）"
    if liens == 0:
        return f"{name}评估价值 {format_yuan(value)} 元（无已有抵押）"
    return (
        f"{name}评估价值 {format_yuan(value)} 元，减已有抵押余额 {format_yuan(liens)} 元后"
        f"为 {format_yuan(value - liens)} 元"
    )


@dataclass(frozen=True, kw_only=True)
class MaxLtv(Rule):
    """requested amount ≤ limit × (collateral value − prior liens), exactly; the limit is ``by_type``'s for
    the collateral's type, else ``max``. No collateral ("none"), a value of zero, or a value the earlier
    liens use up fails."""

    TYPE = "max_ltv"
    LABEL = "抵质押率上限"
    FIELDS = (
        _Field("max", "ratio", "最高抵质押率"),
        _Field("by_type", "ltv_map", "分类型抵质押率", optional=True),
    )
    NEEDS = ("requested_amount", "collateral_type", "collateral_value")
    LEVERS = frozenset({Lever.AMOUNT, Lever.COLLATERAL})

    max: Decimal
    by_type: tuple[tuple[str, Decimal], ...] = ()

    def check(self, index: int | None) -> None:
        _check_ltv(self.max, self.TYPE, index, "max")

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        if facts.get("collateral_type") == "none":
            return ("collateral_type",)
        return self.NEEDS

    def limit_for(self, collateral_type: str | None) -> Decimal:
        return dict(self.by_type).get(collateral_type or "", self.max)

    def max_amount(self, facts: Mapping[str, Any]) -> Decimal | None:
        """The largest amount this rule lets through on the facts' collateral (None without one)."""
        kind, value = facts.get("collateral_type"), facts.get("collateral_value")
        if kind in (None, "none") or value is None:
            return None
        net = value - (facts.get("collateral_prior_liens") or ZERO)
        return self.limit_for(kind) * net if net > 0 else ZERO

    def requirement(self) -> str:
        if not self.by_type:
            return f"抵质押率不超过 {format_rate(self.max)}"
        parts = "，".join(f"{_labels(COLLATERAL_TYPES, [k])} {format_rate(v)}" for k, v in self.by_type)
        return f"抵质押率不超过 {format_rate(self.max)}（{parts}）"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        kind = facts["collateral_type"]
        if kind == "none":
            return False, None, "您没有提供抵质押物，无法计算抵质押率。"
        amount, value = facts["requested_amount"], facts["collateral_value"]
        liens = facts.get("collateral_prior_liens")
        limit = self.limit_for(kind)
        name = _labels(COLLATERAL_TYPES, [kind])
        if value <= 0:
            return False, None, f"{name}的评估价值为零，无法计算抵质押率。"
        ratio = loan_to_value(amount, value, liens)
        if ratio is None:
            return (
                False,
                None,
                f"{name}评估价值 {format_yuan(value)} 元，已有抵押余额 {format_yuan(liens or ZERO)} 元，"
                "已无剩余可抵押价值，不能再作本笔贷款的抵押。",
            )
        collateral = _collateral_said(name, value, liens)
        said = f"贷款 {format_yuan(amount)} 元、{collateral}，抵质押率 {format_rate(ratio)}"
        if amount <= limit * (value - (liens or ZERO)):
            return True, ratio, f"{said}，在本产品 {format_rate(limit)} 的上限以内。"
        return False, ratio, f"{said}，本产品（{name}）要求不超过 {format_rate(limit)}。"


@dataclass(frozen=True, kw_only=True)
class ExcludedIndustries(Rule):
    """Fails when the customer's GB/T 4754-2017 industry code falls under an excluded code (``codes``,
    prefixes: "K701" excludes "K7010"; validated against ``customers.industries`` when the rule is read,
    stored normalized). The sentence names the customer's industry and the excluded class: "您的行业
    「K7010 房地产开发经营」属于本产品限制的行业（K701 房地产开发经营），暂不能申请。"

    Legacy: product versions saved before industry codes existed hold free-text terms (``industries``)
    matched as substrings of the customer's free-text ``industry`` ("房地产" excluded "房地产开发"). Stored
    versions are immutable, so they keep being read and evaluated that way (the rule then needs
    ``industry``); a product saved from now on must use codes (``rule_industry_text_retired``). With both,
    the codes decide on ``industry_code`` and the terms still refuse a matching free text."""

    TYPE = "excluded_industries"
    LABEL = "限制行业"
    FIELDS = (
        _Field("codes", "industry_codes", "限制行业（国民经济行业分类代码）", optional=True),
        _Field("industries", "texts", "限制行业（文字，旧版）", optional=True),
    )
    NEEDS = ("industry_code",)

    codes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()

    def check(self, index: int | None) -> None:
        if not self.codes and not self.industries:
            raise _error(
                "rule_field_missing", self.TYPE, index, "codes", "缺少「限制行业（国民经济行业分类代码）」。"
            )

    def check_saving(self, index: int | None) -> None:
        if self.industries:
            raise _error(
                "rule_industry_text_retired",
                self.TYPE,
                index,
                "industries",
                f"限制行业请改用国民经济行业分类（GB/T 4754-2017）代码（codes），"
                f"不再按文字（{'、'.join(self.industries)}）匹配。",
            )

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return ("industry_code",) if self.codes else ("industry",)

    def evaluate(self, facts: Mapping[str, Any], index: int = 0) -> RuleOutcome:
        blank = {
            k: None
            for k in ("industry", "industry_code")
            if isinstance(facts.get(k), str) and not facts[k].strip()
        }
        return super().evaluate({**facts, **blank} if blank else facts, index)  # an empty text says nothing

    def requirement(self) -> str:
        excluded = [industries.label(code) for code in self.codes] + list(self.industries)
        return f"不属于限制行业（{'、'.join(excluded)}）"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        text = facts.get("industry")
        text = text.strip() if isinstance(text, str) else ""
        if self.codes:
            code = facts["industry_code"].strip()
            said = industries.label(code) if industries.get_industry(code) else code
            hit = industries.is_within(code, self.codes)
            if hit is not None:
                return (
                    False,
                    code,
                    f"您的行业「{said}」属于本产品限制的行业（{industries.label(hit)}），暂不能申请。",
                )
        hits = [term for term in self.industries if text and term in text]
        if hits:
            return (
                False,
                text,
                f"您所在的行业「{text}」属于本产品限制的行业（{'、'.join(hits)}），暂不能申请。",
            )
        if self.codes:
            return True, code, f"您的行业「{said}」不在本产品的限制行业内。"
        return True, text, f"您所在的行业「{text}」不在本产品的限制行业内。"


@dataclass(frozen=True, kw_only=True)
class CustomerTypes(Rule):
    TYPE = "customer_types"
    LABEL = "客户类型"
    FIELDS = (_Field("types", "customer_types", "适用客户类型"),)
    NEEDS = ("customer_type",)

    types: tuple[str, ...]

    def requirement(self) -> str:
        return f"客户类型为{_labels(CUSTOMER_TYPES, self.types)}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        kind = facts["customer_type"]
        said = _labels(CUSTOMER_TYPES, [kind])
        accepted = _labels(CUSTOMER_TYPES, self.types)
        if kind in self.types:
            return True, kind, f"本产品面向{accepted}客户，您是{said}客户，符合要求。"
        return False, kind, f"本产品面向{accepted}客户，您是{said}客户。"


@dataclass(frozen=True, kw_only=True)
class Purposes(Rule):
    TYPE = "purposes"
    LABEL = "贷款用途"
    FIELDS = (_Field("purposes", "purposes", "可用于"),)
    NEEDS = ("purpose",)

    purposes: tuple[str, ...]

    def requirement(self) -> str:
        return f"用途为{_labels(PURPOSES, self.purposes)}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        purpose = facts["purpose"]
        said = _labels(PURPOSES, [purpose])
        if purpose in self.purposes:
            return True, purpose, f"本产品可用于{said}。"
        return False, purpose, f"本产品只能用于{_labels(PURPOSES, self.purposes)}，您的用途是{said}。"


@dataclass(frozen=True, kw_only=True)
class AmountRange(Rule):
    TYPE = "amount_range"
    LABEL = "金额范围"
    FIELDS = (_Field("min", "money", "最低金额"), _Field("max", "money", "最高金额"))
    NEEDS = ("requested_amount",)
    LEVERS = frozenset({Lever.AMOUNT})

    min: Decimal
    max: Decimal

    def check(self, index: int | None) -> None:
        if self.max <= 0:
            raise _error("rule_value_out_of_range", self.TYPE, index, "max", "最高金额必须大于零。")
        _check_range(self.min, self.max, self.TYPE, index)

    def requirement(self) -> str:
        return f"金额 {format_yuan(self.min)}–{format_yuan(self.max)} 元"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        amount = facts["requested_amount"]
        if self.min <= amount <= self.max:
            return (
                True,
                amount,
                f"申请金额 {format_yuan(amount)} 元，"
                f"在本产品 {format_yuan(self.min)}–{format_yuan(self.max)} 元的范围内。",
            )
        return (
            False,
            amount,
            f"申请金额 {format_yuan(amount)} 元，"
            f"本产品金额范围为 {format_yuan(self.min)}–{format_yuan(self.max)} 元。",
        )


@dataclass(frozen=True, kw_only=True)
class TermRange(Rule):
    TYPE = "term_range"
    LABEL = "期限范围"
    FIELDS = (_Field("min", "int", "最短期限（月）"), _Field("max", "int", "最长期限（月）"))
    NEEDS = ("term_months",)
    LEVERS = frozenset({Lever.TERM})

    min: int
    max: int

    def check(self, index: int | None) -> None:
        if self.min < 1:
            raise _error("rule_value_out_of_range", self.TYPE, index, "min", "最短期限至少 1 个月。")
        _check_range(self.min, self.max, self.TYPE, index)

    def requirement(self) -> str:
        return f"期限 {self.min}–{self.max} 个月"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        term = facts["term_months"]
        if self.min <= term <= self.max:
            return True, term, f"期限 {term} 个月，在本产品 {self.min}–{self.max} 个月的范围内。"
        return False, term, f"期限 {term} 个月，本产品期限为 {self.min}–{self.max} 个月。"


@dataclass(frozen=True, kw_only=True)
class GuarantorRequired(Rule):
    TYPE = "guarantor_required"
    LABEL = "需保证担保"
    NEEDS = ("has_guarantor",)
    LEVERS = frozenset({Lever.GUARANTOR})

    def requirement(self) -> str:
        return "提供符合条件的保证人或担保公司担保"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        if facts["has_guarantor"]:
            return True, True, "您已提供保证人，符合本产品的担保要求。"
        return False, False, "本产品需要符合条件的保证人或融资担保公司提供连带责任保证，您目前没有。"


@dataclass(frozen=True, kw_only=True)
class TaxCreditGrades(Rule):
    """纳税信用等级 among the product's (税贷 / 银税互动 products lend on the tax record: usually A and B,
    some M — 国家税务总局《纳税信用管理办法（试行）》)."""

    TYPE = "tax_credit_grades"
    LABEL = "纳税信用等级"
    FIELDS = (_Field("grades", "tax_credit_grades", "可接受的纳税信用等级"),)
    NEEDS = ("tax_credit_grade",)

    grades: tuple[str, ...]

    def requirement(self) -> str:
        return f"纳税信用等级为{_labels(TAX_CREDIT_GRADES, self.grades)}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        grade = facts["tax_credit_grade"]
        said = _labels(TAX_CREDIT_GRADES, [grade])
        accepted = _labels(TAX_CREDIT_GRADES, self.grades)
        if grade in self.grades:
            return True, grade, f"您的纳税信用等级为 {said}，属于本产品接受的等级（{accepted}）。"
        return False, grade, f"您的纳税信用等级为 {said}，本产品只接受{accepted}。"


@dataclass(frozen=True, kw_only=True)
class SizeClasses(Rule):
    """企业规模 among the product's (小微 products: small and micro), the class computed by
    ``customers.size_class`` under 工信部联企业〔2011〕300号《中小企业划型标准规定》 (个体工商户 by the same
    standard)."""

    TYPE = "size_classes"
    LABEL = "企业规模"
    FIELDS = (_Field("classes", "size_classes", "适用的企业规模"),)
    NEEDS = ("size_class",)

    classes: tuple[str, ...]

    def requirement(self) -> str:
        return f"企业规模为{_labels(SIZE_CLASSES, self.classes)}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        size = facts["size_class"]
        said = _labels(SIZE_CLASSES, [size])
        accepted = _labels(SIZE_CLASSES, self.classes)
        if size in self.classes:
            return True, size, f"按《中小企业划型标准规定》，您属于{said}，符合本产品面向{accepted}的要求。"
        return False, size, f"按《中小企业划型标准规定》，您属于{said}，本产品只面向{accepted}。"


@dataclass(frozen=True, kw_only=True)
class PayrollWithBankRequired(Rule):
    """The customer's salary is paid through this bank (代发工资)."""

    TYPE = "payroll_with_bank_required"
    LABEL = "本行代发工资"
    NEEDS = ("payroll_with_bank",)

    def requirement(self) -> str:
        return "在本行代发工资"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        if facts["payroll_with_bank"]:
            return True, True, "您的工资由本行代发，符合本产品要求。"
        return False, False, "本产品面向工资由本行代发的客户，您的工资目前不在本行代发。"


@dataclass(frozen=True, kw_only=True)
class ProvidentFund(Rule):
    """住房公积金: continuous contributions for at least ``min_months`` and, when set, a monthly
    contribution base of at least ``min_base``."""

    TYPE = "provident_fund"
    LABEL = "公积金缴存"
    FIELDS = (
        _Field("min_months", "int", "最少连续缴存月数"),
        _Field("min_base", "money", "最低缴存基数（元/月）", optional=True),
    )
    NEEDS = ("provident_fund_months",)

    min_months: int
    min_base: Decimal | None = None

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return self.NEEDS if self.min_base is None else (*self.NEEDS, "provident_fund_base")

    def requirement(self) -> str:
        base = "" if self.min_base is None else f"、缴存基数不低于 {format_yuan(self.min_base)} 元"
        return f"公积金连续缴存不少于 {self.min_months} 个月{base}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        months = facts["provident_fund_months"]
        base = facts.get("provident_fund_base") if self.min_base is not None else None
        said = f"您已连续缴存公积金 {months} 个月"
        if base is not None:
            said += f"、缴存基数 {format_yuan(base)} 元"
        short = []
        if months < self.min_months:
            short.append(f"连续缴存不少于 {self.min_months} 个月")
        if self.min_base is not None and base is not None and base < self.min_base:
            short.append(f"缴存基数不低于 {format_yuan(self.min_base)} 元")
        if short:
            return False, months, f"{said}，本产品要求{'、'.join(short)}。"
        return True, months, f"{said}，符合本产品“{self.requirement()}”的要求。"


@dataclass(frozen=True, kw_only=True)
class HomePurchaseOrderRule(Rule):
    """首套/二套: which homes the product finances (``orders``) and, per order, the largest loan-to-value
    (``max_ltv``: {"first": "0.80", "second": "0.70"} — 1 − the minimum down payment). RULES.md sets no
    national floor, so the caps are the product's own policy and its ``source`` says so. The LTV is taken
    as in ``max_ltv``: on the value less the liens ranking ahead."""

    TYPE = "home_purchase_order"
    LABEL = "首套/二套"
    FIELDS = (
        _Field("orders", "home_purchase_orders", "可贷款的住房套数"),
        _Field("max_ltv", "order_ltv_map", "分首套/二套的最高贷款成数", optional=True),
    )
    NEEDS = ("home_purchase_order",)
    LEVERS = frozenset({Lever.AMOUNT})

    orders: tuple[str, ...]
    max_ltv: tuple[tuple[str, Decimal], ...] = ()

    def check(self, index: int | None) -> None:
        stray = [k for k, _v in self.max_ltv if k not in self.orders]
        if stray:
            raise _error(
                "rule_choice_unknown",
                self.TYPE,
                index,
                "max_ltv",
                f"{_labels(HOME_PURCHASE_ORDERS, stray)}不在本产品可贷款的住房套数内。",
            )

    def limit_for(self, order: object) -> Decimal | None:
        return dict(self.max_ltv).get(order) if isinstance(order, str) else None

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        if self.limit_for(facts.get("home_purchase_order")) is not None:
            return (*self.NEEDS, "requested_amount", "collateral_value")
        return self.NEEDS

    def requirement(self) -> str:
        text = f"购买{_labels(HOME_PURCHASE_ORDERS, self.orders)}住房"
        if self.max_ltv:
            caps = "，".join(
                f"{_labels(HOME_PURCHASE_ORDERS, [k])}贷款成数不超过 {format_rate(v)}（首付不低于 "
                f"{format_rate(1 - v)}）"
                for k, v in self.max_ltv
            )
            text += f"；{caps}"
        return text

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        order = facts["home_purchase_order"]
        said = _labels(HOME_PURCHASE_ORDERS, [order])
        if order not in self.orders:
            return (
                False,
                order,
                f"本产品只用于购买{_labels(HOME_PURCHASE_ORDERS, self.orders)}住房，您此次购买的是{said}。",
            )
        limit = self.limit_for(order)
        if limit is None:
            return True, order, f"您此次购买的是{said}住房，属于本产品的贷款范围。"
        amount, value = facts["requested_amount"], facts["collateral_value"]
        liens = facts.get("collateral_prior_liens")
        ratio = loan_to_value(amount, value, liens) if value > 0 else None
        if ratio is None:
            return False, None, f"购买{said}住房，房屋价值不足以计算贷款成数。"
        head = f"购买{said}住房，贷款 {format_yuan(amount)} 元，房屋价值 {format_yuan(value)} 元"
        if liens:
            head += f"（减已有抵押余额 {format_yuan(liens)} 元）"
        head += f"，贷款成数 {format_rate(ratio)}"
        if amount <= limit * (value - (liens or ZERO)):
            return True, order, f"{head}，在本产品{said} {format_rate(limit)} 的上限以内。"
        return (
            False,
            order,
            f"{head}，本产品{said}要求不超过 {format_rate(limit)}（首付不低于 {format_rate(1 - limit)}）。",
        )


_FACT_LEVERS: dict[str, frozenset[Lever]] = {
    "requested_amount": frozenset({Lever.AMOUNT}),
    "new_monthly_payment": frozenset({Lever.AMOUNT, Lever.TERM}),
    "debt_to_income_after": frozenset({Lever.AMOUNT, Lever.TERM, Lever.CO_BORROWER}),
    "loan_to_value": frozenset({Lever.AMOUNT, Lever.COLLATERAL}),
    "collateral_value": frozenset({Lever.COLLATERAL}),
    "collateral_type": frozenset({Lever.COLLATERAL}),
    "term_months": frozenset({Lever.TERM}),
    "has_guarantor": frozenset({Lever.GUARANTOR}),
    "has_co_borrower": frozenset({Lever.CO_BORROWER}),
    "co_borrower_monthly_income": frozenset({Lever.CO_BORROWER}),
}


@dataclass(frozen=True, kw_only=True)
class Compare(Rule):
    """A generic comparison of one registered fact with a value: ``{"type": "compare", "fact":
    "provident_fund_months", "op": ">=", "value": 12}``. Ordering operators only on money, ratio and
    integer facts; yes/no, choice, grade and text facts take == and != only."""

    TYPE = "compare"
    LABEL = "要素比较"
    FIELDS = (
        _Field("fact", "fact", "客户要素"),
        _Field("op", "op", "比较符"),
        _Field("value", "value", "比较值"),
    )

    fact: str
    op: str
    value: object

    @classmethod
    def build(cls, values: dict[str, Any], index: int | None) -> Rule:
        fact = FACTS[values["fact"]]
        raw = values["value"]
        if fact.type in ORDERED_TYPES and fact.type != FactType.INT:
            number = _decimal(raw)
            if number is None:
                raise _error(
                    "rule_field_type",
                    cls.TYPE,
                    index,
                    "value",
                    f"「{fact.label}」的比较值应为十进制数字符串。",
                )
            values["value"] = number
        else:
            try:
                check_fact(fact.key, raw)
            except DomainError as exc:
                raise _error("rule_field_type", cls.TYPE, index, "value", exc.message) from exc
        if fact.type not in ORDERED_TYPES and values["op"] not in ("==", "!="):
            raise _error(
                "rule_operator_not_applicable",
                cls.TYPE,
                index,
                "op",
                f"「{fact.label}」只能用 == 或 != 比较（收到 {values['op']}）。",
            )
        return super().build(values, index)

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return (self.fact,)

    def levers(self) -> frozenset[Lever]:
        return _FACT_LEVERS.get(self.fact, frozenset())

    def requirement(self) -> str:
        label = FACTS[self.fact].label
        return f"{label}{OPERATORS[self.op]} {format_value(self.fact, self.value)}"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        actual = facts[self.fact]
        target: Any = self.value
        passed = {
            ">=": lambda: actual >= target,
            "<=": lambda: actual <= target,
            ">": lambda: actual > target,
            "<": lambda: actual < target,
            "==": lambda: actual == target,
            "!=": lambda: actual != target,
        }[self.op]()
        label = FACTS[self.fact].label
        said = f"您的{label}为 {format_value(self.fact, actual)}"
        if passed:
            return True, actual, f"{said}，符合本产品“{self.requirement()}”的要求。"
        return False, actual, f"{said}，本产品要求{OPERATORS[self.op]} {format_value(self.fact, target)}。"


RULE_TYPES: dict[str, type[Rule]] = {
    cls.TYPE: cls
    for cls in (
        AgeRange,
        MaxAgeAtMaturity,
        MinIncome,
        MaxDti,
        NoCurrentOverdue,
        MaxWorstOverdueDays,
        MaxInquiries6m,
        OverduePattern24m,
        MinGrade,
        CollateralRequired,
        MaxLtv,
        ExcludedIndustries,
        CustomerTypes,
        Purposes,
        AmountRange,
        TermRange,
        GuarantorRequired,
        TaxCreditGrades,
        SizeClasses,
        PayrollWithBankRequired,
        ProvidentFund,
        HomePurchaseOrderRule,
        Compare,
    )
}


# --- parsing and evaluation ----------------------------------------------------------------------------


def parse_rule(data: object, index: int | None = None) -> Rule:
    """One rule from its JSON object (see the module docstring for every refusal)."""
    if not isinstance(data, Mapping):
        raise RuleDefinitionError(
            "rule_not_object",
            f"第 {(index or 0) + 1} 条准入规则必须是对象（收到 {type(data).__name__}）。",
            {"index": index, "field": "", "type": ""},
        )
    rule_type = data.get("type")
    cls = RULE_TYPES.get(rule_type) if isinstance(rule_type, str) else None
    if cls is None:
        raise _error(
            "rule_type_unknown",
            str(rule_type),
            index,
            "type",
            f"未知的规则类型 {rule_type!r}；可选：{'、'.join(RULE_TYPES)}。",
        )
    allowed = {spec.name for spec in cls.FIELDS} | {"type", "source"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _error(
            "rule_field_unknown", cls.TYPE, index, unknown[0], f"该规则类型没有字段 {unknown[0]!r}。"
        )
    values: dict[str, Any] = {}
    for spec in cls.FIELDS:
        raw = data.get(spec.name)
        if raw is None:
            if spec.optional:
                continue
            raise _error("rule_field_missing", cls.TYPE, index, spec.name, f"缺少「{spec.label}」。")
        values[spec.name] = _parse_value(spec, raw, cls.TYPE, index)
    source = data.get("source", "")
    if not isinstance(source, str):
        raise _error("rule_field_type", cls.TYPE, index, "source", "来源说明应为文字。")
    values["source"] = source.strip()
    return cls.build(values, index)


def validate_rules(data: object, *, saving: bool = False) -> tuple[Rule, ...]:
    """A list of rule objects → rules; refuses what ``parse_rule`` refuses and two rules of one type, and,
    when a product is being ``saving`` (not a stored version read back), what is retired
    (``Rule.check_saving``)."""
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise RuleDefinitionError("rules_not_list", "准入规则必须是列表。", {"index": None, "field": "rules"})
    rules = tuple(parse_rule(item, index) for index, item in enumerate(data))
    if saving:
        for index, rule in enumerate(rules):
            rule.check_saving(index)
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.TYPE == Compare.TYPE:
            continue
        if rule.TYPE in seen:
            raise _error(
                "rule_duplicate",
                rule.TYPE,
                index,
                "type",
                f"与第 {seen[rule.TYPE] + 1} 条规则类型相同，请合并为一条。",
            )
        seen[rule.TYPE] = index
    return rules


def obligation_floor_months(rules: Iterable[Rule]) -> int:
    """The floor (months) for counting a 先息后本 / 一次性还本付息 / 随借随还 loan in DTI: the product's
    ``max_dti`` rule's ``floor_months`` when it sets one, else RULES.md's default (12)."""
    for rule in rules:
        if isinstance(rule, MaxDti) and rule.floor_months is not None:
            return rule.floor_months
    return DEFAULT_FLOOR_MONTHS


def rules_to_dicts(rules: Iterable[Rule]) -> list[dict[str, object]]:
    return [rule.to_dict() for rule in rules]


def evaluate(rules: Sequence[Rule], facts: Mapping[str, Any], *, check: bool = True) -> Evaluation:
    """Every rule against ``facts`` (keys of ``facts.FACTS``; absent or None = missing). ``check``
    refuses unknown keys and wrongly typed values first (``FactError``); matching, which builds the facts
    itself, skips it in its search loops."""
    if check:
        for key, value in facts.items():
            check_fact(key, value)
    return Evaluation(tuple(rule.evaluate(facts, index) for index, rule in enumerate(rules)))


__all__ = [
    "RULE_TYPES",
    "Evaluation",
    "Lever",
    "Rule",
    "RuleDefinitionError",
    "RuleOutcome",
    "Status",
    "evaluate",
    "loan_to_value",
    "parse_rule",
    "rules_to_dicts",
    "validate_rules",
]
