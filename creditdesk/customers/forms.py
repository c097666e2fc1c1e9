"""Customer forms: they collect strings; ``services`` validates (same rules as the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RelationshipKind,
    Source,
    ValueSegment,
)
from creditdesk.customers.services import PROFILE_FIELDS, CustomerInput


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("客户类型"), choices=CustomerKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    id_number = forms.CharField(label=_("身份证号 / 统一社会信用代码"), required=False, max_length=30)
    phone = forms.CharField(label=_("手机号码"), required=False, max_length=20)
    monthly_income = forms.CharField(label=_("月收入（元）"), required=False, max_length=20)
    occupation = forms.CharField(label=_("职业"), required=False, max_length=100)
    industry = forms.CharField(label=_("行业"), required=False, max_length=100)
    employer = forms.CharField(label=_("工作单位"), required=False, max_length=100)
    quality_segment = forms.ChoiceField(
        label=_("风险分层"), choices=QualitySegment.choices, initial=QualitySegment.STANDARD
    )
    value_segment = forms.ChoiceField(
        label=_("价值分层"), choices=ValueSegment.choices, initial=ValueSegment.MASS
    )
    source = forms.ChoiceField(label=_("客户来源"), choices=Source.choices, initial=Source.NEW)
    channel = forms.ChoiceField(label=_("获客渠道"), choices=Channel.choices, initial=Channel.OFFLINE)
    channel_detail = forms.CharField(label=_("渠道说明（合作方 / 推荐人）"), required=False, max_length=100)
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def customer_input(self) -> CustomerInput:
        data: dict[str, Any] = self.cleaned_data
        return CustomerInput(
            kind=data["kind"],
            name=data["name"],
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            monthly_income=data.get("monthly_income", ""),
            profile={field: data.get(field, "") for field in PROFILE_FIELDS},
        )


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", _("证件号码")), ("phone", _("手机号码"))])
    reason = forms.CharField(label=_("查看理由"), max_length=200)


class RelationshipForm(forms.Form):
    """Add a relationship from the 360 page: the other customer is picked among the visible ones."""

    direction = forms.ChoiceField(
        label=_("方向"),
        choices=[("outgoing", _("本客户是对方的…")), ("incoming", _("对方是本客户的…"))],
        initial="outgoing",
    )
    kind = forms.ChoiceField(label=_("关系类型"), choices=RelationshipKind.choices)
    other = forms.TypedChoiceField(label=_("关联客户"), coerce=int, choices=())
    role_detail = forms.CharField(
        label=_("关系说明（如配偶、父母、子女、持股比例）"), required=False, max_length=50
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [("", "—")] + [(c.pk, f"{c.name}（#{c.pk}）") for c in candidates]


class HandoverForm(forms.Form):
    """Hand the ticked customers of the list to another customer manager."""

    # Offered as a select, validated by the service: a batch outside the scope must answer 404 whoever
    # the new owner is, and the service says which new owners are allowed.
    new_owner = forms.IntegerField(label=_("移交给"), widget=forms.Select)
    reason = forms.CharField(label=_("移交原因"), max_length=200)

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].widget.choices = [("", "—")] + [
            (u.pk, u.get_full_name()) for u in candidates
        ]
