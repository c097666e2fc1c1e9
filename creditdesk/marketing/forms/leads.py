"""The forms of a lead and its pipeline. They read what a person types; the services validate the rules
(duplicates, the contact basis, the gates) and their refusals are shown on the field they name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.models import User
from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import AmountInput, DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.choices import Channel, CustomerKind, ValueSegment
from creditdesk.customers.models import Customer
from creditdesk.marketing.choices import (
    ActivityDirection,
    ActivityKind,
    ActivityOutcome,
    AssignMethod,
    LeadBasis,
)
from creditdesk.marketing.models import ActivityPlan, Campaign, Partner, Territory
from creditdesk.marketing.services.intake import CHANNEL_DETAIL_MAX, CONSENT_NOTE_MAX, NAME_MAX, NOTES_MAX
from creditdesk.products.choices import LoanPurpose

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
POOL = "pool"  # the owner choice "放入线索池" / "退回线索池"
NO_PURPOSE = ("", _("— 未确定 —"))
NO_CUSTOMER = ("", _("— 请先搜索客户 —"))
NONE = ("", _("— 无 —"))


def _people(members: Iterable[User]) -> list[tuple[str, str]]:
    return [
        (str(person.pk), f"{person.get_full_name()}（{person.get_role_display()}）") for person in members
    ]


def _amount_text(**kwargs: Any) -> forms.CharField:
    """The intended amount as typed ("30万", "300,000"): the service reads it (``parse_need_amount``)."""
    return forms.CharField(widget=AmountInput(attrs={"placeholder": _("如 300000 或 30万")}), **kwargs)


@dataclass(frozen=True)
class LeadSources:
    """What a new lead's source fields offer: the campaigns, partners (合作中), territories and active staff
    of the enterer's branch, and the referring customer already picked (a form shown again with its
    errors keeps the choice)."""

    campaigns: Sequence[Campaign] = ()
    partners: Sequence[Partner] = ()
    territories: Sequence[Territory] = ()
    staff: Sequence[User] = ()
    referrer: Customer | None = None


class LeadForm(ProjectForm):
    """录入线索. A team lead also chooses who works it: a member of the team, or the team's pool."""

    name = forms.CharField(label=_("姓名/名称"), max_length=NAME_MAX)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("客户类型"), choices=CustomerKind.choices, initial=CustomerKind.INDIVIDUAL
    )
    channel = forms.ChoiceField(label=_("获客渠道"), choices=Channel.choices, initial=Channel.OFFLINE)
    channel_detail = forms.CharField(
        label=_("渠道说明"),
        max_length=CHANNEL_DETAIL_MAX,
        required=False,
        help_text=_("如：某某产业园地推、某中介推荐、转介绍人姓名"),
    )
    basis = forms.ChoiceField(
        label=_("联系依据"),
        choices=LeadBasis.choices,
        initial=LeadBasis.REQUEST,
        help_text=_("按《广告法》第四十三条，营销联系须经客户同意或应客户要求。"),
    )
    consent_note = forms.CharField(
        label=_("同意记录"),
        max_length=CONSENT_NOTE_MAX,
        required=False,
        help_text=_("选择“已获营销同意”的新客户须填写：何时、以何种方式同意。"),
    )
    id_number = forms.CharField(
        label=_("证件号码（选填）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("个人填身份证号，企业与个体工商户填统一社会信用代码；用于识别存量客户。"),
    )
    value_segment = forms.ChoiceField(
        label=_("客户层级"), choices=ValueSegment.choices, initial=ValueSegment.MASS
    )
    need_purpose = forms.ChoiceField(
        label=_("资金用途"), choices=[NO_PURPOSE, *LoanPurpose.choices], required=False
    )
    need_amount = _amount_text(label=_("意向金额（元）"), required=False, max_length=30)
    notes = forms.CharField(
        label=_("备注"), max_length=NOTES_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label=_("负责人"), required=False)
    campaign = forms.ChoiceField(
        label=_("营销活动"),
        required=False,
        help_text=_("选择活动后，获客渠道按该活动登记的渠道统计。"),
    )
    partner = forms.ChoiceField(label=_("合作渠道"), required=False)
    territory = forms.ChoiceField(
        label=_("片区"), required=False, help_text=_("地推、扫街获得的线索请选择片区。")
    )
    referrer_customer = IdFormField(
        label=_("推荐客户"), required=False, widget=forms.Select(choices=[NO_CUSTOMER])
    )
    referrer_staff = forms.ChoiceField(label=_("推荐员工"), required=False)

    SOURCE_FIELDS = ("campaign", "partner", "territory", "referrer_customer", "referrer_staff")
    """来源与转介绍: shown in their own group of the page, all optional."""

    def __init__(
        self,
        *args: Any,
        user: User,
        members: Iterable[User] | None = None,
        sources: LeadSources | None = None,
        **kwargs: Any,
    ):
        """``members``: the team's active members when ``user`` may give leads to others (a team lead);
        None: the lead is the enterer's own and the field is not shown. ``sources``: what the source fields
        offer (the branch's campaigns, partners, territories and staff)."""
        super().__init__(*args, **kwargs)
        self._sources(sources or LeadSources())
        if members is None:
            del self.fields["owner"]
            return
        others = [person for person in members if person.pk != user.pk]
        self.fields["owner"].choices = [
            ("", _("由我跟进")),
            *_people(others),
            (POOL, _("放入线索池")),
        ]

    def _sources(self, sources: LeadSources) -> None:
        fields = self.fields
        fields["campaign"].choices = [
            NONE,
            *(
                (str(c.pk), f"{c.name}（{c.starts_on:%Y-%m-%d} 至 {c.ends_on:%Y-%m-%d}）")
                for c in sources.campaigns
            ),
        ]
        fields["partner"].choices = [NONE, *((str(p.pk), p.name) for p in sources.partners)]
        fields["territory"].choices = [NONE, *((str(t.pk), t.name) for t in sources.territories)]
        fields["referrer_staff"].choices = [NONE, *_people(sources.staff)]
        if sources.referrer is not None:
            fields["referrer_customer"].widget.choices = [
                NO_CUSTOMER,
                (sources.referrer.pk, sources.referrer.name),
            ]

    def main_fields(self) -> list[Any]:
        return [field for field in self.visible_fields() if field.name not in self.SOURCE_FIELDS]

    def source_fields(self) -> list[Any]:
        return [field for field in self.visible_fields() if field.name in self.SOURCE_FIELDS]


class NeedForm(ProjectForm):
    """需求记录: the funding purpose and amount (the 需求确认 gate) and notes."""

    need_purpose = forms.ChoiceField(
        label=_("资金用途"), choices=[NO_PURPOSE, *LoanPurpose.choices], required=False
    )
    need_amount = _amount_text(label=_("意向金额（元）"), required=False, max_length=30)
    notes = forms.CharField(
        label=_("备注"), max_length=NOTES_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityForm(ProjectForm):
    """跟进记录: a call, visit, message or meeting, its outcome and the next follow-up date."""

    kind = forms.ChoiceField(label=_("方式"), choices=ActivityKind.choices, initial=ActivityKind.CALL)
    direction = forms.ChoiceField(
        label=_("方向"), choices=ActivityDirection.choices, initial=ActivityDirection.OUTBOUND
    )
    outcome = forms.ChoiceField(
        label=_("结果"), choices=ActivityOutcome.choices, initial=ActivityOutcome.REACHED
    )
    happened_at = forms.DateTimeField(
        label=_("时间"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M"],
        # text, as every date of the pages (``core.forms.DateInput``): a datetime-local input shows the
        # browser's locale (12/07/2026, 06:42 PM on an English system)
        widget=forms.DateTimeInput(
            attrs={"placeholder": "YYYY-MM-DD HH:MM", "autocomplete": "off", "maxlength": "16"},
            format=DATETIME_FORMAT,
        ),
    )
    notes = forms.CharField(
        label=_("记录"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("实地走访须填写走访记录和地点。"),
    )
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    next_follow_up = DateFormField(
        label=_("下次跟进日期"), required=False, help_text=_("填写后会在负责人的待办中生成跟进事项。")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["happened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class LostForm(ProjectForm):
    """标记为已流失: a reason from the bank's list, and a note."""

    lost_reason = forms.ChoiceField(label=_("流失原因"))
    lost_note = forms.CharField(label=_("流失说明"), max_length=200, required=False)

    def __init__(self, *args: Any, reasons: Iterable[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].choices = [("", _("— 请选择 —")), *((r.code, r.label) for r in reasons)]


class LinkCustomerForm(ProjectForm):
    """关联客户: the customer found with the search box (``agenda:customer_candidates`` fills the options)."""

    customer = IdFormField(label=_("客户"), widget=forms.Select(choices=[NO_CUSTOMER]))


class AssignForm(ProjectForm):
    """手工分配: a member of the team, or back to the team's pool."""

    owner = forms.ChoiceField(label=_("分配给"))

    def __init__(self, *args: Any, members: Iterable[User] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [*_people(members), (POOL, _("退回线索池"))]


class RuleAssignForm(ProjectForm):
    """按规则分配 the team pool's leads."""

    method = forms.ChoiceField(label=_("分配方式"), choices=AssignMethod.choices, initial="round_robin")


class CapacityForm(ProjectForm):
    """接单能力 of one member: weight 1–10, daily quota 0–500, taking leads or not."""

    weight = forms.IntegerField(label=_("接单权重"), min_value=1, max_value=10)
    daily_quota = forms.IntegerField(label=_("每日上限"), min_value=0, max_value=500)
    accepting = forms.BooleanField(label=_("接收新线索"), required=False)


class PlanForm(ProjectForm):
    """跟进计划: an active plan to apply to the lead (each step becomes a task on the owner's agenda)."""

    plan = forms.ChoiceField(label=_("跟进计划"))

    def __init__(self, *args: Any, plans: Iterable[ActivityPlan] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("— 请选择 —")), *((str(p.pk), p.name) for p in plans)]
