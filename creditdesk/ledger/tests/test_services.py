"""The ledger's one writer: a loan's story told as postings and balances, and every refusal leaving the
ledger as it was."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.ledger.chart import Account, EntryKind, Line, Side
from creditdesk.ledger.models import JournalEntry, JournalLine, LedgerImmutable, LoanAccountBalance
from creditdesk.ledger.selectors import (
    balance_drift,
    debit_credit_totals,
    entries_for_loan,
    is_balanced,
    loan_account_balances,
    running_balances,
    trial_balance,
)
from creditdesk.ledger.services import (
    EntrySpec,
    LedgerOutsideTransaction,
    journal_post,
    journal_post_fen,
    journal_post_many,
    journal_reverse,
    loan_balances_rebuild,
    signed_post,
)

pytestmark = pytest.mark.django_db

D = Decimal
LOAN = 42
DAY1 = date(2026, 1, 15)


def _zeros() -> dict[Account, Decimal]:
    return dict.fromkeys(Account, D("0.00"))


def _disburse(loan_id: int = LOAN, amount: str = "100000.00", actor=None, on: date = DAY1) -> JournalEntry:
    with transaction.atomic():
        return journal_post(
            kind=EntryKind.DISBURSEMENT,
            business_date=on,
            lines=[
                Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D(amount)),
                Line(Account.CLEARING, Side.CREDIT, D(amount)),
            ],
            loan_id=loan_id,
            reference=f"disbursement:{loan_id}",
            memo="放款",
            actor=actor,
        )


def _rows() -> tuple[int, int]:
    return JournalEntry.objects.count(), JournalLine.objects.count()


def test_post_writes_the_entry_and_its_lines(clerk):
    entry = _disburse(actor=clerk)

    entry = JournalEntry.objects.get(pk=entry.pk)
    assert (entry.kind, entry.business_date, entry.loan_id) == ("disbursement", DAY1, LOAN)
    assert (entry.reference, entry.memo, entry.posted_by, entry.reverses) == (
        "disbursement:42",
        "放款",
        clerk,
        None,
    )
    assert entry.get_kind_display() == "放款"
    assert [
        (line.account, line.side, line.amount, line.loan_id, line.business_date)
        for line in entry.lines.order_by("id")
    ] == [
        ("loans_receivable", "debit", D("100000.00"), LOAN, DAY1),
        ("clearing", "credit", D("100000.00"), LOAN, DAY1),
    ]
    assert str(entry.lines.order_by("id")[0]) == "借 贷款本金 100000.00"
    assert AuditEvent.objects.count() == 0  # the entry is the record


def test_post_is_one_insert_of_the_entry_one_of_the_lines_and_one_of_the_running_balances():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        journal_post(
            kind=EntryKind.ACCRUAL,
            business_date=DAY1,
            lines=[
                Line(Account.INTEREST_RECEIVABLE, Side.DEBIT, D("13.70")),
                Line(Account.INTEREST_INCOME, Side.CREDIT, D("13.70")),
            ],
            loan_id=LOAN,
        )
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    tables = [JournalEntry._meta.db_table, JournalLine._meta.db_table, LoanAccountBalance._meta.db_table]
    assert [next(t for t in tables if t in sql) for sql in inserts] == tables


def test_a_loans_story_as_postings_and_balances(clerk):
    """放款 100,000.00; 计息 300.00; 还款 8,496.73 (本金 8,196.73 + 利息 300.00); 多缴 50.00 挂账."""
    _disburse(actor=clerk)
    with transaction.atomic():
        signed_post(
            kind=EntryKind.ACCRUAL,
            business_date=date(2026, 2, 14),
            deltas={Account.INTEREST_RECEIVABLE: D("300.00"), Account.INTEREST_INCOME: D("300.00")},
            loan_id=LOAN,
            reference="eod:2026-02-14",
            memo="",
            actor=None,
        )
        signed_post(
            kind=EntryKind.REPAYMENT,
            business_date=date(2026, 2, 15),
            deltas={
                Account.CLEARING: D("8546.73"),
                Account.LOANS_RECEIVABLE: D("-8196.73"),
                Account.INTEREST_RECEIVABLE: D("-300.00"),
                Account.CUSTOMER_CREDIT: D("50.00"),
            },
            loan_id=LOAN,
            reference="repayment:1",
            memo="第 1 期还款",
            actor=clerk,
        )
    _disburse(loan_id=43, amount="0.10")  # another loan, and amounts that drift as floats
    _disburse(loan_id=43, amount="0.20")

    balances = loan_account_balances()
    assert balances == {
        LOAN: _zeros()
        | {
            Account.LOANS_RECEIVABLE: D("91803.27"),
            Account.INTEREST_RECEIVABLE: D("0.00"),
            Account.CLEARING: D("-91453.27"),
            Account.CUSTOMER_CREDIT: D("50.00"),
            Account.INTEREST_INCOME: D("300.00"),
        },
        43: _zeros() | {Account.LOANS_RECEIVABLE: D("0.30"), Account.CLEARING: D("-0.30")},
    }
    assert str(balances[43][Account.LOANS_RECEIVABLE]) == "0.30"
    assert all(isinstance(v, Decimal) for v in balances[LOAN].values())
    assert loan_account_balances([43, 99]) == {
        43: _zeros() | {Account.LOANS_RECEIVABLE: D("0.30"), Account.CLEARING: D("-0.30")},
        99: _zeros(),
    }
    assert loan_account_balances([]) == {}

    assert trial_balance() == _zeros() | {
        Account.LOANS_RECEIVABLE: D("91803.57"),
        Account.CLEARING: D("-91453.57"),
        Account.CUSTOMER_CREDIT: D("50.00"),
        Account.INTEREST_INCOME: D("300.00"),
    }
    assert trial_balance(on=date(2026, 2, 14)) == _zeros() | {
        Account.LOANS_RECEIVABLE: D("100000.30"),
        Account.CLEARING: D("-100000.30"),
        Account.INTEREST_RECEIVABLE: D("300.00"),
        Account.INTEREST_INCOME: D("300.00"),
    }
    totals = debit_credit_totals()
    assert (totals.debit, totals.credit) == (D("108847.03"), D("108847.03"))
    assert is_balanced()
    assert is_balanced(on=date(2026, 1, 1))


def test_balances_are_one_query():
    _disburse()
    with CaptureQueriesContext(connection) as queries:
        loan_account_balances([LOAN])
    assert len(queries) == 1


def test_signed_post_with_only_zeros_posts_nothing():
    with transaction.atomic():
        result = signed_post(
            kind=EntryKind.ACCRUAL,
            business_date=DAY1,
            deltas={Account.INTEREST_RECEIVABLE: D("0.00"), Account.INTEREST_INCOME: D("0.00")},
            loan_id=LOAN,
            reference="",
            memo="",
            actor=None,
        )
    assert result is None
    assert _rows() == (0, 0)


def test_unbalanced_posting_is_refused_and_nothing_is_written():
    _disburse()
    before = (_rows(), trial_balance())
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_post(
            kind=EntryKind.REPAYMENT,
            business_date=DAY1,
            lines=[
                Line(Account.CLEARING, Side.DEBIT, D("8496.73")),
                Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("8196.73")),
                Line(Account.INTEREST_RECEIVABLE, Side.CREDIT, D("300.01")),
            ],
            loan_id=LOAN,
        )
    assert excinfo.value.code == "journal_unbalanced"
    assert excinfo.value.extra == {"debit": "8496.73", "credit": "8496.74"}
    assert (_rows(), trial_balance()) == before
    assert before[0] == (1, 2)


def test_unbalanced_signed_post_is_refused():
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        signed_post(
            kind=EntryKind.ACCRUAL,
            business_date=DAY1,
            deltas={Account.INTEREST_RECEIVABLE: D("1.00"), Account.INTEREST_INCOME: D("-1.00")},
            loan_id=LOAN,
            reference="",
            memo="",
            actor=None,
        )
    assert excinfo.value.code == "journal_unbalanced"
    assert excinfo.value.extra == {"debit": "2.00", "credit": "0.00"}
    assert _rows() == (0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"business_date": datetime(2026, 1, 15, 9, 0)}, "business_date"),
        ({"business_date": "2026-01-15"}, "business_date"),
        ({"loan_id": 0}, "loan_id"),
        ({"loan_id": "42"}, "loan_id"),
        ({"reference": "x" * 101}, "reference"),
        ({"memo": "摘" * 201}, "memo"),
    ],
)
def test_invalid_entry_fields_are_refused_and_nothing_is_written(changes, field):
    arguments = {
        "kind": EntryKind.DISBURSEMENT,
        "business_date": DAY1,
        "lines": [
            Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D("1.00")),
            Line(Account.CLEARING, Side.CREDIT, D("1.00")),
        ],
        "loan_id": LOAN,
    } | changes
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_post(**arguments)
    assert (excinfo.value.code, excinfo.value.extra["field"]) == ("journal_entry_invalid", field)
    assert _rows() == (0, 0)


def test_bad_amounts_are_refused_and_nothing_is_written():
    for amount, code in [(D("0.005"), "journal_amount_invalid"), (D("0.00"), "journal_amount_invalid")]:
        with pytest.raises(DomainError) as excinfo, transaction.atomic():
            journal_post(
                kind=EntryKind.ACCRUAL,
                business_date=DAY1,
                lines=[
                    Line(Account.INTEREST_RECEIVABLE, Side.DEBIT, amount),
                    Line(Account.INTEREST_INCOME, Side.CREDIT, amount),
                ],
            )
        assert excinfo.value.code == code
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_post(
            kind=EntryKind.ACCRUAL,
            business_date=DAY1,
            lines=[Line(Account.INTEREST_RECEIVABLE, Side.DEBIT, D("1.00"))],
        )
    assert excinfo.value.code == "journal_too_short"
    assert _rows() == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_posting_outside_a_transaction_is_refused():
    """Without a transaction (autocommit; pytest-django's usual wrapping transaction is off here) every
    writer refuses, and nothing is written."""
    assert not transaction.get_connection().in_atomic_block
    lines = [
        Line(Account.LOANS_RECEIVABLE, Side.DEBIT, D("1.00")),
        Line(Account.CLEARING, Side.CREDIT, D("1.00")),
    ]
    with pytest.raises(LedgerOutsideTransaction):
        journal_post(kind=EntryKind.DISBURSEMENT, business_date=DAY1, lines=lines, loan_id=LOAN)
    with pytest.raises(LedgerOutsideTransaction):
        signed_post(
            kind=EntryKind.DISBURSEMENT,
            business_date=DAY1,
            deltas={Account.LOANS_RECEIVABLE: D("1.00"), Account.CLEARING: D("-1.00")},
            loan_id=LOAN,
            reference="",
            memo="",
            actor=None,
        )
    assert _rows() == (0, 0)
    entry = _disburse()
    with pytest.raises(LedgerOutsideTransaction):
        journal_reverse(entry_id=entry.pk, business_date=DAY1, actor=None)
    assert _rows() == (1, 2)
    assert not hasattr(JournalEntry.objects.get(pk=entry.pk), "reversed_by")


def test_reverse_posts_the_exact_mirror(clerk):
    entry = _disburse()
    with transaction.atomic():
        reversal = journal_reverse(
            entry_id=entry.pk, business_date=date(2026, 1, 16), actor=clerk, memo="放款错误"
        )

    reversal = JournalEntry.objects.get(pk=reversal.pk)
    assert (reversal.kind, reversal.business_date, reversal.loan_id, reversal.posted_by) == (
        "reversal",
        date(2026, 1, 16),
        LOAN,
        clerk,
    )
    assert (reversal.reverses, reversal.reference, reversal.memo) == (
        entry,
        f"reversal:{entry.pk}",
        "放款错误",
    )
    assert JournalEntry.objects.get(pk=entry.pk).reversed_by == reversal
    assert [(line.account, line.side, line.amount) for line in reversal.lines.order_by("id")] == [
        ("loans_receivable", "credit", D("100000.00")),
        ("clearing", "debit", D("100000.00")),
    ]
    assert loan_account_balances([LOAN]) == {LOAN: _zeros()}
    assert trial_balance() == _zeros()
    assert trial_balance(on=DAY1)[Account.LOANS_RECEIVABLE] == D("100000.00")
    assert is_balanced()


def test_a_second_reversal_is_refused_and_nothing_is_written():
    entry = _disburse()
    with transaction.atomic():
        first = journal_reverse(entry_id=entry.pk, business_date=DAY1, actor=None)
    before = (_rows(), trial_balance())

    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_reverse(entry_id=entry.pk, business_date=DAY1, actor=None)
    assert (excinfo.value.code, excinfo.value.status, excinfo.value.extra) == (
        "journal_already_reversed",
        409,
        {"entry": entry.pk},
    )
    assert (_rows(), trial_balance()) == before == ((2, 4), _zeros())

    # a reversal is an entry like any other: it may be reversed (once), which restores the balances
    with transaction.atomic():
        journal_reverse(entry_id=first.pk, business_date=DAY1, actor=None)
    assert loan_account_balances([LOAN])[LOAN][Account.LOANS_RECEIVABLE] == D("100000.00")
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_reverse(entry_id=first.pk, business_date=DAY1, actor=None)
    assert excinfo.value.code == "journal_already_reversed"


def test_reversing_through_journal_post_twice_is_refused():
    entry = _disburse()
    mirror = [
        Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("100000.00")),
        Line(Account.CLEARING, Side.DEBIT, D("100000.00")),
    ]
    with transaction.atomic():
        journal_post(kind=EntryKind.REVERSAL, business_date=DAY1, lines=mirror, loan_id=LOAN, reverses=entry)
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_post(kind=EntryKind.REVERSAL, business_date=DAY1, lines=mirror, loan_id=LOAN, reverses=entry)
    assert excinfo.value.code == "journal_already_reversed"
    assert _rows() == (2, 4)


def test_the_database_refuses_a_second_reversal_too():
    entry = _disburse()
    JournalEntry.objects.create(kind=EntryKind.REVERSAL, business_date=DAY1, reverses=entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(kind=EntryKind.REVERSAL, business_date=DAY1, reverses=entry)


def test_reversing_an_unknown_entry_is_refused():
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        journal_reverse(entry_id=999_999, business_date=DAY1, actor=None)
    assert (excinfo.value.code, excinfo.value.extra) == ("journal_entry_not_found", {"entry": 999_999})


def test_rows_cannot_be_changed_or_deleted():
    entry = _disburse()
    line = entry.lines.order_by("id").first()

    entry.memo = "改过"
    with pytest.raises(LedgerImmutable):
        entry.save()
    line.amount = D("1.00")
    with pytest.raises(LedgerImmutable):
        line.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        line.delete()
    with pytest.raises(LedgerImmutable):
        JournalEntry.objects.filter(pk=entry.pk).update(memo="改过")
    with pytest.raises(LedgerImmutable):
        JournalLine.objects.all().update(amount=1)
    with pytest.raises(LedgerImmutable):
        JournalLine.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        JournalEntry.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        entry.lines.all().delete()
    with pytest.raises(LedgerImmutable), transaction.atomic():  # bulk_update's own atomic block is spoilt
        JournalLine.objects.bulk_update([line], ["amount"])

    # a new instance given an existing pk is an INSERT, refused by the primary key, never an overwrite
    copy = JournalLine(
        pk=line.pk, entry=entry, business_date=DAY1, account="clearing", side="debit", amount=D("1.00")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()

    assert JournalEntry.objects.get(pk=entry.pk).memo == "放款"
    assert [(x.account, x.side, x.amount) for x in JournalLine.objects.order_by("id")] == [
        ("loans_receivable", "debit", D("100000.00")),
        ("clearing", "credit", D("100000.00")),
    ]


def test_the_database_refuses_a_line_of_zero():
    entry = _disburse()
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(
            entry=entry, business_date=DAY1, account="clearing", side="debit", amount=D("0")
        )
    assert JournalLine.objects.count() == 2


def test_entries_for_loan_newest_first_with_their_lines():
    first = _disburse(on=date(2026, 1, 10))
    second = _disburse(amount="5.00", on=date(2026, 1, 20))
    third = _disburse(amount="7.00", on=date(2026, 1, 20))
    _disburse(loan_id=7)

    with CaptureQueriesContext(connection) as queries:
        entries = entries_for_loan(LOAN)
        shown = [
            (e.pk, [(x.account, x.side, x.amount) for x in e.lines.all()], hasattr(e, "reversed_by"))
            for e in entries
        ]
    assert len(queries) == 2
    assert shown == [
        (third.pk, [("loans_receivable", "debit", D("7.00")), ("clearing", "credit", D("7.00"))], False),
        (second.pk, [("loans_receivable", "debit", D("5.00")), ("clearing", "credit", D("5.00"))], False),
        (
            first.pk,
            [("loans_receivable", "debit", D("100000.00")), ("clearing", "credit", D("100000.00"))],
            False,
        ),
    ]
    assert [e.pk for e in entries_for_loan(LOAN, limit=1)] == [third.pk]


def test_a_reversal_that_loses_a_race_is_refused_and_leaves_the_transaction_usable(monkeypatch):
    """Two reversals of one entry pass the check at once: the unique ``reverses`` refuses the second one
    (inside a savepoint), which becomes ``journal_already_reversed``; the caller's transaction goes on."""
    from creditdesk.ledger.models import AppendOnlyQuerySet

    entry = _disburse()
    with transaction.atomic():
        journal_reverse(entry_id=entry.pk, business_date=DAY1, actor=None)
    real_exists = AppendOnlyQuerySet.exists
    calls = []

    def exists_misses_once(self):
        calls.append(1)
        return False if len(calls) == 1 else real_exists(self)

    monkeypatch.setattr(AppendOnlyQuerySet, "exists", exists_misses_once)
    mirror = [
        Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("100000.00")),
        Line(Account.CLEARING, Side.DEBIT, D("100000.00")),
    ]
    with transaction.atomic():
        with pytest.raises(DomainError) as excinfo:
            journal_post(
                kind=EntryKind.REVERSAL, business_date=DAY1, lines=mirror, loan_id=LOAN, reverses=entry
            )
        assert excinfo.value.code == "journal_already_reversed"
        assert len(calls) == 2
        assert _rows() == (2, 4)  # the transaction is still usable


