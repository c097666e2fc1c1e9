"""The scorecard feature registry (评分卡特征库): every value a scorecard may use, and the one place that
says what each is, where it comes from and how an adverse value is told to the customer.

One vocabulary (issue 14): a feature is an applicant fact CreditDesk already holds or derives at the time
of assessment, under the same key as ``products.facts.FACTS`` — its label, unit and type come from there,
so an admission rule, the matching's what-if and a scorecard name the same thing the same way. Each
feature adds:

- ``kind``: ``numerical`` (money and ratios as ``Decimal``, counts as ``int``) or ``categorical`` (a
  yes/no fact's categories are ``"True"`` / ``"False"``, the text the scorer compares a ``bool`` as; a
  choice fact's are its choice keys), with the categories' Chinese labels;
- ``source``: where the value comes from (客户资料 / 需求与测算 / 征信摘要 / 抵押物) and ``fact``, the
  key it reads;
- ``applies_when``: for a feature that only some applicants have (公积金 for a person, 经营年限 for a
  business, 抵质押率 for a secured loan), the condition on another fact; where it does not hold the
  feature is scored as ``NOT_APPLICABLE`` (the card's Missing band, no reason code);
- how an adverse value is told to the customer, in their terms: for a numerical feature the sentence
  when the value is too high (``too_high``) or too low (``too_low``) against the nearest better band; for
  a categorical one ``adverse`` (or a sentence per category); and ``advice``, what would change it.
  Templates are ``str.format`` strings with ``{value}`` (the customer's value, with its unit), and the
  edge of their band: ``{at_least}`` (the band's lower edge: value ≥ it), ``{more_than}`` (lower edge
  − 1, for a whole-number feature: value > it) and ``{below}`` (the band's upper edge: value < it). The
  words of each template match its edge ("多于 {more_than}", "不足 {below}", "达到或超过 {at_least}").
- ``sensitive``: the feature is read from a value encrypted at rest (RULES.md "Personal information":
  income is sensitive personal information; ``Customer.monthly_income`` and ``Need.monthly_income`` are
  encrypted, shown "已登记" except to whom ``Action.SENSITIVE_UNMASK`` allows). A pre-assessment keeps
  such a value sealed (``Assessment``'s JSON fields are encrypted) and shows it, and any sentence that
  quotes it, in clear only to those people; everyone else reads ``MASKED`` for the value and the
  feature's masked sentence (``too_high_masked`` / ``too_low_masked``: the same sentence without
  ``{value}``, "月收入低于 {below}"), checked at import to exist and to name no value. Ratios computed
  from such values (贷后负债收入比) are not sensitive: like the needs analysis's flags (``products.capacity``)
  they say a ratio, never an amount. The credit-report counts are read from the encrypted 征信 summary but
  follow the credit-report rules (shown through their inquiry), not the unmask rule; they are not marked.

Protected attributes (RULES.md "Personal information": sex, ethnicity, religion and similar are not used
in credit decisions; PIPL art. 24): sex, gender, ethnicity (民族), religion, nationality (国籍, 外籍),
marital status and the German Credit data set's proxies (``personal_status_and_sex``, ``foreign_worker``)
are never features. :func:`feature` refuses them (``feature_protected``) before it looks anything up, an
unknown key is ``feature_unknown``; the registry is checked at import (and by tests) to hold none of them,
by key and by the words of its labels.

Imports no Django (import-linter: "Pure cores import no Django").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from creditdesk.core.enums import CustomerKind, LabelledEnum, gettext_noop
from creditdesk.products.facts import FACTS, CollateralType, FactType, format_value
from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE

Kind = Literal["numerical", "categorical"]


class FeatureError(ScoringError):
    """A feature key is protected (``feature_protected``) or not in the registry (``feature_unknown``)."""


class FeatureSource(LabelledEnum):
    """Where a feature's value comes from, as the pre-assessment form shows it."""

    CUSTOMER = "customer", gettext_noop("客户资料")
    NEED = "need", gettext_noop("需求与测算")
    CREDIT = "credit", gettext_noop("征信摘要")
    COLLATERAL = "collateral", gettext_noop("抵押物")


