"""A floating LPR loan resets on 1 January to the LPR then in force plus its spread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, Method
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.models import Installment, Loan
from creditdesk.loans.services import loan_disburse
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.factories import make_signed_application
from creditdesk.notifications.models import OutboxMessage
from creditdesk.rates.models import LprRate

pytestmark = pytest.mark.django_db


def test_the_reset_moves_the_rate_and_rebuilds_the_open_schedule(org, li, xyd):
    application = make_signed_application(
        customer=li,
        product_version=xyd,
        checked_by=org.risk1,
        amount="100000.00",
        term_months=12,
        annual_rate="3.6000",
        value_date=date(2025, 11, 10),
    )
    part = application.parts.get()
    # signed at 1Y LPR 3.00 % (2025-05-20) + 60 bp
    part.price = {
        "kind": "lpr",
        "tenor": "1y",
        "lpr": "0.0300",
        "lpr_effective_from": "2025-05-20",
        "spread_bp": 60,
    }
    part.save(update_fields=["price"])
    loan = loan_disburse(
        actor=org.cm_a,
        application_id=application.pk,
        part_id=part.pk,
        value_date=date(2025, 11, 10),
        mode="entrusted",
        payee_name="北京美家装饰有限公司",
        payee_account="6222021234567890",
        payment_reference="装修合同",
        idempotency_key="float",
    )
    LprRate.objects.create(
        effective_from=date(2025, 12, 22), one_year=Decimal("2.9000"), five_year=Decimal("3.4000")
    )
    eod_run(business_date=date(2025, 11, 10))
    repayment_post(
        actor=org.cm_a, loan_id=loan.pk, amount="8496.73", idempotency_key="d1", value_date=date(2025, 11, 10)
    )
    eod_catch_up(until=date(2026, 1, 1))
    loan = Loan.objects.get(pk=loan.pk)
    assert (loan.annual_rate, loan.penalty_rate) == (Decimal("3.5000"), Decimal("3.5000"))  # 2.90 + 0.60
    expected = build_schedule(
        LoanTerms(
            method=Method.EQUAL_INSTALLMENT,
            principal=Decimal("91803.27"),
            annual_rate=Decimal("0.035"),
            periods=11,
            start_date=date(2026, 1, 1),
            first_due_date=date(2026, 1, 10),
        )
    )
    rows = list(Installment.objects.filter(loan=loan, due_date__gt=date(2026, 1, 1)).order_by("period"))
    # the running period: 22 days at 3.60 % (12-10 → 01-01: 201.97) + 9 days at 3.50 % (80.33)
    assert rows[0].interest == Decimal("201.97") + expected.installments[0].interest
    assert expected.installments[0].interest == Decimal("80.33")
    assert [(r.due_date, r.principal) for r in rows] == [
        (x.due_date, x.principal) for x in expected.installments
    ]
    assert [r.interest for r in rows[1:]] == [x.interest for x in expected.installments[1:]]
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"loan:{loan.pk}:reprice:").exists()
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced
