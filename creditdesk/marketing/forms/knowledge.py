"""案例库: searching the team's cases, writing one up. The service checks the rules (required texts, their
lengths, no phone or ID number in a shared case, a lead the author sees)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.choices import CustomerKind
from creditdesk.marketing.choices import CaseOutcome
from creditdesk.marketing.services.knowledge import LIMITS

ANY = ("", _("全部"))


class CaseSearchForm(ProjectForm):
    """The case library's search: words in the title, industry, tags or text; won or lost."""

    q = forms.CharField(
        label=_("搜索"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("行业、需求、方案、标签…")}),
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=[ANY, *CaseOutcome.choices], required=False)


class CaseForm(ProjectForm):
    """撰写案例. ``lead``: the lead it came from (from a lead's page), hidden."""

    title = forms.CharField(label=_("标题"), max_length=LIMITS["title"])
    outcome = forms.ChoiceField(label=_("结果"), choices=CaseOutcome.choices, initial=CaseOutcome.WON)
    customer_kind = forms.ChoiceField(label=_("客户类型"), choices=CustomerKind.choices)
    industry = forms.CharField(label=_("行业"), max_length=LIMITS["industry"], required=False)
    need = forms.CharField(
        label=_("客户需求"), max_length=LIMITS["need"], widget=forms.Textarea(attrs={"rows": 3})
    )
    solution = forms.CharField(
        label=_("解决方案"), max_length=LIMITS["solution"], widget=forms.Textarea(attrs={"rows": 4})
    )
    lessons = forms.CharField(
        label=_("经验与教训"),
        max_length=LIMITS["lessons"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("成功的关键，或流失的原因与下次的改进。"),
    )
    tags = forms.CharField(
        label=_("标签"),
        max_length=LIMITS["tags"],
        required=False,
        help_text=_("用逗号分隔，如：续贷,餐饮,增额"),
    )
    lead = IdFormField(required=False, widget=forms.HiddenInput)