# --- protected attributes -------------------------------------------------------------------------------

PROTECTED: Final = frozenset(
    {
        "sex",
        "gender",
        "ethnicity",
        "ethnic_group",
        "minzu",
        "nation",
        "nationality",
        "citizenship",
        "religion",
        "religious_belief",
        "race",
        "marital_status",
        "marriage",
        "personal_status_sex",
        "personal_status_and_sex",
        "foreign_worker",
    }
)
"""Keys that are never features: sex, ethnicity, religion, nationality, marital status and the German
Credit proxies of sex and nationality."""

PROTECTED_TOKENS: Final = frozenset(
    {"sex", "gender", "ethnic", "ethnicity", "minzu", "nationality", "citizenship", "religion", "religious"}
    | {"race", "marital", "marriage", "married"}
)
"""A key with one of these words (``applicant_sex``, ``marital_state``) is protected too."""

PROTECTED_WORDS: Final = (
    "性别",
    "婚姻",
    "已婚",
    "未婚",
    "离异",
    "民族",
    "种族",
    "宗教",
    "信仰",
    "国籍",
    "外籍",
)
"""Chinese words that mark a protected attribute in a label or a description."""

_PROTECTED_TEXT = "性别、民族、宗教、国籍、婚姻状况等个人特征"


def is_protected(key: str) -> bool:
    """Whether ``key`` names a protected attribute (exactly, or by one of its words)."""
    normal = key.strip().lower()
    tokens = set(re.split(r"[^a-z0-9]+", normal))
    return normal in PROTECTED or "foreign_worker" in normal or bool(tokens & PROTECTED_TOKENS)


def protected_words(text: str) -> tuple[str, ...]:
    """The protected words in ``text`` (a label or a description)."""
    return tuple(word for word in PROTECTED_WORDS if word in text)


# --- the feature ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    value: str
    label: str


@dataclass(frozen=True)
class Applicability:
    """The feature applies when the fact ``fact`` is one of ``values``; ``text`` says so in Chinese."""

    fact: str
    values: frozenset[str]
    text: str

    def holds(self, facts: Mapping[str, object]) -> bool | None:
        """True or False from ``facts``; None when the fact that decides is itself missing."""
        value = facts.get(self.fact)
        if value is None:
            return None
        return str(value) in self.values


@dataclass(frozen=True)
class Feature:
    """One value a scorecard may use (see the module docstring)."""

    key: str
    label: str
    kind: Kind
    unit: str
    integer: bool
    source: FeatureSource
    fact: str
    advice: str
    categories: tuple[Category, ...] = ()
    too_high: str = ""
    too_low: str = ""
    adverse: str = ""
    adverse_by_category: Mapping[str, str] = field(default_factory=dict)
    applies_when: Applicability | None = None
    description: str = ""
    sensitive: bool = False
    too_high_masked: str = ""
    too_low_masked: str = ""

    @property
    def category_values(self) -> tuple[str, ...]:
        return tuple(category.value for category in self.categories)

    def category_label(self, value: str) -> str:
        return next((c.label for c in self.categories if c.value == value), value)

    def display(self, value: object) -> str:
        """A value of this feature (as a fact, or as the scorer's float or category text) for people:
        "9 次", "52.00%", "500,000.00 元", "有当前逾期"."""
        if self.kind == "categorical":
            return self.category_label(str(value))
        fact = FACTS[self.fact]
        if isinstance(value, float | int) and not isinstance(value, bool):
            if fact.type == FactType.INT and float(value).is_integer():
                value = int(value)
            elif fact.type in (FactType.MONEY, FactType.RATIO):
                value = Decimal(repr(float(value)))
        return format_value(self.fact, value)


