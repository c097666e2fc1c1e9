"""The reminders are queued beside step 1, on a connection of their own (``eod._Beside``; PostgreSQL,
outside a caller's transaction): the same keys and report as in line, and an error in them is raised by
``eod_run`` once step 1 is over — the run is left unfinished and the next call finishes it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.finance.terms import due_date
from creditdesk.loans.models import EodRun, Installment
from creditdesk.loans.services import eod
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.tests.conftest import book_loan
from creditdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due_in_four_days(org, li, xyd):
    if connection.vendor != "postgresql":
        pytest.skip("a step beside step 1 needs a second connection: PostgreSQL only")
    target = timezone.localdate() + timedelta(days=4)
    value_date = due_date(target, -1)
    if due_date(value_date, 1) != target:
        pytest.skip("no drawdown a month before falls due on that day (end of a longer month)")
    loan = book_loan(org, li, xyd, key="beside", value_date=value_date)
    assert Installment.objects.get(loan=loan, period=1).due_date == target
    return loan


def test_the_reminders_are_queued_beside_the_loans_step(due_in_four_days, monkeypatch):
    threads: list[str] = []
    inline = eod._reminders_step

    def watched(run):
        threads.append(threading.current_thread().name)
        return inline(run)

    monkeypatch.setattr(eod, "_reminders_step", watched)
    run = eod_run(business_date=timezone.localdate())
    assert threads == ["eod-reminders"]  # once, on its own thread
    assert run.status == "done" and run.steps.count("reminders") == 1
    assert run.report["reminders"] == 1 and "reminders" in run.report["step_seconds"]
    reminder = OutboxMessage.objects.get(event="repayment_due")
    assert reminder.dedupe_key.startswith(f"loan:{due_in_four_days.pk}:due:")


def test_an_error_beside_is_raised_and_the_next_call_finishes_the_run(due_in_four_days, monkeypatch):
    def broken(run):
        raise RuntimeError("the SMS table is gone")

    monkeypatch.setattr(eod, "_reminders_step", broken)
    today = timezone.localdate()
    with pytest.raises(RuntimeError, match="the SMS table is gone"):
        eod_run(business_date=today)
    run = EodRun.objects.get(business_date=today)
    assert run.status != "done" and "loans" in run.steps and "reminders" not in run.steps
    assert not OutboxMessage.objects.filter(event="repayment_due").exists()
    monkeypatch.undo()
    run = eod_run(business_date=today)
    assert run.status == "done" and run.report["reminders"] == 1
    assert OutboxMessage.objects.filter(event="repayment_due").count() == 1
