"""Reads of the ledger (总账查询): balances per loan and account, the trial balance (试算平衡), a loan's
entries.

Unscoped: the ledger knows loans only by id, so the caller (loan servicing) decides who may see which
loan and passes its ids. Every sum is done in SQL over integer fen (``AmountField``), so it is exact on
SQLite and PostgreSQL alike; the ``Sum`` is given ``output_field=AmountField()`` so that its result comes
back as yuan (``from_db_value``) on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import connections, router
from django.db.models import Case, F, Prefetch, QuerySet, Sum, Value, When

from creditdesk.core.bulk import select_sql
from creditdesk.core.fields import AmountField
from creditdesk.core.money import ZERO
from creditdesk.ledger.chart import LOAN_HELD, NORMAL_SIDE, Account, Side, normal_balance
from creditdesk.ledger.models import JournalEntry, JournalLine, LoanAccountBalance


def _sum() -> Sum:
    return Sum("amount", output_field=AmountField())


def _totals_by_account(rows: Iterable[Mapping[str, Any]]) -> dict[Account, tuple[Decimal, Decimal]]:
    """``{account: (debit total, credit total)}`` from rows of (account, side, total)."""
    totals: dict[Account, list[Decimal]] = {}
    for row in rows:
        pair = totals.setdefault(Account(row["account"]), [ZERO, ZERO])
        pair[0 if row["side"] == Side.DEBIT else 1] += row["total"] or ZERO
    return {account: (pair[0], pair[1]) for account, pair in totals.items()}


def loan_account_balances(loan_ids: Iterable[int] | None = None) -> dict[int, dict[Account, Decimal]]:
    """Each loan's balance per account, on the account's normal side (debits − credits for debit-normal
    accounts, credits − debits for the others), summed from its journal lines in one GROUP BY (each
    account's balance a conditional sum).

    Every loan in the answer has every account of the chart (``ZERO`` where nothing was posted). With
    ``loan_ids`` the answer has exactly those loans (a loan without entries has only zeros); without,
    every loan that has a line. Entries without a loan are not counted here (see ``trial_balance``).
    """
    wanted = None if loan_ids is None else list(dict.fromkeys(loan_ids))
    if wanted == []:
        return {}
    lines = JournalLine.objects.filter(loan_id__isnull=False)
    if wanted is not None:
        lines = lines.filter(loan_id__in=wanted)
    rows = (
        lines.values("loan_id")
        .annotate(**{account.value: _normal_sum(account) for account in Account})
        .order_by()
    )
    found = {loan_id: dict.fromkeys(Account, ZERO) for loan_id in wanted or ()}
    for row in rows:
        found[cast(int, row["loan_id"])] = {account: row[account.value] or ZERO for account in Account}
    return found


def running_balances(loan_ids: Iterable[int]) -> dict[int, dict[Account, Decimal]]:
    """The running balances the writer keeps of the accounts each loan holds (``chart.LOAN_HELD``; one
    row per loan and account, ``ZERO`` where there is none) for ``loan_ids``."""
    wanted = list(dict.fromkeys(loan_ids))
    found = {loan_id: dict.fromkeys(LOAN_HELD, ZERO) for loan_id in wanted}
    if wanted:
        rows = LoanAccountBalance.objects.filter(loan_id__in=wanted).values_list(
            "loan_id", "account", "balance"
        )
        for loan_id, account, balance in rows:
            found[loan_id][Account(account)] = balance
    return found


def posted_loans(on: date, *, posted_after: datetime | None = None) -> QuerySet[JournalEntry]:
    """The ids of the loans with an entry on business date ``on`` (only those posted after
    ``posted_after`` when given) — a ``loan_id`` values queryset, usable as a subquery; each id once."""
    entries = JournalEntry.objects.filter(business_date=on, loan_id__isnull=False)
    if posted_after is not None:
        entries = entries.filter(posted_at__gt=posted_after)
    return entries.values("loan_id").distinct().order_by()


def differing_from_running_balances(
    loans: QuerySet[Any], columns: Sequence[tuple[str, Account]]
) -> list[int]:
    """The ids (ascending) of ``loans`` — a queryset of the caller's loan model — whose ``columns`` (each
    a column of that model and the account, one the loan holds, whose running balance must equal it)
    differ from their running balances (``ZERO`` where nothing was posted). One statement: each loan
    joined to its few balance rows (one index range per loan, not one lookup per loan and account) and
    grouped, so only the loans that differ come back."""
    connection = connections[router.db_for_read(LoanAccountBalance)]
    compiled = select_sql(loans.order_by().values("pk"), connection)
    if compiled is None:
        return []
    wanted, params = compiled
    quote = connection.ops.quote_name
    meta = loans.model._meta
    table, pk = quote(meta.db_table), f"l.{quote(meta.pk.column)}"
    kept = [f"l.{quote(meta.get_field(name).column)}" for name, _account in columns]
    balance = f"SUM(CASE WHEN b.{quote('account')} = %s THEN b.{quote('balance')} ELSE 0 END)"
    sql = (
        f"SELECT {pk} FROM {table} l "  # noqa: S608 — quoted names only; every value a parameter
        f"LEFT JOIN {quote(LoanAccountBalance._meta.db_table)} b ON b.{quote('loan_id')} = {pk} "
        f"WHERE {pk} IN ({wanted}) GROUP BY {pk}, {', '.join(kept)} "
        f"HAVING {' OR '.join(f'{column} <> {balance}' for column in kept)} ORDER BY {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(account.value for _name, account in columns)])
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class BalanceDrift:
    """A loan's running balance of an account that differs from the sum of its lines."""

    loan_id: int
    account: Account
    kept: Decimal
    from_lines: Decimal


