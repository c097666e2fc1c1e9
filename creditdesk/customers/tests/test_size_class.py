"""Size class by 《中小企业划型标准规定》(工信部联企业〔2011〕300号): worked firms, every bound exactly at
and just below its threshold, the industries covered, and the reasons when no class can be given.

Pure tests: no database, no Django settings needed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.customers.industries import INDUSTRIES, get_industry
from creditdesk.customers.size_class import (
    RULES,
    SizeClass,
    classify,
    rule_for,
    unclassified_reason,
)

WAN = Decimal(10000)
NOT_LISTED = "不在《中小企业划型标准规定》（工信部联企业〔2011〕300号）所列行业内"


def size(
    code: str, employees: int | None = None, revenue_wan: str | None = None, assets_wan: str | None = None
):
    result = classify(
        code,
        employees=employees,
        annual_revenue=None if revenue_wan is None else Decimal(revenue_wan) * WAN,
        total_assets=None if assets_wan is None else Decimal(assets_wan) * WAN,
    )
    return result.size_class if result else None


def test_size_class_enum():
    assert SizeClass.pairs() == (("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型"))


def test_the_restaurant_with_8_employees_is_micro():
    result = classify("H6210", employees=8, annual_revenue=Decimal("1200000"))
    assert result is not None
    assert result.size_class is SizeClass.MICRO
    assert result.rule.name == "餐饮业"
    assert (
        result.reason
        == "餐饮业：从业人员 8 人、营业收入 120.00 万元 → 微型（从业人员 10 人以下或营业收入 100 万元以下）"
    )


def test_the_restaurant_with_15_employees_and_3_million_is_small():
    result = classify("H6210", employees=15, annual_revenue=Decimal("3000000"))
    assert result is not None
    assert result.size_class is SizeClass.SMALL
    assert result.reason == (
        "餐饮业：从业人员 15 人、营业收入 300.00 万元 → 小型（从业人员 10 人及以上且营业收入 100 万元及以上）"
    )


def test_an_industrial_firm_with_350_employees_and_50_million_is_medium():
    result = classify("C3216", employees=350, annual_revenue=Decimal("50000000"))
    assert result is not None
    assert result.size_class is SizeClass.MEDIUM
    assert result.reason == (
        "工业：从业人员 350 人、营业收入 5,000.00 万元 → 中型"
        "（从业人员 300 人及以上且营业收入 2000 万元及以上）"
    )


# Every bound of the 规定, per industry: (code, the lower bounds of 大型/中型/小型 as (people, 万元, 万元)).
# None where the industry does not use that figure.
BOUNDS = [
    ("A0111", [(None, "20000", None), (None, "500", None), (None, "50", None)]),
    ("B0610", [(1000, "40000", None), (300, "2000", None), (20, "300", None)]),
    ("C3216", [(1000, "40000", None), (300, "2000", None), (20, "300", None)]),
    ("D4411", [(1000, "40000", None), (300, "2000", None), (20, "300", None)]),
    ("E4710", [(None, "80000", "80000"), (None, "6000", "5000"), (None, "300", "300")]),
    ("F5111", [(200, "40000", None), (20, "5000", None), (5, "1000", None)]),
    ("F5211", [(300, "20000", None), (50, "500", None), (10, "100", None)]),
    ("G5411", [(1000, "30000", None), (300, "3000", None), (20, "200", None)]),
    ("G5910", [(1000, "30000", None), (300, "3000", None), (20, "200", None)]),  # 装卸搬运: 交通运输业
    ("G5920", [(200, "30000", None), (100, "1000", None), (20, "100", None)]),
    ("G6010", [(1000, "30000", None), (300, "2000", None), (20, "100", None)]),
    ("H6110", [(300, "10000", None), (100, "2000", None), (10, "100", None)]),
    ("H6210", [(300, "10000", None), (100, "2000", None), (10, "100", None)]),
    ("I6311", [(2000, "100000", None), (100, "1000", None), (10, "100", None)]),
    ("I6410", [(2000, "100000", None), (100, "1000", None), (10, "100", None)]),
    ("I6511", [(300, "10000", None), (100, "1000", None), (10, "50", None)]),
    ("K7010", [(None, "200000", "10000"), (None, "1000", "5000"), (None, "100", "2000")]),
    ("K7020", [(1000, "5000", None), (300, "1000", None), (100, "500", None)]),
    ("L7111", [(300, None, "120000"), (100, None, "8000"), (10, None, "100")]),
    ("M7310", [(300, None, None), (100, None, None), (10, None, None)]),
    ("K7030", [(300, None, None), (100, None, None), (10, None, None)]),
    ("Q8511", [(300, None, None), (100, None, None), (10, None, None)]),
    ("R9011", [(300, None, None), (100, None, None), (10, None, None)]),
]
CLASSES = [SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL]
BELOW = {
    SizeClass.LARGE: SizeClass.MEDIUM,
    SizeClass.MEDIUM: SizeClass.SMALL,
    SizeClass.SMALL: SizeClass.MICRO,
}


def _less(value):
    if value is None:
        return None
    if isinstance(value, int):
        return value - 1
    return str(Decimal(value) - Decimal("0.01"))


@pytest.mark.parametrize(("code", "bounds"), BOUNDS)
def test_bounds_are_inclusive_and_one_figure_below_drops_a_class(code, bounds):
    for size_class, (people, revenue, assets) in zip(CLASSES, bounds, strict=True):
        # Exactly at every lower bound ("及以上"): that class.
        assert size(code, people, revenue, assets) is size_class, (code, size_class)
        # One figure just below its bound ("以下"), the others at theirs: one class down.
        if people is not None:
            assert size(code, people - 1, revenue, assets) is BELOW[size_class], (code, size_class, "people")
        if revenue is not None:
            assert size(code, people, _less(revenue), assets) is BELOW[size_class], (
                code,
                size_class,
                "revenue",
            )
        if assets is not None:
            assert size(code, people, revenue, _less(assets)) is BELOW[size_class], (
                code,
                size_class,
                "assets",
            )


def test_zero_is_micro_and_huge_is_large():
    assert size("H6210", 0, "0") is SizeClass.MICRO
    assert size("H6210", 100000, "100000000") is SizeClass.LARGE


def test_many_employees_but_little_revenue_is_classed_by_the_weaker_figure():
    # 工业: 5000 people but 1000 万元 revenue — 中型 needs both 300 people and 2000 万元: 小型.
    assert size("C1311", 5000, "1000") is SizeClass.SMALL
    # 零售业: 9 people and 100 million revenue — 微型 needs only one figure below: 从业人员 10 人以下.
    assert size("F5211", 9, "10000") is SizeClass.MICRO


def test_construction_reason_names_both_figures():
    result = classify(
        "E4710", employees=None, annual_revenue=Decimal("70000000"), total_assets=Decimal("60000000")
    )
    assert result is not None
    assert result.reason == (
        "建筑业：营业收入 7,000.00 万元、资产总额 6,000.00 万元 → 中型"
        "（营业收入 6000 万元及以上且资产总额 5000 万元及以上）"
    )


def test_large_reason():
    result = classify("M7310", employees=300, annual_revenue=None)
    assert result is not None
    assert result.reason == "其他未列明行业：从业人员 300 人 → 大型（从业人员 300 人及以上）"


def test_figures_a_rule_does_not_use_are_ignored():
    assert size("A0111", None, "30") is SizeClass.MICRO
    assert size("A0111", 5000, "30", "999999") is SizeClass.MICRO


def test_missing_figures_give_none_with_the_reason():
    assert classify("H6210", employees=8, annual_revenue=None) is None
    assert unclassified_reason("H6210", employees=8, annual_revenue=None) == "缺少营业收入"
    assert unclassified_reason("H6210", employees=None, annual_revenue=None) == "缺少从业人员、营业收入"
    assert unclassified_reason("E4710", employees=50, annual_revenue=Decimal("1")) == "缺少资产总额"
    assert unclassified_reason("L7211", employees=50, annual_revenue=Decimal("1")) == "缺少资产总额"
    assert unclassified_reason("H6210", employees=8, annual_revenue=Decimal("1200000")) is None


def test_negative_figures_give_none():
    assert classify("H6210", employees=-1, annual_revenue=Decimal("1")) is None
    assert unclassified_reason("H6210", employees=-1, annual_revenue=Decimal("1")) == "从业人员不能为负数"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            "J6635",
            "行业「J6635 小额贷款公司服务」" + NOT_LISTED,
        ),
        (
            "K7040",
            "行业「K7040 房地产租赁经营」" + NOT_LISTED,
        ),
        (
            "G5311",
            "行业「G5311 高速铁路旅客运输」" + NOT_LISTED,
        ),
        (
            "P8310",
            "行业「P8310 学前教育」" + NOT_LISTED,
        ),
        ("K70", "行业「K70 房地产业」下各行业划型标准不同，请选择更细的行业代码"),
        ("G59", "行业「G59 装卸搬运和仓储业」下各行业划型标准不同，请选择更细的行业代码"),
        ("H", "行业「H 住宿和餐饮业」下各行业划型标准不同，请选择更细的行业代码"),
        ("", "缺少行业代码"),
        ("X99", "行业代码「X99」不在国民经济行业分类（GB/T 4754-2017）中，请按名称或拼音搜索选择。"),
    ],
)
def test_industries_without_a_rule(code, reason):
    assert (
        classify(code, employees=50, annual_revenue=Decimal("5000000"), total_assets=Decimal("5000000"))
        is None
    )
    assert (
        unclassified_reason(
            code, employees=50, annual_revenue=Decimal("5000000"), total_assets=Decimal("5000000")
        )
        == reason
    )


def test_codes_typed_loosely_are_read_like_industries_does():
    assert size("6210", 8, "120") is SizeClass.MICRO
    assert size(" h62 ", 8, "120") is SizeClass.MICRO


def test_rules_are_the_16_of_the_regulation_on_real_codes_without_overlap():
    assert [rule.item for rule in RULES] == list(range(1, 17))
    prefixes = [p for rule in RULES for p in rule.prefixes]
    assert all(p in INDUSTRIES for p in prefixes)
    assert len(prefixes) == len(set(prefixes))
    for p in prefixes:
        assert not any(q != p and q.startswith(p) for q in prefixes), p
    for rule in RULES:
        for bounds in rule.bounds:
            assert bounds.large > bounds.medium > bounds.small > 0


def test_every_class_of_the_covered_sections_has_one_rule():
    covered = {"A", "B", "C", "D", "E", "F", "H", "I", "L", "M", "N", "O", "R"}
    for code, industry in INDUSTRIES.items():
        if industry.level == "class" and code[0] in covered:
            assert rule_for(code) is not None, code
    assert rule_for("G5910").name == "交通运输业"
    assert rule_for("G5941").name == "仓储业"
    assert rule_for("Q8511").name == "其他未列明行业"
    assert rule_for("Q8411") is None
    assert get_industry("Q8411") is not None
