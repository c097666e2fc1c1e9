"""Fixtures of the loans tests: the small catalogue and 李四 (cm_a's customer) of the solutions tests, a
consumer credit product lending up to 500,000, and an application of 李四 signed and checked."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from creditdesk.core.money import from_fen
from creditdesk.loans.models import Loan
from creditdesk.loans.services import loan_disburse, sync
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.factories import make_signed_application
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import li, small_catalogue  # noqa: F401 — fixtures
from creditdesk.solutions.tests.small_catalogue import XYD

XYD_LARGE = {
    **copy.deepcopy(XYD),
    "code": "XYDL",
    "name": "大额信用贷",
    "amount": {"min": "10000.00", "max": "500000.00"},
}


@pytest.fixture
def xyd(small_catalogue):  # noqa: F811
    return small_catalogue["XYD"].current_version


@pytest.fixture
def large_consumer(org):
    return product_services.product_create(
        actor=org.risk1, spec=copy.deepcopy(XYD_LARGE), note="首版"
    ).current_version


@pytest.fixture
def signed(org, li, xyd):  # noqa: F811
    """李四's 150,000 / 36 months / 等额本息 at 4.20 %, signed today, conditions checked by risk1."""
    return make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)


VALUE_DATE = date(2026, 1, 10)


def book_loan(org, customer, product_version, key: str = "booked-1", value_date: date = VALUE_DATE):
    """A loan of ``customer``: 100,000 / 12 months / 等额本息 at 3.60 %, disbursed on 2026-01-10
    (instalment 1 due 2026-02-10: 8,196.73 principal + 300.00 interest = 8,496.73, RULES.md's figure)."""
    application = make_signed_application(
        customer=customer,
        product_version=product_version,
        checked_by=org.risk1,
        amount="100000.00",
        term_months=12,
        annual_rate="3.6000",
        value_date=value_date,
    )
    return loan_disburse(
        actor=application.owner,
        application_id=application.pk,
        part_id=application.parts.get().pk,
        value_date=value_date,
        mode="entrusted",
        payee_name="北京美家装饰有限公司",
        payee_account="6222021234567890",
        payee_bank="工商银行北京分行",
        payment_reference="装修合同 ZX-2026-001",
        idempotency_key=key,
    )


def overdue_with_penalty(loan: Loan, day: date) -> str:
    """What ``loan`` has overdue on ``day`` with its penalty and 复利, to the fen (what a borrower pays
    to clear the arrears), in yuan."""
    loaded = sync.load(Loan.objects.get(pk=loan.pk))
    loaded.book.accrue(day)
    totals = loaded.book.totals()
    fen = totals.overdue_principal + totals.overdue_interest + totals.overdue_fee + totals.penalty_receivable
    return str(from_fen(fen))


@pytest.fixture
def booked(org, li, xyd):  # noqa: F811
    """李四's loan of ``book_loan``."""
    return book_loan(org, li, xyd)


@pytest.fixture
def paid_once(booked, org):
    """李四's loan with instalment 1 paid on its due date; the business date is then 2026-03-01."""
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 9))
    repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="8496.73",
        idempotency_key="p1",
        value_date=date(2026, 2, 10),
    )
    eod_catch_up(until=date(2026, 2, 28))
    return Loan.objects.get(pk=booked.pk)


@pytest.fixture
def npl(booked):
    """李四's loan never repaid, 91 days past due on 2026-05-12: 次级 (NPL)."""
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 5, 12))
    return Loan.objects.get(pk=booked.pk)