def _feature(
    key: str,
    source: FeatureSource,
    *,
    advice: str,
    too_high: str = "",
    too_low: str = "",
    adverse: str = "",
    adverse_by_category: Mapping[str, str] | None = None,
    yes_no: tuple[str, str] | None = None,
    applies_when: Applicability | None = None,
    description: str = "",
    sensitive: bool = False,
    too_high_masked: str = "",
    too_low_masked: str = "",
) -> Feature:
    """A registry entry whose label, unit, type and choices are the fact's (one vocabulary)."""
    fact = FACTS[key]
    if fact.type in (FactType.MONEY, FactType.RATIO, FactType.INT):
        kind: Kind = "numerical"
        categories: tuple[Category, ...] = ()
    elif fact.type == FactType.BOOL and yes_no is not None:
        kind, categories = "categorical", (Category("False", yes_no[1]), Category("True", yes_no[0]))
    elif fact.type == FactType.CHOICE:
        kind, categories = "categorical", tuple(Category(value, label) for value, label in fact.choices)
    else:  # text and grades are no features; a yes/no needs the labels of its two answers
        raise ValueError(f"feature {key!r}: fact type {fact.type} is not a scorecard feature")
    return Feature(
        key=key,
        label=fact.label,
        kind=kind,
        unit=fact.unit,
        integer=fact.type == FactType.INT,
        source=source,
        fact=key,
        advice=advice,
        categories=categories,
        too_high=too_high,
        too_low=too_low,
        adverse=adverse,
        adverse_by_category=dict(adverse_by_category or {}),
        applies_when=applies_when,
        description=description or fact.description,
        sensitive=sensitive,
        too_high_masked=too_high_masked,
        too_low_masked=too_low_masked,
    )


_PERSON = Applicability("customer_type", frozenset({CustomerKind.INDIVIDUAL.value}), "仅适用于个人客户")
_BUSINESS = Applicability(
    "customer_type",
    frozenset({CustomerKind.ENTERPRISE.value, CustomerKind.INDIVIDUAL_BUSINESS.value}),
    "仅适用于企业和个体工商户",
)
_SECURED = Applicability(
    "collateral_type",
    frozenset(c.value for c in CollateralType if c != CollateralType.NONE),
    "仅适用于有抵质押物的贷款",
)
_C, _N, _R, _K = FeatureSource.CUSTOMER, FeatureSource.NEED, FeatureSource.CREDIT, FeatureSource.COLLATERAL
_AGE_ADVICE = "年龄本身无法改变；可考虑增加有稳定收入的共同借款人，或提供抵押、保证等增信措施"

