"""The loan application (贷款申请) itself: its parts (one loan each), its parties and its stage history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.choices import ApplicationKind, ApplicationStatus, PartyRole, Recommendation
from creditdesk.consents.models import CreditInquiry
from creditdesk.core.fields import AmountField, PercentRateField
from creditdesk.customers.models import Customer
from creditdesk.products.models import ProductVersion
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.solutions.models import Proposal

# Who sees an application: the CM who manages it (the customer's owner), the team lead of the team, the
# branch's head and risk managers; an approver the applications routed to them (``assigned_to``).
APPLICATION_SCOPE = ScopePaths(
    owner="owner", team="owner__team", branch="owner__branch", approver="assigned_to"
)
# Rows that hang off an application are seen by whoever sees the application.
ON_APPLICATION_SCOPE = ScopePaths(
    owner="application__owner",
    team="application__owner__team",
    branch="application__owner__branch",
    approver="application__assigned_to",
)


class Application(models.Model):
    """贷款申请 — one request for credit, from a chosen solution (or from scratch) to money paid out.

    The CM (``owner``, the customer's manager) is the project manager of it; approvers decide. Its
    ``parts`` are the loans it asks for — one, or two for a 组合贷 (a 公积金 part and a commercial part).
    The CM's investigation (贷前调查) is kept as structured fields plus free text. ``status`` moves only
    through ``applications.services`` (``lifecycle.check_move``), each move a ``StageEvent``.
    ``assigned_to`` is the person the current approval level waits for (none at a committee level,
    where the members vote); ``stage_entered_at`` is when the current status began (time in stage, SLA).
    """

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    kind = models.CharField(_("申请类型"), max_length=30, choices=ApplicationKind.choices, default="new")
    customer = models.ForeignKey(
        Customer, verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="applications"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("方案书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    renews = models.ForeignKey(
        "self",
        verbose_name=_("续贷的原申请"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    purpose = models.CharField(_("贷款用途"), max_length=40)
    purpose_detail = models.CharField(_("用途说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=30, choices=ApplicationStatus.choices, default="draft", db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_to_decide",
    )
    current_level = models.PositiveSmallIntegerField(_("当前审批层级序号"), null=True, blank=True)
    grade = models.CharField(_("风险等级"), max_length=2, blank=True)
    credit_inquiry = models.ForeignKey(
        CreditInquiry,
        verbose_name=_("征信查询记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # 贷前调查 (investigation report)
    site_visit_notes = models.TextField(_("实地调查情况"), blank=True, max_length=4000)
    business_observations = models.TextField(_("经营情况"), blank=True, max_length=4000)
    cash_flow_analysis = models.TextField(_("现金流分析"), blank=True, max_length=4000)
    risk_points = models.TextField(_("风险点"), blank=True, max_length=4000)
    recommendation = models.CharField(
        _("调查结论"), max_length=20, choices=Recommendation.choices, blank=True
    )
    investigation_text = models.TextField(_("调查报告正文"), blank=True, max_length=20000)
    # the decision that ended the review: conditions to meet before disbursement; the date it lapses
    conditions = models.JSONField(_("放款条件"), default=list, blank=True)
    approval_expires_on = models.DateField(_("批复有效期至"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("进入当前阶段时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_paths: ClassVar[ScopePaths] = APPLICATION_SCOPE

    class Meta:
        verbose_name = _("贷款申请")
        verbose_name_plural = _("贷款申请")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["assigned_to", "status", "stage_entered_at"]),
            models.Index(fields=["customer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.customer.name}"


class ApplicationPart(models.Model):
    """申请的贷款品种 — one loan an application asks for: the product version, amount, term, method and
    the rate as priced on the day (``price``: the pricing breakdown — LPR and its date plus the spread, or
    the 公积金 table row — exactly ``catalogue.Price.to_dict()``), and the product's own rate for the
    grade (``priced_rate``) against which a concession is measured. ``annual_rate`` is what is offered;
    an approval may change amount, rate and term (the change is in its ``Decision``)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="parts"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    product_version = models.ForeignKey(
        ProductVersion, verbose_name=_("产品版本"), on_delete=models.PROTECT, related_name="+"
    )
    amount = AmountField(_("金额（元）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    method = models.CharField(_("还款方式"), max_length=20, choices=RepaymentMethod.choices)
    annual_rate = PercentRateField(_("年利率（%）"))
    priced_rate = PercentRateField(_("产品定价利率（%）"))
    price = models.JSONField(_("定价依据"))
    priced_on = models.DateField(_("定价日期"))

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("申请贷款品种")
        verbose_name_plural = _("申请贷款品种")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="application_part_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="application_part_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(term_months__gte=1, term_months__lte=360),
                name="application_part_term_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.position}"


class ApplicationParty(models.Model):
    """借款参与人 — the borrower, a co-borrower (e.g. the spouse) or a guarantor of an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="parties"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="application_roles"
    )
    role = models.CharField(_("角色"), max_length=20, choices=PartyRole.choices)
    relation = models.CharField(_("与借款人关系"), max_length=50, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("借款参与人")
        verbose_name_plural = _("借款参与人")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "customer"], name="application_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.customer_id}"


class StageEvent(models.Model):
    """申请阶段记录 — one move of an application's status, with who moved it and when: the timeline and
    the time spent in each stage (``entered_at`` of the move minus that of the one before)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="stage_events"
    )
    from_status = models.CharField(_("原状态"), max_length=30, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, choices=ApplicationStatus.choices)
    entered_at = models.DateTimeField(_("时间"))
    seconds_in_previous = models.PositiveBigIntegerField(_("上一阶段停留秒数"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("申请阶段记录")
        verbose_name_plural = _("申请阶段记录")
        ordering = ["application", "entered_at", "id"]
        indexes = [models.Index(fields=["from_status", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"
