"""Services: the product library (create, versions that never change old quotes, 上架/下架) and needs
(scope, refusals naming the field, warnings not refusals). A refusal changes nothing and writes no
audit row."""

from __future__ import annotations

from datetime import date

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.products import selectors, services
from creditdesk.products.catalogue import price_for
from creditdesk.products.models import ImmutableRow, Need, Product, ProductVersion
from creditdesk.products.tests.conftest import NEED, D, spec_data

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 1)


def test_product_create_makes_version_1_with_its_audit_row(org):
    before = AuditEvent.objects.count()
    product = services.product_create(actor=org.risk1, spec=spec_data("GXED"), note="首版")
    assert (product.code, product.name, product.category, product.is_active) == (
        "GXED",
        "工薪e贷",
        "credit",
        True,
    )
    version = product.current_version
    assert version.number == 1 and version.note == "首版" and version.created_by == org.risk1
    assert version.spec == version.as_spec().to_dict() and version.spec["version"] == 1
    event = AuditEvent.objects.get(action="product.create")
    assert event.after["version"] == 1 and AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("who", ["cm_a", "lead1", "head1", "approver1"])
def test_only_risk_managers_and_admins_edit_the_library(org, who):
    with pytest.raises(NotAllowed) as refused:
        services.product_create(actor=getattr(org, who), spec=spec_data("GXED"))
    assert refused.value.code == "product_edit_forbidden"
    assert (
        not Product.objects.exists() and not AuditEvent.objects.filter(action__startswith="product.").exists()
    )
    assert services.product_create(actor=org.admin, spec=spec_data("GXED")).current_version.number == 1


def _broken(change):
    data = spec_data("GXED")
    change(data)
    return data


BAD_SPECS = [
    (
        "amount_range_inverted",
        "amount.min",
        lambda d: d.update(amount={"min": "300000.00", "max": "10000.00"}),
    ),
    ("term_range_inverted", "term_months.min", lambda d: d.update(term_months={"min": 36, "max": 6})),
    ("amount_range_invalid", "amount.min", lambda d: d.update(amount={"min": "0", "max": "10000.00"})),
    ("spread_missing", "pricing.spread_bp", lambda d: d["pricing"]["spread_bp"].pop("D")),
    (
        "rule_fact_unknown",
        "fact",
        lambda d: d["rules"].append({"type": "compare", "fact": "shoe_size", "op": ">=", "value": 40}),
    ),
    ("ltv_above_100", "collateral", lambda d: d.update(collateral=[{"type": "vehicle", "max_ltv": "1.2"}])),
    ("rule_ltv_above_100", "max", lambda d: d["rules"].append({"type": "max_ltv", "max": "1.05"})),
    (
        "rule_range_inverted",
        "min",
        lambda d: d["rules"].__setitem__(0, {"type": "age_range", "min": 60, "max": 22}),
    ),
]


@pytest.mark.parametrize(("code", "field", "change"), BAD_SPECS, ids=[c for c, _f, _x in BAD_SPECS])
def test_bad_definitions_are_refused_with_the_core_code_and_nothing_is_written(org, code, field, change):
    with pytest.raises(DomainError) as refused:
        services.product_create(actor=org.risk1, spec=_broken(change))
    assert refused.value.code == code and refused.value.extra["field"] == field
    assert refused.value.message  # a Chinese sentence naming what to fix
    assert not Product.objects.exists() and not ProductVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_overlapping_fixed_rate_tiers_are_refused(org):
    data = spec_data("GJJDK")
    data["pricing"] = {"kind": "fixed"}
    data["pricing"]["tiers"] = [
        {"up_to_months": 60, "annual_rate": "0.021"},
        {"up_to_months": 60, "annual_rate": "0.026"},
    ]
    with pytest.raises(DomainError) as refused:
        services.product_create(actor=org.risk1, spec=data)
    assert refused.value.code == "tiers_overlap"


def test_a_taken_code_is_a_conflict(org, gxed):
    with pytest.raises(Conflict) as refused:
        services.product_create(actor=org.risk1, spec=spec_data("GXED"))
    assert refused.value.code == "product_code_taken"
    assert ProductVersion.objects.count() == 1


def test_a_new_version_leaves_the_old_one_and_its_quotes_unchanged(org, gxed):
    old = gxed.current_version
    old_spec = dict(old.spec)
    table = selectors.lpr_table()
    quoted = price_for(old.as_spec(), "B", 24, table, ON)  # what a customer was told on v1
    data = spec_data("GXED")
    data["pricing"]["spread_bp"]["B"] = 60
    data["name"] = "工薪e贷（新）"
    version = services.product_version_create(actor=org.risk1, code="GXED", spec=data, note="B 级加点上调")
    gxed.refresh_from_db()
    assert version.number == 2 and gxed.current_version == version and gxed.name == "工薪e贷（新）"
    reread = ProductVersion.objects.get(pk=old.pk)
    assert reread.spec == old_spec and reread.number == 1
    assert price_for(reread.as_spec(), "B", 24, table, ON) == quoted
    assert quoted.annual_rate == D("0.0340") and price_for(
        version.as_spec(), "B", 24, table, ON
    ).annual_rate == D("0.0360")
    event = AuditEvent.objects.get(action="product.version_create")
    assert event.before["version"] == 1 and event.after["version"] == 2
    assert event.after["changed"] == ["name", "pricing"] and event.after["note"] == "B 级加点上调"


