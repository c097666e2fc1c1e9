"""Enumerations written once, with their Chinese labels (CONVENTIONS.md, "Who may do what").

Pure Python: nothing here imports Django (import-linter forbids it), so the arithmetic and rules cores
can own their enumerations. A member is declared with its value and its Chinese label::

    class Method(LabelledEnum):
        EQUAL_INSTALLMENT = "equal_installment", gettext_noop("等额本息")

``Method.EQUAL_INSTALLMENT == "equal_installment"`` (a ``StrEnum``: it is that string) and
``Method.EQUAL_INSTALLMENT.label == "等额本息"``, the text the pure core's own sentences use.
``gettext_noop`` returns its argument unchanged; it only marks the label for ``makemessages`` (xgettext
looks for that name), so the English catalogue has it. Pages show it translated through the Django
choices derived from the enumeration (``core.choices.text_choices`` / ``django_choices``), whose labels
are the same text wrapped in ``gettext_lazy``.

An enumeration lives in the pure core that owns it. The few that pure cores of different layers share
live here, the lowest layer all of them may import: risk grades (product rules and the scorer), customer
kinds and rate sensitivity (the customer record and the product matching).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (Django's ``gettext_noop``, without
    Django): the label stays Chinese here and is translated where a page shows it."""
    return message


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members are declared ``NAME = value, label`` and carry ``.label``."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        # ``label`` has a default only for type checkers, which take a lookup (``Method("bullet")``)
        # for a call of this method; Python calls it only to make the members, each with its label.
        if label is None:
            raise TypeError(f"{cls.__name__} {value!r}: declare the member as `value, label`")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def label_of(cls, value: str, default: str | None = None) -> str:
        """The label of ``value``; ``default`` (or the value itself) when it is not a member."""
        try:
            return cls(value).label
        except ValueError:
            return value if default is None else default

    @classmethod
    def pairs(cls) -> tuple[tuple[str, str], ...]:
        """``((value, label), …)`` in declaration order."""
        return tuple((member.value, member.label) for member in cls)


class RiskGrade(LabelledEnum):
    """风险等级 — the scorecard's risk grades, A best … E worst; product rules admit and price by them."""

    A = "A", gettext_noop("A（低风险）")
    B = "B", gettext_noop("B（较低风险）")
    C = "C", gettext_noop("C（中等风险）")
    D = "D", gettext_noop("D（较高风险）")
    E = "E", gettext_noop("E（高风险）")


GRADES: tuple[str, ...] = tuple(grade.value for grade in RiskGrade)
"""The grade letters, best first (``GRADES.index`` ranks them)."""


class CustomerKind(LabelledEnum):
    """客户类型 — who the customer is; a product admits some kinds only."""

    INDIVIDUAL = "individual", gettext_noop("个人")
    ENTERPRISE = "enterprise", gettext_noop("企业")
    INDIVIDUAL_BUSINESS = "individual_business", gettext_noop("个体工商户")


class TaxCreditGrade(LabelledEnum):
    """纳税信用等级 — the tax authority's annual grade of a taxpayer
    (国家税务总局《纳税信用管理办法（试行）》, 公告 2014 年第 40 号: A/B/C/D; 公告 2018 年第 8 号 added M
    for new and small taxpayers without a full year's record).
    税贷 products (银税互动) usually admit A and B, some M."""

    A = "A", gettext_noop("A 级")
    B = "B", gettext_noop("B 级")
    M = "M", gettext_noop("M 级")
    C = "C", gettext_noop("C 级")
    D = "D", gettext_noop("D 级")


class RateSensitivity(LabelledEnum):
    """利率敏感度 — how much the price decides for this customer (it weighs the product matching)."""

    LOW = "low", gettext_noop("低")
    MEDIUM = "medium", gettext_noop("中")
    HIGH = "high", gettext_noop("高")
