"""Business customers in the admission rules (issue 13): industries by GB/T 4754 code prefix (and the
legacy free-text terms of stored versions), 纳税信用等级, size class, 代发工资, 公积金, 首套/二套 with the
product's LTV cap per order, LTV on the value less the liens already on it; and the facts of a business
read with the persons behind it (the operator's age, credit and, for a 个体户, income)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.consents import services as consent_services
from creditdesk.consents.tests.conftest import make_consent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.products import selectors
from creditdesk.products.catalogue import ProductDefinitionError, ProductSpec
from creditdesk.products.customer_facts import combine_credit, facts_for
from creditdesk.products.evaluation import evaluate_product
from creditdesk.products.rules import RuleDefinitionError, evaluate, loan_to_value, parse_rule, validate_rules
from creditdesk.products.tests.conftest import spec_data

D = Decimal
TODAY = date(2026, 1, 5)
EXCLUDED = {"type": "excluded_industries", "codes": ["K701", "B06", "C3216", "J6633"], "source": "本行政策"}


def outcome(rule: dict, **facts):
    return evaluate([parse_rule(rule)], facts).outcomes[0]


# --- excluded industries by code prefix ------------------------------------------------------------------


def test_an_industry_under_an_excluded_code_fails_naming_both():
    result = outcome(EXCLUDED, industry_code="K7010")
    assert result.status == "fail"
    assert (
        result.message
        == "您的行业「K7010 房地产开发经营」属于本产品限制的行业（K701 房地产开发经营），暂不能申请。"
    )
    assert outcome(EXCLUDED, industry_code="C3216").message.endswith("（C3216 铝冶炼），暂不能申请。")
    assert outcome(EXCLUDED, industry_code="B0610").status == "fail"  # 烟煤和无烟煤开采洗选 is within B06


def test_an_industry_outside_every_excluded_code_passes():
    result = outcome(EXCLUDED, industry_code="H6210")
    assert result.status == "pass"
    assert result.message == "您的行业「H6210 正餐服务」不在本产品的限制行业内。"
    assert outcome(EXCLUDED, industry_code="K7020").status == "pass"  # 物业管理 is not 房地产开发经营
    assert outcome(EXCLUDED, industry_code=" ").status == "unknown"
    assert outcome(EXCLUDED, industry="房地产开发").status == "unknown"  # the free text is not a code


def test_codes_are_normalized_and_an_unknown_code_is_refused_naming_it():
    rule = parse_rule({"type": "excluded_industries", "codes": ["k701", "6633", "K701"]})
    assert rule.codes == ("K701", "J6633")
    with pytest.raises(RuleDefinitionError) as refused:
        parse_rule({"type": "excluded_industries", "codes": ["K701", "X99"]}, 0)
    assert refused.value.code == "rule_industry_code_unknown"
    assert refused.value.extra["field"] == "codes"
    assert "X99" in refused.value.message and "GB/T 4754" in refused.value.message
    with pytest.raises(RuleDefinitionError) as empty:
        parse_rule({"type": "excluded_industries"}, 0)
    assert empty.value.code == "rule_field_missing"


def test_a_product_saved_with_an_unknown_industry_code_is_refused():
    data = spec_data("FDJYD")
    data["rules"] = [r for r in data["rules"] if r["type"] != "excluded_industries"]
    data["rules"].append({"type": "excluded_industries", "codes": ["K701", "Z9999"]})
    with pytest.raises(RuleDefinitionError) as refused:
        ProductSpec.from_dict(data)
    assert refused.value.code == "rule_industry_code_unknown"
    assert "Z9999" in refused.value.message


def test_legacy_free_text_terms_are_read_but_not_saved_again():
    legacy = {"type": "excluded_industries", "industries": ["房地产", "煤炭"]}
    assert outcome(legacy, industry="房地产开发").status == "fail"  # a stored version still evaluates
    assert validate_rules([legacy])  # and is read back
    with pytest.raises(RuleDefinitionError) as refused:
        validate_rules([legacy], saving=True)
    assert refused.value.code == "rule_industry_text_retired"
    data = spec_data("FDJYD")
    data["rules"] = [legacy if r["type"] == "excluded_industries" else r for r in data["rules"]]
    stored = ProductSpec.from_dict(data, validate=False)  # how ProductVersion.as_spec reads a stored row
    assert any(r.TYPE == "excluded_industries" and r.industries for r in stored.rules)
    with pytest.raises((RuleDefinitionError, ProductDefinitionError)):
        ProductSpec.from_dict(data)


# --- tax grade, size class, payroll, 公积金 -----------------------------------------------------------


def test_tax_credit_grades():
    rule = {"type": "tax_credit_grades", "grades": ["A", "B", "M"]}
    passed = outcome(rule, tax_credit_grade="B")
    assert passed.status == "pass"
    assert passed.message == "您的纳税信用等级为 B 级，属于本产品接受的等级（A 级、B 级、M 级）。"
    failed = outcome(rule, tax_credit_grade="C")
    assert (
        failed.status == "fail"
        and failed.message == "您的纳税信用等级为 C 级，本产品只接受A 级、B 级、M 级。"
    )
    assert outcome(rule).status == "unknown"
    with pytest.raises(RuleDefinitionError) as refused:
        parse_rule({"type": "tax_credit_grades", "grades": ["AA"]}, 0)
    assert refused.value.code == "rule_choice_unknown"


def test_size_classes():
    rule = {"type": "size_classes", "classes": ["small", "micro"]}
    assert outcome(rule, size_class="micro").message == (
        "按《中小企业划型标准规定》，您属于微型，符合本产品面向小型、微型的要求。"
    )
    assert outcome(rule, size_class="medium").status == "fail"
    with pytest.raises(RuleDefinitionError):
        parse_rule({"type": "size_classes", "classes": ["tiny"]}, 0)


def test_payroll_with_bank_required():
    rule = {"type": "payroll_with_bank_required"}
    assert outcome(rule, payroll_with_bank=True).status == "pass"
    failed = outcome(rule, payroll_with_bank=False)
    assert failed.status == "fail" and "本行代发" in failed.message
    assert outcome(rule).status == "unknown"


@pytest.mark.parametrize(
    ("months", "base", "expected"),
    [(11, "5000.00", "fail"), (12, "5000.00", "pass"), (12, "2999.99", "fail"), (36, "3000.00", "pass")],
)
def test_provident_fund_months_and_base_inclusive(months, base, expected):
    rule = {"type": "provident_fund", "min_months": 12, "min_base": "3000.00"}
    assert outcome(rule, provident_fund_months=months, provident_fund_base=D(base)).status == expected


def test_provident_fund_sentence_and_missing_base():
    rule = {"type": "provident_fund", "min_months": 12, "min_base": "3000.00"}
    failed = outcome(rule, provident_fund_months=6, provident_fund_base=D("2000.00"))
    assert failed.message == (
        "您已连续缴存公积金 6 个月、缴存基数 2,000.00 元，"
        "本产品要求连续缴存不少于 12 个月、缴存基数不低于 3,000.00 元。"
    )
    assert outcome(rule, provident_fund_months=24).missing == ("provident_fund_base",)


# --- 首套/二套 and LTV with prior liens ------------------------------------------------------------------

HOME = {
    "type": "home_purchase_order",
    "orders": ["first", "second"],
    "max_ltv": {"first": "0.80", "second": "0.70"},
    "source": "本行政策",
}


def test_home_purchase_order_caps_the_ltv_per_order():
    house = {"requested_amount": D("750000.00"), "collateral_value": D("1000000.00")}
    first = outcome(HOME, home_purchase_order="first", **house)
    assert first.status == "pass"
    assert first.message == (
        "购买首套住房，贷款 750,000.00 元，房屋价值 1,000,000.00 元，贷款成数 75.00%，"
        "在本产品首套 80.00% 的上限以内。"
    )
    second = outcome(HOME, home_purchase_order="second", **house)
    assert second.status == "fail"
    assert second.message.endswith("本产品二套要求不超过 70.00%（首付不低于 30.00%）。")
    assert (
        outcome(
            HOME,
            home_purchase_order="second",
            requested_amount=D("700000.00"),
            collateral_value=D("1000000.00"),
        ).status
        == "pass"
    )
    assert outcome(HOME).missing == ("home_purchase_order",)


def test_a_product_for_first_homes_only_refuses_a_second():
    rule = {"type": "home_purchase_order", "orders": ["first"]}
    failed = outcome(rule, home_purchase_order="second")
    assert failed.status == "fail" and failed.message == "本产品只用于购买首套住房，您此次购买的是二套。"
    with pytest.raises(RuleDefinitionError) as refused:
        parse_rule({"type": "home_purchase_order", "orders": ["first"], "max_ltv": {"second": "0.6"}}, 0)
    assert refused.value.code == "rule_choice_unknown"


def test_ltv_is_taken_on_the_value_less_prior_liens():
    assert loan_to_value(D("700000.00"), D("1500000.00"), D("500000.00")) == D("0.7")
    assert loan_to_value(D("700000.00"), D("1500000.00"), None) == D("700000") / D("1500000")
    assert loan_to_value(D("1.00"), D("500000.00"), D("500000.00")) is None
    rule = {"type": "max_ltv", "max": "0.70"}
    facts = {
        "requested_amount": D("700000.00"),
        "collateral_type": "residential_property",
        "collateral_value": D("1500000.00"),
        "collateral_prior_liens": D("500000.00"),
    }
    at_limit = outcome(rule, **facts)
    assert at_limit.status == "pass" and at_limit.actual == D("0.7")
    assert at_limit.message == (
        "贷款 700,000.00 元、住宅评估价值 1,500,000.00 元，减已有抵押余额 500,000.00 元后为 1,000,000.00 元，"
        "抵质押率 70.00%，在本产品 70.00% 的上限以内。"
    )
    above = outcome(rule, **{**facts, "requested_amount": D("700000.01")})
    assert above.status == "fail"
    used_up = outcome(rule, **{**facts, "collateral_prior_liens": D("1500000.00")})
    assert used_up.status == "fail"
    assert used_up.message == (
        "住宅评估价值 1,500,000.00 元，已有抵押余额 1,500,000.00 元，"
        "已无剩余可抵押价值，不能再作本笔贷款的抵押。"
    )


def test_the_computed_loan_to_value_counts_the_liens():
    spec = ProductSpec.from_dict(spec_data("CDZY"))
    facts = {
        "customer_type": "individual",
        "age": 40,
        "purpose": "consumption",
        "requested_amount": D("700000.00"),
        "term_months": 12,
        "collateral_type": "deposit_receipt",
        "collateral_value": D("1500000.00"),
        "collateral_prior_liens": D("500000.00"),
        "current_overdue": False,
    }
    result = evaluate_product(spec, facts, (), TODAY)
    assert result.facts["loan_to_value"] == D("0.7")
    by_type = {o.rule.TYPE: o for o in result.evaluation.outcomes}
    assert by_type["max_ltv"].status == "pass"


# --- the facts of a business -----------------------------------------------------------------------------


def test_credit_of_several_parties_combines_any_overdue_and_the_largest_counts():
    business = {"inquiries_6m": 1}
    operator = {"current_overdue": False, "inquiries_6m": 4, "overdue_months_consecutive_24m": 1}
    legal = {"current_overdue": True, "inquiries_6m": 2}
    assert combine_credit([business, operator, legal]) == {
        "current_overdue": True,
        "inquiries_6m": 4,
        "overdue_months_consecutive_24m": 1,
    }
    assert combine_credit([{}, {}]) == {}


# 王建国: a valid resident ID, born 1981-03-15.
WANG_ID = "11010519810315001X"


def _person(org, name: str, id_number: str, **values) -> object:
    return customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(kind="individual", name=name, id_number=id_number, **values),
    )


def _restaurant(org, **values) -> object:
    data = {
        "founding_date": "2021-01-04",
        "industry_code": "H6210",
        "employees": "8",
        "annual_revenue": "1800000",
        "tax_credit_grade": "B",
    } | values
    return customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual_business", name="老王家常菜馆", **data)
    )


def _summary(org, customer, **values):
    make_consent(customer, purpose="loan_review")
    inquiry = consent_services.credit_inquiry_request(
        actor=org.cm_a, customer_id=customer.pk, purpose="loan_review"
    )
    data = {
        "current_overdue": False,
        "status_24m": "N" * 24,
        "inquiries_6m": 0,
        "debt_count": 0,
        "debt_balance": "0",
    }
    return consent_services.credit_report_summary_record(
        actor=org.cm_a,
        inquiry_id=inquiry.pk,
        report_date=timezone.localdate(inquiry.requested_at),
        **(data | values),
    )


@pytest.mark.django_db
def test_a_business_reads_its_own_figures_and_its_operators_age_credit_and_income(org):
    wang = _person(org, "王建国", WANG_ID, monthly_income="20000", monthly_debt_payments="1000")
    shop = _restaurant(org)
    for kind in ("operator", "legal_representative"):
        customer_services.relationship_add(
            actor=org.cm_a, from_customer_id=wang.pk, to_customer_id=shop.pk, kind=kind
        )
    _summary(
        org, wang, inquiries_6m=3, status_24m="N" * 22 + "1N", revolving_limit="50000", revolving_used="20000"
    )
    facts = facts_for(shop, today=TODAY)
    assert facts["customer_type"] == "individual_business"
    assert facts["industry_code"] == "H6210"
    assert facts["business_years"] == 5
    assert facts["size_class"] == "micro"  # 餐饮业: fewer than 10 employees
    assert (facts["employees"], facts["annual_revenue"], facts["tax_credit_grade"]) == (8, D("1800000"), "B")
    assert facts["age"] == 44  # 王建国 on 2026-01-05: the person who repays
    assert (facts["current_overdue"], facts["inquiries_6m"], facts["overdue_months_cumulative_24m"]) == (
        False,
        3,
        1,
    )
    assert facts["credit_line_usage"] == D("0.4")  # the operator's cards: 20,000 of 50,000 in use
    assert facts["monthly_income"] == D("20000")  # no income of its own: the operator's
    assert facts["monthly_debt_payments"] == D("1000")
    assert "provident_fund_months" not in facts


@pytest.mark.django_db
def test_a_current_overdue_of_the_legal_representative_counts_for_the_business(
    org, django_assert_max_num_queries
):
    wang = _person(org, "王建国", WANG_ID)
    shop = _restaurant(org)
    customer_services.relationship_add(
        actor=org.cm_a, from_customer_id=wang.pk, to_customer_id=shop.pk, kind="legal_representative"
    )
    _summary(org, wang, current_overdue=True, current_overdue_amount="880.00")
    _summary(org, shop)
    shop.refresh_from_db()
    with django_assert_max_num_queries(2):  # the persons, then every summary at once
        facts = facts_for(shop, today=TODAY)
    assert facts["current_overdue"] is True


@pytest.mark.django_db
def test_a_person_carries_provident_fund_and_payroll(org):
    li = _person(
        org,
        "李四",
        "110105199003071239",
        provident_fund_months="24",
        provident_fund_base="8000",
        payroll_with_bank="yes",
    )
    facts = facts_for(li, today=TODAY)
    assert (facts["provident_fund_months"], facts["provident_fund_base"], facts["payroll_with_bank"]) == (
        24,
        D("8000"),
        True,
    )
    assert "industry_code" not in facts and "size_class" not in facts
    assert "owns_property" not in facts  # 名下房产 not recorded: missing, never a silent "no"
    type(li).objects.filter(pk=li.pk).update(has_property=False)
    li.refresh_from_db()
    assert facts_for(li, today=TODAY)["owns_property"] is False


@pytest.mark.django_db
def test_the_need_gives_the_prior_liens_and_the_home_order(org, zhang):
    from creditdesk.products import services

    need = services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            "purpose": "home_purchase",
            "amount": "700000.00",
            "term_months": 240,
            "monthly_income": "30000.00",
            "monthly_debt_payments": "0",
            "collateral_type": "residential_property",
            "collateral_value": "1000000.00",
            "collateral_prior_liens": "0",
            "home_purchase_order": "second",
        },
    )
    facts = facts_for(zhang, need, extra_facts={"risk_grade": "B"}, today=TODAY)
    assert (facts["collateral_prior_liens"], facts["home_purchase_order"]) == (D("0"), "second")
    syzfdk = ProductSpec.from_dict(spec_data("SYZFDK"))
    result = evaluate_product(syzfdk, facts, selectors.lpr_table(), TODAY)
    by_type = {o.rule.TYPE: o for o in result.evaluation.outcomes}
    assert by_type["home_purchase_order"].status == "pass"  # 70 % on a second home: at the cap
    assert by_type["max_ltv"].status == "pass"


@pytest.mark.django_db
def test_the_product_service_refuses_an_unknown_industry_code_and_saves_nothing(org):
    from creditdesk.core.exceptions import DomainError
    from creditdesk.products import services
    from creditdesk.products.models import Product

    data = spec_data("XWKD")
    for rule in data["rules"]:
        if rule["type"] == "excluded_industries":
            rule["codes"] = [*rule["codes"], "K7099"]
    with pytest.raises(DomainError) as refused:
        services.product_create(actor=org.risk1, spec=data, note="首版")
    assert refused.value.code == "rule_industry_code_unknown"
    assert "K7099" in refused.value.message
    assert not Product.objects.exists()
