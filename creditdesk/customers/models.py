"""Customers (客户) and what CreditDesk knows about them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.core.money import D
from creditdesk.customers import size_class
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    Gender,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TaxCreditGrade,
    TermPreference,
    ValueSegment,
)
from creditdesk.customers.identity import age_on


class Customer(models.Model):
    """客户 — a person (个人), an enterprise (企业/小微企业) or an individual business (个体工商户).

    Sensitive personal information (PIPL art. 28; JR/T 0171-2020 C3) — the ID number or unified social
    credit code, the phone, the income, the monthly debt payments, the estimated values of property and
    vehicle, the credit-report summary (征信) — is encrypted at rest (``EncryptedTextField``). Exact
    lookups and de-duplication use keyed blind indexes (HMAC), never the clear value; the unique blind
    index of the ID means one ID can never be two customers. The last four digits of ID and phone are
    kept in clear for tail search: they are exactly what the masks (``110***********123X``,
    ``138****5678``) show anyway.
    A business (企业 or 个体工商户) also has its 经营信息 (PRODUCT.md §1): founding date (经营年限 derived),
    GB/T 4754-2017 industry code (``industries``), employees, annual revenue and total assets (sensitive,
    encrypted) — from which its size class (大/中/小/微, 工信部联企业〔2011〕300 号) is computed, never
    stored — and its 纳税信用等级; the persons behind it are relationships (经营者, 法定代表人 …). A person
    has instead their 住房公积金 record (consecutive months paid and the monthly base, encrypted) and
    whether their salary is paid through this bank (本行代发工资). The services refuse the one kind's
    fields on the other.
    Owned by one customer manager; the scope layer gives the team lead the team's and the branch the
    branch's customers. A likely duplicate can be merged (合并) into another record: ``merged_into``
    marks it, everything stays attached to it, and the merge can be undone.
    """

    kind = models.CharField(_("客户类型"), max_length=30, choices=CustomerKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    name_pinyin = models.CharField(_("名称拼音"), max_length=300, blank=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, editable=False)
    # A person's given name (名), so that "建国" finds 张建国 from an index (empty for companies).
    name_given = models.CharField(_("名"), max_length=100, blank=True, editable=False)

    id_number = EncryptedTextField(_("证件号码"), blank=True)
    # NULL, not "", when there is no ID: many customers without one must not collide in the unique index.
    id_number_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    id_tail = models.CharField(max_length=4, blank=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True, editable=False)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True, editable=False)

    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, editable=False)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    quality_segment = models.CharField(
        _("风险分层"), max_length=20, choices=QualitySegment.choices, default=QualitySegment.STANDARD
    )
    value_segment = models.CharField(
        _("价值分层"), max_length=20, choices=ValueSegment.choices, default=ValueSegment.MASS
    )
    source = models.CharField(_("客户来源"), max_length=20, choices=Source.choices, default=Source.NEW)
    channel = models.CharField(_("获客渠道"), max_length=20, choices=Channel.choices, default=Channel.OFFLINE)
    channel_detail = models.CharField(_("渠道说明"), max_length=100, blank=True)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    monthly_income = EncryptedTextField(_("月收入（元）"), blank=True)
    monthly_debt_payments = EncryptedTextField(_("月还款额（元）"), blank=True)
    address_residential = models.CharField(_("居住地址"), max_length=200, blank=True)
    address_business = models.CharField(_("经营 / 工作地址"), max_length=200, blank=True)
    has_property = models.BooleanField(_("名下房产"), null=True, blank=True)
    property_value = EncryptedTextField(_("房产估值（元）"), blank=True)
    has_vehicle = models.BooleanField(_("名下车辆"), null=True, blank=True)
    vehicle_value = EncryptedTextField(_("车辆估值（元）"), blank=True)
    credit_report = EncryptedTextField(_("征信摘要"), blank=True)
    # 经营信息 of a business (企业 / 个体工商户); empty for a person.
    founding_date = models.DateField(_("成立日期"), null=True, blank=True)
    # A GB/T 4754-2017 code as ``industries.normalize_code`` writes it ("H6210"); ``industry`` above is
    # the free text a CM typed before, kept for people (their employer's trade).
    industry_code = models.CharField(_("国民经济行业代码"), max_length=8, blank=True)
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)
    annual_revenue = EncryptedTextField(_("年营业收入（元）"), blank=True)
    total_assets = EncryptedTextField(_("资产总额（元）"), blank=True)
    # 国家税务总局《纳税信用管理办法（试行）》(公告 2014 年第 40 号) A/B/C/D, and M added by 公告 2018 年
    # 第 8 号 for new taxpayers and those without a full year's record (``core.enums.TaxCreditGrade``).
    tax_credit_grade = models.CharField(
        _("纳税信用等级"), max_length=1, choices=TaxCreditGrade.choices, blank=True
    )
    # A person's 住房公积金 and payroll: stable employment, counted by the products' rules.
    provident_fund_months = models.PositiveSmallIntegerField(_("公积金连续缴存月数"), null=True, blank=True)
    provident_fund_base = EncryptedTextField(_("公积金缴存基数（元/月）"), blank=True)
    payroll_with_bank = models.BooleanField(_("本行代发工资"), null=True, blank=True)
    term_preference = models.CharField(
        _("期限偏好"), max_length=10, choices=TermPreference.choices, blank=True
    )
    rate_sensitivity = models.CharField(
        _("利率敏感度"), max_length=10, choices=RateSensitivity.choices, blank=True
    )
    tags = models.CharField(_("标签"), max_length=300, blank=True)
    notes = models.TextField(_("备注"), blank=True, max_length=4000)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # 合并 (soft, reversible): a duplicate points at the record it was merged into and drops out of lists,
    # search, export and duplicate detection; nothing is moved or deleted, so undoing is clearing it.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_customers",
        editable=False,
        # Indexed only where set (below): almost every row is NULL, and a plain index on it made SQLite
        # (no statistics) walk the whole table "by index" for every scope's "merged_into IS NULL".
        db_index=False,
    )
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合并操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="owner", team="owner__team", branch="owner__branch")
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = (
        "id_number",
        "phone",
        "monthly_income",
        "monthly_debt_payments",
        "property_value",
        "vehicle_value",
        "credit_report",
        "annual_revenue",
        "total_assets",
        "provident_fund_base",
    )

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户列表")
        ordering = ["name", "id"]
        # 查看明文 is the policy's (Action.SENSITIVE_UNMASK), not a Django permission (migration 0010).
        # Indexes are declared here rather than with ``db_index``/``unique`` on the fields: on PostgreSQL
        # those add a second, ``varchar_pattern_ops`` index per text column for ``LIKE 'x%'``, which no
        # query here uses (prefixes are ranges, tails and blind indexes exact) and every insert pays for.
        constraints = [
            # The same ID can never be two customers (the keyed blind index; NULL when there is no ID).
            models.UniqueConstraint(fields=["id_number_index"], name="customer_unique_id_number"),
        ]
        indexes = [
            # Exact and prefix lookups over a whole branch or bank (scopes wider than one owner).
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["name_pinyin"], name="customer_pinyin"),
            models.Index(fields=["name_initials"], name="customer_initials"),
            models.Index(fields=["name_given"], name="customer_given_name"),
            models.Index(fields=["id_tail"], name="customer_id_tail"),
            models.Index(fields=["phone_index"], name="customer_phone_index"),
            models.Index(fields=["phone_tail"], name="customer_phone_tail"),
            models.Index(fields=["owner", "name"]),
            # Search within a manager's own customers (scope = owner): tails and pinyin prefixes.
            models.Index(fields=["owner", "phone_tail"], name="customer_owner_phone_tail"),
            models.Index(fields=["owner", "id_tail"], name="customer_owner_id_tail"),
            models.Index(fields=["owner", "name_initials"], name="customer_owner_initials"),
            models.Index(fields=["owner", "name_pinyin"], name="customer_owner_pinyin"),
            models.Index(fields=["owner", "name_given"], name="customer_owner_given_name"),
            # The list without a search: a scope's most recently changed customers.
            models.Index(fields=["owner", "-updated_at", "-id"], name="customer_owner_recent"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="customer_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def credit_report_data(self) -> dict[str, Any]:
        """The credit-report summary as a dict (empty when none is recorded); sensitive — never shown."""
        return json.loads(self.credit_report) if self.credit_report else {}

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def is_business(self) -> bool:
        """An enterprise or an individual business (个体工商户): the kinds with 经营信息."""
        return self.kind != CustomerKind.INDIVIDUAL

    def business_years_on(self, today: date) -> int | None:
        """经营年限: whole years since the founding date on ``today`` (an anniversary adds one, like
        an age); ``None`` when no founding date is recorded (or it is after ``today``)."""
        if self.founding_date is None or self.founding_date > today:
            return None
        return age_on(self.founding_date, today)

    @property
    def size_class_result(self) -> size_class.SizeClassResult | None:
        """规模 (大/中/小/微) by 工信部联企业〔2011〕300 号 from the industry, employees and the (decrypted)
        revenue and assets, with its reason; ``None`` for a person or when the figures are missing.
        Computed on read, never stored: it follows the figures as they change."""
        if not self.is_business or not self.industry_code:
            return None
        return size_class.classify(
            self.industry_code,
            employees=self.employees,
            annual_revenue=D(self.annual_revenue) if self.annual_revenue else None,
            total_assets=D(self.total_assets) if self.total_assets else None,
        )


class Relationship(models.Model):
    """关联关系 — "X 是 Y 的<kind>": a household member (家庭成员, with 配偶/父母/子女 in ``role_detail``),
    an enterprise's legal representative (法定代表人), actual controller (实际控制人), shareholder (股东)
    or beneficial owner (受益所有人), an individual business's operator (经营者), a guarantor (担保人) or
    a referrer (推荐人).

    Directed from ``from_customer`` (X) to ``to_customer`` (Y); a customer's related parties are listed
    both ways. It belongs to X: whoever may change X may add or remove it (``services``), and the other
    party's name is shown only to people who may see that customer (``selectors.related_parties``).
    """

    from_customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_customer = models.ForeignKey(
        Customer, verbose_name=_("关联客户"), on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(_("关系类型"), max_length=30, choices=RelationshipKind.choices)
    role_detail = models.CharField(_("关系说明"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("关联关系")
        verbose_name_plural = _("关联关系列表")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_customer=models.F("to_customer")), name="relationship_not_self"
            ),
            models.UniqueConstraint(
                fields=["from_customer", "to_customer", "kind"], name="relationship_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_customer_id} → {self.to_customer_id} ({self.kind})"


class CustomerOwnership(models.Model):
    """客户归属记录 — who owned a customer from when to when; handover (移交) closes one row and opens
    the next, so the history is never overwritten. At most one open row (``to_date`` empty) per customer.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="ownerships"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("客户经理"), on_delete=models.PROTECT, related_name="+"
    )
    from_date = models.DateTimeField(_("起始时间"))
    to_date = models.DateTimeField(_("结束时间"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("移交原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("客户归属记录")
        verbose_name_plural = _("客户归属记录")
        ordering = ["customer", "from_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(to_date__isnull=True),
                name="customer_ownership_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.owner_id} {self.from_date:%Y-%m-%d}"
