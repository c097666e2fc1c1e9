"""End-of-day snapshots (日终快照): one per loan and date it changed, never on a quiet day; the state on
any date is the latest snapshot on or before it; a posting that arrives while a run is under way shows
in the next date's snapshot. 李四's loan of ``book_loan`` (100,000, first due 2026-02-10), never paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.services import journal_post_fen
from creditdesk.loans.models import EodRun, Loan, LoanSnapshot
from creditdesk.loans.selectors import loan_state_on
from creditdesk.loans.services import eod
from creditdesk.loans.services.eod import eod_catch_up, eod_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_margin(monkeypatch):
    """Here a whole history runs in seconds, so every posting is within the run's margin for postings
    still committing (``eod.LATE_MARGIN``, ten minutes) of the next snapshot: without it the loan would
    also be snapshotted the day after each posting. (With it, that extra snapshot is only redundant.)"""
    monkeypatch.setattr(eod, "LATE_MARGIN", timedelta(0))


def dates(loan: Loan) -> list[date]:
    return list(
        LoanSnapshot.objects.filter(loan=loan)
        .order_by("business_date")
        .values_list("business_date", flat=True)
    )


def test_a_loan_is_snapshotted_on_the_dates_it_changes_and_read_as_of_any_date(booked):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 12))
    # disbursed (posted on its value date), billed on 02-10, overdue from 02-11: nothing in between
    assert dates(booked) == [date(2026, 1, 10), date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 12)]
    assert EodRun.objects.get(business_date=date(2026, 1, 20)).report["snapshots"] == 0
    assert EodRun.objects.get(business_date=date(2026, 2, 12)).report["snapshots"] == 1

    quiet = loan_state_on(booked.pk, date(2026, 1, 31))  # no snapshot that day: the one of 01-10
    assert quiet is not None and quiet.business_date == date(2026, 1, 10)
    assert (quiet.status, quiet.principal_outstanding, quiet.interest_receivable, quiet.dpd) == (
        "active",
        Decimal("100000.00"),
        Decimal("0.00"),
        0,
    )
    billed = loan_state_on(booked.pk, date(2026, 2, 10))
    assert billed is not None and billed.interest_receivable == Decimal("300.00") and billed.dpd == 0
    today = Loan.objects.get(pk=booked.pk)
    last = loan_state_on(booked.pk, date(2026, 12, 31))
    assert last is not None and last.business_date == date(2026, 2, 12)
    assert [
        getattr(last, name)
        for name in ("status", "dpd", "overdue_principal", "penalty_receivable", "risk_class")
    ] == [
        getattr(today, name)
        for name in ("status", "dpd", "overdue_principal", "penalty_receivable", "risk_class")
    ]
    assert (last.status, last.dpd, last.risk_class) == ("overdue", 2, "special_mention")
    assert loan_state_on(booked.pk, date(2026, 1, 9)) is None  # before the loan


def test_a_posting_that_arrives_during_a_run_shows_in_the_next_dates_snapshot(booked):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 1, 12))
    with transaction.atomic():  # an entry of 01-12 posted after that date's snapshots were taken
        journal_post_fen(
            kind=EntryKind.ADJUSTMENT,
            business_date=date(2026, 1, 12),
            changes=[(booked.pk, {Account.FEE_RECEIVABLE: 1, Account.FEE_INCOME: 1})],
        )
    eod_run(business_date=date(2026, 1, 13))
    assert dates(booked) == [date(2026, 1, 10), date(2026, 1, 13)]


def test_the_api_and_the_loan_page_list_a_loans_snapshots(booked, org, api_client, client):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 11))
    api_client.force_authenticate(org.cm_a)
    rows = api_client.get(f"/api/v1/loans/{booked.pk}/snapshots/").json()["results"]
    assert [
        (row["business_date"], row["interest_receivable"], row["dpd"], row["status"]) for row in rows
    ] == [
        ("2026-02-11", "300.00", 1, "overdue"),
        ("2026-02-10", "300.00", 0, "active"),
        ("2026-01-10", "0.00", 0, "active"),
    ]
    client.force_login(org.cm_a)
    page = client.get(f"/loans/{booked.pk}/").content.decode()
    assert 'data-testid="snapshots"' in page and "2026-02-11" in page