def test_a_saved_version_cannot_be_changed(gxed):
    version = ProductVersion.objects.get(product=gxed)
    version.note = "改写历史"
    with pytest.raises(ImmutableRow):
        version.save()
    assert ProductVersion.objects.get(pk=version.pk).note == "首版"


@pytest.mark.parametrize(
    ("spec_change", "note", "code"),
    [
        (lambda d: None, "无变化", "version_unchanged"),
        (lambda d: d.update(code="OTHER"), "改代码", "spec_code_mismatch"),
        (lambda d: d["pricing"]["spread_bp"].update(B=60), "  ", "version_note_required"),
        (lambda d: d["pricing"]["spread_bp"].update(B=5), "B 低于 A", "spread_not_monotonic"),
    ],
)
def test_version_refusals_change_nothing(org, gxed, spec_change, note, code):
    data = spec_data("GXED")
    spec_change(data)
    audit = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.product_version_create(actor=org.risk1, code="GXED", spec=data, note=note)
    assert refused.value.code == code
    assert ProductVersion.objects.count() == 1 and AuditEvent.objects.count() == audit


def test_version_by_a_customer_manager_is_refused(org, gxed):
    with pytest.raises(NotAllowed):
        services.product_version_create(actor=org.cm_a, code="GXED", spec=spec_data("GXED"), note="x")
    with pytest.raises(NotFound):
        services.product_version_create(actor=org.risk1, code="NOPE", spec=spec_data("GXED"), note="x")


def test_activate_and_deactivate(org, gxed):
    product = services.product_set_active(actor=org.risk1, code="GXED", active=False)
    assert product.is_active is False
    with pytest.raises(Conflict) as refused:
        services.product_set_active(actor=org.risk1, code="GXED", active=False)
    assert refused.value.code == "product_already_inactive"
    assert services.product_set_active(actor=org.admin, code="GXED", active=True).is_active is True
    assert list(
        AuditEvent.objects.filter(action__in=["product.activate", "product.deactivate"])
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["product.deactivate", "product.activate"]
    with pytest.raises(NotAllowed):
        services.product_set_active(actor=org.lead1, code="GXED", active=False)


# --- needs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cm_a", "lead1"])
def test_owner_and_team_lead_record_a_need(org, zhang, who):
    need = services.need_record(actor=getattr(org, who), customer_id=zhang.pk, data=NEED)
    assert (need.amount, need.term_months, need.monthly_income) == (D("100000.00"), 36, D("12000.00"))
    figures = need.assessment
    assert figures.dti_before == D("1500") / D("12000")  # 12.5 %
    assert figures.affordable_payment == D("5100.00")  # 55 % × 12,000 − 1,500
    assert figures.flags == ()
    event = AuditEvent.objects.get(action="need.record")
    assert event.after["amount"] == "100000.00"
    assert event.after["monthly_income"] != "12000.00"  # sensitive: masked in the audit row


@pytest.mark.parametrize(
    ("who", "error"), [("cm_b", NotFound), ("cm_d", NotFound), ("head1", NotAllowed), ("risk1", NotAllowed)]
)
def test_others_cannot_record_a_need(org, zhang, who, error):
    with pytest.raises(error):
        services.need_record(actor=getattr(org, who), customer_id=zhang.pk, data=NEED)
    assert not Need.objects.exists() and not AuditEvent.objects.filter(action="need.record").exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"amount": "-5"}, "need_amount_not_positive", "amount"),
        ({"amount": 1.5}, "need_amount_invalid", "amount"),
        ({"term_months": 0}, "need_term_invalid", "term_months"),
        ({"purpose": "gambling"}, "need_purpose_unknown", "purpose"),
        ({"collateral_type": "vehicle"}, "need_collateral_value_missing", "collateral_value"),
        ({"collateral_value": "500000"}, "need_collateral_value_invalid", "collateral_value"),
        ({"monthly_income": "-1"}, "capacity_income_negative", "monthly_income"),
        ({"monthly_revenue": "50000"}, "capacity_business_incomplete", "monthly_costs"),
        ({"amount": "99999999999"}, "need_amount_too_large", "amount"),
        (
            {"co_borrower_monthly_income": "8000"},
            "need_co_borrower_income_without_co_borrower",
            "co_borrower_monthly_income",
        ),
    ],
)
def test_impossible_needs_are_refused_naming_the_field(org, zhang, change, code, field):
    with pytest.raises(DomainError) as refused:
        services.need_record(actor=org.cm_a, customer_id=zhang.pk, data={**NEED, **change})
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert not Need.objects.exists() and not AuditEvent.objects.filter(action="need.record").exists()


def test_a_loss_making_business_is_flagged_not_refused(org, zhang):
    need = services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={**NEED, "monthly_income": "3000", "monthly_revenue": "50000", "monthly_costs": "55000"},
    )
    assert need.assessment.total_income == D("-2000")
    assert [f.code for f in need.assessment.flags] == ["negative_cash_flow", "no_income"]
    assert need.assessment.affordable_payment == D("0")


def test_collateral_and_co_borrower_are_kept(org, zhang):
    need = services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            **NEED,
            "collateral_type": "residential_property",
            "collateral_value": "2000000",
            "has_co_borrower": True,
            "co_borrower_monthly_income": "6000",
            "has_guarantor": True,
        },
    )
    need.refresh_from_db()
    assert (need.collateral_type, need.collateral_value) == ("residential_property", D("2000000.00"))
    assert need.has_co_borrower and need.has_guarantor and need.co_borrower_monthly_income == D("6000.00")
