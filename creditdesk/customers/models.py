"""Customers (客户) and what CreditDesk knows about them."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    Gender,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TermPreference,
    ValueSegment,
)


class Customer(models.Model):
    """客户 — a person (个人), an enterprise (企业/小微企业) or an individual business (个体工商户).

    Sensitive personal information (PIPL art. 28; JR/T 0171-2020 C3) — the ID number or unified social
    credit code, the phone, the income, the monthly debt payments, the estimated values of property and
    vehicle, the credit-report summary (征信) — is encrypted at rest (``EncryptedTextField``). Exact
    lookups and de-duplication use keyed blind indexes (HMAC), never the clear value; the unique blind
    index of the ID means one ID can never be two customers. The last four digits of ID and phone are
    kept in clear for tail search: they are exactly what the masks (``110***********123X``,
    ``138****5678``) show anyway.
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
    )

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户列表")
        ordering = ["name", "id"]
        permissions = [("unmask_customer", _("可查看客户敏感信息明文（须填写理由，留审计记录）"))]
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


class Relationship(models.Model):
    """关联关系 — "X 是 Y 的<kind>": a household member (家庭成员, with 配偶/父母/子女 in ``role_detail``),
    an enterprise's legal representative (法定代表人), actual controller (实际控制人) or shareholder (股东),
    a guarantor (担保人) or a referrer (推荐人).

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
