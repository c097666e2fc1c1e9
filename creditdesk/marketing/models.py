"""Leads (线索) and their pipeline: the lead, its events and follow-up activities, and the rules a bank
configures as data (stage gates and idle times, lost reasons, each manager's capacity)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.core.exceptions import DomainError
from creditdesk.core.fields import AmountField
from creditdesk.customers.choices import Channel, CustomerKind, ValueSegment
from creditdesk.marketing import assignment, pipeline
from creditdesk.marketing.choices import (
    ActivityDirection,
    ActivityKind,
    ActivityOutcome,
    AssignSource,
    CareOccasion,
    CaseOutcome,
    EducationTopic,
    FeedbackKind,
    FeedbackStatus,
    Festival,
    LeadBasis,
    LeadEventKind,
    LeadStage,
    OfferCategory,
    OfferOutcome,
    PartnerKind,
    PlanStepKind,
    ReferrerKind,
    SurveyKind,
    SurveyStatus,
    SurveyTrigger,
    TerritoryKind,
)
from creditdesk.products.choices import LoanPurpose

CONFIGURATION = ScopePaths(owner=None, team=None, branch=None, admin_sees_all=True)
OPEN_STAGE_VALUES = [stage.value for stage in pipeline.OPEN_STAGES]


class LostReason(models.Model):
    """流失原因 — why a lead was lost, as data the bank keeps (the reasons a pipeline report counts)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("名称"), max_length=40)
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("流失原因")
        verbose_name_plural = _("流失原因")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class StageRule(models.Model):
    """阶段规则 — for a stage (and a customer tier, or any tier when blank): the gate a lead passes to
    enter it (``requirements``: comma-separated keys of ``pipeline.Requirement``), the days a lead may
    sit in it untouched before it is flagged stalled (停滞), and the days after which it returns to the
    team's pool (收回线索池; blank: never). The row of the lead's tier wins over the any-tier row; a stage
    without a row has no gate and is never stalled. An edited rule applies to a lead at its next touch."""

    stage = models.CharField(_("阶段"), max_length=20, choices=LeadStage.choices)
    tier = models.CharField(
        _("客户层级"),
        max_length=20,
        choices=ValueSegment.choices,
        blank=True,
        help_text=_("留空：适用所有层级"),
    )
    requirements = models.CharField(_("进入条件"), max_length=200, blank=True)
    max_idle_days = models.PositiveSmallIntegerField(_("最长停留天数"))
    recycle_days = models.PositiveSmallIntegerField(
        _("收回线索池天数"), null=True, blank=True, help_text=_("留空：不收回")
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("阶段规则")
        verbose_name_plural = _("阶段规则")
        ordering = ["stage", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "tier"], name="marketing_stage_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_tier_display() or ''}".strip()

    def clean(self) -> None:
        """The requirement keys are known ones; the idle and recycle days obey ``pipeline.deadlines``."""
        from datetime import UTC, datetime

        try:
            pipeline.parse_requirements(self.requirements or "")
        except DomainError as refused:
            raise ValidationError({"requirements": refused.message}) from None
        try:
            pipeline.deadlines(datetime(2000, 1, 1, tzinfo=UTC), self.max_idle_days, self.recycle_days)
        except DomainError as refused:
            raise ValidationError({refused.extra.get("field", "max_idle_days"): refused.message}) from None


class LeadCapacity(models.Model):
    """接单能力 — a customer manager's weight (1–10) when a team lead assigns by capacity, their daily quota
    of new leads, and whether they take leads at all (on leave: not). Without a row: weight 1 and
    ``settings.CREDITDESK_LEAD_DAILY_QUOTA``."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.CASCADE,
        related_name="lead_capacity",
    )
    weight = models.PositiveSmallIntegerField(_("接单权重"), default=1)
    daily_quota = models.PositiveSmallIntegerField(_("每日上限"), default=20)
    accepting = models.BooleanField(_("接收新线索"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="person", team="person__team", branch="person__branch"
    )

    class Meta:
        verbose_name = _("接单能力")
        verbose_name_plural = _("接单能力")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=assignment.MIN_WEIGHT, weight__lte=assignment.MAX_WEIGHT),
                name="marketing_capacity_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ×{self.weight}"


class Partner(models.Model):
    """合作渠道 — an organisation that brings leads (an intermediary, a real-estate agency, a chamber of
    commerce, a tax-data programme, a platform, an industrial park), as a record of the branch: whom the
    bank works with, the agreement, and — in the source results — what its leads became (volume and
    later credit quality). Kept by the branch's team leads and branch head; seen by the branch."""

    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("所属支行"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PartnerKind.choices)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    agreement = models.CharField(_("合作协议/备注"), max_length=200, blank=True)
    active = models.BooleanField(_("合作中"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner=None, team=None, branch="branch")
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = ("contact_phone",)

    class Meta:
        verbose_name = _("合作渠道")
        verbose_name_plural = _("合作渠道")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="marketing_partner_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """营销活动 — a campaign of the branch through one channel (e.g. 高新区产业园地推, 抖音本地推广), with
    a partner or not: its period and cost (the source results divide the cost, 获客成本, by what it
    brought)."""

    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("所属支行"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("活动名称"), max_length=100)
    channel = models.CharField(_("获客渠道"), max_length=20, choices=Channel.choices)
    channel_detail = models.CharField(_("渠道说明"), max_length=100, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作渠道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    cost = AmountField(_("活动成本（元）"), default=0)
    notes = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner=None, team=None, branch="branch")

    class Meta:
        verbose_name = _("营销活动")
        verbose_name_plural = _("营销活动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="marketing_campaign_period"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="marketing_campaign_cost_nonneg"),
            models.UniqueConstraint(fields=["branch", "name"], name="marketing_campaign_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralReward(models.Model):
    """转介绍奖励规则 — what a referral earns, as data the bank sets (a referring customer's gift, a
    colleague's incentive, a partner's fee under its agreement): a fixed amount per loan disbursed from the
    referral and/or a rate per mille of its volume, capped per loan. The top-referrers table shows the
    reward each referrer has earned by the rule of their kind in force when the loan was booked."""

    referrer_kind = models.CharField(_("推荐人类型"), max_length=20, choices=ReferrerKind.choices)
    per_loan = AmountField(_("每笔放款奖励（元）"), default=0)
    per_mille = models.DecimalField(_("按放款额千分比"), max_digits=6, decimal_places=3, default=0)
    cap_per_loan = AmountField(_("每笔上限（元）"), null=True, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("转介绍奖励规则")
        verbose_name_plural = _("转介绍奖励规则")
        ordering = ["referrer_kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_loan__gte=0, per_mille__gte=0, per_mille__lte=50),
                name="marketing_reward_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_referrer_kind_display()} {self.valid_from}"


class ActivityPlan(models.Model):
    """跟进计划模板 — a sequence of follow-ups a CM applies to a lead (e.g. 新开业个体户: visit in 3 days,
    call in 7, proposal in 14): each step becomes a task on the owner's agenda, due its offset after the
    day the plan is applied. Data the bank keeps (administrators edit it)."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.CharField(_("适用情形"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("跟进计划模板")
        verbose_name_plural = _("跟进计划模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanStep(models.Model):
    """One step of an activity plan: what to do, and how many days after the plan is applied."""

    plan = models.ForeignKey(
        ActivityPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="steps"
    )
    offset_days = models.PositiveSmallIntegerField(_("第几天"))
    kind = models.CharField(_("方式"), max_length=20, choices=PlanStepKind.choices)
    title = models.CharField(_("事项"), max_length=80)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("计划步骤")
        verbose_name_plural = _("计划步骤")
        ordering = ["plan", "offset_days", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(offset_days__lte=365), name="marketing_plan_step_within_year"),
        ]

    def __str__(self) -> str:
        return f"+{self.offset_days} {self.title}"


class Territory(models.Model):
    """片区 — an industrial park, business district, market or community the branch's CMs work (seed 000,
    区域市场分析). Customers are in it when their business or home address contains one of its
    ``keywords`` (comma-separated address fragments, e.g. "高新区创业园,创业路"); leads when tagged with it
    at intake (ground promotion). Seen and kept by the branch."""

    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("所属支行"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=TerritoryKind.choices)
    keywords = models.CharField(
        _("地址关键词"), max_length=200, help_text=_("用逗号分隔，如：高新区创业园,创业路")
    )
    notes = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner=None, team=None, branch="branch")

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="marketing_territory_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.replace("，", ",").split(",") if word.strip()]


class Lead(models.Model):
    """线索 — a person or business that may borrow, from a channel, worked through the pipeline by one
    customer manager (``owner``) of a team, or waiting in the team's pool (线索池: no owner).

    Its phone (and ID, when given) are encrypted, with the customers' own blind indexes, so intake finds an
    existing customer or an open lead with the same number. At most one open lead per phone and per ID
    (partial unique constraints: a lost or disbursed lead does not block a new one). ``stalled_after`` and
    ``recycle_after`` are set at every touch from the stage rule (``pipeline.deadlines``), so the stalled
    and the due-for-recycling leads are index ranges."""

    name = models.CharField(_("姓名/名称"), max_length=100)
    kind = models.CharField(_("客户类型"), max_length=20, choices=CustomerKind.choices)
    phone = EncryptedTextField(_("手机号码"))
    phone_index = models.CharField(max_length=64, editable=False)
    phone_tail = models.CharField(max_length=4, editable=False)
    id_number = EncryptedTextField(_("证件号码"), blank=True)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    channel = models.CharField(_("获客渠道"), max_length=20, choices=Channel.choices)
    channel_detail = models.CharField(_("渠道说明"), max_length=100, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("营销活动"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作渠道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("片区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    referrer_customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("推荐客户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_leads",
    )
    referrer_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐员工"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_leads",
    )
    basis = models.CharField(_("联系依据"), max_length=20, choices=LeadBasis.choices)
    consent_note = models.CharField(_("同意记录"), max_length=200, blank=True)
    value_segment = models.CharField(
        _("客户层级"), max_length=20, choices=ValueSegment.choices, default=ValueSegment.MASS
    )
    need_purpose = models.CharField(_("资金用途"), max_length=30, choices=LoanPurpose.choices, blank=True)
    need_amount = AmountField(_("意向金额（元）"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True, max_length=2000)

    stage = models.CharField(_("阶段"), max_length=20, choices=LeadStage.choices, default=LeadStage.NEW)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("流失原因"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lost_note = models.CharField(_("流失说明"), max_length=200, blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("所属团队"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("关联客户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    stage_entered_at = models.DateTimeField(_("进入阶段时间"))
    last_touched_at = models.DateTimeField(_("最近跟进"))
    stalled_after = models.DateTimeField(_("停滞时点"), null=True, blank=True)
    recycle_after = models.DateTimeField(_("收回时点"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="owner", team="team", branch="team__branch")
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = ("phone", "id_number")

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-last_touched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=Q(stage__in=OPEN_STAGE_VALUES),
                name="marketing_lead_open_phone",
            ),
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(stage__in=OPEN_STAGE_VALUES, id_number_index__isnull=False),
                name="marketing_lead_open_id",
            ),
            models.CheckConstraint(
                condition=Q(stage=LeadStage.LOST, lost_reason__isnull=False)
                | (~Q(stage=LeadStage.LOST) & Q(lost_reason__isnull=True)),
                name="marketing_lead_lost_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(need_amount__isnull=True) | Q(need_amount__gte=0),
                name="marketing_lead_amount_nonneg",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "stage", "-last_touched_at"], name="marketing_lead_owner_stage"),
            models.Index(fields=["team", "stage", "-last_touched_at"], name="marketing_lead_team_stage"),
            models.Index(fields=["owner", "stalled_after"], name="marketing_lead_owner_stalled"),
            models.Index(fields=["recycle_after"], name="marketing_lead_recycle"),
            models.Index(fields=["phone_index"], name="marketing_lead_phone"),
            models.Index(fields=["customer", "-created_at"], name="marketing_lead_customer"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGE_VALUES


class LeadEvent(models.Model):
    """线索变更 — one thing that happened to a lead: created, moved to a stage, given to someone, released or
    recycled to the pool, linked to a customer. The daily quota counts today's assignments from here; the
    time in each stage too."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=LeadEventKind.choices)
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=LeadStage.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原负责人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    method = models.CharField(_("分配方式"), max_length=20, choices=AssignSource.choices, blank=True)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(  # null: the system (the nightly recycling)
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="lead__owner", team="lead__team", branch="lead__team__branch"
    )

    class Meta:
        verbose_name = _("线索变更")
        verbose_name_plural = _("线索变更")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"], name="marketing_event_lead"),
            models.Index(
                fields=["owner", "on"],
                condition=Q(kind=LeadEventKind.ASSIGNED),
                name="marketing_event_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class LeadActivity(models.Model):
    """跟进记录 — a call, visit (实地走访: notes and the place), message or meeting with a lead: its outcome
    and the next follow-up date (which puts a task on the owner's agenda). Shown on the customer's 360 page
    once the lead is linked to a customer."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("方式"), max_length=20, choices=ActivityKind.choices)
    direction = models.CharField(
        _("方向"), max_length=20, choices=ActivityDirection.choices, default=ActivityDirection.OUTBOUND
    )
    happened_at = models.DateTimeField(_("时间"))
    outcome = models.CharField(_("结果"), max_length=20, choices=ActivityOutcome.choices)
    notes = models.TextField(_("记录"), blank=True, max_length=2000)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    next_follow_up = models.DateField(_("下次跟进日期"), null=True, blank=True)
    task = models.ForeignKey(
        "agenda.Task",
        verbose_name=_("跟进待办"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="lead__owner", team="lead__team", branch="lead__team__branch"
    )

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["lead", "-happened_at"], name="marketing_activity_lead")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%Y-%m-%d}"


class Survey(models.Model):
    """满意度调查 — an NPS or CSAT survey of a customer after a disbursement or a service event, counted for
    the customer manager who served them (``owner``: the customer's CM when it was sent). One per customer,
    kind and event (``trigger_key``, e.g. ``loan:123``); answered once. Scoped through its customer."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="surveys"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("客户经理"), on_delete=models.PROTECT, related_name="surveys"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=SurveyKind.choices)
    trigger = models.CharField(_("触发"), max_length=20, choices=SurveyTrigger.choices)
    trigger_key = models.CharField(_("触发事件"), max_length=60)
    sent_on = models.DateField(_("发送日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SENT
    )
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(  # null: the system (the answer came through the channel)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
    )

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "trigger_key"], name="marketing_survey_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="marketing_survey_score_range"
            ),
        ]
        indexes = [models.Index(fields=["owner", "sent_on"], name="marketing_survey_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.trigger_key}"


class Feedback(models.Model):
    """客户反馈 — a complaint, suggestion, praise or question from a customer, with its follow-up: who follows
    it (the customer's CM), what was done, when it was closed (a complaint is closed with its resolution)."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="feedback"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=FeedbackKind.choices)
    text = models.TextField(_("内容"), max_length=2000)
    received_on = models.DateField(_("收到日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    resolution = models.TextField(_("处理结果"), blank=True, max_length=2000)
    task = models.ForeignKey(
        "agenda.Task",
        verbose_name=_("跟进待办"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
    )

    class Meta:
        verbose_name = _("客户反馈")
        verbose_name_plural = _("客户反馈")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["customer", "-received_on"], name="marketing_feedback_customer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"


class CrossSellProduct(models.Model):
    """交叉销售目录 — one category of the bank's other products the next-best-offer ranks
    (``next_offer.OfferTerms``): its thresholds, priority, yearly fee income and their source. Data the
    administrator keeps."""

    category = models.CharField(_("类别"), max_length=30, choices=OfferCategory.choices, unique=True)
    name = models.CharField(_("产品名称"), max_length=60)
    active = models.BooleanField(_("启用"), default=True)
    weight = models.PositiveSmallIntegerField(_("推荐优先级"), default=1)
    fee_income = AmountField(_("预计年中间业务收入（元）"), default=0)
    min_months_on_book = models.PositiveSmallIntegerField(_("最短在贷月数"), default=6)
    max_dpd = models.PositiveSmallIntegerField(_("最长逾期天数上限"), default=0)
    min_repaid_share = models.DecimalField(
        _("最低已还本金比例"), max_digits=4, decimal_places=2, default=Decimal("0.30")
    )
    maturity_within_days = models.PositiveSmallIntegerField(_("到期前天数"), default=90)
    min_employees = models.PositiveSmallIntegerField(_("最少从业人员"), default=5)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), default=65)
    min_tier = models.CharField(
        _("最低客户层级"), max_length=20, choices=ValueSegment.choices, default=ValueSegment.MASS
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("交叉销售产品")
        verbose_name_plural = _("交叉销售目录")
        ordering = ["-weight", "category"]

    def __str__(self) -> str:
        return self.name


class OfferRecord(models.Model):
    """推荐记录 — an offer made to a customer (with the reason shown and the fee income expected) and its
    outcome (accepted / declined); accepted offers are what the customer holds and feed the fee income of
    the analytics. Made only with a marketing consent in force. Scoped through the customer."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="offers"
    )
    category = models.CharField(_("类别"), max_length=30, choices=OfferCategory.choices)
    reason = models.CharField(_("推荐理由"), max_length=300)
    fee_income = AmountField(_("预计年中间业务收入（元）"), default=0)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=OfferOutcome.choices, default=OfferOutcome.OFFERED
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(_("推荐时间"))
    decided_at = models.DateTimeField(_("结果时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
    )

    class Meta:
        verbose_name = _("推荐记录")
        verbose_name_plural = _("推荐记录")
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "category"],
                condition=Q(outcome=OfferOutcome.OFFERED),
                name="marketing_offer_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.get_outcome_display()}"


class LeadScoring(models.Model):
    """线索评分模型 — what ``lead_scoring.fit`` learnt for a team from its closed leads (``basis`` team), or
    from its branch's when the team had too few (``basis`` branch): the counts, kept whole so the weights can
    be shown. The latest per team is used; refitted nightly (`creditdesk fit_lead_scores`)."""

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("团队"), on_delete=models.CASCADE, related_name="+"
    )
    basis = models.CharField(
        _("样本范围"), max_length=10, choices=[("team", _("本团队")), ("branch", _("本支行"))]
    )
    fitted_at = models.DateTimeField(_("训练时间"))
    disbursed = models.PositiveIntegerField(_("已放款样本"))
    lost = models.PositiveIntegerField(_("已流失样本"))
    data = models.JSONField(_("计数"))

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner=None, team="team", branch="team__branch")

    class Meta:
        verbose_name = _("线索评分模型")
        verbose_name_plural = _("线索评分模型")
        ordering = ["-fitted_at", "-id"]
        indexes = [models.Index(fields=["team", "-fitted_at"], name="marketing_scoring_team")]

    def __str__(self) -> str:
        return f"{self.team} {self.fitted_at:%Y-%m-%d}"


class CaseStudy(models.Model):
    """案例库 — a won or lost case written up by a CM (seeds 001, 003): the customer's type and industry, the
    need, the solution, what worked (or why it was lost), tags; searchable by the team, optionally the lead
    it came from. Names no customer: a case is written to be shared (the author is asked not to put names,
    phones or ID numbers in it — the service refuses a phone or ID number in the text)."""

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("团队"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("来源线索"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=80)
    outcome = models.CharField(_("结果"), max_length=10, choices=CaseOutcome.choices)
    customer_kind = models.CharField(_("客户类型"), max_length=20, choices=CustomerKind.choices)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    need = models.TextField(_("客户需求"), max_length=1000)
    solution = models.TextField(_("解决方案"), max_length=2000)
    lessons = models.TextField(_("经验与教训"), max_length=2000)
    tags = models.CharField(_("标签"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("撰写时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="author", team="team", branch="team__branch")

    class Meta:
        verbose_name = _("案例")
        verbose_name_plural = _("案例库")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


def _guarded(text: str, channel: str, field: str) -> None:
    """Refuse (on save, in the admin) a customer-facing text the compliance guard blocks."""
    from creditdesk.compliance.services import compliance_check  # at call time: models load first

    result = compliance_check(text=text, channel=channel) if text.strip() else None
    if result is not None and result.blocked:
        first = next(f for f in result.findings if f.severity == "block")
        raise ValidationError({field: first.message}, code="compliance_blocked")


class EducationArticle(models.Model):
    """金融知识 — customer education a CM sends as care content (how APR works, how 征信 is built and what an
    异议申诉 is, how to spot illegal lenders), each with the rule it rests on (``source``). Kept by the
    administrator; sent to a customer at most once each (the outbox key)."""

    topic = models.CharField(_("主题"), max_length=30, choices=EducationTopic.choices)
    title = models.CharField(_("标题"), max_length=60)
    summary = models.CharField(_("短信摘要"), max_length=140)
    body = models.TextField(_("正文"))
    source = models.CharField(_("依据"), max_length=200)
    active = models.BooleanField(_("启用"), default=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("金融知识")
        verbose_name_plural = _("金融知识")
        ordering = ["topic", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _guarded(self.summary, "education", "summary")
        _guarded(self.body, "education", "body")


class CareTemplate(models.Model):
    """关怀模板 — for an occasion of the care calendar (a festival, a birthday, the anniversary of a loan, a
    loan maturing), the greeting a CM sends and how many days ahead the task is put on their agenda.
    Placeholders: {name} (the customer), {festival}, {years}, {maturity_date}. A greeting carries no product
    content (that would be marketing, which needs the customer's consent). Data the administrator keeps."""

    occasion = models.CharField(_("时点"), max_length=20, choices=CareOccasion.choices)
    festival = models.CharField(_("节日"), max_length=30, choices=Festival.choices, blank=True)
    text = models.CharField(_("模板"), max_length=300)
    days_ahead = models.PositiveSmallIntegerField(_("提前天数"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("关怀模板")
        verbose_name_plural = _("关怀模板")
        ordering = ["occasion", "festival"]
        constraints = [
            models.UniqueConstraint(fields=["occasion", "festival"], name="marketing_care_template_unique"),
            models.CheckConstraint(condition=Q(days_ahead__lte=60), name="marketing_care_days_ahead"),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.get_festival_display()}".strip()

    def clean(self) -> None:
        _guarded(self.text, "greeting", "text")


class CareTouch(models.Model):
    """One greeting or reminder the care calendar put on an agenda, under a key that names the occasion
    (``birthday:<customer>:<year>``, ``festival:<festival>:<year>:cm:<person>``,
    ``anniversary:<loan>:<year>``, ``maturity:<loan>``): each occasion once, however often it runs."""

    key = models.CharField(max_length=80, unique=True)
    occasion = models.CharField(_("时点"), max_length=20, choices=CareOccasion.choices)
    task = models.ForeignKey("agenda.Task", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="task__owner", team="task__owner__team", branch="task__owner__branch"
    )

    class Meta:
        verbose_name = _("关怀记录")
        verbose_name_plural = _("关怀记录")

    def __str__(self) -> str:
        return self.key


__all__ = [
    "ActivityOutcome",
    "ActivityPlan",
    "Campaign",
    "CareTemplate",
    "CareTouch",
    "CaseStudy",
    "CrossSellProduct",
    "EducationArticle",
    "Feedback",
    "Lead",
    "LeadActivity",
    "LeadCapacity",
    "LeadEvent",
    "LeadScoring",
    "LostReason",
    "OfferRecord",
    "Partner",
    "PlanStep",
    "ReferralReward",
    "StageRule",
    "Survey",
    "Territory",
]
