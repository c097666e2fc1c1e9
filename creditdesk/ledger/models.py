"""The general ledger of loans (总账): journal entries (记账凭证) and their lines (分录).

The ledger is append-only. A row is written once, by ``services.journal_post``, and never changed or
deleted — not by ``save()``, not by ``delete()``, not by a queryset's ``update()`` or ``delete()``; a
mistake is corrected by a reversal (冲正, ``services.journal_reverse``). ``loan_id`` is a plain integer on
purpose: the ledger sits below loan servicing and never imports it (and it is the future Citus
distribution column).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.core.fields import AmountField
from creditdesk.ledger.choices import Account, EntryKind, Side


class LedgerImmutable(RuntimeError):
    """Something tried to change or delete a ledger row: the ledger is append-only (corrections are
    reversals)."""


def _refuse(what: str) -> NoReturn:
    raise LedgerImmutable(f"the ledger is append-only: {what} is refused; post a reversal instead")


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that reads and inserts but never updates or deletes."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(f"{self.model.__name__}.objects.update()")

    def _update(self, values: Any) -> NoReturn:
        _refuse(f"{self.model.__name__} update")

    def delete(self) -> NoReturn:
        _refuse(f"{self.model.__name__}.objects.delete()")

    def _raw_delete(self, using: Any) -> NoReturn:
        _refuse(f"{self.model.__name__} delete")


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AppendOnlyModel(models.Model):
    """A row that is inserted once and never updated or deleted."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(f"saving {type(self).__name__} {self.pk} again")
        if kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            _refuse(f"an update of {type(self).__name__}")
        # Always an INSERT: a new instance given the pk of an existing row must not overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"deleting {type(self).__name__} {self.pk}")


class JournalEntry(AppendOnlyModel):
    """记账凭证 — one business event of one loan (or of the bank, without a loan) as a balanced set of
    lines: debits equal credits. Written once by ``journal_post``; corrected only by a reversal (冲正),
    which points at the entry it reverses — and an entry is reversed at most once."""

    business_date = models.DateField(_("会计日期"), db_index=True)
    kind = models.CharField(_("凭证类型"), max_length=20, choices=EntryKind.choices)
    # indexed with the date (``ledger_entry_loan_date``): the batch writes tens of thousands of entries a
    # day, and every index of the table is one more write per entry
    loan_id = models.PositiveBigIntegerField(_("贷款编号"), null=True, blank=True)
    reference = models.CharField(_("业务参考号"), max_length=100, blank=True)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的凭证"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记账人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by who posted (the audit trail is the entry itself)
    )
    posted_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["-business_date", "-id"]
        indexes = [models.Index(fields=["loan_id", "business_date"], name="ledger_entry_loan_date")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.business_date} {self.get_kind_display()}"


class JournalLine(AppendOnlyModel):
    """分录 — one line of a journal entry: an amount (positive, in yuan, stored as fen) on the debit or
    credit side of one account. ``loan_id`` and ``business_date`` are copied from the entry so a loan's
    balances are one indexed GROUP BY and the table can be partitioned by month on PostgreSQL later."""

    entry = models.ForeignKey(
        JournalEntry, verbose_name=_("记账凭证"), on_delete=models.PROTECT, related_name="lines"
    )
    loan_id = models.PositiveBigIntegerField(_("贷款编号"), null=True, blank=True)
    business_date = models.DateField(_("会计日期"))
    account = models.CharField(_("科目"), max_length=30, choices=Account.choices)
    side = models.CharField(_("借贷方向"), max_length=6, choices=Side.choices)
    amount = AmountField(_("金额（元）"))

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["entry_id", "id"]
        indexes = [
            # covering (PostgreSQL): a loan's balances — the reconciliation of every loan posted each
            # day — read from the index alone, not from lines scattered over months of heap pages
            models.Index(
                fields=["loan_id", "account"], include=["side", "amount"], name="ledger_line_loan_account"
            ),
            models.Index(fields=["business_date"], name="ledger_line_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_line_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(side__in=["debit", "credit"]), name="ledger_line_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.get_account_display()} {self.amount}"


class LoanAccountBalance(models.Model):
    """分户余额 — one loan's balance on one account it holds (``chart.LOAN_HELD``: principal, interest,
    penalty and fees receivable, the customer's credit), on the account's normal side: the sum of every
    line posted with the loan's id to that account, kept by the one writer (``services``) in the same
    transaction as the lines it adds to it. It is what the end-of-day reconciliation compares with the
    loan's sub-ledger (one row read per loan and account, not months of lines); ``creditdesk reconcile``
    checks it against the lines themselves (``selectors.balance_drift``). Not append-only: it is a
    running total, never edited by hand, rebuilt from the lines when in doubt."""

    loan_id = models.PositiveBigIntegerField(_("贷款编号"))
    account = models.CharField(_("科目"), max_length=30, choices=Account.choices)
    balance = AmountField(_("余额（元）"))

    class Meta:
        verbose_name = _("分户余额")
        verbose_name_plural = _("分户余额")
        constraints = [
            models.UniqueConstraint(fields=["loan_id", "account"], name="ledger_balance_loan_account"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_account_display()} {self.balance}"
