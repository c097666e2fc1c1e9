"""Enumerations written once: a pure ``LabelledEnum`` with its Chinese labels, and the Django choices
derived from it (``core.choices``) with the same values and the same labels, translated on pages."""

from __future__ import annotations

import pickle

import pytest
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import override

from creditdesk.core.choices import django_choices, text_choices
from creditdesk.core.enums import GRADES, CustomerKind, RateSensitivity, RiskGrade
from creditdesk.finance.terms import Method
from creditdesk.products.catalogue import Category
from creditdesk.products.facts import COLLATERAL_TYPES, CUSTOMER_TYPES, PURPOSES, CollateralType, LoanPurpose
from creditdesk.products.rules import Status
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.scoring.choices import Grade
from creditdesk.solutions.competitors import QuoteKind
from creditdesk.solutions.models import CompetitorOffer


def test_a_member_is_its_value_and_carries_its_label():
    assert Method.EQUAL_INSTALLMENT == "equal_installment"
    assert str(Method.EQUAL_INSTALLMENT) == f"{Method.EQUAL_INSTALLMENT}" == "equal_installment"
    assert Method("bullet") is Method.BULLET
    assert Method.BULLET.label == "一次性还本付息"
    assert {Method.BULLET: 1}["bullet"] == 1  # hashes as its value
    with pytest.raises(ValueError):
        Method("monthly")


def test_label_of_and_pairs():
    assert Method.label_of("interest_only") == "先息后本"
    assert Method.label_of("nope") == "nope"
    assert Method.label_of("nope", "无偏好") == "无偏好"
    assert RateSensitivity.pairs() == (("low", "低"), ("medium", "中"), ("high", "高"))


def test_the_labels():
    assert [m.label for m in Method] == ["等额本息", "等额本金", "先息后本", "一次性还本付息", "随借随还"]
    assert [g.label for g in RiskGrade] == [
        "A（低风险）",
        "B（较低风险）",
        "C（中等风险）",
        "D（较高风险）",
        "E（高风险）",
    ]
    assert GRADES == ("A", "B", "C", "D", "E")
    assert dict(Category.pairs())["home_loan"] == "个人住房贷款"
    assert CUSTOMER_TYPES == (
        ("individual", "个人"),
        ("enterprise", "企业"),
        ("individual_business", "个体工商户"),
    )
    assert dict(PURPOSES)["business_working_capital"] == "经营周转" and len(PURPOSES) == 10
    assert COLLATERAL_TYPES[0] == ("none", "无抵质押物") and len(COLLATERAL_TYPES) == 9
    assert [s.label for s in Status] == ["通过", "未通过", "待确认"]
    assert QuoteKind.FLAT_MONTHLY.label == "分期手续费（按原始本金，每月）"


@pytest.mark.parametrize(
    ("pure", "derived"),
    [(Method, RepaymentMethod), (RiskGrade, Grade)],
)
def test_derived_choices_have_the_pure_values_and_labels(pure, derived):
    assert issubclass(derived, models.TextChoices)
    assert [(value, str(label)) for value, label in derived.choices] == list(pure.pairs())
    assert derived.names == [member.name for member in pure]
    for member in pure:
        assert derived[member.name] == member and derived(member).label == member.label


def test_derived_choices_belong_to_the_declaring_module_and_pickle():
    assert (RepaymentMethod.__module__, RepaymentMethod.__qualname__) == (
        "creditdesk.rates.choices",
        "RepaymentMethod",
    )
    assert pickle.loads(pickle.dumps(RepaymentMethod.BULLET)) is RepaymentMethod.BULLET
    assert RepaymentMethod.__doc__ == Method.__doc__


def test_derived_labels_are_translated():
    assert isinstance(RepaymentMethod.EQUAL_INSTALLMENT.label, Promise)
    with override("en"):
        assert str(RepaymentMethod.EQUAL_INSTALLMENT.label) == "Equal instalments"
        assert str(CompetitorOffer(kind=QuoteKind.ANNUAL_RATE).get_kind_display()) != "年利率"
    with override("zh-hans"):
        assert CompetitorOffer(kind="flat_monthly").get_kind_display() == "分期手续费（按原始本金，每月）"


def test_django_choices_is_the_plain_list():
    choices = django_choices(CustomerKind)
    assert [value for value, _label in choices] == ["individual", "enterprise", "individual_business"]
    assert all(isinstance(label, Promise) for _value, label in choices)
    assert [str(label) for _value, label in choices] == ["个人", "企业", "个体工商户"]


def test_text_choices_takes_the_enum_name_by_default():
    assert text_choices(LoanPurpose).__name__ == "LoanPurpose"
    assert text_choices(CollateralType).NONE == "none"
