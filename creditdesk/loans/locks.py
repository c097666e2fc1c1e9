"""Row locks of the loans app (CONVENTIONS.md "Writes"): anything that moves a loan's money locks its
row first, through here, always in the same order (ascending id), so two operations on the same loan
queue instead of racing, and two batches over many loans cannot deadlock."""

from __future__ import annotations

from collections.abc import Iterable

from creditdesk.core.exceptions import NotFound
from creditdesk.loans.models import Loan


def loan_lock(loan_id: int) -> Loan:
    """The loan's row, locked until the transaction ends (``select_for_update`` on PostgreSQL; SQLite
    serialises writers anyway). Only the loan row is locked, not the CM joined to it; the customer (whose
    encrypted fields cost a decryption each) and the product are read when needed."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("owner").filter(pk=loan_id).first()
    if loan is None:
        raise NotFound("loan_not_found", "没有这笔贷款。")
    return loan


def loans_lock(loan_ids: Iterable[int], *, related: tuple[str, ...] = ()) -> list[Loan]:
    """Several loans' rows, locked in ascending id order (for the batch: with the CM, not the customer —
    whose encrypted fields cost a decryption each — read only for the few loans that need it)."""
    return list(
        Loan.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk__in=sorted(set(loan_ids)))
        .order_by("pk")
    )
