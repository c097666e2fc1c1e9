"""The end of day's set-based paths (``loans.services.eod_sets``) leave every loan exactly as the engine
does: one book of differently behaved loans is run day by day for half a year twice — engine only, then
set-based paths first — and every instalment, loan column, ledger entry, change of class, task,
notification and run report is compared."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from creditdesk.agenda.models import Task
from creditdesk.ledger.models import JournalEntry
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.models import ClassificationChange, EodRun, Installment, Loan
from creditdesk.loans.services import eod_sets, loan_disburse
from creditdesk.loans.services.classification import loan_classify
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.conftest import overdue_with_penalty
from creditdesk.loans.tests.factories import make_signed_application
from creditdesk.notifications.models import OutboxMessage
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.small_catalogue import XYD

pytestmark = pytest.mark.django_db

START = date(2026, 1, 10)
END = date(2026, 6, 20)
JUDGED_ON = date(2026, 3, 1)  # past 90 and 91 days overdue for the loans never repaid

# (amount, months, rate, uplift product?) and how the borrower pays: day → amount
LOANS = (
    ("100000.00", 12, "3.6000", False),  # never pays: penalty path daily, bands crossed by the engine
    ("80000.00", 24, "4.3500", True),  # pays what it owes one day after each due date
    ("50000.00", 12, "5.0000", False),  # pays 5,000 five days after each due date: arrears build up
    ("120000.00", 36, "3.9500", True),  # pays 20,000 in advance: credit applied on each due date
    ("60000.00", 12, "4.2000", False),  # pays interest only (300) on the due date, principal unpaid
    ("90000.00", 18, "4.0000", True),  # never pays for 100 days, then clears the arrears in one go
    ("70000.00", 12, "3.8000", False),  # pays what it owes two days after each due date
)


OWED = "owed"  # everything overdue with its penalty, to the fen: no credit balance left


def _payments(index: int, dues: list[date]) -> dict[date, str]:
    if index == 1:
        return {due + timedelta(days=1): OWED for due in dues}
    if index == 2:
        return {due + timedelta(days=5): "5000.00" for due in dues}
    if index == 3:
        return {START + timedelta(days=5): "20000.00"}
    if index == 4:
        return dict.fromkeys(dues, "300.00")
    if index == 5:
        return {dues[0] + timedelta(days=100): "30000.00"}
    if index == 6:
        return {due + timedelta(days=2): OWED for due in dues}
    return {}


@pytest.fixture
def book(org, li, small_catalogue):
    """Each loan of ``LOANS`` twice (twins: same terms, same payments)."""
    standard = small_catalogue["XYD"].current_version
    spec = {**copy.deepcopy(XYD), "code": "XYDU", "name": "上浮三成信用贷", "penalty_uplift": "0.30"}
    spec["amount"] = {"min": "10000.00", "max": "500000.00"}
    uplift_30 = product_services.product_create(actor=org.risk1, spec=spec, note="首版").current_version
    twins = []
    for index, (amount, months, rate, other) in enumerate(LOANS):
        pair = []
        for twin in range(2):
            application = make_signed_application(
                customer=li,
                product_version=uplift_30 if other else standard,
                checked_by=org.risk1,
                amount=amount,
                term_months=months,
                annual_rate=rate,
                value_date=START,
            )
            pair.append(
                loan_disburse(
                    actor=application.owner,
                    application_id=application.pk,
                    part_id=application.parts.get().pk,
                    value_date=START,
                    mode="entrusted",
                    payee_name="北京美家装饰有限公司",
                    payee_account="6222021234567890",
                    payee_bank="工商银行北京分行",
                    payment_reference=f"合同 {index}",
                    idempotency_key=f"sets-{index}-{twin}",
                )
            )
        dues = list(
            Installment.objects.filter(loan=pair[0]).order_by("period").values_list("due_date", flat=True)
        )
        twins.append((pair[0], pair[1], _payments(index, dues)))
    return twins


def _run(org, book, monkeypatch) -> dict[str, int]:
    """The whole half year: the first twin of each pair through the engine only, the second through the
    set-based paths first (the paths see only the second twins)."""
    taken = {"penalty": 0, "billing": 0}
    second = {pair[1].pk for pair in book}
    paths = []
    for path in eod_sets.PATHS:

        def candidates(day, path=path):
            return path.condition(day) & Q(pk__in=second)

        def counted(day, ids, path=path):
            done = path.advance(day, ids)
            taken[path.name] += done.loans
            return done

        paths.append(eod_sets.Path(path.name, candidates, counted))
    monkeypatch.setattr(eod_sets, "PATHS", tuple(paths))
    day = START
    while day <= END:
        for first, twin, payments in book:
            for loan in (first, twin):
                if day in payments:
                    repayment_post(
                        actor=org.cm_a,
                        loan_id=loan.pk,
                        amount=overdue_with_penalty(loan, day) if payments[day] == OWED else payments[day],
                        idempotency_key=f"{loan.pk}-{day.isoformat()}",
                        value_date=day,
                    )
        if day == JUDGED_ON:  # a risk manager judges the first pair lower than its floor
            for loan in book[0][:2]:
                loan_classify(actor=org.risk1, loan_id=loan.pk, risk_class="substandard", reason="经营停滞")
        eod_run(business_date=day)
        day += timedelta(days=1)
    return taken


def _state(loan: Loan) -> dict[str, Any]:
    """Everything servicing keeps of ``loan``, without what names the loan itself."""
    own = {"id", "number", "disbursement_id", "created_at", "updated_at", "loan_id"}

    def rows(queryset, *order):
        fields = [f.attname for f in queryset.model._meta.concrete_fields if f.attname not in own]
        return [{name: getattr(obj, name) for name in fields} for obj in queryset.order_by(*order)]

    loan = Loan.objects.get(pk=loan.pk)
    return {
        "loan": rows(Loan.objects.filter(pk=loan.pk)),
        "instalments": rows(Installment.objects.filter(loan=loan), "period"),
        "entries": [
            (
                entry.business_date,
                entry.kind,
                # the end of day's labels; other entries' name the loan or the repayment itself
                (entry.reference, entry.memo) if entry.reference.startswith("eod:") else None,
                sorted((line.account, line.side, line.amount) for line in entry.lines.all()),
            )
            for entry in JournalEntry.objects.filter(loan_id=loan.pk)
            .prefetch_related("lines")
            .order_by("business_date", "kind", "id")
        ],
        "changes": [
            (c.business_date, c.from_class, c.to_class, c.floor, c.dpd, c.reason)
            for c in ClassificationChange.objects.filter(loan=loan).order_by("business_date", "id")
        ],
        "tasks": sorted(Task.objects.filter(title__contains=loan.number).values_list("due_date", "kind")),
        "outbox": sorted(
            key.replace(f"loan:{loan.pk}:", "loan:")
            for key in OutboxMessage.objects.filter(dedupe_key__startswith=f"loan:{loan.pk}:").values_list(
                "dedupe_key", flat=True
            )
        ),
        "reconciled": reconcile([loan.pk]),
    }


def test_the_set_based_paths_leave_every_loan_as_the_engine_does(org, book, monkeypatch):
    taken = _run(org, book, monkeypatch)
    # the book exercised both paths and the engine: overdue loans for months, bills every month
    assert taken["penalty"] > 300 and taken["billing"] >= 8, taken
    assert debit_credit_totals().balanced
    statuses = set()
    for index, (engine, sets, _) in enumerate(book):
        expected, actual = _state(engine), _state(sets)
        assert expected["reconciled"] == []
        statuses.add(expected["loan"][0]["status"])
        for key in expected:
            assert actual[key] == expected[key], (index, key)
    assert statuses >= {"overdue", "active"}
    assert ClassificationChange.objects.filter(to_class="substandard").count() >= 2
    assert EodRun.objects.filter(status="done").count() == (END - START).days + 1
    assert Loan.objects.filter(penalty_receivable__gt=Decimal(0)).count() >= 4