def _accrual(loan_id: int, amount: str, actor=None) -> EntrySpec:
    return EntrySpec(
        EntryKind.ACCRUAL,
        DAY1,
        (
            Line(Account.PENALTY_RECEIVABLE, Side.DEBIT, D(amount)),
            Line(Account.PENALTY_INCOME, Side.CREDIT, D(amount)),
        ),
        loan_id,
        "eod:2026-01-15",
        "日终",
        actor,
    )


def test_post_many_writes_each_entry_with_its_own_lines_in_order(clerk):
    _disburse()  # an entry before: the new ids follow it
    with transaction.atomic(), CaptureQueriesContext(connection) as few:
        journal_post_many([_accrual(loan_id, "1.00") for loan_id in range(1000, 1005)])
    specs = [_accrual(loan_id, f"{loan_id}.01", clerk if loan_id % 2 else None) for loan_id in range(1, 251)]
    with transaction.atomic(), CaptureQueriesContext(connection) as many:
        ids = journal_post_many(specs)
    assert len(many.captured_queries) == len(few.captured_queries) <= 5  # not a statement per entry
    assert len(ids) == 250 and len(set(ids)) == 250
    for entry_id, spec in zip(ids, specs, strict=True):
        entry = JournalEntry.objects.get(pk=entry_id)
        assert (entry.loan_id, entry.kind, entry.business_date, entry.reference, entry.memo) == (
            spec.loan_id,
            "accrual",
            DAY1,
            "eod:2026-01-15",
            "日终",
        )
        assert entry.posted_by == spec.actor
        assert sorted((line.account, line.side, line.amount, line.loan_id) for line in entry.lines.all()) == [
            ("penalty_income", "credit", D(f"{spec.loan_id}.01"), spec.loan_id),
            ("penalty_receivable", "debit", D(f"{spec.loan_id}.01"), spec.loan_id),
        ]
    assert debit_credit_totals().balanced


