"""Reconciliation finds what differs — between a loan's sub-ledger and its ledger balances, and between
the ledger's running balances and its lines — and reports it; it never reports an agreeing book."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creditdesk.ledger.chart import Account
from creditdesk.ledger.models import LoanAccountBalance
from creditdesk.loans.models import EodRun, Loan
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.services.reconciliation import Mismatch, reconcile

pytestmark = pytest.mark.django_db


def test_a_sub_ledger_column_that_differs_is_itemised(booked):
    assert reconcile() == [] and reconcile([booked.pk]) == []
    Loan.objects.filter(pk=booked.pk).update(
        principal_outstanding=Decimal("99999.99"), credit_balance=Decimal("5.00")
    )
    expected = [
        Mismatch(
            booked.pk, booked.number, Account.LOANS_RECEIVABLE, Decimal("99999.99"), Decimal("100000.00")
        ),
        Mismatch(booked.pk, booked.number, Account.CUSTOMER_CREDIT, Decimal("5.00"), Decimal("0.00")),
    ]
    assert reconcile() == expected
    assert reconcile([booked.pk]) == expected
    assert reconcile([booked.pk + 1000]) == []  # not asked
    assert reconcile(posted_on=date(2026, 1, 10)) == expected  # the disbursement's business date
    assert reconcile(posted_on=date(2026, 1, 11)) == []  # nothing posted that day


def test_the_end_of_day_reports_a_loan_whose_ledger_balance_moved_around_the_writer(booked):
    LoanAccountBalance.objects.filter(loan_id=booked.pk, account="loans_receivable").update(
        balance=Decimal("1.00")
    )
    eod_run(business_date=date(2026, 1, 10))
    report = EodRun.objects.get(business_date=date(2026, 1, 10)).report
    assert report["reconciled_loans"] == 1 and report["mismatch_count"] == 1
    assert report["mismatches"][0] | {"loan_id": 0} == {
        "loan_id": 0,
        "number": booked.number,
        "account": "loans_receivable",
        "sub_ledger": "100000.00",
        "ledger": "1.00",
    }


def test_the_command_reports_sub_ledger_mismatches_and_drift_and_fails(booked, capsys):
    call_command("reconcile")
    clean = json.loads(capsys.readouterr().out)
    assert clean["mismatches"] == [] and clean["drift"] == [] and clean["balanced"] is True
    LoanAccountBalance.objects.filter(loan_id=booked.pk, account="loans_receivable").update(
        balance=Decimal("0.00")
    )
    with pytest.raises(CommandError):
        call_command("reconcile")
    found = json.loads(capsys.readouterr().out)
    # the loan's column against the running balance, and the running balance against the lines
    assert [(m["account"], m["sub_ledger"], m["ledger"]) for m in found["mismatches"]] == [
        ("loans_receivable", "100000.00", "0.00")
    ]
    assert found["drift"] == [
        {"loan_id": booked.pk, "account": "loans_receivable", "kept": "0.00", "from_lines": "100000.00"}
    ]
