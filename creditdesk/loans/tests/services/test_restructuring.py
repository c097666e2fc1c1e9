"""Extension (展期) within its limits with the observation period, and write-off with approval."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, Method
from creditdesk.ledger.chart import Account
from creditdesk.ledger.selectors import debit_credit_totals, loan_account_balances
from creditdesk.loans.models import Installment, Loan, Restructuring
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.services.restructuring import (
    extension_preview,
    loan_extend,
    recovery_post,
    writeoff_decide,
    writeoff_propose,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_in_advance(booked, org):
    """Instalment 1 paid on the drawdown day (held as credit, applied on its due date)."""
    eod_run(business_date=date(2026, 1, 10))
    repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="8496.73",
        idempotency_key="p1",
        value_date=date(2026, 1, 10),
    )
    eod_catch_up(until=date(2026, 2, 28))
    return Loan.objects.get(pk=booked.pk)


def test_an_extension_rebuilds_the_open_schedule_and_starts_the_observation(paid_in_advance, org):
    preview = extension_preview(loan=paid_in_advance, months=6)
    expected = build_schedule(
        LoanTerms(
            method=Method.EQUAL_INSTALLMENT,
            principal=Decimal("91803.27"),
            annual_rate=Decimal("0.036"),
            periods=17,
            start_date=date(2026, 2, 10),
            first_due_date=date(2026, 3, 10),
        )
    )
    assert preview.limit_months == 12 and preview.new_maturity == date(2027, 7, 10)
    assert preview.schedule.installments == expected.installments
    restructuring = loan_extend(
        actor=org.risk1,
        loan_id=paid_in_advance.pk,
        months=6,
        reason="经营周转困难，申请展期",
        financial_difficulty=True,
    )
    loan = Loan.objects.get(pk=paid_in_advance.pk)
    # observed from the first due date after it (2026-03-10) for two periods and a year: to 2027-03-10
    assert (restructuring.observation_ends_on, loan.observation_ends_on) == (
        date(2027, 3, 10),
        date(2027, 3, 10),
    )
    assert (loan.maturity_date, loan.risk_class, loan.risk_floor) == (
        date(2027, 7, 10),
        "special_mention",
        "special_mention",
    )
    rows = list(Installment.objects.filter(loan=loan, period__gt=1).order_by("period"))
    assert [(r.due_date, r.principal, r.interest) for r in rows] == [
        (row.due_date, row.principal, row.interest) for row in expected.installments
    ]
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced


def test_extensions_beyond_the_limit_and_by_a_cm_are_refused(paid_in_advance, org):
    with pytest.raises(DomainError) as beyond:
        extension_preview(loan=paid_in_advance, months=13)
    assert beyond.value.code == "extension_beyond_limit"
    with pytest.raises(DomainError) as cm:
        loan_extend(
            actor=org.cm_a, loan_id=paid_in_advance.pk, months=3, reason="x", financial_difficulty=False
        )
    assert cm.value.code == "restructure_not_allowed"
    assert Restructuring.objects.count() == 0


def test_a_write_off_needs_the_branch_heads_approval_and_keeps_recoveries(booked, org, api_client):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 5, 12))  # instalment 1 unpaid 91 days: 次级
    loan = Loan.objects.get(pk=booked.pk)
    assert (loan.dpd, loan.risk_class) == (91, "substandard")
    write_off = writeoff_propose(actor=org.risk1, loan_id=loan.pk, reason="借款人失联，诉讼无可执行财产")
    with pytest.raises(DomainError) as same_role:
        writeoff_decide(actor=org.risk1, write_off_id=write_off.pk, approve=True)
    assert same_role.value.code == "write_off_decide_not_allowed"
    writeoff_decide(actor=org.head1, write_off_id=write_off.pk, approve=True)
    loan = Loan.objects.get(pk=booked.pk)
    write_off.refresh_from_db()
    assert loan.status == "written_off" and loan.principal_outstanding == Decimal("0.00")
    assert write_off.principal == Decimal("100000.00")
    balances = loan_account_balances([loan.pk])[loan.pk]
    assert balances[Account.LOANS_RECEIVABLE] == Decimal("0.00")
    assert (
        balances[Account.WRITE_OFF]
        == write_off.principal + write_off.interest + write_off.penalty + write_off.fee
    )
    recovery_post(actor=org.cm_a, loan_id=loan.pk, amount="1000", idempotency_key="rec-1")
    api_client.force_authenticate(org.cm_a)  # the repayments list shows a recovery (no buckets)
    listed = api_client.get(f"/api/v1/loans/{loan.pk}/repayments/")
    assert listed.status_code == 200 and listed.json()["results"][0]["allocation"]["buckets"] == {}
    write_off.refresh_from_db()
    assert write_off.recovered == Decimal("1000.00")
    assert loan_account_balances([loan.pk])[loan.pk][Account.RECOVERY_INCOME] == Decimal("1000.00")
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced
    eod_run(business_date=date(2026, 5, 13))  # a written-off loan is not serviced any more
    assert Loan.objects.get(pk=booked.pk).accrued_through == loan.accrued_through


def test_a_refinance_closes_the_old_loan_with_a_new_one_under_observation(booked, org):
    from creditdesk.loans.services.refinance import loan_refinance

    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 28))  # the business date is 03-01: instalment 1 is 19 days late
    old = Loan.objects.get(pk=booked.pk)
    new = loan_refinance(
        actor=org.risk1,
        loan_id=old.pk,
        term_months=24,
        method="equal_installment",
        reason="经营困难，借新还旧",
        financial_difficulty=True,
    )
    old.refresh_from_db()
    # the payoff on 03-01: principal 100,000.00 + interest due 300.00 + 罚息 8,196.73 × 0.054 / 360 × 19 =
    # 23.36 + 复利 300.00 × 0.054 / 360 × 19 = 0.86 + the running period's interest on the principal not
    # yet due, 91,803.27 × 3.6% / 360 × 19 days = 174.43
    assert new.principal == Decimal("100498.65")
    assert (old.status, old.principal_outstanding, old.penalty_receivable) == (
        "restructured",
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert new.refinances_id == old.pk and new.risk_class == "special_mention"
    assert new.observation_ends_on is not None
    assert Restructuring.objects.get(loan=old).kind == "refinance"
    assert reconcile([old.pk, new.pk]) == [] and debit_credit_totals().balanced
