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
rule_choice_unknown       a customer type, purpose or collateral type that does not exist
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
true; no income at all fails. Loan-to-value (``max_ltv``): requested amount ÷ collateral value, against
the limit for the collateral's type (``by_type``) or the general ``max``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_rate, format_yuan, is_fen_amount, parse_decimal
from creditdesk.finance.obligation import DEFAULT_FLOOR_MONTHS
from creditdesk.products.facts import (
    COLLATERAL_TYPES,
    CUSTOMER_TYPES,
    FACTS,
    GRADES,
    PURPOSES,
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
    kind: str  # int | money | ratio | grade | customer_types | purposes | collateral_types | texts | fact
    #            | op | value | ltv_map
    label: str
    optional: bool = False


_CHOICES = {
    "customer_types": CUSTOMER_TYPES,
    "purposes": PURPOSES,
    "collateral_types": tuple(c for c in COLLATERAL_TYPES if c[0] != "none"),
}
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
    if kind in _CHOICES or kind == "texts":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad("rule_field_type", "应为非空文字组成的列表。")
        if not value:
            raise bad("rule_list_empty", "列表不能为空。")
        items = tuple(dict.fromkeys(v.strip() for v in value))  # order kept, duplicates dropped
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
    if kind == "ltv_map":
        if not isinstance(value, Mapping):
            raise bad("rule_field_type", "应为「抵质押物类型 → 最高抵质押率」的对象。")
        allowed = dict(_CHOICES["collateral_types"])
        result = []
        for key, ratio in value.items():
            if key not in allowed:
                raise bad("rule_choice_unknown", f"未知的抵质押物类型 {key!r}。")
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
    if kind == "ltv_map" and isinstance(value, tuple):
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

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return self.NEEDS

    def levers(self) -> frozenset[Lever]:
        """What a customer could change to pass this rule (empty: nothing — the rule blocks)."""
        return self.LEVERS

    def requirement(self) -> str:
        raise NotImplementedError

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    def evaluate(self, facts: Mapping[str, Any], index: int = 0) -> RuleOutcome:
        missing = tuple(key for key in self.needs(facts) if facts.get(key) is None)
        requirement = self.requirement()
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
        income = facts["monthly_income"]
        if income >= self.amount:
            return (
                True,
                income,
                f"您的月收入 {format_yuan(income)} 元，"
                f"满足本产品不低于 {format_yuan(self.amount)} 元的要求。",
            )
        return (
            False,
            income,
            f"您的月收入 {format_yuan(income)} 元，本产品要求不低于 {format_yuan(self.amount)} 元。",
        )


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
        said = (
            f"加上本笔月供 {format_yuan(new)} 元，您每月还款合计 {format_yuan(total)} 元，"
            f"占{whose} {format_yuan(income)} 元的 "
            f"{format_rate(ratio)}"
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


_NAMES: dict[int, dict[str, str]] = {id(c): dict(c) for c in (COLLATERAL_TYPES, CUSTOMER_TYPES, PURPOSES)}


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


@dataclass(frozen=True, kw_only=True)
class MaxLtv(Rule):
    """requested amount ≤ limit × collateral value, exactly; the limit is ``by_type``'s for the
    collateral's type, else ``max``. No collateral ("none") or a value of zero fails."""

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
        limit = self.limit_for(kind)
        name = _labels(COLLATERAL_TYPES, [kind])
        if value <= 0:
            return False, None, f"{name}的评估价值为零，无法计算抵质押率。"
        ratio = amount / value
        said = (
            f"贷款 {format_yuan(amount)} 元、{name}评估价值 {format_yuan(value)} 元，"
            f"抵质押率 {format_rate(ratio)}"
        )
        if amount <= limit * value:
            return True, ratio, f"{said}，在本产品 {format_rate(limit)} 的上限以内。"
        return False, ratio, f"{said}，本产品（{name}）要求不超过 {format_rate(limit)}。"


@dataclass(frozen=True, kw_only=True)
class ExcludedIndustries(Rule):
    """Fails when any excluded term occurs in the customer's industry text ("房地产" excludes
    "房地产开发"): the customer record keeps the industry as free text."""

    TYPE = "excluded_industries"
    LABEL = "限制行业"
    FIELDS = (_Field("industries", "texts", "限制行业"),)
    NEEDS = ("industry",)

    industries: tuple[str, ...]

    def needs(self, facts: Mapping[str, object]) -> tuple[str, ...]:
        return ("industry",)

    def evaluate(self, facts: Mapping[str, Any], index: int = 0) -> RuleOutcome:
        industry = facts.get("industry")
        if isinstance(industry, str) and not industry.strip():  # an empty text says nothing
            facts = {**facts, "industry": None}
        return super().evaluate(facts, index)

    def requirement(self) -> str:
        return f"不属于限制行业（{'、'.join(self.industries)}）"

    def judge(self, facts: Mapping[str, Any]) -> Verdict:
        industry = facts["industry"].strip()
        hits = [term for term in self.industries if term in industry]
        if hits:
            return (
                False,
                industry,
                f"您所在的行业「{industry}」属于本产品限制的行业（{'、'.join(hits)}），暂不能申请。",
            )
        return True, industry, f"您所在的行业「{industry}」不在本产品的限制行业内。"


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


def validate_rules(data: object) -> tuple[Rule, ...]:
    """A list of rule objects → rules; refuses what ``parse_rule`` refuses and two rules of one type."""
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise RuleDefinitionError("rules_not_list", "准入规则必须是列表。", {"index": None, "field": "rules"})
    rules = tuple(parse_rule(item, index) for index, item in enumerate(data))
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
    "parse_rule",
    "rules_to_dicts",
    "validate_rules",
]
