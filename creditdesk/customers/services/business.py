"""经营信息 of a business and 公积金 of a person: how they are read and which kind may carry them.

Rules (PRODUCT.md §1, issue 13 "Business customers are first-class"):
- A business (企业, 个体工商户) has a founding date (not after today: 经营年限 is counted from it), a
  GB/T 4754-2017 industry code that exists in the standard (typed "6210" it is read as "H6210"; an
  unknown code is refused naming the code), employees (从业人员), annual revenue and total assets
  (sensitive, encrypted: the size class is computed from them) and its 纳税信用等级 (A/B/M/C/D,
  国家税务总局《纳税信用管理办法（试行）》and 公告 2018 年第 8 号).
- A person has the 住房公积金 record — consecutive months paid and the monthly base (sensitive) — and
  whether the salary is paid through this bank (本行代发工资).
- Neither kind carries the other's fields: they would be counted by the product rules for the wrong
  party (a 个体户's operator's 公积金 is on the operator's own record). Refused, naming the fields.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.core.exceptions import DomainError
from creditdesk.customers import industries
from creditdesk.customers.choices import CustomerKind, TaxCreditGrade
from creditdesk.customers.models import Customer
from creditdesk.customers.services.values import label, parse_amount, parse_count, parse_yes_no

BUSINESS_FIELDS = (
    "founding_date",
    "industry_code",
    "employees",
    "annual_revenue",
    "total_assets",
    "tax_credit_grade",
)
PERSON_FIELDS = ("provident_fund_months", "provident_fund_base", "payroll_with_bank")
BUSINESS_AUDIT_FIELDS = BUSINESS_FIELDS + PERSON_FIELDS
# Encrypted at rest, never shown in clear (``Customer.audit_sensitive_fields`` masks them in the audit).
SENSITIVE_FIELDS = ("annual_revenue", "total_assets", "provident_fund_base")
AMOUNT_FIELDS = frozenset(SENSITIVE_FIELDS)
EMPLOYEES_MAX = 9_999_999  # more than any employer has: above it is a typing error
PROVIDENT_MONTHS_MAX = 600  # 50 years of monthly payments
EARLIEST_FOUNDING = date(1900, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")  # as ``core.forms.DateFormField`` reads
_TAX_GRADES = tuple(TaxCreditGrade.values)


def parse_founding_date(raw: str | date | None, *, today: date) -> date | None:
    """成立日期: a date (YYYY-MM-DD; 2019/3/31, 2019.3.31, 20190331 read too) not after ``today``."""
    if isinstance(raw, date):
        value = raw
    else:
        text = unicodedata.normalize("NFKC", raw or "").strip()
        if not text:
            return None
        value = _read_date(text)
    if value > today:
        raise DomainError(
            "founding_date_in_future",
            _("成立日期（%(date)s）不能晚于今天：经营年限从成立日期起算。") % {"date": value.isoformat()},
            {"field": "founding_date"},
        )
    if value < EARLIEST_FOUNDING:
        raise DomainError(
            "founding_date_invalid",
            _("成立日期不能早于 %(date)s。") % {"date": EARLIEST_FOUNDING.isoformat()},
            {"field": "founding_date"},
        )
    return value


def _read_date(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise DomainError(
        "founding_date_invalid",
        _("成立日期不是有效的日期，请按 YYYY-MM-DD 填写。"),
        {"field": "founding_date"},
    )


def parse_industry_code(raw: str | None) -> str:
    """A GB/T 4754-2017 code as the standard writes it ("6210" → "H6210"); ``""`` when blank.
    An unknown code is refused (``industry_code_unknown``) with a message naming it."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    return industries.normalize_code(text)  # ``IndustryCodeError`` names the code and the standard


def parse_tax_credit_grade(raw: str | None) -> str:
    """纳税信用等级 A/B/M/C/D ("b", "B级" read as "B"); ``""`` when not recorded."""
    text = unicodedata.normalize("NFKC", raw or "").strip().upper().removesuffix("级").strip()
    if text and text not in _TAX_GRADES:
        raise DomainError(
            "tax_credit_grade_invalid",
            _("纳税信用等级须为 A、B、M、C、D 之一（国家税务总局《纳税信用管理办法》）。"),
            {"field": "tax_credit_grade"},
        )
    return text


def _parsed(field: str, raw: Any, *, today: date) -> Any:
    if field == "founding_date":
        return parse_founding_date(raw, today=today)
    if field == "industry_code":
        return parse_industry_code(raw)
    if field == "tax_credit_grade":
        return parse_tax_credit_grade(raw)
    if field == "employees":
        return parse_count(raw, field=field, low=0, high=EMPLOYEES_MAX)
    if field == "provident_fund_months":
        return parse_count(raw, field=field, low=0, high=PROVIDENT_MONTHS_MAX)
    if field == "payroll_with_bank":
        return parse_yes_no(raw, field=field)
    return parse_amount(raw, field=field)  # AMOUNT_FIELDS


def _recorded(customer: Customer, fields: tuple[str, ...]) -> list[str]:
    return [field for field in fields if getattr(customer, field) not in (None, "")]


def apply_business(customer: Customer, data: Any, *, today: date) -> None:
    """Set the 经营信息 / 公积金 fields given in ``data`` (a ``CustomerInput``: ``None`` = keep, ``""`` =
    clear) on ``customer``, whose kind is already set; then refuse a record that carries the other
    kind's fields, given now or kept from before (a changed kind must clear them)."""
    for field in BUSINESS_AUDIT_FIELDS:
        raw = getattr(data, field)
        if raw is not None:
            setattr(customer, field, _parsed(field, raw, today=today))
    if customer.kind == CustomerKind.INDIVIDUAL:
        wrong = _recorded(customer, BUSINESS_FIELDS)
        if wrong:
            raise DomainError(
                "business_fields_for_person",
                _("个人客户不登记经营信息（%(fields)s）：这些信息属于企业或个体工商户，请清空后再保存。")
                % {"fields": "、".join(label(field) for field in wrong)},
                {"field": wrong[0], "fields": wrong},
            )
    else:
        wrong = _recorded(customer, PERSON_FIELDS)
        if wrong:
            raise DomainError(
                "person_fields_for_business",
                _(
                    "企业和个体工商户不登记公积金、代发工资（%(fields)s）：这些属于个人，"
                    "请登记在经营者等关联个人名下。"
                )
                % {"fields": "、".join(label(field) for field in wrong)},
                {"field": wrong[0], "fields": wrong},
            )
