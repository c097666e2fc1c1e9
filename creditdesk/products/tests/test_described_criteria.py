"""Every criterion a product's description mentions is a rule the matcher checks, or the description does
not mention it (issue 13, "Limits every product obeys"). For each seeded product, the criterion words of
its description (代发工资, 纳税, 公积金, 抵押, 质押, 担保, 首套, 首付, 小微, 经营满 N 年 …) are mapped to what
must be in the product: an admission rule of a type, a product element (collateral, guarantee, customer
types, purposes) or, for 首套/二套 rates, the 公积金 rate table. A description that promises what no rule
checks fails here with the words it used."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from creditdesk.products.catalogue import SEED_CATALOGUE, ProductSpec
from creditdesk.products.rules import Compare, Rule
from creditdesk.products.tests.conftest import spec_data


def _rules(spec: ProductSpec, rule_type: str) -> list[Rule]:
    return [r for r in spec.effective_rules if rule_type == r.TYPE]


def _compares(spec: ProductSpec, *facts: str) -> list[Compare]:
    return [r for r in spec.rules if isinstance(r, Compare) and r.fact in facts]


def _provident_priced(spec: ProductSpec) -> bool:
    return spec.pricing.to_dict().get("kind") == "provident"


Check = Callable[[ProductSpec], bool]

# Phrases that deny a criterion ("无需抵押": no collateral) — checked, then removed before the words below.
NEGATIONS: tuple[tuple[str, str, Check], ...] = (
    ("无需抵押", "不设抵押要求", lambda s: not s.collateral),
    ("不得用于购房", "用途不含购房", lambda s: "home_purchase" not in s.purposes),
)

CRITERIA: tuple[tuple[str, str, Check], ...] = (
    ("代发工资", "payroll_with_bank_required", lambda s: bool(_rules(s, "payroll_with_bank_required"))),
    ("纳税", "tax_credit_grades", lambda s: bool(_rules(s, "tax_credit_grades"))),
    (
        "公积金",
        "provident_fund / compare on 公积金 facts / 公积金 rate table",
        lambda s: (
            bool(_rules(s, "provident_fund"))
            or bool(_compares(s, "provident_fund_months", "provident_fund_base"))
            or _provident_priced(s)
        ),
    ),
    ("抵押", "collateral_required", lambda s: bool(_rules(s, "collateral_required"))),
    ("质押", "collateral_required", lambda s: bool(_rules(s, "collateral_required"))),
    ("担保", "guarantor_required", lambda s: bool(_rules(s, "guarantor_required"))),
    ("保证", "guarantor_required", lambda s: bool(_rules(s, "guarantor_required"))),
    (
        "首套",
        "home_purchase_order / 公积金 rate table",
        lambda s: bool(_rules(s, "home_purchase_order")) or _provident_priced(s),
    ),
    (
        "二套",
        "home_purchase_order / 公积金 rate table",
        lambda s: bool(_rules(s, "home_purchase_order")) or _provident_priced(s),
    ),
    (
        "首付",
        "home_purchase_order with max_ltv",
        lambda s: any(getattr(r, "max_ltv", ()) for r in _rules(s, "home_purchase_order")),
    ),
    ("小微", "size_classes", lambda s: bool(_rules(s, "size_classes"))),
    ("个体工商户", "customer_types", lambda s: "individual_business" in s.customer_types),
    ("收入", "min_income", lambda s: bool(_rules(s, "min_income"))),
)


def _business_years_ok(spec: ProductSpec, years: int) -> bool:
    return any(r.op == ">=" and r.value == years for r in _compares(spec, "business_years"))


def _tax_grades_ok(spec: ProductSpec, grades: set[str]) -> bool:
    return any(set(getattr(r, "grades", ())) == grades for r in _rules(spec, "tax_credit_grades"))


def _percent_of_price_ok(spec: ProductSpec, percent: int) -> bool:
    return any(c.max_ltv == Decimal(percent) / 100 for c in spec.collateral)


def unruled_criteria(spec: ProductSpec) -> list[str]:
    """The criteria ``spec``'s description mentions that nothing in the product checks."""
    text = spec.description
    missing = []
    for phrase, needs, check in NEGATIONS:
        if phrase in text:
            if not check(spec):
                missing.append(f"「{phrase}」→ {needs}")
            text = text.replace(phrase, "")
    for word, needs, check in CRITERIA:
        if word in text and not check(spec):
            missing.append(f"「{word}」→ {needs}")
    for match in re.finditer(r"经营满 ?(\d+) ?年", text):
        if not _business_years_ok(spec, int(match.group(1))):
            missing.append(f"「{match.group(0)}」→ compare business_years >= {match.group(1)}")
    for match in re.finditer(r"纳税信用 ?([ABMCD](?:[、/][ABMCD])*) ?级", text):
        if not _tax_grades_ok(spec, set(re.split("[、/]", match.group(1)))):
            missing.append(f"「{match.group(0)}」→ tax_credit_grades {match.group(1)}")
    for match in re.finditer(r"最高为[^，。]*?的 ?(\d+)%", text):
        if not _percent_of_price_ok(spec, int(match.group(1))):
            missing.append(f"「{match.group(0)}」→ collateral max_ltv {match.group(1)}%")
    return missing


@pytest.mark.parametrize("spec", SEED_CATALOGUE, ids=lambda s: s.code)
def test_every_described_criterion_is_a_rule(spec):
    assert unruled_criteria(spec) == [], f"{spec.code}「{spec.description}」"


def test_a_description_promising_an_unchecked_criterion_is_caught():
    data = spec_data("GXED")
    data["rules"] = [r for r in data["rules"] if r["type"] != "payroll_with_bank_required"]
    assert unruled_criteria(ProductSpec.from_dict(data)) == ["「代发工资」→ payroll_with_bank_required"]
    data = spec_data("XWKD")
    for rule in data["rules"]:
        if rule["type"] == "tax_credit_grades":
            rule["grades"] = ["A", "B"]
    assert unruled_criteria(ProductSpec.from_dict(data)) == [
        "「纳税信用 A、B、M 级」→ tax_credit_grades A、B、M"
    ]
    data = spec_data("GXED")
    data["description"] = "无需抵押的信用贷款"
    data["collateral"] = [{"type": "residential_property", "max_ltv": "0.70"}]
    assert unruled_criteria(ProductSpec.from_dict(data)) == ["「无需抵押」→ 不设抵押要求"]


def test_the_seeded_business_products_name_the_criteria_they_check():
    by_code = {s.code: s for s in SEED_CATALOGUE}
    for code in ("FDJYD", "XWKD", "DBBZD"):
        spec = by_code[code]
        assert "小微" in spec.description and _rules(spec, "size_classes")
        assert set(_rules(spec, "excluded_industries")[0].codes) >= {"K701", "B06", "C31", "C3216", "J6633"}
    assert _tax_grades_ok(by_code["XWKD"], {"A", "B", "M"}) and _business_years_ok(by_code["XWKD"], 2)
    assert _rules(by_code["GXED"], "payroll_with_bank_required")
    assert _rules(by_code["SYZFDK"], "home_purchase_order")
