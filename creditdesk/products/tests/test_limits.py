"""Limits every product obeys (RULES.md "Term, age, use of funds"): the regulatory longest term by loan type
refused on save with the rule and its source, the age at maturity carried by every product lending to people,
and the 受托支付 threshold per drawdown as a product attribute."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.products import services
from creditdesk.products.catalogue import SEED_CATALOGUE, ProductDefinitionError, ProductSpec
from creditdesk.products.limits import TERM_LIMITS, LoanType
from creditdesk.products.models import Product, ProductVersion
from creditdesk.products.rules import MaxAgeAtMaturity
from creditdesk.products.tests.conftest import spec_data

D = Decimal


def seed(code: str) -> ProductSpec:
    return next(spec for spec in SEED_CATALOGUE if spec.code == code)


# --- the longest term by loan type ---------------------------------------------------------------------


def test_term_limits_are_rules_md_defaults():
    assert {t: TERM_LIMITS[t].months for t in LoanType} == {
        LoanType.PERSONAL_CONSUMER: 60,
        LoanType.PERSONAL_BUSINESS: 60,
        LoanType.PERSONAL_BUSINESS_FIXED_ASSET: 120,
        LoanType.WORKING_CAPITAL: 36,
        LoanType.WORKING_CAPITAL_LONG_CYCLE: 60,
        LoanType.HOUSING: 360,
        LoanType.AUTO: 60,
    }


def test_loan_types_of_the_shipped_catalogue():
    types = {spec.code: [str(t) for t in spec.loan_types] for spec in SEED_CATALOGUE}
    assert types == {
        "GXED": ["personal_consumer"],
        "GJJXD": ["personal_consumer"],
        "FDJYD": ["personal_business", "working_capital"],
        "FDXFD": ["personal_consumer"],
        "XWKD": ["personal_business", "working_capital"],
        "JZFQ": ["personal_consumer"],
        "CDZY": ["personal_consumer", "personal_business", "working_capital"],
        "DBBZD": ["personal_business", "working_capital"],
        "GJJDK": ["housing"],
        "SYZFDK": ["housing"],
        "QCXFD": ["auto"],
    }
    # The two products fixed to obey their limits (they offered 120 months).
    assert (seed("FDJYD").max_term_months, seed("FDXFD").max_term_months) == (36, 60)


@pytest.mark.django_db
def test_a_working_capital_loan_of_120_months_is_refused_with_the_rule_and_its_source(org):
    data = spec_data("XWKD")
    data.update(loan_type="working_capital", term_months={"min": 3, "max": 120})
    with pytest.raises(DomainError) as refused:
        services.product_create(actor=org.risk1, spec=data)
    assert refused.value.code == "term_over_regulatory_limit"
    assert refused.value.message == (
        "流动资金贷款期限原则上不超过 3 年（最长 5 年），《流动资金贷款管理办法》（2024 年修订）："
        "本产品最长期限 120 个月超出上限。"
    )
    assert refused.value.extra == {
        "field": "term_months.max",
        "loan_type": "working_capital",
        "limit_months": 36,
        "source": "《流动资金贷款管理办法》（2024 年修订）",
    }
    assert not Product.objects.exists() and not ProductVersion.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_consumer_loan_of_72_months_is_refused(org):
    data = spec_data("JZFQ")
    data.update(term_months={"min": 12, "max": 72})
    data["pricing"]["tiers"] = [{"up_to_months": 72, "annual_rate": "0"}]
    with pytest.raises(DomainError) as refused:
        services.product_create(actor=org.risk1, spec=data)
    assert refused.value.code == "term_over_regulatory_limit"
    assert refused.value.message == (
        "个人消费贷款（住房、汽车贷款除外）期限不超过 5 年，《个人贷款管理办法》（2024 年修订）："
        "本产品最长期限 72 个月超出上限。"
    )
    assert not Product.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_mortgage_of_360_months_is_accepted(org):
    product = services.product_create(actor=org.risk1, spec=spec_data("SYZFDK"))
    assert product.current_version.as_spec().max_term_months == 360


def test_the_limits_that_extend_the_term_are_declared():
    long_cycle = spec_data("XWKD") | {
        "loan_type": "working_capital_long_cycle",
        "term_months": {"min": 3, "max": 60},
    }
    assert ProductSpec.from_dict(long_cycle).loan_types == (LoanType.WORKING_CAPITAL_LONG_CYCLE,)
    with pytest.raises(ProductDefinitionError) as refused:
        ProductSpec.from_dict(long_cycle | {"term_months": {"min": 3, "max": 61}})
    assert refused.value.code == "term_over_regulatory_limit"
    with pytest.raises(ProductDefinitionError) as unknown:
        ProductSpec.from_dict(spec_data("XWKD") | {"loan_type": "mortgage"})
    assert unknown.value.code == "loan_type_unknown" and unknown.value.extra["field"] == "loan_type"


# --- age at maturity -----------------------------------------------------------------------------------


def test_every_product_lending_to_people_carries_one_age_at_maturity_limit():
    for spec in SEED_CATALOGUE:
        limits = [r for r in spec.effective_rules if isinstance(r, MaxAgeAtMaturity)]
        assert [r.max for r in limits] == [spec.max_age_at_maturity], spec.code
    maxima = {spec.code: spec.max_age_at_maturity for spec in SEED_CATALOGUE}
    # 70 where the catalogue set a rule, 78 for the deposit pledge (admits up to 75), else the default 65.
    assert maxima == {
        "GXED": 65,
        "GJJXD": 65,
        "FDJYD": 65,
        "FDXFD": 70,
        "XWKD": 65,
        "JZFQ": 65,
        "CDZY": 78,
        "DBBZD": 65,
        "GJJDK": 70,
        "SYZFDK": 70,
        "QCXFD": 65,
    }


def test_age_at_maturity_round_trips_and_a_second_limit_is_refused():
    spec = seed("GXED")
    assert ProductSpec.from_dict(spec.to_dict()) == spec and spec.to_dict()["max_age_at_maturity"] == 65
    data = spec_data("FDXFD") | {"max_age_at_maturity": 68}  # its rule says 70
    with pytest.raises(ProductDefinitionError) as refused:
        ProductSpec.from_dict(data)
    assert refused.value.code == "max_age_at_maturity_conflict"
    with pytest.raises(ProductDefinitionError) as invalid:
        ProductSpec.from_dict(spec_data("GXED") | {"max_age_at_maturity": 10})
    assert invalid.value.code == "max_age_at_maturity_invalid"


def test_enterprise_only_products_have_no_age_limit():
    data = spec_data("XWKD") | {"customer_types": ["enterprise"], "documents": []}
    assert not any(isinstance(r, MaxAgeAtMaturity) for r in ProductSpec.from_dict(data).effective_rules)


# --- 受托支付 -----------------------------------------------------------------------------------------


def test_entrusted_payment_thresholds_by_loan_type_and_product():
    assert seed("GXED").entrusted_payment_threshold_for("individual", "consumption") == D("300000.00")
    cdzy = seed("CDZY")
    assert cdzy.entrusted_payment_threshold_for("individual", "travel") == D("300000.00")
    assert cdzy.entrusted_payment_threshold_for("individual_business", "equipment") == D("500000.00")
    assert cdzy.entrusted_payment_threshold_for("enterprise", "business_working_capital") == D("10000000.00")
    assert seed("SYZFDK").entrusted_payment_threshold_for("individual", "home_purchase") is None
    assert not seed("GXED").needs_entrusted_payment(D("300000.00"), "individual", "consumption")
    assert seed("GXED").needs_entrusted_payment(D("300000.01"), "individual", "consumption")
    own = ProductSpec.from_dict(spec_data("GXED") | {"entrusted_payment_threshold": "200000.00"})
    assert own.entrusted_payment_threshold_for("individual", "consumption") == D("200000.00")
    assert own.to_dict()["entrusted_payment_threshold"] == "200000.00"
    with pytest.raises(ProductDefinitionError) as refused:
        ProductSpec.from_dict(spec_data("GXED") | {"entrusted_payment_threshold": "0"})
    assert refused.value.code == "entrusted_payment_threshold_invalid"


@pytest.mark.django_db
def test_the_product_page_shows_its_limits(client, org):
    services.product_create(actor=org.risk1, spec=spec_data("FDJYD"))
    client.force_login(org.cm_a)
    html = client.get("/products/FDJYD/").content.decode()
    assert (
        "个人经营贷款：期限最长 60 个月（《个人贷款管理办法》（2024 年修订））；"
        "单笔提款超过 500,000.00 元须受托支付" in html
    )
    assert (
        "流动资金贷款：期限最长 36 个月（《流动资金贷款管理办法》（2024 年修订））；"
        "单笔提款超过 10,000,000.00 元须受托支付" in html
    )
    assert "贷款到期时借款人年龄不超过 65 周岁" in html