DRIFT_CHUNK = 2000


def balance_drift(loan_ids: Iterable[int] | None = None) -> list[BalanceDrift]:
    """Where the running balances (``LoanAccountBalance``) differ from the journal lines, for ``loan_ids``
    or every loan with a line or a balance; empty when the ledger agrees with itself. Read in chunks of
    loans, each one GROUP BY of the lines and one read of the balances."""
    if loan_ids is None:
        posted = JournalLine.objects.filter(loan_id__isnull=False).values_list("loan_id", flat=True)
        kept = LoanAccountBalance.objects.values_list("loan_id", flat=True)
        ids = sorted(set(posted.distinct()) | set(kept.distinct()))
    else:
        ids = sorted(set(loan_ids))
    drift: list[BalanceDrift] = []
    for start in range(0, len(ids), DRIFT_CHUNK):
        part = ids[start : start + DRIFT_CHUNK]
        kept_now, summed = running_balances(part), loan_account_balances(part)
        for loan_id in part:
            for account in LOAN_HELD:
                if kept_now[loan_id][account] != summed[loan_id][account]:
                    drift.append(
                        BalanceDrift(loan_id, account, kept_now[loan_id][account], summed[loan_id][account])
                    )
    return drift


def _normal_sum(account: Account) -> Sum:
    """The account's balance on its normal side: its lines on that side added, the others subtracted."""
    normal = NORMAL_SIDE[account]
    return Sum(
        Case(
            When(account=account, side=normal, then=F("amount")),
            When(account=account, then=-F("amount")),
            default=Value(0),
        ),
        output_field=AmountField(),
    )


def _balances(totals: dict[Account, tuple[Decimal, Decimal]]) -> dict[Account, Decimal]:
    return {
        account: normal_balance(account, *totals.get(account, (ZERO, ZERO)))  # every account, in chart order
        for account in Account
    }


def _lines_until(on: date | None) -> QuerySet[JournalLine]:
    lines = JournalLine.objects.all()
    return lines if on is None else lines.filter(business_date__lte=on)


def trial_balance(on: date | None = None) -> dict[Account, Decimal]:
    """试算平衡表 — every account's balance on its normal side over all lines (of every loan and of none),
    up to and including business date ``on`` when given. Every account of the chart is in the answer."""
    rows = _lines_until(on).values("account", "side").annotate(total=_sum()).order_by()
    return _balances(_totals_by_account(cast(Iterable[Mapping[str, Any]], rows)))


@dataclass(frozen=True)
class DebitCredit:
    """Total debits and total credits of the ledger."""

    debit: Decimal
    credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


def debit_credit_totals(on: date | None = None) -> DebitCredit:
    """Total debits and credits over all lines (up to business date ``on`` when given)."""
    rows = _lines_until(on).values("side").annotate(total=_sum()).order_by()
    totals = {row["side"]: row["total"] or ZERO for row in rows}
    return DebitCredit(debit=totals.get(Side.DEBIT, ZERO), credit=totals.get(Side.CREDIT, ZERO))


def is_balanced(on: date | None = None) -> bool:
    """Whether total debits equal total credits over all lines (up to business date ``on`` when given)."""
    return debit_credit_totals(on).balanced


def entries_for_loan(loan_id: int, limit: int = 200) -> list[JournalEntry]:
    """A loan's journal entries with their lines (in posting order), newest first (by business date, then
    by posting), at most ``limit``. Two queries whatever the number of entries."""
    entries = (
        JournalEntry.objects.filter(loan_id=loan_id)
        .select_related("posted_by", "reverses", "reversed_by")
        .prefetch_related(Prefetch("lines", queryset=JournalLine.objects.order_by("id")))
        .order_by("-business_date", "-id")[:limit]
    )
    return list(entries)
