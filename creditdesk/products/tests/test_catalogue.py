"""The product catalogue: the seed passes validation, specs round-trip through JSON, every refusal of
``validate_spec``, pricing as LPR + risk premium (RULES.md's LPR table), documents by type and collateral."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.pricing import SEEDED_LPR, LprTenor
from creditdesk.finance.provident import SEEDED_PROVIDENT
from creditdesk.finance.terms import Fee, FeeTiming
from creditdesk.products.catalogue import (
    SEED_CATALOGUE,
    SEED_CATALOGUE_DATA,
    Category,
    ProductDefinitionError,
    ProductError,
    ProductSpec,
    price_for,
    validate_catalogue,
    validate_spec,
)
from creditdesk.products.rules import RuleDefinitionError, Status, evaluate

D = Decimal
ON = date(2026, 1, 5)  # LPR in force: 2025-05-20, 1Y 3.00 %, 5Y 3.50 %


def seed(code: str) -> ProductSpec:
    return next(spec for spec in SEED_CATALOGUE if spec.code == code)


def seed_data(code: str) -> dict:
    return copy.deepcopy(next(data for data in SEED_CATALOGUE_DATA if data["code"] == code))


def test_seed_catalogue_is_valid_and_covers_every_required_category():
    validate_catalogue(SEED_CATALOGUE)
    assert len(SEED_CATALOGUE) >= 10
    required = {"credit", "mortgage", "business", "consumer", "pledge", "guaranteed", "provident_fund"}
    assert required <= {spec.category for spec in SEED_CATALOGUE}
    assert {spec.category for spec in SEED_CATALOGUE} <= set(Category)


@pytest.mark.parametrize("spec", SEED_CATALOGUE, ids=lambda s: s.code)
def test_seed_rates_are_within_the_ceiling_for_every_grade_and_term(spec):
    for grade in spec.admitted_grades:
        for term in (
            spec.min_term_months,
            60 if spec.max_term_months >= 60 else spec.max_term_months,
            spec.max_term_months,
        ):
            rate = price_for(spec, grade, term, SEEDED_LPR, ON, provident_table=SEEDED_PROVIDENT).annual_rate
            assert D("0") <= rate <= D("0.24")


@pytest.mark.parametrize("spec", SEED_CATALOGUE, ids=lambda s: s.code)
def test_spec_json_round_trip(spec):
    data = json.loads(json.dumps(spec.to_dict(), ensure_ascii=False))
    assert ProductSpec.from_dict(data) == spec
    assert json.loads(json.dumps(ProductSpec.from_dict(data).to_dict(), ensure_ascii=False)) == data


def test_json_form_of_a_spec():
    data = seed("DBBZD").to_dict()
    assert data["amount"] == {"min": "100000.00", "max": "3000000.00"}
    assert data["term_months"] == {"min": 12, "max": 36}
    assert data["pricing"] == {
        "kind": "lpr",
        "tenor": "1y",
        "spread_bp": {"A": 60, "B": 100, "C": 150, "D": 220},
    }
    assert data["fees"] == [{"name": "担保费", "timing": "upfront", "amount": None, "rate": "0.01"}]
    assert data["prepayment"] == {
        "percent_of_prepaid": "0",
        "months_of_interest": 0,
        "waived_after_months": None,
    }
    assert data["penalty_uplift"] == "0.50"
    assert data["guarantee_required"] is True
    assert data["rules"][0] == {"type": "age_range", "min": 18, "max": 65}
    assert seed("GJJDK").to_dict()["pricing"] == {"kind": "provident"}  # the 公积金 table, not a copy


# --- pricing --------------------------------------------------------------------------------------------


def test_price_lpr_plus_risk_premium_with_its_explanation():
    price = price_for(seed("GXED"), "B", 24, SEEDED_LPR, ON)
    assert price.annual_rate == D("0.0340")
    assert (price.lpr, price.spread_bp, price.tenor) == (D("0.0300"), 40, LprTenor.ONE_YEAR)
    assert (
        price.explanation
        == "年利率 3.40% = 1 年期 LPR 3.00%（2025-05-20 起） + 风险溢价 40 个基点（风险等级 B）。"
    )


def test_price_follows_the_lpr_in_force_on_the_pricing_date():
    assert price_for(seed("GXED"), "B", 24, SEEDED_LPR, date(2025, 5, 19)).annual_rate == D("0.0350")
    assert price_for(seed("GXED"), "B", 24, SEEDED_LPR, date(2025, 5, 20)).annual_rate == D("0.0340")


def test_auto_tenor_switches_to_5y_lpr_beyond_60_months():
    spec = seed("SYZFDK")
    assert price_for(spec, "A", 60, SEEDED_LPR, ON).annual_rate == D("0.0255")
    long = price_for(spec, "A", 61, SEEDED_LPR, ON)
    assert long.annual_rate == D("0.0305")
    assert (
        long.explanation
        == "年利率 3.05% = 5 年期以上 LPR 3.50%（2025-05-20 起） − 优惠 45 个基点（风险等级 A）。"
    )


def test_fixed_tiers():
    data = seed_data("GJJDK")
    data["pricing"] = {
        "kind": "fixed",
        "tiers": [
            {"up_to_months": 60, "annual_rate": "0.0210"},
            {"up_to_months": 360, "annual_rate": "0.0260"},
        ],
    }
    spec = ProductSpec.from_dict(data)
    assert price_for(spec, None, 60, SEEDED_LPR, ON).annual_rate == D("0.0210")
    price = price_for(spec, "C", 61, SEEDED_LPR, ON)
    assert price.annual_rate == D("0.0260")
    assert price.explanation == "固定年利率 2.60%。"


def test_a_grade_the_product_does_not_price_is_refused():
    with pytest.raises(ProductError) as caught:
        price_for(seed("GXED"), "E", 12, SEEDED_LPR, ON)
    assert caught.value.code == "grade_not_priced"
    with pytest.raises(ProductError):
        price_for(seed("GXED"), None, 12, SEEDED_LPR, ON)


# --- rules and documents --------------------------------------------------------------------------------


def test_effective_rules_put_the_products_elements_first():
    spec = seed("FDJYD")
    types = [rule.TYPE for rule in spec.effective_rules]
    assert types[:6] == [
        "customer_types",
        "purposes",
        "amount_range",
        "term_range",
        "collateral_required",
        "max_ltv",
    ]
    assert types[6:] == [rule.TYPE for rule in spec.rules]
    assert all(rule.source == "产品要素" for rule in spec.element_rules)
    ltv = spec.element_rules[5]
    facts = {
        "requested_amount": D("600000.00"),
        "collateral_type": "commercial_property",
        "collateral_value": D("1000000.00"),
    }
    assert evaluate([ltv], facts).status == Status.FAIL  # 商铺 50 %
    assert (
        evaluate([ltv], {**facts, "collateral_type": "residential_property"}).status == Status.PASS
    )  # 住宅 70 %


def test_documents_by_customer_type_and_collateral():
    spec = seed("FDJYD")
    assert spec.documents_for("individual_business", "residential_property") == (
        "经营者身份证",
        "营业执照",
        "近 12 个月经营流水",
        "征信查询授权书",
        "不动产权证书",
        "房产评估报告",
        "婚姻状况证明及配偶同意抵押声明",
    )
    enterprise = spec.documents_for("enterprise", "none")
    assert "法定代表人身份证" in enterprise and "不动产权证书" not in enterprise


def test_loan_fees_as_the_core_takes_them():
    assert seed("DBBZD").loan_fees(D("500000.00")) == (Fee(D("5000.00"), FeeTiming.UPFRONT),)
    assert seed("JZFQ").loan_fees(D("123456.00")) == (Fee(D("370.37"), FeeTiming.PER_PERIOD),)  # 0.3 %


# --- refusals -------------------------------------------------------------------------------------------


def refused(data: dict) -> ProductDefinitionError:
    with pytest.raises(ProductDefinitionError) as caught:
        ProductSpec.from_dict(data)
    return caught.value


def edit(product: str, /, **changes) -> dict:
    data = seed_data(product)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (edit("GXED", code="gx e"), "spec_code_invalid", "code"),
        (edit("GXED", name=" "), "spec_name_missing", "name"),
        (edit("GXED", version=0), "spec_version_invalid", "version"),
        (edit("GXED", category="payday"), "category_unknown", "category"),
        (edit("GXED", customer_types=[]), "customer_types_empty", "customer_types"),
        (edit("GXED", customer_types=["sole_proprietor"]), "customer_type_unknown", "customer_types"),
        (edit("GXED", purposes=["gambling"]), "purpose_unknown", "purposes"),
        (edit("GXED", purposes=[]), "purposes_empty", "purposes"),
        (edit("GXED", amount={"min": "300000.00", "max": "10000.00"}), "amount_range_inverted", "amount.min"),
        (edit("GXED", amount={"min": "0", "max": "10000.00"}), "amount_range_invalid", "amount.min"),
        (edit("GXED", amount={"min": "100.001", "max": "10000.00"}), "amount_range_invalid", "amount.min"),
        (edit("GXED", term_months={"min": 36, "max": 6}), "term_range_inverted", "term_months.min"),
        (edit("GXED", term_months={"min": 0, "max": 6}), "term_range_invalid", "term_months.min"),
        (edit("GXED", term_months={"min": 1, "max": 361}), "term_range_invalid", "term_months.max"),
        (edit("GXED", methods=[]), "methods_empty", "methods"),
        (edit("GXED", methods=["balloon"]), "method_unknown", "methods"),
        (
            edit("GXED", pricing={"kind": "lpr", "spread_bp": {"A": 10, "B": 40, "C": 80}}),
            "spread_missing",
            "pricing.spread_bp",
        ),
        (
            edit("GXED", pricing={"kind": "lpr", "spread_bp": {"A": 10, "B": 40, "C": 30, "D": 150}}),
            "spread_not_monotonic",
            "pricing.spread_bp",
        ),
        (
            edit("GXED", pricing={"kind": "lpr", "spread_bp": {"A": 10, "B": 40, "C": 80, "D": 5000}}),
            "spread_out_of_range",
            "pricing.spread_bp",
        ),
        (
            edit("GXED", pricing={"kind": "lpr", "tenor": "10y", "spread_bp": {"A": 10}}),
            "tenor_unknown",
            "pricing.tenor",
        ),
        (
            edit(
                "GXED", pricing={"kind": "lpr", "spread_bp": {"A": 10, "B": 40, "C": 80, "D": 150, "F": 200}}
            ),
            "grade_unknown",
            "pricing.spread_bp",
        ),
        (edit("GXED", pricing={"kind": "floating"}), "pricing_kind_unknown", "pricing.kind"),
        (
            edit(
                "GJJDK",
                pricing={
                    "kind": "fixed",
                    "tiers": [
                        {"up_to_months": 60, "annual_rate": "0.021"},
                        {"up_to_months": 60, "annual_rate": "0.026"},
                    ],
                },
            ),
            "tiers_overlap",
            "pricing.tiers",
        ),
        (
            edit("GJJDK", pricing={"kind": "fixed", "tiers": [{"up_to_months": 60, "annual_rate": "0.021"}]}),
            "tiers_incomplete",
            "pricing.tiers",
        ),
        (
            edit("GJJDK", pricing={"kind": "fixed", "tiers": [{"up_to_months": 360, "annual_rate": "0.40"}]}),
            "rate_out_of_range",
            "pricing.tiers",
        ),
        (
            edit("DBBZD", fees=[{"name": "担保费", "timing": "upfront", "amount": "-100.00"}]),
            "fee_negative",
            "fees",
        ),
        (
            edit("DBBZD", fees=[{"name": "担保费", "timing": "upfront", "rate": "-0.01"}]),
            "fee_negative",
            "fees",
        ),
        (
            edit("DBBZD", fees=[{"name": "担保费", "timing": "upfront", "amount": "100.00", "rate": "0.01"}]),
            "fee_invalid",
            "fees",
        ),
        (
            edit("DBBZD", fees=[{"name": "担保费", "timing": "monthly", "rate": "0.01"}]),
            "fee_invalid",
            "fees",
        ),
        (
            edit("DBBZD", fees=[{"name": "担保费", "timing": "upfront", "amount": "100000.00"}]),
            "fee_invalid",
            "fees",
        ),
        (
            edit("GXED", prepayment={"percent_of_prepaid": "0.01", "months_of_interest": 3}),
            "prepayment_invalid",
            "prepayment",
        ),
        (edit("GXED", penalty_uplift="0.80"), "penalty_uplift_out_of_range", "penalty_uplift"),
        (edit("GXED", penalty_uplift="0.20"), "penalty_uplift_out_of_range", "penalty_uplift"),
        (
            edit("FDJYD", collateral=[{"type": "residential_property", "max_ltv": "1.10"}]),
            "ltv_above_100",
            "collateral",
        ),
        (
            edit("FDJYD", collateral=[{"type": "yacht", "max_ltv": "0.50"}]),
            "collateral_type_unknown",
            "collateral",
        ),
        (
            edit("GXED", documents=[{"name": "营业执照", "customer_types": ["enterprise"]}]),
            "document_invalid",
            "documents",
        ),
        (
            edit("GXED", documents=[{"name": "房产证", "collateral_types": ["residential_property"]}]),
            "document_invalid",
            "documents",
        ),
        (edit("GXED", approval_days=-1), "approval_days_invalid", "approval_days"),
        (edit("GXED", amount={"min": 10000.0, "max": "300000.00"}), "spec_field_type", "amount.min"),
        ({k: v for k, v in seed_data("GXED").items() if k != "pricing"}, "spec_field_missing", "pricing"),
    ],
)
def test_validate_spec_refusals(data, code, field):
    error = refused(data)
    assert error.code == code
    assert error.extra["field"] == field


def test_rule_errors_surface_from_the_spec():
    data = edit("GXED", rules=[{"type": "max_ltv", "max": "1.5"}])
    with pytest.raises(RuleDefinitionError) as caught:
        ProductSpec.from_dict(data)
    assert caught.value.code == "rule_ltv_above_100"


def test_a_spread_is_only_needed_for_the_grades_admitted():
    data = edit("GXED", pricing={"kind": "lpr", "spread_bp": {"A": 10, "B": 40, "C": 80, "D": 150}})
    assert ProductSpec.from_dict(data).admitted_grades == ("A", "B", "C", "D")  # no E: min_grade D
    data["rules"] = [r for r in data["rules"] if r["type"] != "min_grade"]
    assert refused(data).code == "spread_missing"  # every grade admitted now


def test_validate_spec_checks_specs_built_in_code_too():
    spec = seed("GXED")
    from dataclasses import replace

    with pytest.raises(ProductDefinitionError) as caught:
        validate_spec(replace(spec, min_amount=D("500000.00")))
    assert caught.value.code == "amount_range_inverted"
    with pytest.raises(ProductDefinitionError) as duplicate:
        validate_catalogue([spec, spec])
    assert duplicate.value.code == "catalogue_duplicate_code"
    validate_catalogue([spec, replace(spec, version=2)])
