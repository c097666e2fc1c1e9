"""`creditdesk partition_tables`: the instalment and ledger-line tables partitioned by month on PostgreSQL
— every row kept under its id, the services working on the partitioned tables, the coming months added
later with their rows moved out of the default partition; SQLite refuses with a clear message."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from creditdesk.core.partitions import month_start
from creditdesk.ledger.models import JournalLine
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.models import Installment, Loan, LoanSnapshot
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions: PostgreSQL only")


def _partition(*args: str) -> dict:
    out = io.StringIO()
    call_command("partition_tables", *args, stdout=out)
    return {table["table"]: table for table in json.loads(out.getvalue())["tables"]}


def _partitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _rows_in(partition: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{partition}"')
        return cursor.fetchone()[0]


def _everything() -> tuple[list, list, list]:
    return (
        list(Installment.objects.order_by("id").values_list()),
        list(JournalLine.objects.order_by("id").values_list()),
        list(LoanSnapshot.objects.order_by("id").values_list()),
    )


def test_month_start():
    assert month_start(date(2026, 3, 13), 3) == date(2026, 6, 1)
    assert month_start(date(2026, 11, 30), 2) == date(2027, 1, 1)
    assert month_start(date(2026, 12, 31)) == date(2026, 12, 1)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_sqlite_keeps_one_table():
    with pytest.raises(CommandError, match="PostgreSQL"):
        _partition()


def test_negative_months_are_refused():
    with pytest.raises(CommandError, match="负"):
        _partition("--months-ahead", "-1")


@postgres_only
def test_partitioning_keeps_every_row_and_the_services_work_on_the_partitions(booked, org):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 3, 12))  # instalments 1 and 2 overdue, penalty posted every day
    before = _everything()

    done = _partition("--months-ahead", "3", "--ledger-months-ahead", "1")

    installments, lines = done["loans_installment"], done["ledger_journalline"]
    assert installments["converted"] and lines["converted"]
    # the business date is 2026-03-13: instalments get months through June, the rest wait in the default
    assert _partitions("loans_installment") == [
        "loans_installment_default",
        "loans_installment_p202602",
        "loans_installment_p202603",
        "loans_installment_p202604",
        "loans_installment_p202605",
        "loans_installment_p202606",
    ]
    assert _rows_in("loans_installment_p202602") == 1 and _rows_in("loans_installment_default") == 7
    assert _partitions("ledger_journalline") == [
        "ledger_journalline_default",
        "ledger_journalline_p202601",
        "ledger_journalline_p202602",
        "ledger_journalline_p202603",
        "ledger_journalline_p202604",
    ]
    assert done["loans_loansnapshot"]["converted"]
    assert _partitions("loans_loansnapshot")[-1] == "loans_loansnapshot_p202604"
    assert _everything() == before  # every row, under its own id

    # the services on the partitioned tables: a repayment, a day's run, the reconciliation
    largest = max(line[0] for line in before[1])
    repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="9000.00",
        idempotency_key="after",
        value_date=date(2026, 3, 13),
    )
    eod_run(business_date=date(2026, 3, 13))
    eod_run(business_date=date(2026, 3, 14))  # a day of penalty on what is left, on the partitions
    loan = Loan.objects.get(pk=booked.pk)
    assert (
        loan.dpd == 4 and loan.penalty_receivable > Decimal(0) and loan.accrued_through == date(2026, 3, 14)
    )
    assert JournalLine.objects.filter(id__gt=largest).count() >= 4  # the sequence goes on past the copy
    assert reconcile() == [] and debit_credit_totals().balanced
    assert LoanSnapshot.objects.filter(loan=booked, business_date=date(2026, 3, 14)).exists()

    # run again: nothing to do; further ahead: the months are added, their rows moved out of the default
    again = _partition("--months-ahead", "3", "--ledger-months-ahead", "1")
    assert not again["loans_installment"]["converted"] and again["loans_installment"]["created"] == []
    later = _partition("--months-ahead", "6", "--ledger-months-ahead", "1")
    assert later["loans_installment"]["created"] == [
        "loans_installment_p202607",
        "loans_installment_p202608",
        "loans_installment_p202609",
    ]
    assert later["loans_installment"]["moved_from_default"] == 3
    assert _rows_in("loans_installment_default") == 4
    assert Installment.objects.filter(loan=booked).count() == 12