FEATURES: Final[dict[str, Feature]] = {
    feature.key: feature
    for feature in (
        # 客户资料
        _feature(
            "age",
            _C,
            too_high="年龄 {value}，已满 {at_least}",
            too_low="年龄 {value}，未满 {below}",
            advice=_AGE_ADVICE,
            description="个人按身份证出生日期计算；企业和个体工商户为经营者（或法定代表人）的年龄",
        ),
        _feature(
            "business_years",
            _C,
            too_low="经营年限 {value}，不足 {below}",
            advice="保持稳定经营，经营满 {below}后此项评分会提高；也可提供抵押或保证等增信措施",
            applies_when=_BUSINESS,
        ),
        _feature(
            "size_class",
            _C,
            adverse="企业规模为{value}",
            advice="企业规模按从业人员和营业收入认定；可提供抵押、保证等增信措施",
            applies_when=_BUSINESS,
        ),
        _feature(
            "tax_credit_grade",
            _C,
            adverse="纳税信用等级为{value}",
            advice="按时申报纳税、足额缴税，下一年度评定后纳税信用等级可提升",
            applies_when=_BUSINESS,
        ),
        _feature(
            "provident_fund_months",
            _C,
            too_low="公积金连续缴存 {value}，不足 {below}",
            advice="保持公积金连续缴存，满 {below}后此项评分会提高",
            applies_when=_PERSON,
        ),
        _feature(
            "payroll_with_bank",
            _C,
            yes_no=("在本行代发工资", "未在本行代发工资"),
            adverse="工资未在本行代发",
            advice="工资改由本行代发后，本行可据代发记录核实收入",
            applies_when=_PERSON,
        ),
        _feature(
            "owns_property",
            _C,
            yes_no=("名下有房产", "名下无房产"),
            adverse="名下没有登记自有房产",
            advice="如有自有房产，可提供房产证明后重新评估",
        ),
        # 需求与测算
        _feature(
            "monthly_income",
            _N,
            too_low="月收入 {value}，低于 {below}",
            too_low_masked="月收入低于 {below}",
            sensitive=True,
            advice="提供完整的收入证明（工资流水、经营流水、纳税记录等），或增加有收入的共同借款人",
        ),
        _feature(
            "debt_to_income_after",
            _N,
            too_high="本笔贷款后每月还款占月收入的 {value}，达到或超过 {at_least}",
            advice="降低申请金额、延长贷款期限，或先结清部分现有负债后再申请",
            description="（现有月还款 + 本笔贷款按等额本息计的月供）÷ 月收入",
        ),
        _feature(
            "requested_amount",
            _N,
            too_high="申请金额 {value}，达到或超过 {at_least}",
            advice="降低申请金额，或提供抵押、保证等增信措施",
        ),
        _feature(
            "term_months",
            _N,
            too_high="贷款期限 {value}，超过 {more_than}",
            too_low="贷款期限 {value}，短于 {below}",
            advice="选择与资金用途和还款来源相匹配的期限",
        ),
        _feature(
            "purpose",
            _N,
            adverse="贷款用途为{value}",
            advice="如实说明资金用途，并提供用途证明（购销合同、发票等）",
        ),
        _feature(
            "has_guarantor",
            _N,
            yes_no=("有保证人", "无保证人"),
            adverse="本笔贷款没有保证人",
            advice="可提供符合条件的保证人",
        ),
        _feature(
            "has_co_borrower",
            _N,
            yes_no=("有共同借款人", "无共同借款人"),
            adverse="本笔贷款没有共同借款人",
            advice="可增加有稳定收入的共同借款人",
        ),
        # 征信摘要
        _feature(
            "current_overdue",
            _R,
            yes_no=("有当前逾期", "无当前逾期"),
            adverse_by_category={"True": "征信报告显示目前有逾期未还"},
            advice="先结清当前逾期的欠款，结清后再申请",
        ),
        _feature(
            "overdue_months_consecutive_24m",
            _R,
            too_high="近 24 个月征信中最长连续逾期 {value}",
            advice="此后每月按时还款；近 24 个月内的逾期期数减少后，此项评分会提高",
        ),
        _feature(
            "overdue_months_cumulative_24m",
            _R,
            too_high="近 24 个月征信中累计逾期 {value}",
            advice="此后每月按时还款；近 24 个月内的逾期期数减少后，此项评分会提高",
        ),
        _feature(
            "worst_overdue_days_24m",
            _R,
            too_high="近 24 个月最长一次逾期 {value}",
            advice="此后每月按时还款，避免再次逾期",
        ),
        _feature(
            "inquiries_6m",
            _R,
            too_high="近 6 个月征信查询 {value}，多于 {more_than}",
            advice="减少新的贷款申请和征信查询，6 个月后再申请",
        ),
        _feature(
            "credit_line_usage",
            _R,
            too_high="信用卡及循环额度已用 {value}，达到或超过 {at_least}",
            advice="按时足额还款、降低信用卡和循环额度的使用后再申请",
        ),
        # 抵押物
        _feature(
            "collateral_type",
            _K,
            adverse="抵质押物为{value}",
            adverse_by_category={CollateralType.NONE.value: "本笔贷款没有抵质押物"},
            advice="可提供住房、存单等变现能力强的抵质押物",
        ),
        _feature(
            "loan_to_value",
            _K,
            too_high="贷款金额占抵押物可用价值的 {value}，达到或超过 {at_least}",
            advice="降低申请金额，或追加抵质押物",
            applies_when=_SECURED,
        ),
    )
}
"""The registry, in the order a form asks (customer, need, credit report, collateral)."""


MASKED: Final = "已登记"
"""What a sensitive value reads as for a person who may not see it (``customers.sensitive.mask_amount``)."""

SENSITIVE: Final = frozenset(key for key, item in FEATURES.items() if item.sensitive)
"""The keys of the sensitive features."""


