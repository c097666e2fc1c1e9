"""Servicing records (贷款核算): repayments, the end-of-day runs and the classification history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.fields import AmountField
from creditdesk.loans.choices import (
    EodStatus,
    RepaymentChannel,
    RepaymentKind,
    RepaymentStatus,
    RestructuringKind,
    RiskClassChoice,
    WriteOffStatus,
)
from creditdesk.loans.models.booking import ON_LOAN_SCOPE, Loan


class Repayment(models.Model):
    """还款 — money received for a loan with its value date (起息日), posted once per idempotency key.
    ``allocation`` is how it was applied (bucket and instalment, ``finance.servicing.Allocation``); a
    backdated repayment replays the loan's history, so the allocations of later repayments may change —
    the ledger posts the difference. A reversal (冲正, e.g. money credited to the wrong loan) is done by a
    risk manager with a reason; the row stays, marked reversed."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="repayments"
    )
    value_date = models.DateField(_("起息日"))
    business_date = models.DateField(_("入账营业日"))
    amount = AmountField(_("还款金额（元）"))
    channel = models.CharField(_("还款渠道"), max_length=20, choices=RepaymentChannel.choices)
    kind = models.CharField(
        _("类型"), max_length=20, choices=RepaymentKind.choices, default=RepaymentKind.REGULAR
    )
    reference = models.CharField(_("交易流水号"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=20, choices=RepaymentStatus.choices, default=RepaymentStatus.POSTED
    )
    allocation = models.JSONField(_("冲抵明细"), default=dict)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(_("入账时间"))
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("冲正人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reversed_at = models.DateTimeField(_("冲正时间"), null=True, blank=True)
    reversal_reason = models.CharField(_("冲正原因"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("还款")
        verbose_name_plural = _("还款")
        ordering = ["-value_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="repayment_amount_positive"),
            models.UniqueConstraint(fields=["loan", "idempotency_key"], name="repayment_key_unique"),
        ]
        indexes = [models.Index(fields=["loan", "value_date"])]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.value_date} {self.amount}"


class EodRun(models.Model):
    """日终批处理 — the end-of-day run for one business date. ``steps`` lists the steps done (each step
    commits with its marker, so a run cut off half way resumes where it stopped); ``report`` is the run
    report (counts, postings, the book by class, the reconciliation)."""

    business_date = models.DateField(_("营业日"), unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=EodStatus.choices, default=EodStatus.RUNNING)
    steps = models.JSONField(_("已完成步骤"), default=list)
    report = models.JSONField(_("运行报告"), default=dict)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=1)

    class Meta:
        verbose_name = _("日终批处理")
        verbose_name_plural = _("日终批处理")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"EOD {self.business_date} {self.status}"


class ClassificationChange(models.Model):
    """五级分类变动 — every change of a loan's class: the floor the rules set that day, the class it got,
    and why (the batch's rule, or a risk manager's judgement with a reason) — the data NPL reports need."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="classification_changes"
    )
    business_date = models.DateField(_("营业日"))
    from_class = models.CharField(_("原分类"), max_length=20, choices=RiskClassChoice.choices)
    to_class = models.CharField(_("新分类"), max_length=20, choices=RiskClassChoice.choices)
    floor = models.CharField(_("规则下限"), max_length=20, choices=RiskClassChoice.choices)
    dpd = models.PositiveIntegerField(_("逾期天数"))
    manual = models.BooleanField(_("人工认定"), default=False)
    reason = models.CharField(_("原因"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("五级分类变动")
        verbose_name_plural = _("五级分类变动")
        ordering = ["-business_date", "-id"]
        indexes = [models.Index(fields=["loan", "business_date"])]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.business_date} {self.from_class}→{self.to_class}"


class Restructuring(models.Model):
    """贷款重组 — an extension (展期) of a loan: the months added, the new maturity, why, and whether the
    borrower is in financial difficulty (then the loan is under observation: at best 关注 until the
    observation period ends, RULES.md). A 无还本续贷 for a borrower without financial difficulty is not a
    restructuring (origination records it as a 续贷 application)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="restructurings"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=RestructuringKind.choices)
    business_date = models.DateField(_("营业日"))
    months = models.PositiveSmallIntegerField(_("展期月数"))
    old_maturity = models.DateField(_("原到期日"))
    new_maturity = models.DateField(_("新到期日"))
    principal = AmountField(_("重组本金（元）"))
    financial_difficulty = models.BooleanField(_("借款人财务困难"))
    observation_ends_on = models.DateField(_("观察期至"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=300)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("办理时间"))

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("贷款重组")
        verbose_name_plural = _("贷款重组")
        ordering = ["-business_date", "-id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind} {self.business_date}"


class WriteOff(models.Model):
    """贷款核销 — proposed by a risk manager with a reason, approved by the branch head (maker-checker);
    on approval the loan's receivables leave the balance sheet (the amounts are kept here: the borrower
    still owes them, 账销案存), and later recoveries are income of their own in the ledger."""

    loan = models.OneToOneField(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="write_off"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=WriteOffStatus.choices, default=WriteOffStatus.PROPOSED
    )
    reason = models.CharField(_("核销理由"), max_length=300)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    business_date = models.DateField(_("核销营业日"), null=True, blank=True)
    principal = AmountField(_("核销本金（元）"), default=0)
    interest = AmountField(_("核销利息（元）"), default=0)
    penalty = AmountField(_("核销罚息及复利（元）"), default=0)
    fee = AmountField(_("核销费用（元）"), default=0)
    recovered = AmountField(_("核销后已收回（元）"), default=0)

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("贷款核销")
        verbose_name_plural = _("贷款核销")

    def __str__(self) -> str:
        return f"{self.loan_id} {self.status}"


class LoanSnapshot(models.Model):
    """日终快照 — a loan's balances, days past due, status and class at the end of a business date on
    which it changed (the end-of-day run writes one per loan moved that day, not one per loan of the
    book: the cost follows the events). The state of a loan on any date is its latest snapshot on or
    before that date (``selectors.loan_state_on``) — the history the NPL, migration and average-balance
    reports read without replaying the ledger."""

    loan = models.ForeignKey(
        Loan,
        verbose_name=_("贷款"),
        on_delete=models.PROTECT,
        related_name="snapshots",
        db_index=False,  # the unique (loan, business_date) serves every lookup by loan
        # no constraint in the database: a snapshot is only ever written by one INSERT … SELECT from the
        # loan table itself, and a loan is never deleted — a check per row (tens of thousands a night,
        # at commit) would prove nothing more
        db_constraint=False,
    )
    business_date = models.DateField(_("营业日"))
    status = models.CharField(_("状态"), max_length=20)
    principal_outstanding = AmountField(_("本金余额（元）"))
    overdue_principal = AmountField(_("逾期本金（元）"))
    overdue_interest = AmountField(_("逾期利息（元）"))
    interest_receivable = AmountField(_("应收未收利息（元）"))
    penalty_receivable = AmountField(_("应收罚息及复利（元）"))
    fee_receivable = AmountField(_("应收费用（元）"))
    credit_balance = AmountField(_("溢缴款（元）"))
    dpd = models.PositiveIntegerField(_("逾期天数"))
    risk_class = models.CharField(_("五级分类"), max_length=20, choices=RiskClassChoice.choices)

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("贷款日终快照")
        verbose_name_plural = _("贷款日终快照")
        ordering = ["loan_id", "-business_date"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "business_date"], name="loans_snapshot_loan_date"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.business_date}"
