"""Booked loans (贷款账户): what disbursement creates — the loan, its schedule, and the disbursement
itself. Servicing (repayments, the ledger, end of day, classification) builds on these (issue 16)."""

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
from creditdesk.loans.choices import LoanStatus, PaymentMode
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
    who manages it (the customer's manager)."""

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

    scope_paths: ClassVar[ScopePaths] = LOAN_SCOPE

    class Meta:
        verbose_name = _("贷款账户")
        verbose_name_plural = _("贷款账户")
        ordering = ["-value_date", "-id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["customer", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(principal__gt=0), name="loan_principal_positive")
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

    scope_paths: ClassVar[ScopePaths] = ON_LOAN_SCOPE

    class Meta:
        verbose_name = _("还款计划")
        verbose_name_plural = _("还款计划")
        ordering = ["loan", "period"]
        constraints = [models.UniqueConstraint(fields=["loan", "period"], name="installment_period_unique")]
        indexes = [models.Index(fields=["due_date"])]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.period}"