def test_post_many_with_one_unbalanced_entry_posts_none():
    unbalanced = EntrySpec(
        EntryKind.ACCRUAL,
        DAY1,
        (
            Line(Account.PENALTY_RECEIVABLE, Side.DEBIT, D("1.00")),
            Line(Account.PENALTY_INCOME, Side.CREDIT, D("0.99")),
        ),
        7,
    )
    with pytest.raises(DomainError) as refused, transaction.atomic():
        journal_post_many([_accrual(5, "3.00"), unbalanced])
    assert refused.value.code == "journal_unbalanced"
    assert _rows() == (0, 0)


def test_post_many_keeps_any_text_exactly():
    """Memos and references with quotes, backslashes, commas, braces, "NULL", empty — as written."""
    texts = ['含"引号"', "反斜杠\\和\\\\", "逗号,与{花括号}", "NULL", "", " 空格 ", "emoji 🙂"]
    specs = [
        EntrySpec(
            EntryKind.ACCRUAL,
            DAY1,
            (
                Line(Account.PENALTY_RECEIVABLE, Side.DEBIT, D("1.00")),
                Line(Account.PENALTY_INCOME, Side.CREDIT, D("1.00")),
            ),
            index + 1,
            text,
            text[::-1],
        )
        for index, text in enumerate(texts)
    ]
    with transaction.atomic():
        ids = journal_post_many(specs)
    stored = {e.pk: (e.reference, e.memo) for e in JournalEntry.objects.filter(pk__in=ids)}
    assert [stored[pk] for pk in ids] == [(text, text[::-1]) for text in texts]


