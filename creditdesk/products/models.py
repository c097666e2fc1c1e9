"""The product library (产品库) as stored: products, their immutable versions, and customers' needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.choices import text_choices
from creditdesk.core.fields import AmountField, PercentRateField
from creditdesk.core.money import format_yuan
from creditdesk.customers.choices import RateSensitivity
from creditdesk.customers.models import Customer
from creditdesk.finance.terms import Method
from creditdesk.products import capacity, facts
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.choices import Category, CollateralType, LoanPurpose
from creditdesk.products.fields import EncryptedAmountField
from creditdesk.rates.choices import RepaymentMethod


class ImmutableRow(Exception):
    """A saved product version was about to be changed: versions are history, a change is a new one."""


class Product(models.Model):
    """产品 — one loan product of the library (信用贷, 抵押贷, 经营贷 …), known by its stable ``code``.

    What the product *is* lives in its versions (``ProductVersion``); ``current_version`` points at the
    latest, and ``name`` / ``category`` repeat that version's so that lists filter and sort in SQL. A
    product is on sale (上架) or withdrawn (下架, ``is_active``); withdrawn products stay readable and keep
    every version, because quotes and applications refer to them. Reference data: every signed-in person
    reads it; risk managers (and administrators) change it, only through ``services``.
    """

    code = models.CharField(_("产品代码"), max_length=32, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    category = models.CharField(_("产品类别"), max_length=20, choices=Category.choices)
    is_active = models.BooleanField(_("上架"), default=True)
    current_version = models.ForeignKey(
        "ProductVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品库")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ProductVersion(models.Model):
    """产品版本 — what a product was from ``created_at`` on: the whole definition (``spec``, exactly
    ``ProductSpec.to_dict()``: ranges, pricing, methods, fees, prepayment, penalty, collateral, documents,
    admission rules), why it changed (``note``), who changed it.

    Immutable: a change to a product or its rules is a new version (``number`` 1, 2, …), never an edit —
    anything that quotes (needs, matching, proposals, applications) refers to the version it quoted, so
    an old quote reads exactly as it was said. ``save()`` refuses to update a saved row, and the admin
    shows versions read-only.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    spec = models.JSONField(_("产品定义"))
    note = models.CharField(_("变更说明"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("修订时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("产品版本")
        verbose_name_plural = _("产品版本")
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="product_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="product_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.spec.get('name', '')} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Not business logic but the storage invariant: a version is history (see the docstring).
        if self.pk is not None or kwargs.get("update_fields"):
            raise ImmutableRow(f"product version {self.pk} is immutable: create a new version")
        super().save(*args, **kwargs)

    def as_spec(self) -> ProductSpec:
        """The stored definition as the pure core's value (validated when it was saved)."""
        cached: ProductSpec | None = getattr(self, "_spec_cache", None)
        if cached is None:
            cached = ProductSpec.from_dict(self.spec, validate=False)
            self._spec_cache = cached
        return cached


HomePurchaseOrder = text_choices(facts.HomePurchaseOrder)
DebtSource = text_choices(capacity.DebtSource)

CUSTOMER_SCOPE = ScopePaths(
    owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
)


class Need(models.Model):
    """需求分析 — what a customer needs (purpose, amount, term, repayment preference, rate sensitivity,
    collateral offered, guarantor / co-borrower) and what they can carry (income, existing monthly debt
    payments; for a business, monthly revenue and costs), recorded by the CM with the customer.

    The capacity figures — income counted, debt-to-income before a new loan, the largest affordable
    monthly payment, warnings — are *computed on read* by the pure core (``assessment``) from the stored
    inputs: a need is never edited (a new analysis is recorded instead, the history stays), so the
    figures cannot drift from what was entered. Scoped through the customer.

    Income, debt payments, revenue and costs are sensitive personal information (RULES.md, "Personal
    information"): encrypted at rest (``EncryptedAmountField``), masked in audit rows and on pages. Existing
    debts are entered one by one (``NeedDebt``: method, balance or limit in use, rate, remaining term);
    when there are any, ``monthly_debt_payments`` holds the sum of their monthly obligations (RULES.md
    "Debt-to-income"), else the total typed by hand. For a home purchase the need records 首套/二套
    (``home_purchase_order``); for a collateral, the liens already on it (``collateral_prior_liens``, what
    an LTV adds to the new loan).
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="needs"
    )
    purpose = models.CharField(_("贷款用途"), max_length=30, choices=LoanPurpose.choices)
    amount = AmountField(_("需求金额（元）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    repayment_preference = models.CharField(
        _("还款方式偏好"), max_length=20, choices=RepaymentMethod.choices, blank=True
    )
    rate_sensitivity = models.CharField(
        _("利率敏感度"), max_length=10, choices=RateSensitivity.choices, default=RateSensitivity.MEDIUM
    )
    collateral_type = models.CharField(
        _("抵质押物"), max_length=30, choices=CollateralType.choices, default=CollateralType.NONE
    )
    collateral_value = AmountField(_("抵质押物评估价值（元）"), null=True, blank=True)
    has_guarantor = models.BooleanField(_("有保证人"), default=False)
    has_co_borrower = models.BooleanField(_("有共同借款人"), default=False)
    collateral_prior_liens = AmountField(_("抵押物已有抵押余额（元）"), null=True, blank=True)
    home_purchase_order = models.CharField(
        _("首套/二套"), max_length=10, choices=HomePurchaseOrder.choices, blank=True, default=""
    )
    co_borrower_monthly_income = EncryptedAmountField(_("共同借款人月收入（元）"), null=True, blank=True)
    monthly_income = EncryptedAmountField(_("月收入（元）"))
    monthly_debt_payments = EncryptedAmountField(_("现有月还款额（元）"), default=Decimal("0.00"))
    monthly_revenue = EncryptedAmountField(_("月经营收入（元）"), null=True, blank=True)
    monthly_costs = EncryptedAmountField(_("月经营成本（元）"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = (
        "monthly_income",
        "monthly_debt_payments",
        "monthly_revenue",
        "monthly_costs",
        "co_borrower_monthly_income",
    )

    class Meta:
        verbose_name = _("需求分析")
        verbose_name_plural = _("需求分析")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="need_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(term_months__gte=1, term_months__lte=capacity.MAX_NEED_TERM_MONTHS),
                name="need_term_in_range",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(collateral_type="none", collateral_value__isnull=True)
                    | (~models.Q(collateral_type="none") & models.Q(collateral_value__gt=0))
                ),
                name="need_collateral_value_matches_type",
            ),
            models.CheckConstraint(
                condition=models.Q(collateral_prior_liens__isnull=True)
                | models.Q(collateral_prior_liens__gte=0),
                name="need_prior_liens_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(home_purchase_order="") | models.Q(purpose="home_purchase"),
                name="need_home_order_only_for_home_purchase",
            ),
        ]

    def __str__(self) -> str:
        amount = format_yuan(cast(Decimal, self.amount))
        return f"{self.get_purpose_display()} {amount} 元 / {self.term_months} 个月"

    def as_need(self) -> capacity.Need:
        # AmountField is an integer column to the type checker; it holds Decimal yuan (core.fields).
        return capacity.Need(
            purpose=self.purpose,
            amount=cast(Decimal, self.amount),
            term_months=self.term_months,
            repayment_preference=Method(self.repayment_preference) if self.repayment_preference else None,
            rate_sensitivity=self.rate_sensitivity,
            collateral_type=self.collateral_type,
            collateral_value=cast(Decimal | None, self.collateral_value),
        )

    def as_debts(self) -> tuple[capacity.Debt, ...]:
        """The existing debts as the pure core's values (read once per instance)."""
        cached: tuple[capacity.Debt, ...] | None = getattr(self, "_debts_cache", None)
        if cached is None:
            cached = tuple(debt.as_debt() for debt in self.debts.all()) if self.pk else ()
            self._debts_cache = cached
        return cached

    def as_capacity(self) -> capacity.Capacity:
        """What the customer can carry; with debts, the existing payments are their obligations' sum."""
        return capacity.Capacity(
            monthly_income=cast(Decimal, self.monthly_income),
            monthly_debt_payments=cast(Decimal, self.monthly_debt_payments),
            monthly_revenue=cast(Decimal | None, self.monthly_revenue),
            monthly_costs=cast(Decimal | None, self.monthly_costs),
            debts=self.as_debts(),
        )

    @property
    def assessment(self) -> capacity.Assessment:
        """DTI before, the largest affordable payment and the warnings (computed, see the docstring)."""
        cached: capacity.Assessment | None = getattr(self, "_assessment_cache", None)
        if cached is None:
            cached = capacity.assess(self.as_capacity())
            self._assessment_cache = cached
        return cached


class NeedDebt(models.Model):
    """现有负债 — one existing loan, credit line or card of the customer, recorded with a need: what DTI
    counts for it is its monthly obligation (RULES.md "Debt-to-income", ``capacity.Debt``): the amortising
    payment; for 先息后本, 一次性还本付息 and 随借随还 the 等额本息 payment of the balance (a line or card:
    the limit in use) over max(remaining months, 12). ``remaining_months`` is 1 for a line without a fixed
    end, so the floor applies. The balance is sensitive (encrypted at rest); ``source`` says whether the
    figures came from the 征信 summary or were typed by hand. Saved with its need, never edited.
    """

    need = models.ForeignKey(Need, verbose_name=_("需求分析"), on_delete=models.CASCADE, related_name="debts")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    label = models.CharField(_("名称"), max_length=50, blank=True)
    method = models.CharField(_("还款方式"), max_length=20, choices=RepaymentMethod.choices)
    balance = EncryptedAmountField(_("余额或已用额度（元）"))
    annual_rate = PercentRateField(_("年利率（%）"))
    remaining_months = models.PositiveSmallIntegerField(_("剩余期数（月）"))
    source = models.CharField(_("来源"), max_length=20, choices=DebtSource.choices, default=DebtSource.MANUAL)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="need__customer__owner",
        team="need__customer__owner__team",
        branch="need__customer__owner__branch",
    )
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = ("balance",)

    class Meta:
        verbose_name = _("现有负债")
        verbose_name_plural = _("现有负债")
        ordering = ["need", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    remaining_months__gte=1, remaining_months__lte=capacity.MAX_DEBT_TERM_MONTHS
                ),
                name="need_debt_remaining_months_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_rate__gte=0), name="need_debt_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.get_method_display()}"

    @classmethod
    def of(cls, need: Need, position: int, debt: capacity.Debt, source: str) -> NeedDebt:
        """The unsaved row of the pure core's ``debt`` (a fraction rate, stored in percent) on ``need``."""
        values: dict[str, Any] = {  # the stubs type the encrypted and percent fields by their storage
            "need": need,
            "position": position,
            "label": debt.label,
            "method": str(debt.method),
            "balance": debt.balance,
            "annual_rate": debt.annual_rate * 100,
            "remaining_months": debt.remaining_months,
            "source": source,
        }
        return cls(**values)

    def as_debt(self) -> capacity.Debt:
        """The pure core's debt (the stored rate is in percent; the core takes a fraction)."""
        return capacity.Debt(
            method=Method(self.method),
            balance=cast(Decimal, self.balance),
            annual_rate=cast(Decimal, self.annual_rate) / 100,
            remaining_months=self.remaining_months,
            label=self.label,
        )
