"""Solutions as stored: the team's competitor quotes (竞品报价) and the proposals given to customers
(方案书)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.models import Team
from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.choices import text_choices
from creditdesk.core.fields import AmountField, PercentRateField
from creditdesk.customers.models import Customer
from creditdesk.finance.terms import Method
from creditdesk.products.models import CUSTOMER_SCOPE, ImmutableRow, Need, ProductVersion
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.solutions import competitor_facts, competitors

HUNDRED = Decimal(100)


QuoteKind = text_choices(competitors.QuoteKind)
ChargeKind = text_choices(competitors.ChargeKind)
CollateralNeed = text_choices(competitor_facts.CollateralNeed)
Answer = text_choices(competitor_facts.Answer)


class CompetitorOffer(models.Model):
    """竞品报价 — what another institution offered (or advertised to) a customer, as it was said: an
    annual rate, 日息 or 月息 on the outstanding balance, a flat monthly fee on the original principal
    (分期手续费), an instalment, or a total to repay, for an amount and a term, with the fees and deductions
    at drawdown (``charges``: a JSON list of ``{name, kind, amount, percent}`` — amounts in yuan and
    percents of the principal in percent, as decimal strings: exact on every database, never summed in
    SQL) and the non-price facts
    (approval time, documents, prepayment, collateral, 受托支付). The comparison converts it to its true
    annualized rate (``competitors.competitor_row``).

    Owned by the team that recorded it: every member of the team sees and uses the team's quotes (a
    quote is market knowledge, not customer data); the branch head and risk managers of the branch see
    them too. ``scope_paths`` says so for the scope layer's branch rule; the team rule is
    ``selectors.competitor_offer_list_visible_to``'s, since a manager's default scope is only their own.
    """

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="competitor_offers"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.CharField(_("机构"), max_length=100)
    product_name = models.CharField(_("产品名称"), max_length=100)
    kind = models.CharField(_("报价方式"), max_length=20, choices=QuoteKind.choices)
    amount = AmountField(_("贷款金额（元）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    method = models.CharField(
        _("还款方式"),
        max_length=20,
        choices=RepaymentMethod.choices,
        default=RepaymentMethod.EQUAL_INSTALLMENT,
        help_text=_("按年利率报价时适用"),
    )
    annual_rate = PercentRateField(_("年利率（%）"), null=True, blank=True)
    daily_rate = PercentRateField(_("日息（%/日，按剩余本金）"), null=True, blank=True)
    monthly_rate = PercentRateField(_("月息（%/月，按剩余本金）"), null=True, blank=True)
    monthly_flat_rate = PercentRateField(_("分期手续费（%/月，按原始本金）"), null=True, blank=True)
    monthly_payment = AmountField(_("每期还款额（元）"), null=True, blank=True)
    total_repayment = AmountField(_("总还款额（元）"), null=True, blank=True)
    upfront_fee = AmountField(_("放款时收取的手续费（元）"), default=Decimal("0.00"))
    charges = models.JSONField(_("费用与扣款"), default=list, blank=True)
    approval_days = models.PositiveSmallIntegerField(_("审批时间（天）"), null=True, blank=True)
    documents = models.CharField(_("所需材料"), max_length=500, blank=True)
    prepayment_terms = models.CharField(_("提前还款条件"), max_length=300, blank=True)
    prepayment_penalty = PercentRateField(_("提前还款违约金（%，按提前归还本金）"), null=True, blank=True)
    collateral = models.CharField(
        _("抵押担保要求"), max_length=20, choices=CollateralNeed.choices, default=CollateralNeed.UNKNOWN
    )
    entrusted_payment = models.CharField(
        _("受托支付"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    quoted_on = models.DateField(_("报价日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="recorded_by", team="team", branch="team__branch")

    class Meta:
        verbose_name = _("竞品报价")
        verbose_name_plural = _("竞品报价")
        ordering = ["-quoted_on", "-id"]
        indexes = [models.Index(fields=["team", "-quoted_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="competitor_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(term_months__gte=1, term_months__lte=360), name="competitor_term_in_range"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="annual_rate", annual_rate__isnull=False)
                    | models.Q(kind="daily_rate", daily_rate__isnull=False)
                    | models.Q(kind="monthly_rate", monthly_rate__isnull=False)
                    | models.Q(kind="flat_monthly", monthly_flat_rate__isnull=False)
                    | models.Q(kind="installment", monthly_payment__isnull=False)
                    | models.Q(kind="total_repayment", total_repayment__isnull=False)
                ),
                name="competitor_figure_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}「{self.product_name}」"

    def as_offer(self) -> competitors.CompetitorOffer:
        """The quote as the pure core takes it (rates as fractions)."""

        def fraction(percent: Any) -> Decimal | None:
            return None if percent is None else cast(Decimal, percent) / HUNDRED

        return competitors.CompetitorOffer(
            institution=self.institution,
            product_name=self.product_name,
            kind=competitors.QuoteKind(self.kind),
            amount=cast(Decimal, self.amount),
            term_months=self.term_months,
            annual_rate=fraction(self.annual_rate),
            method=Method(self.method),
            monthly_flat_rate=fraction(self.monthly_flat_rate),
            monthly_payment=cast(Decimal | None, self.monthly_payment),
            total_repayment=cast(Decimal | None, self.total_repayment),
            upfront_fee=cast(Decimal, self.upfront_fee),
            note=self.note,
            daily_rate=fraction(self.daily_rate),
            monthly_rate=fraction(self.monthly_rate),
            charges=tuple(
                replace(charge, percent=fraction(charge.percent))
                for charge in competitors.charges_from(self.charges or [])
            ),
            facts=competitor_facts.OfferFacts(
                approval_days=self.approval_days,
                documents=self.documents,
                prepayment=self.prepayment_terms,
                prepayment_penalty=fraction(self.prepayment_penalty),
                collateral=competitor_facts.CollateralNeed(self.collateral),
                entrusted_payment=competitor_facts.Answer(self.entrusted_payment),
            ),
        )


class Proposal(models.Model):
    """方案书 — the proposal given to a customer: for their need, the recommended option (one product, or
    a combination of two), with the figures, a schedule summary, the fees, the prepayment and late-payment
    terms, the documents to bring and the required disclosures.

    What was shown is kept whole: ``content`` is the JSON snapshot every page of the proposal is drawn
    from (never recomputed, so a later product version, LPR or need cannot change it), and ``pdf`` the
    printed document's bytes with their SHA-256 — a reprint is the same file, byte for byte. ``options``
    name the product versions it quotes. Immutable: ``save()`` refuses to update a saved row; a new
    proposal is issued instead. Scoped through the customer.
    """

    number = models.CharField(_("方案书编号"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="proposals"
    )
    need = models.ForeignKey(
        Need, verbose_name=_("需求分析"), on_delete=models.PROTECT, related_name="proposals"
    )
    content = models.JSONField(_("方案内容"))
    pdf = models.BinaryField(_("PDF 文件"))
    pdf_sha256 = models.CharField(_("PDF 摘要（SHA-256）"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("方案书")
        verbose_name_plural = _("方案书")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.number} · {self.content.get('title', '')}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The storage invariant, not business logic: what a customer was shown is history.
        if self.pk is not None or kwargs.get("update_fields"):
            raise ImmutableRow(f"proposal {self.pk} is immutable: issue a new proposal")
        super().save(*args, **kwargs)


class ProposalOption(models.Model):
    """方案书所选产品 — one product of a proposal: the version it was quoted on and the terms quoted
    (amount, term, method, rate, annualized rate). Two rows for a combination (抵押 + 信用)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("方案书"), on_delete=models.PROTECT, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    product_version = models.ForeignKey(
        ProductVersion, verbose_name=_("产品版本"), on_delete=models.PROTECT, related_name="+"
    )
    amount = AmountField(_("金额（元）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    method = models.CharField(_("还款方式"), max_length=20, choices=RepaymentMethod.choices)
    annual_rate = PercentRateField(_("年利率（%）"))
    apr = PercentRateField(_("年化利率（%，IRR 复利）"))

    class Meta:
        verbose_name = _("方案书所选产品")
        verbose_name_plural = _("方案书所选产品")
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="proposal_option_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} #{self.position}"