# --- running balances per loan and account (分户余额) ------------------------------------------------------


def test_every_posting_with_a_loan_moves_its_running_balances_in_the_same_transaction():
    _disburse()
    _disburse(loan_id=7, amount="500.00")
    with transaction.atomic():
        journal_post(  # the bank's own entry: no loan, no running balance
            kind=EntryKind.ADJUSTMENT,
            business_date=DAY1,
            lines=[
                Line(Account.CLEARING, Side.DEBIT, D("3.00")),
                Line(Account.FEE_INCOME, Side.CREDIT, D("3.00")),
            ],
        )
        journal_post_many(
            [
                EntrySpec(
                    EntryKind.ACCRUAL,
                    DAY1,
                    (
                        Line(Account.INTEREST_RECEIVABLE, Side.DEBIT, D("11.67")),
                        Line(Account.INTEREST_INCOME, Side.CREDIT, D("11.67")),
                    ),
                    loan_id=LOAN,
                ),
                EntrySpec(  # the same loan twice in one batch: added together, not a refused double update
                    EntryKind.REPAYMENT,
                    DAY1,
                    (
                        Line(Account.CLEARING, Side.DEBIT, D("1011.67")),
                        Line(Account.INTEREST_RECEIVABLE, Side.CREDIT, D("11.67")),
                        Line(Account.LOANS_RECEIVABLE, Side.CREDIT, D("1000.00")),
                    ),
                    loan_id=LOAN,
                ),
            ]
        )
    rows = {(row.loan_id, row.account): row.balance for row in LoanAccountBalance.objects.all()}
    assert rows == {  # the accounts the loan holds; clearing and income are read from the lines
        (LOAN, "loans_receivable"): D("99000.00"),
        (LOAN, "interest_receivable"): D("0.00"),
        (7, "loans_receivable"): D("500.00"),
    }
    assert loan_account_balances([LOAN])[LOAN][Account.CLEARING] == D("-98988.33")
    assert balance_drift() == []
    # a rolled-back posting leaves the balances as they were
    with transaction.atomic():
        _disburse(loan_id=7, amount="1.00")
        transaction.set_rollback(True)
    assert LoanAccountBalance.objects.get(loan_id=7, account="loans_receivable").balance == D("500.00")