def _check_registry(features: Iterable[Feature]) -> None:
    """A protected attribute in the registry, or a template naming an edge its feature cannot have, is
    a bug in this module: it fails the import."""
    for item in features:
        texts = (item.label, item.description, *(c.label for c in item.categories))
        if is_protected(item.key) or any(protected_words(text) for text in texts):
            raise ValueError(f"feature registry: {item.key!r} is a protected attribute")
        if not item.integer and "{more_than}" in item.too_high:
            raise ValueError(f"feature registry: {item.key!r} is not whole-numbered: no {{more_than}}")
        if item.sensitive:
            _check_masked(item)


def _check_masked(item: Feature) -> None:
    """A sensitive feature is numerical, has a masked sentence for each sentence it has, and no masked
    sentence (nor its advice) names the value."""
    if item.kind != "numerical":
        raise ValueError(f"feature registry: sensitive {item.key!r} must be numerical (masked sentences)")
    for clear, masked in ((item.too_high, item.too_high_masked), (item.too_low, item.too_low_masked)):
        if bool(clear) != bool(masked):
            raise ValueError(f"feature registry: sensitive {item.key!r} needs a masked sentence for each")
        if "{value}" in masked or "{value}" in item.advice:
            raise ValueError(f"feature registry: {item.key!r}: a masked sentence names no {{value}}")


_check_registry(FEATURES.values())


def feature(key: str) -> Feature:
    """The feature ``key``; refused when it is protected (``feature_protected``) or unknown
    (``feature_unknown``), ``extra["feature"]`` naming it."""
    shown = str(key)[:60]
    if isinstance(key, str) and is_protected(key):
        raise FeatureError(
            "feature_protected",
            f"「{shown}」属于{_PROTECTED_TEXT}，依法不得用于信用评分和授信决策。",
            {"feature": shown},
        )
    found = FEATURES.get(key) if isinstance(key, str) else None
    if found is None:
        raise FeatureError(
            "feature_unknown",
            f"评分卡特征库中没有「{shown}」；评分卡只能使用特征库中的客户要素。",
            {"feature": shown},
        )
    return found


# --- pre-filling an applicant from the facts CreditDesk holds --------------------------------------------

Status = Literal["known", "not_applicable", "ask"]


@dataclass(frozen=True)
class Prefilled:
    """One feature of a card for one applicant: its value and where it came from, or that it does not
    apply, or that it must be asked."""

    key: str
    label: str
    value: object
    status: Status
    source: FeatureSource
    note: str = ""

    @property
    def source_label(self) -> str:
        return self.source.label


def prefill(keys: Iterable[str], facts: Mapping[str, object]) -> tuple[Prefilled, ...]:
    """Each feature of ``keys`` filled from ``facts`` (``products.customer_facts.facts_for``, with the
    computed facts of the product at hand): known, not applicable (its condition fails), or to ask."""
    filled = []
    for key in keys:
        item = feature(key)
        value = facts.get(item.fact)
        if value is not None:
            filled.append(Prefilled(key, item.label, value, "known", item.source))
        elif item.applies_when is not None and item.applies_when.holds(facts) is False:
            note = item.applies_when.text
            filled.append(Prefilled(key, item.label, NOT_APPLICABLE, "not_applicable", item.source, note))
        else:
            filled.append(Prefilled(key, item.label, None, "ask", item.source))
    return tuple(filled)


def applicant_values(
    keys: Iterable[str], facts: Mapping[str, object], answers: Mapping[str, object] | None = None
) -> dict[str, object]:
    """What :meth:`Scorecard.score` takes for a card on ``keys``: the known facts, ``NOT_APPLICABLE``
    where a feature does not apply, and ``answers`` (typed by the CM) for the rest — an answer wins over
    a fact. A feature with neither is left out: the scorer refuses it (``missing_value``), naming it."""
    values: dict[str, object] = {}
    for item in prefill(keys, facts):
        if answers is not None and answers.get(item.key) is not None:
            values[item.key] = answers[item.key]
        elif item.status != "ask":
            values[item.key] = item.value
    return values
