"""The library's forms: a script (ScriptInput's fields as a person types them — one wording or disclosure
per line, the stages, products and tiers it fits ticked), the review (approve or return with a reason), the
retirement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.choices import ValueSegment
from creditdesk.marketing.choices import LeadStage
from creditdesk.products.models import Product
from creditdesk.replies.choices import Category, ResponseTier
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services.library import (
    LIMITS,
    MAX_DISCLOSURE,
    MAX_DISCLOSURES,
    MAX_VARIANT,
    MAX_VARIANTS,
)

NOTE_MAX = 300


def _textarea(rows: int, placeholder: Any = "") -> forms.Textarea:
    attrs: dict[str, Any] = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class ScriptForm(ProjectForm):
    """编写话术. The key is asked only for a new script (left blank: made from the date); the service checks
    the rest (required texts and their limits, known placeholders, a disclosure where the category needs
    one, known stages, products and tiers) and names the field of a refusal."""

    key = forms.CharField(
        label=_("编号"),
        max_length=60,
        required=False,
        help_text=_("小写字母、数字和连字符，如 rate-too-high；留空自动生成。"),
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    response_tier = forms.ChoiceField(
        label=_("应答层级"),
        choices=ResponseTier.choices,
        initial=ResponseTier.CM,
        help_text=_("谁来答复：客户经理直接答复，或转团队主管、专业岗位。"),
    )
    question = forms.CharField(
        label=_("客户问题"),
        max_length=LIMITS["question"],
        widget=forms.TextInput(attrs={"placeholder": _("客户最常见的问法，如：利率太高了")}),
    )
    variants = forms.CharField(
        label=_("其他问法"),
        required=False,
        widget=_textarea(4, _("每行一种，如：利息能不能便宜点")),
    )
    answer = forms.CharField(
        label=_("标准答复"),
        max_length=LIMITS["answer"],
        widget=_textarea(7),
        help_text=_("可使用下方列出的占位符，发送时自动填入客户和方案的信息。"),
    )
    disclosures = forms.CharField(
        label=_("必须附带的提示"),
        required=False,
        widget=_textarea(3, _("每行一句，如：利率以最终审批结果和合同约定为准。")),
    )
    stages = forms.MultipleChoiceField(
        label=_("适用阶段"),
        choices=LeadStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：所有阶段。"),
    )
    products = forms.MultipleChoiceField(
        label=_("适用产品"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：所有产品。"),
    )
    tiers = forms.MultipleChoiceField(
        label=_("适用客户层级"),
        choices=ValueSegment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：所有客户。"),
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=LIMITS["source"],
        required=False,
        help_text=_("答复中陈述的规则出自哪里，如《个人贷款管理办法》第十五条。"),
    )

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = list(Product.objects.order_by("code").values_list("code", "name"))
        # the limits in the reader's language, at the request (a lazy text formatted at import would not be)
        self.fields["variants"].help_text = gettext(
            "每行一种问法（最多 %(n)s 种，每种不超过 %(m)s 字）：客户口语、错别字的说法都可以写。"
        ) % {"n": MAX_VARIANTS, "m": MAX_VARIANT}
        self.fields["disclosures"].help_text = gettext(
            "每行一句（最多 %(n)s 句，每句不超过 %(m)s 字），随答复一并发送；风险提示、催收和合规类必填。"
        ) % {"n": MAX_DISCLOSURES, "m": MAX_DISCLOSURE}
        if not new:
            del self.fields["key"]

    @staticmethod
    def initial_of(script: ReplyScript) -> dict[str, Any]:
        """The form's values for editing ``script`` (its current text: the draft if one is being edited)."""
        return {
            "category": script.category,
            "response_tier": script.response_tier,
            "question": script.question,
            "variants": script.variants,
            "answer": script.answer,
            "disclosures": script.disclosures,
            "stages": sorted(script.stage_set()),
            "products": sorted(script.product_set()),
            "tiers": sorted(script.tier_set()),
            "source": script.source,
        }


class ReviewForm(ProjectForm):
    """合规审核: approve, or return with the reason (the service requires it when returning)."""

    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("审核通过")), ("return", _("退回修改"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("审核意见"),
        max_length=NOTE_MAX,
        required=False,
        widget=_textarea(2, _("退回时必填：哪里需要修改")),
    )


class RetireForm(ProjectForm):
    """停用话术 (a risk manager): why, for the history."""

    note = forms.CharField(label=_("停用原因"), max_length=NOTE_MAX, required=False)