def test_a_reversal_brings_the_running_balances_back():
    entry = _disburse()
    with transaction.atomic():
        journal_reverse(entry_id=entry.pk, business_date=DAY1, actor=None)
    assert loan_account_balances([LOAN]) == {LOAN: _zeros()}
    assert set(LoanAccountBalance.objects.values_list("balance", flat=True)) == {D("0.00")}


def test_drift_between_a_running_balance_and_the_lines_is_found_and_rebuilt():
    _disburse()
    _disburse(loan_id=7, amount="500.00")
    LoanAccountBalance.objects.filter(loan_id=LOAN, account="loans_receivable").update(balance=D("99999.99"))
    LoanAccountBalance.objects.filter(loan_id=7, account="loans_receivable").delete()  # a row lost
    drift = balance_drift()
    assert [(d.loan_id, d.account, d.kept, d.from_lines) for d in drift] == [
        (7, Account.LOANS_RECEIVABLE, D("0.00"), D("500.00")),
        (LOAN, Account.LOANS_RECEIVABLE, D("99999.99"), D("100000.00")),
    ]
    assert balance_drift([7]) == drift[:1]
    with transaction.atomic():
        assert loan_balances_rebuild() == 2
    assert balance_drift() == []
    assert loan_account_balances([LOAN])[LOAN][Account.LOANS_RECEIVABLE] == D("100000.00")


