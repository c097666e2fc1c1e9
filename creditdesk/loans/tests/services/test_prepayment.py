"""Prepayment and the early settlement quote on a booked loan, against the arithmetic core's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.applications.terms import part_schedule
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.finance.prepayment import KeepOption, prepay
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.models import Installment, Loan
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.prepayment import prepayment_post, settlement_quote
from creditdesk.loans.services.reconciliation import reconcile

pytestmark = pytest.mark.django_db


def test_a_partial_prepayment_keeps_the_term_with_the_cores_new_schedule(paid_once, org):
    original = part_schedule(paid_once.disbursement.part, paid_once.value_date)
    expected = prepay(original, amount=Decimal("20000.00"), on=date(2026, 3, 1), keep=KeepOption.TERM)
    # 91,803.27 × 3.6% / 360 × 19 days (02-10 → 03-01) = 174.426… → 174.43
    assert expected.accrued_interest == Decimal("174.43")
    repayment = prepayment_post(
        actor=org.cm_a, loan_id=paid_once.pk, amount="20000", keep="term", idempotency_key="pp"
    )
    assert repayment.amount == Decimal("20174.43") and repayment.kind == "prepayment"
    loan = Loan.objects.get(pk=paid_once.pk)
    assert loan.principal_outstanding == Decimal("71803.27")
    rows = list(Installment.objects.filter(loan=loan, period__gt=2).order_by("period"))
    assert [(r.due_date, r.principal, r.interest) for r in rows] == [
        (row.due_date, row.principal, row.interest) for row in expected.new.installments
    ]
    prepaid = Installment.objects.get(loan=loan, period=2)
    assert (prepaid.kind, prepaid.principal, prepaid.interest, prepaid.settled_on) == (
        "prepayment",
        Decimal("20000.00"),
        Decimal("174.43"),
        date(2026, 3, 1),
    )
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced


def test_the_settlement_quote_and_a_full_settlement_close_the_loan(paid_once, org):
    quote = settlement_quote(loan=paid_once, on=date(2026, 3, 1))
    assert (quote.principal, quote.accrued_interest, quote.arrears, quote.total) == (
        Decimal("91803.27"),
        Decimal("174.43"),
        Decimal("0.00"),
        Decimal("91977.70"),
    )
    prepayment_post(actor=org.cm_a, loan_id=paid_once.pk, amount=None, idempotency_key="all")
    loan = Loan.objects.get(pk=paid_once.pk)
    assert (loan.status, loan.principal_outstanding, loan.closed_on) == (
        "closed",
        Decimal("0.00"),
        date(2026, 3, 1),
    )
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced


def test_a_prepayment_with_arrears_is_refused(booked, org):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 20))
    before = Installment.objects.filter(loan=booked).count()
    with pytest.raises(DomainError) as refused:
        prepayment_post(actor=org.cm_a, loan_id=booked.pk, amount="10000", idempotency_key="pp")
    assert refused.value.code == "prepayment_with_arrears"
    assert Installment.objects.filter(loan=booked).count() == before


@pytest.fixture
def prepaying(org, li):
    """李四's book_loan on a product whose overpayments prepay, with a 1 % prepayment fee."""
    import copy

    from creditdesk.loans.tests.conftest import book_loan
    from creditdesk.products import services as product_services
    from creditdesk.solutions.tests.small_catalogue import XYD

    spec = {
        **copy.deepcopy(XYD),
        "code": "XYDP",
        "name": "多还即提前还本信用贷",
        "overpayment": "prepay",
        "prepayment": {"percent_of_prepaid": "0.01"},
    }
    version = product_services.product_create(actor=org.risk1, spec=spec, note="首版").current_version
    loan = book_loan(org, li, version, key="prepaying")
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 9))
    return loan


def test_an_overpayment_prepays_principal_when_the_product_says_so(prepaying, org):
    from creditdesk.loans.services.repayments import repayment_post

    # 30,000 on the first due date: instalment 1 (8,496.73), the next instalment kept as credit
    # (8,496.73), and the 13,006.54 left prepays principal with its 1 % fee, the term kept
    repayment = repayment_post(
        actor=org.cm_a,
        loan_id=prepaying.pk,
        amount="30000.00",
        idempotency_key="over",
        value_date=date(2026, 2, 10),
    )
    loan = Loan.objects.get(pk=prepaying.pk)
    prepaid = Installment.objects.get(loan=loan, kind="prepayment")
    spare = Decimal("30000.00") - Decimal("8496.73") - Decimal("8496.73")
    principal, fee = prepaid.principal, prepaid.fee
    assert (prepaid.due_date, prepaid.interest, prepaid.settled_on) == (
        date(2026, 2, 10),
        Decimal("0.00"),
        date(2026, 2, 10),
    )
    assert fee == (principal * Decimal("0.01")).quantize(Decimal("0.01"))
    assert (
        principal + fee
        <= spare
        < principal
        + Decimal("0.01")
        + ((principal + Decimal("0.01")) * Decimal("0.01")).quantize(Decimal("0.01"))
    )
    assert loan.principal_outstanding == Decimal("100000.00") - Decimal("8196.73") - principal
    assert loan.credit_balance == spare - principal - fee + Decimal("8496.73")
    # the term is kept (the same maturity), the payment lower — and covered by the credit kept
    later = list(
        Installment.objects.filter(loan=loan, kind="scheduled", due_date__gt=date(2026, 2, 10)).order_by(
            "due_date"
        )
    )
    assert len(later) == 11 and later[-1].due_date == date(2027, 1, 10)
    assert later[0].payment < Decimal("8496.73")
    # the one repayment paid the prepayment instalment: its principal share is in the allocation, audited
    assert [prepaid.period, "current_principal", str(principal)] in repayment.allocation["shares"]
    event = AuditEvent.objects.get(action="repayment.post", target_id=str(repayment.pk))
    assert event.after["prepaid_principal"] == str(principal) and event.after["prepayment_fee"] == str(fee)
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced
    # on the next due date the kept credit pays the lower instalment: nothing overdue the day after
    eod_catch_up(until=date(2026, 3, 11))
    loan = Loan.objects.get(pk=prepaying.pk)
    assert loan.dpd == 0 and loan.status == "active" and reconcile([loan.pk]) == []
    # a repayment backdated before it replays the history: the prepayment is allocated the same way
    outstanding = loan.principal_outstanding
    repayment_post(
        actor=org.cm_a,
        loan_id=prepaying.pk,
        amount="100.00",
        idempotency_key="late",
        value_date=date(2026, 2, 15),
    )
    loan = Loan.objects.get(pk=prepaying.pk)
    assert loan.principal_outstanding == outstanding and reconcile([loan.pk]) == []
    assert Installment.objects.get(loan=loan, kind="prepayment").settled_on == date(2026, 2, 10)


def test_an_overpayment_below_the_minimum_stays_credit(prepaying, org):
    from creditdesk.loans.services.repayments import repayment_post

    repayment_post(
        actor=org.cm_a,
        loan_id=prepaying.pk,
        amount="17050.00",
        idempotency_key="small",
        value_date=date(2026, 2, 10),
    )
    loan = Loan.objects.get(pk=prepaying.pk)
    assert not Installment.objects.filter(loan=loan, kind="prepayment").exists()
    assert loan.credit_balance == Decimal("17050.00") - Decimal("8496.73")
