"""客户关怀 on the customer 360 panel — feedback and its closing, offers and their outcome, customer
education, satisfaction surveys — and a survey's answer. The services check the rules (consent, who may
close a complaint, score ranges, once-only sending)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.marketing.choices import FeedbackKind, OfferCategory, OfferOutcome, SurveyKind
from creditdesk.marketing.models import EducationArticle
from creditdesk.marketing.services.care import COMMENT_MAX, TEXT_MAX
from creditdesk.marketing.services.offers import NOTE_MAX

DECISIONS = [(OfferOutcome.ACCEPTED.value, _("已接受")), (OfferOutcome.DECLINED.value, _("已拒绝"))]


class FeedbackForm(ProjectForm):
    """登记反馈: what the customer said, and when."""

    kind = forms.ChoiceField(label=_("类型"), choices=FeedbackKind.choices, initial=FeedbackKind.SUGGESTION)
    received_on = DateFormField(label=_("收到日期"), required=False, help_text=_("留空为今天。"))
    text = forms.CharField(label=_("内容"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackCloseForm(ProjectForm):
    """办结反馈, with what was done."""

    resolution = forms.CharField(
        label=_("处理结果"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("已采取的措施与客户的答复")}),
    )


class OfferForm(ProjectForm):
    """推荐: the category of the offer (the button of its row)."""

    category = forms.ChoiceField(choices=OfferCategory.choices, widget=forms.HiddenInput)


class OfferOutcomeForm(ProjectForm):
    """The customer's answer to an offer."""

    outcome = forms.ChoiceField(label=_("结果"), choices=DECISIONS, widget=forms.HiddenInput)
    note = forms.CharField(label=_("备注"), max_length=NOTE_MAX, required=False)


class EducationForm(ProjectForm):
    """发送金融知识: an active article, by SMS."""

    article = forms.ChoiceField(label=_("内容"))

    def __init__(self, *args: Any, articles: Iterable[EducationArticle] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [
            ("", _("— 请选择 —")),
            *((str(a.pk), f"{a.get_topic_display()}：{a.title}") for a in articles),
        ]


class SurveySendForm(ProjectForm):
    """发送满意度调查 after a service event."""

    kind = forms.ChoiceField(label=_("调查类型"), choices=SurveyKind.choices, initial=SurveyKind.CSAT)
    trigger_key = forms.CharField(
        label=_("服务事件"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("如：还款咨询-2026-03-01")}),
        help_text=_("同一事件的同类调查只发送一次。"),
    )


class SurveyAnswerForm(ProjectForm):
    """登记回复: the customer's score and comment (the service checks the score's range for the kind)."""

    score = forms.IntegerField(label=_("评分"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    comment = forms.CharField(
        label=_("意见"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("客户的意见（选填）")}),
    )
