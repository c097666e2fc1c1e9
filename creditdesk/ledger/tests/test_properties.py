"""Property: any balanced set of signed balance changes posts, every loan's balances move by exactly those
changes, and the trial balance stays balanced; any unbalanced one is refused and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditdesk.core.exceptions import DomainError
from creditdesk.ledger.chart import LOAN_HELD, NORMAL_SIDE, Account, EntryKind, Side
from creditdesk.ledger.models import JournalEntry, JournalLine
from creditdesk.ledger.selectors import (
    balance_drift,
    debit_credit_totals,
    loan_account_balances,
    running_balances,
    trial_balance,
)
from creditdesk.ledger.services import signed_post

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")
fen = st.integers(min_value=-(10**13), max_value=10**13)  # up to ±1,000 亿元


def _debit_effect(account: Account, delta: Decimal) -> Decimal:
    """What a balance change does to debits − credits (positive = a net debit)."""
    return delta if NORMAL_SIDE[account] is Side.DEBIT else -delta


@st.composite
def balanced_deltas(draw):
    """Signed changes of some accounts whose net debit is zero: the last account takes up the rest."""
    accounts = draw(st.lists(st.sampled_from(list(Account)), min_size=2, max_size=6, unique=True))
    deltas = {account: Decimal(draw(fen)) / 100 for account in accounts[:-1]}
    last = accounts[-1]
    net_debit = sum((_debit_effect(a, d) for a, d in deltas.items()), ZERO)
    deltas[last] = _debit_effect(last, -net_debit)  # the same formula turns a debit effect back into a delta
    return {account: delta.quantize(Decimal("0.01")) for account, delta in deltas.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postings=st.lists(st.tuples(st.sampled_from([1, 2, 3]), balanced_deltas()), min_size=1, max_size=5))
def test_balanced_deltas_post_and_the_trial_balance_stays_balanced(postings, db):
    with transaction.atomic():
        expected = {loan: dict.fromkeys(Account, ZERO) for loan, _ in postings}
        for loan_id, deltas in postings:
            entry = signed_post(
                kind=EntryKind.ADJUSTMENT,
                business_date=date(2026, 3, 31),
                deltas=deltas,
                loan_id=loan_id,
                reference="property",
                memo="",
                actor=None,
            )
            nonzero = {a: d for a, d in deltas.items() if d != 0}
            if nonzero:
                assert entry is not None
                assert entry.lines.count() == len(nonzero)
            else:
                assert entry is None
            for account, delta in deltas.items():
                expected[loan_id][account] += delta

        assert loan_account_balances(list(expected)) == expected  # from the lines
        kept = running_balances(list(expected))  # kept by the writer, for the accounts a loan holds
        assert kept == {loan: {a: expected[loan][a] for a in LOAN_HELD} for loan in expected}
        assert balance_drift() == []
        totals = debit_credit_totals()
        assert totals.debit == totals.credit
        assert totals.balanced
        assert trial_balance() == {
            account: sum((expected[loan][account] for loan in expected), ZERO) for account in Account
        }
        transaction.set_rollback(True)  # every example starts from an empty ledger


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deltas=balanced_deltas(), skew=st.integers(min_value=1, max_value=10**6))
def test_unbalanced_deltas_are_refused_and_write_nothing(deltas, skew, db):
    account = next(iter(deltas))
    deltas = deltas | {account: deltas[account] + Decimal(skew) / 100}
    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        signed_post(
            kind=EntryKind.ADJUSTMENT,
            business_date=date(2026, 3, 31),
            deltas=deltas,
            loan_id=1,
            reference="",
            memo="",
            actor=None,
        )
    nonzero = sum(1 for delta in deltas.values() if delta != 0)
    assert excinfo.value.code == ("journal_unbalanced" if nonzero >= 2 else "journal_too_short")
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == (0, 0)
