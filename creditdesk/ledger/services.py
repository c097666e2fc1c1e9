"""The one writer of the ledger (总账记账): ``journal_post`` and what is built on it.

Rules enforced here:
- 有借必有贷，借贷必相等: an entry is posted only when its lines balance (``chart.balanced_lines``).
- The ledger is append-only: nothing here updates or deletes an entry or a line; a correction is a
  reversal (冲正), and an entry is reversed at most once.
- Every line posted with a loan's id to an account the loan holds (``chart.LOAN_HELD``) is added to
  that loan's running balance of the account (``LoanAccountBalance``, 分户余额) in the same
  transaction, so the balance is always the sum of the lines (checked by ``selectors.balance_drift``).
- A posting commits or rolls back with the business change it records: these functions run inside the
  caller's ``transaction.atomic`` (loan servicing's own service, which locked the loan row first) and
  refuse to run outside one. They open no transaction of their own and write no audit row — the entry is
  the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from creditdesk.core.bulk import add_by_key, insert_rows
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import from_fen, to_fen
from creditdesk.ledger.chart import (
    LOAN_HELD,
    NORMAL_SIDE,
    Account,
    EntryKind,
    JournalAlreadyReversed,
    JournalAmountInvalid,
    JournalLineInvalid,
    JournalTooShort,
    JournalUnbalanced,
    Line,
    Side,
    balanced_lines,
    signed_lines,
)
from creditdesk.ledger.models import JournalEntry, JournalLine, LoanAccountBalance

if TYPE_CHECKING:
    from creditdesk.accounts.models import User


class LedgerOutsideTransaction(RuntimeError):
    """A posting was attempted outside ``transaction.atomic``: it could commit without the business change
    it records (or the change without it)."""


def _require_transaction(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise LedgerOutsideTransaction(f"{what} must run inside the caller's transaction.atomic")


def _entry_invalid(field: str, message: str, value: Any) -> DomainError:
    return DomainError("journal_entry_invalid", message, {"field": field, "value": str(value)})


@dataclass(frozen=True)
class EntrySpec:
    """One entry to post with ``journal_post_many`` (the same fields as ``journal_post``'s)."""

    kind: str
    business_date: date
    lines: tuple[Line, ...]
    loan_id: int | None = None
    reference: str = ""
    memo: str = ""
    actor: User | None = None


def _validated(spec: EntrySpec) -> tuple[EntryKind, tuple[Line, ...]]:
    """The entry's kind and balanced lines, or the refusal ``journal_post`` documents."""
    checked = balanced_lines(spec.lines)
    kind = _header_checked(spec.kind, spec.business_date, spec.reference, spec.memo)
    _loan_checked(spec.loan_id)
    return kind, checked


def _header_checked(kind: str, business_date: date, reference: str, memo: str) -> EntryKind:
    """An entry's kind, or the refusal of its kind, date, reference or memo."""
    try:
        checked = EntryKind(kind)
    except ValueError:
        raise _entry_invalid("kind", f"凭证类型 {kind!r} 不存在。", kind) from None
    if not isinstance(business_date, date) or isinstance(business_date, datetime):
        raise _entry_invalid("business_date", "会计日期须是日期（不含时间）。", business_date)
    if len(reference) > 100:
        raise _entry_invalid("reference", "业务参考号最多 100 个字符。", reference)
    if len(memo) > 200:
        raise _entry_invalid("memo", "摘要最多 200 个字符。", memo)
    return checked


def _loan_checked(loan_id: object) -> None:
    if loan_id is not None and (isinstance(loan_id, bool) or not isinstance(loan_id, int) or loan_id <= 0):
        raise _entry_invalid("loan_id", f"贷款编号 {loan_id!r} 不正确。", loan_id)


def _poster(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


# each account: (its value, the side its balance grows on, the other side)
_SIDES = {account: (account.value, side.value, side.opposite.value) for account, side in NORMAL_SIDE.items()}

# the accounts a loan holds (``chart.LOAN_HELD``): their value → the side their balance grows on
_HELD = {account.value: NORMAL_SIDE[account].value for account in LOAN_HELD}

_ENTRY_COLUMNS = ("business_date", "kind", "loan_id", "reference", "memo", "posted_by", "posted_at")
_LINE_COLUMNS = ("entry", "loan_id", "business_date", "account", "side", "amount")

# a checked entry ready to write: its row (``_ENTRY_COLUMNS`` but the time) and its lines as
# (account, side, fen)
_Checked = tuple[tuple[Any, ...], list[tuple[str, str, int]]]


def _write(entries: Sequence[_Checked]) -> list[int]:
    """Write checked entries: one insert of the entries, one of their lines (``core.bulk``: no model
    instance per row), and their lines added to their loans' running balances (``LoanAccountBalance``:
    on the account's normal side a line adds, on the other it subtracts; a line without a loan is the
    bank's own and kept nowhere else). Returns the new entries' ids, in order."""
    now = timezone.now()
    ids = insert_rows(JournalEntry, _ENTRY_COLUMNS, [(*row, now) for row, _lines in entries], ids=True)
    insert_rows(
        JournalLine,
        _LINE_COLUMNS,
        [
            (entry_id, row[2], row[0], account, side, fen)
            for entry_id, (row, lines) in zip(ids, entries, strict=True)
            for account, side, fen in lines
        ],
    )
    _add_to_balances([(row[2], lines) for row, lines in entries])
    return ids


def _add_to_balances(posted: Iterable[tuple[int | None, list[tuple[str, str, int]]]]) -> None:
    """Add each loan's posted lines (account, side, fen) on the accounts it holds to its running
    balances: on the account's normal side a line adds, on the other it subtracts. Lines without a loan,
    and the incomes, clearing and write-off, are the bank's: read from the lines."""
    add_by_key(
        LoanAccountBalance,
        ("loan_id", "account"),
        "balance",
        [
            (loan_id, account, fen if side == _HELD[account] else -fen)
            for loan_id, lines in posted
            if loan_id is not None
            for account, side, fen in lines
            if account in _HELD
        ],
    )


def journal_post_many(specs: Sequence[EntrySpec]) -> list[int]:
    """Post many entries at once (the end-of-day batch): every one checked as ``journal_post`` checks it
    — one refused, none posted — then written by one insert per table. No reversals here (they go
    through ``journal_reverse``). Inside the caller's transaction. Returns the new entries' ids, in the
    order of ``specs``."""
    _require_transaction("journal_post_many")
    entries: list[_Checked] = []
    for spec in specs:
        kind, lines = _validated(spec)
        row = (
            spec.business_date,
            kind.value,
            spec.loan_id,
            spec.reference,
            spec.memo,
            getattr(_poster(spec.actor), "pk", None),
        )
        entries.append((row, _as_rows(lines)))
    return _write(entries)


def _as_rows(lines: Sequence[Line]) -> list[tuple[str, str, int]]:
    return [(line.account.value, line.side.value, to_fen(line.amount)) for line in lines]


def journal_post_fen(
    *,
    kind: str,
    business_date: date,
    changes: Sequence[tuple[int, Mapping[Account, int]]],
    reference: str = "",
    memo: str = "",
) -> int:
    """Post one entry per loan of ``changes`` — (loan id, the change of each account's balance in integer
    fen, positive on the account's normal side, as ``chart.signed_lines``) — all of one ``kind``, date,
    reference and memo, by the system (the end of day's accruals of tens of thousands of loans). The same
    checks as ``journal_post_many``, done on integers: every change an ``int`` (not a float, a Decimal or
    a bool) of an account of the chart; each entry's debits equal its credits; zero changes are left out,
    and a loan whose changes are all zero gets no entry; one refused, none posted. Inside the caller's
    transaction. Returns the number of entries posted."""
    _require_transaction("journal_post_fen")
    checked_kind = _header_checked(kind, business_date, reference, memo).value  # once for the batch
    entries: list[_Checked] = []
    sides_of, debit = _SIDES, _DEBIT
    for loan_id, deltas in changes:
        if type(loan_id) is not int or loan_id <= 0:
            if loan_id is None:
                raise _entry_invalid("loan_id", "贷款编号不能为空。", loan_id)
            _loan_checked(loan_id)
        lines: list[tuple[str, str, int]] = []
        net_debit = 0
        for account, fen in deltas.items():
            sides = sides_of.get(account)
            if sides is None or type(fen) is not int:
                index = list(deltas).index(account)
                if sides is None:
                    raise JournalLineInvalid(index, "account", account)
                raise JournalAmountInvalid(index, fen)
            if fen:
                value, normal, other = sides
                if fen > 0:
                    lines.append((value, normal, fen))
                    net_debit += fen if normal == debit else -fen
                else:
                    lines.append((value, other, -fen))
                    net_debit += -fen if other == debit else fen
        if not lines:
            continue
        if len(lines) < 2:
            raise JournalTooShort(len(lines))
        if net_debit:
            debits = sum(fen for _account, side, fen in lines if side == _DEBIT)
            raise JournalUnbalanced(from_fen(debits), from_fen(debits - net_debit))
        entries.append(((business_date, checked_kind, loan_id, reference, memo, None), lines))
    return len(_write(entries))


_DEBIT = Side.DEBIT.value


def journal_post(
    *,
    kind: str,
    business_date: date,
    lines: Sequence[Line],
    loan_id: int | None = None,
    reference: str = "",
    memo: str = "",
    actor: User | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one journal entry (记账凭证) with its lines, inside the caller's transaction.

    Refuses (nothing written): lines that do not balance or are not money (``chart.balanced_lines``'
    errors), an unknown ``kind``, a ``business_date`` that is not a date, a ``loan_id`` that is not a
    positive integer, a too long ``reference`` / ``memo`` (``journal_entry_invalid``), and a second
    reversal of the same entry (``journal_already_reversed``). ``actor`` is the person who posted, or
    ``None`` for the system (end of day).
    """
    _require_transaction("journal_post")
    spec = EntrySpec(kind, business_date, tuple(lines), loan_id, reference, memo, actor)
    kind, checked = _validated(spec)
    if reverses is not None and JournalEntry.objects.filter(reverses_id=reverses.pk).exists():
        raise JournalAlreadyReversed(reverses.pk)

    fields = {
        "business_date": business_date,
        "kind": kind,
        "loan_id": loan_id,
        "reference": reference,
        "memo": memo,
        "reverses": reverses,
        "posted_by": _poster(actor),
    }
    if reverses is None:
        entry = JournalEntry.objects.create(**fields)
    else:
        try:
            # A savepoint (only for reversals, so the end-of-day batch pays nothing for it): when a
            # concurrent reversal of the same entry won the race, the unique ``reverses_id`` refuses this
            # one and the caller's transaction stays usable for the domain error.
            with transaction.atomic():
                entry = JournalEntry.objects.create(**fields)
        except IntegrityError:
            if JournalEntry.objects.filter(reverses_id=reverses.pk).exists():
                raise JournalAlreadyReversed(reverses.pk) from None
            raise
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            loan_id=loan_id,
            business_date=business_date,
            account=line.account,
            side=line.side,
            amount=line.amount,  # type: ignore[misc]  # AmountField takes Decimal; stubs see its int column
        )
        for line in checked
    )
    _add_to_balances([(loan_id, _as_rows(checked))])
    return entry


def journal_reverse(
    *, entry_id: int, business_date: date, actor: User | None, memo: str = ""
) -> JournalEntry:
    """Reverse (冲正) a journal entry: post its exact mirror — every line on the other side, same account
    and amount — as a ``reversal`` entry of the same loan that points at it, dated ``business_date``.

    An entry is reversed at most once (``journal_already_reversed``, 409); a reversal is itself an entry
    and may be reversed like any other. The entry's row is locked first, so two concurrent reversals of
    the same entry cannot both pass the check. Inside the caller's transaction.
    """
    _require_transaction("journal_reverse")
    try:
        entry = JournalEntry.objects.select_for_update().get(pk=entry_id)
    except JournalEntry.DoesNotExist:
        raise DomainError(
            "journal_entry_not_found", f"凭证 {entry_id} 不存在。", {"entry": entry_id}
        ) from None
    mirror = [
        Line(Account(line.account), Side(line.side), cast(Decimal, line.amount)).mirrored()
        for line in JournalLine.objects.filter(entry_id=entry.pk).order_by("id")
    ]
    return journal_post(
        kind=EntryKind.REVERSAL,
        business_date=business_date,
        lines=mirror,
        loan_id=entry.loan_id,
        reference=f"reversal:{entry.pk}",
        memo=memo or f"冲正凭证 {entry.pk}",
        actor=actor,
        reverses=entry,
    )


def signed_post(
    *,
    kind: str,
    business_date: date,
    deltas: Mapping[Account, Decimal],
    loan_id: int | None,
    reference: str = "",
    memo: str = "",
    actor: User | None = None,
) -> JournalEntry | None:
    """Post the changes of account balances ``deltas`` (positive = grows on the account's normal side) as
    one entry (``chart.signed_lines``); ``None`` and nothing posted when every delta is zero. The deltas
    must balance like any posting. Inside the caller's transaction."""
    _require_transaction("signed_post")
    lines = signed_lines(deltas)
    if not lines:
        return None
    return journal_post(
        kind=kind,
        business_date=business_date,
        lines=lines,
        loan_id=loan_id,
        reference=reference,
        memo=memo,
        actor=actor,
    )


def loan_balances_rebuild() -> int:
    """Recompute every loan's running balances (``LoanAccountBalance``) from the journal lines, in one
    ``INSERT … SELECT … GROUP BY`` after emptying the table — the repair when ``creditdesk reconcile``
    reports drift, and how rows written around the writer (the benchmark's synthetic book) get their
    balances. Inside the caller's transaction; returns the number of balances written."""
    _require_transaction("loan_balances_rebuild")
    connection = transaction.get_connection()
    table = connection.ops.quote_name(LoanAccountBalance._meta.db_table)
    lines = connection.ops.quote_name(JournalLine._meta.db_table)
    credit_normal = [account.value for account in LOAN_HELD if NORMAL_SIDE[account] == Side.CREDIT]
    held = [account.value for account in LOAN_HELD]
    marks = ", ".join(["%s"] * len(credit_normal))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (loan_id, account, balance) "  # noqa: S608
            f"SELECT loan_id, account, SUM(CASE WHEN (side = %s) = (account IN ({marks})) "
            f"THEN amount ELSE -amount END) FROM {lines} "
            f"WHERE loan_id IS NOT NULL AND account IN ({', '.join(['%s'] * len(held))}) "
            "GROUP BY loan_id, account",
            [Side.CREDIT.value, *credit_normal, *held],
        )
        return int(cursor.rowcount)