# --- journal_post_fen: the end of day's accruals in integer fen -----------------------------------------


AMOUNT = "journal_amount_invalid"


def _fen_post(changes):
    with transaction.atomic():
        return journal_post_fen(
            kind=EntryKind.ACCRUAL, business_date=DAY1, changes=changes, reference="eod:x", memo="日终"
        )


def test_fen_changes_post_the_same_entries_as_signed_lines():
    posted = _fen_post(
        [
            (LOAN, {Account.INTEREST_RECEIVABLE: 1167, Account.INTEREST_INCOME: 1167}),
            (7, {Account.PENALTY_RECEIVABLE: -5, Account.PENALTY_INCOME: -5, Account.FEE_RECEIVABLE: 0}),
            (8, {Account.INTEREST_RECEIVABLE: 0, Account.INTEREST_INCOME: 0}),  # nothing: no entry
        ]
    )
    assert posted == 2
    lines = [
        (line.entry.loan_id, line.account, line.side, line.amount)
        for line in JournalLine.objects.select_related("entry").order_by("id")
    ]
    assert lines == [
        (LOAN, "interest_receivable", "debit", D("11.67")),
        (LOAN, "interest_income", "credit", D("11.67")),
        (7, "penalty_receivable", "credit", D("0.05")),  # a negative change: the other side
        (7, "penalty_income", "debit", D("0.05")),
    ]
    entry = JournalEntry.objects.get(loan_id=LOAN)
    assert (entry.kind, entry.business_date, entry.reference, entry.memo, entry.posted_by) == (
        "accrual",
        DAY1,
        "eod:x",
        "日终",
        None,
    )
    assert loan_account_balances([7])[7][Account.PENALTY_RECEIVABLE] == D("-0.05")
    assert running_balances([7])[7][Account.PENALTY_RECEIVABLE] == D("-0.05")
    assert balance_drift() == [] and is_balanced()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            [(LOAN, {Account.INTEREST_RECEIVABLE: 1.5, Account.INTEREST_INCOME: 1.5})],
            "journal_amount_invalid",
        ),
        (
            [(LOAN, {Account.INTEREST_RECEIVABLE: D("1"), Account.INTEREST_INCOME: 1})],
            "journal_amount_invalid",
        ),
        ([(LOAN, {Account.INTEREST_RECEIVABLE: True, Account.INTEREST_INCOME: 1})], "journal_amount_invalid"),
        ([(LOAN, {"cash": 1, Account.INTEREST_INCOME: 1})], "journal_line_invalid"),
        ([(LOAN, {Account.INTEREST_RECEIVABLE: 100, Account.INTEREST_INCOME: 99})], "journal_unbalanced"),
        ([(LOAN, {Account.INTEREST_RECEIVABLE: 100})], "journal_too_short"),
        ([(None, {Account.INTEREST_RECEIVABLE: 1, Account.INTEREST_INCOME: 1})], "journal_entry_invalid"),
        ([(0, {Account.INTEREST_RECEIVABLE: 1, Account.INTEREST_INCOME: 1})], "journal_entry_invalid"),
    ],
)
def test_fen_changes_that_are_not_money_or_do_not_balance_are_refused_and_nothing_is_posted(changes, code):
    good = (LOAN + 1, {Account.INTEREST_RECEIVABLE: 1, Account.INTEREST_INCOME: 1})
    with pytest.raises(DomainError) as refused:
        _fen_post([good, *changes])
    assert refused.value.code == code
    assert not JournalEntry.objects.exists() and not LoanAccountBalance.objects.exists()
