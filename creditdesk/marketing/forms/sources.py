"""Where leads come from: the period and grouping of the source results, and the branch's campaigns
(营销活动), partner organisations (合作渠道) and territories (片区) as team leads and branch heads keep them.
The services check the rules (unique names in the branch, the period, the cost, the keywords)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountInput, DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.choices import Channel
from creditdesk.marketing.choices import PartnerKind, TerritoryKind
from creditdesk.marketing.models import Partner

GROUPS = [("channel", _("渠道")), ("campaign", _("营销活动")), ("partner", _("合作渠道"))]
"""How the source results may be grouped (``reports.sources.GROUPS``), as the page's switch names them."""


class PeriodForm(ProjectForm):
    """A report's period: from ``start`` to ``end`` (both optional, inclusive)."""

    start = DateFormField(label=_("开始日期"), required=False)
    end = DateFormField(label=_("结束日期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.attrs["class"] = "form-control-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data

    def period(self) -> tuple[date | None, date | None]:
        """The valid period (a form with errors: none)."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")


class SourceFilterForm(PeriodForm):
    """The source results: grouped by channel, campaign or partner, over a period."""

    group = forms.ChoiceField(label=_("分组"), choices=GROUPS, required=False, widget=forms.HiddenInput)

    def grouping(self) -> str:
        value = self.cleaned_data.get("group") if self.is_valid() else ""
        return value or "channel"


class CampaignForm(ProjectForm):
    """登记/修改营销活动."""

    name = forms.CharField(label=_("活动名称"), max_length=100)
    channel = forms.ChoiceField(label=_("获客渠道"), choices=Channel.choices, initial=Channel.OFFLINE)
    channel_detail = forms.CharField(
        label=_("渠道说明"), max_length=100, required=False, help_text=_("如：高新区创业园地推、抖音本地推广")
    )
    partner = forms.ChoiceField(
        label=_("合作渠道"), required=False, help_text=_("与合作机构联合开展的活动请选择合作渠道。")
    )
    starts_on = DateFormField(label=_("开始日期"))
    ends_on = DateFormField(label=_("结束日期"))
    cost = forms.CharField(
        label=_("活动成本（元）"),
        max_length=30,
        required=False,
        widget=AmountInput(attrs={"placeholder": _("如 9000 或 0.9万")}),
        help_text=_("物料、场地、推广等费用合计；用于计算获客成本。"),
    )
    notes = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, partners: Iterable[Partner] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", _("— 无 —")), *((str(p.pk), p.name) for p in partners)]


class PartnerForm(ProjectForm):
    """登记/修改合作渠道."""

    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=PartnerKind.choices)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("手机号码，加密保存。"),
    )
    agreement = forms.CharField(label=_("合作协议/备注"), max_length=200, required=False)
    active = forms.BooleanField(label=_("合作中"), required=False, initial=True)


class TerritoryForm(ProjectForm):
    """登记/修改片区."""

    name = forms.CharField(label=_("名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=TerritoryKind.choices)
    keywords = forms.CharField(
        label=_("地址关键词"),
        max_length=200,
        help_text=_(
            "用逗号分隔，每个至少 2 个字，如：高新区创业园,创业路。地址含任一关键词的客户计入本片区。"
        ),
    )
    notes = forms.CharField(label=_("说明"), max_length=200, required=False)
