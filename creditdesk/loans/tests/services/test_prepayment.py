"""Prepayment and the early settlement quote on a booked loan, against the arithmetic core's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.applications.terms import part_schedule
from creditdesk.core.exceptions import DomainError
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
