"""Booked loans (贷款账户): what disbursement creates — the loan, its schedule, and the disbursement
itself — and the servicing state the repayments and the end-of-day batch keep on them: balances by bucket,
days past due, the five-category class, and each instalment's paid parts (``finance.servicing``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.models import Application, ApplicationPart
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.core.fields import AmountField, PercentRateField
from creditdesk.customers.models import Customer
from creditdesk.loans.choices import InstallmentKind, LoanStatus, PaymentMode, RiskClassChoice
from creditdesk.products.models import ProductVersion
from creditdesk.rates.choices import RepaymentMethod

LOAN_SCOPE = ScopePaths(owner="owner", team="owner__team", branch="owner__branch")
ON_LOAN_SCOPE = ScopePaths(owner="loan__owner", team="loan__owner__team", branch="loan__owner__branch")


class Disbursement(models.Model):
    """放款 — the payment of one approved part: to the borrower's own account (自主支付, below the
    product's 受托支付 threshold; a task follows to collect proof of use) or to the payee (受托支付: the
    counterparty's name and account and the contract or invoice it pays). One per part, ever: the unique
    ``part`` makes a second disbursement impossible whatever the idempotency key; a replay of the same
    key returns the first result."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="disbursements"
    )
    part = models.OneToOneField(
        ApplicationPart, verbose_name=_("贷款品种"), on_delete=models.PROTECT, related_name="disbursement"
    )
    amount = AmountField(_("放款金额（元）"))
    value_date = models.DateField(_("放款日"))
    mode = models.CharField(_("支付方式"), max_length=20, choices=PaymentMode.choices)
    payee_name = models.CharField(_("收款人"), max_length=100)
    payee_account = EncryptedTextField(_("收款账号"))
    payee_account_tail = models.CharField(max_length=4, editable=False)
    payee_bank = models.CharField(_("收款行"), max_length=100, blank=True)
    payment_reference = models.CharField(_("交易合同 / 发票号"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("放款经办人"), on_delete=models.PROTECT, related_name="+"
    )
    disbursed_at = models.DateTimeField(_("放款时间"))

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="application__owner", team="application__owner__team", branch="application__owner__branch"
    )
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = ("payee_account",)

    class Meta:
        verbose_name = _("放款")
        verbose_name_plural = _("放款")
        ordering = ["-disbursed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.part_id} {self.amount}"


class Loan(models.Model):
    """贷款账户 — a booked loan: principal, rate, term, method, value date and maturity, with the schedule
    the contract was signed on (``Installment`` rows, from the loan-arithmetic core). ``owner`` is the CM
    who manages it (the customer's manager).

    The servicing columns are the loan's sub-ledger on ``accrued_through`` (the last day penalty was
    accrued and instalments billed): each receivable equals the loan's balance of the matching ledger
    account (``loans.services.reconciliation`` checks it). Only ``loans.services.sync`` writes them."""

    number = models.CharField(_("借据号"), max_length=32, unique=True)
    disbursement = models.OneToOneField(
        Disbursement, verbose_name=_("放款"), on_delete=models.PROTECT, related_name="loan"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="loans"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("客户经理"), on_delete=models.PROTECT, related_name="loans"
    )
    product_version = models.ForeignKey(
        ProductVersion, verbose_name=_("产品版本"), on_delete=models.PROTECT, related_name="+"
    )
    principal = AmountField(_("贷款本金（元）"))
    annual_rate = PercentRateField(_("年利率（%）"))
    apr = PercentRateField(_("年化利率（%，IRR）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    method = models.CharField(_("还款方式"), max_length=20, choices=RepaymentMethod.choices)
    value_date = models.DateField(_("起息日"))
    maturity_date = models.DateField(_("到期日"))
    status = models.CharField(_("状态"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.ACTIVE)
    principal_outstanding = AmountField(_("本金余额（元）"))
    schedule_sha256 = models.CharField(_("还款计划摘要（SHA-256）"), max_length=64)
    created_at = models.DateTimeField(_("建账时间"), auto_now_add=True)
    # --- servicing (sub-ledger) ---
    interest_receivable = AmountField(_("应收未收利息（元）"), default=0)
    penalty_receivable = AmountField(_("应收罚息及复利（元）"), default=0)
    fee_receivable = AmountField(_("应收费用（元）"), default=0)
    credit_balance = AmountField(_("溢缴款（元）"), default=0)
    overdue_principal = AmountField(_("逾期本金（元）"), default=0)
    overdue_interest = AmountField(_("逾期利息（元）"), default=0)
    dpd = models.PositiveIntegerField(_("逾期天数"), default=0)
    max_dpd = models.PositiveIntegerField(_("历史最长逾期天数"), default=0)
    oldest_unpaid_due = models.DateField(_("最早未还应还日"), null=True, blank=True)
    next_due_date = models.DateField(_("下一未结清应还日"), null=True, blank=True)
    accrued_through = models.DateField(_("计息至"), null=True, blank=True)
    first_dpd90_on = models.DateField(_("首次逾期满 90 天日期"), null=True, blank=True)
    closed_on = models.DateField(_("结清日"), null=True, blank=True)
    # The terms the schedule's open part was last built from (a prepayment or a restructuring rebuilds
    # it): {"principal", "periods", "start_date", "first_due_date", "first_period", "annual_rate"};
    # empty: the contract's terms (``loans.services.terms``)
    schedule_basis = models.JSONField(_("还款计划基准"), default=dict, blank=True)
    # the rate penalty and 复利 accrue on (×(1 + uplift)): the contract rate, moved by a rate reset unless
    # the loan carries accrued penalty then (its basis is not split by rate period); null: annual_rate
    penalty_rate = PercentRateField(_("罚息基准利率（%）"), null=True, blank=True)
    # 借新还旧: the loan this one was booked to repay (closed by it, status 已重组)
    refinances = models.OneToOneField(
        "self",
        verbose_name=_("借新还旧所还原贷款"),
        on_delete=models.PROTECT,
        related_name="refinanced_by",
        null=True,
        blank=True,
    )
    # --- restructuring (重组) under observation (RULES.md): at best 关注 until ``observation_ends_on``;
    # a missed payment or a second restructuring in it, or NPL when restructured: at best 次级
    restructured_on = models.DateField(_("重组日"), null=True, blank=True)
    observation_ends_on = models.DateField(_("重组观察期至"), null=True, blank=True)
    observation_missed = models.BooleanField(_("观察期内逾期"), default=False)
    observation_was_npl = models.BooleanField(_("重组时为不良"), default=False)
    restructure_count = models.PositiveSmallIntegerField(_("重组次数"), default=0)
    # --- five-category classification (五级分类) ---
    risk_class = models.CharField(
        _("五级分类"), max_length=20, choices=RiskClassChoice.choices, default=RiskClassChoice.NORMAL
    )
    risk_floor = models.CharField(
        _("分类下限"), max_length=20, choices=RiskClassChoice.choices, default=RiskClassChoice.NORMAL
    )
    risk_manual = models.CharField(
        _("人工认定分类"), max_length=20, choices=RiskClassChoice.choices, blank=True
    )
    # the borrower-level floor (a non-retail borrower with more than 10% of its debt here NPL), set by
    # the end-of-day batch
    borrower_floor = models.CharField(
        _("借款人层面分类下限"),
        max_length=20,
        choices=RiskClassChoice.choices,
        default=RiskClassChoice.NORMAL,
    )

    scope_paths: ClassVar[ScopePaths] = LOAN_SCOPE

    class Meta:
        verbose_name = _("贷款账户")
        verbose_name_plural = _("贷款账户")
        ordering = ["-value_date", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["customer", "status"]),
            # the end-of-day batch's work list: open loans with an instalment due or overdue
            models.Index(fields=["status", "next_due_date"]),
            # the end of day's non-retail rule finds the few loans held at a borrower's floor here, not by
            # reading the whole book (partial: the other loans are not in it)
            models.Index(
                fields=["borrower_floor"],
                condition=~models.Q(borrower_floor=RiskClassChoice.NORMAL),
                name="loans_loan_borrower_floored",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=models.Q(principal_outstanding__gte=0), name="loan_outstanding_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Installment(models.Model):
    """还款计划 — one instalment of a loan as scheduled: due date, principal, interest, fee, the payment
    and the balance after it."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.CASCADE, related_name="installments"
    )
    period = models.PositiveSmallIntegerField(_("期次"))
    due_date = models.DateField(_("应还日"))
    principal = AmountField(_("应还本金（元）"))
    interest = AmountField(_("应还利息（元）"))
    fee = AmountField(_("费用（元）"))
    payment = AmountField(_("应还合计（元）"))
    balance = AmountField(_("期末本金余额（元）"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=InstallmentKind.choices, default=InstallmentKind.SCHEDULED
    )
    # what has been paid of it, and its penalty (罚息) and compound interest (复利): ``*_basis`` is the
    # exact Σ unpaid amount (fen) × days the penalty is computed on (``finance.servicing``)
    principal_paid = AmountField(_("已还本金（元）"), default=0)
    interest_paid = AmountField(_("已还利息（元）"), default=0)
    fee_paid = AmountField(_("已还费用（元）"), default=0)
    penalty = AmountField(_("罚息（元）"), default=0)
    penalty_paid = AmountField(_("已还罚息（元）"), default=0)
    compound = AmountField(_("复利（元）"), default=0)
    compound_paid = AmountField(_("已还复利（元）"), default=0)
    penalty_basis = models.BigIntegerField(default=0, editable=False)
    compound_basis = models.BigIntegerField(default=0, editable=False)
    settled_on = models.DateField(_("结清日"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("还款计划")
        verbose_name_plural = _("还款计划")
        ordering = ["loan", "period"]
        constraints = [models.UniqueConstraint(fields=["loan", "period"], name="installment_period_unique")]
        indexes = [
            # the loans owing an instalment on a day, read from the index alone (``reminders``): due date
            # and loan of the unsettled instalments only (an update settling one is not heap-only then:
            # once per instalment, against the end of day reading 33,000 table pages a reminder day)
            models.Index(
                fields=["due_date", "loan"],
                condition=models.Q(settled_on__isnull=True),
                name="installment_unsettled_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.period}"
