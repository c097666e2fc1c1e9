"""Using the library: the search box (the customer's own words, pasted), the composer (a message to a
customer or a lead, with the script it came from), a use's outcome, and the period of the results."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.replies.choices import Category, UseOutcome, UsePurpose
from creditdesk.replies.services.compose import GUARD_CHANNEL
from creditdesk.replies.services.outcomes import MARKED


def guard_channel(purpose: str) -> str:
    """The compliance guard's channel of a message's purpose (the one ``message_send`` checks it on)."""
    return str(GUARD_CHANNEL.get(purpose, GUARD_CHANNEL[UsePurpose.ANSWER]))  # type: ignore[call-overload]


class SearchForm(ProjectForm):
    """话术检索: the question as the customer wrote it (no length limit here: the service says what is too
    long, in a sentence), optionally one category; the lead or customer of the conversation (hidden)."""

    q = forms.CharField(
        label=_("客户的问题"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "placeholder": _("粘贴或输入客户的问题"),
                "autocomplete": "off",
                "enterkeyhint": "search",
                "spellcheck": "false",
            }
        ),
    )
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部类别")), *Category.choices], required=False
    )
    lead = IdFormField(required=False, widget=forms.HiddenInput)
    customer = IdFormField(required=False, widget=forms.HiddenInput)


class MessageForm(ProjectForm):
    """发消息: the text (the service checks it: required, its length, every placeholder filled, the
    compliance guard), its purpose, and the script it came from (hidden, set by "使用")."""

    purpose = forms.ChoiceField(label=_("用途"), choices=UsePurpose.choices, initial=UsePurpose.ANSWER)
    text = forms.CharField(
        label=_("消息内容"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": _("在上方搜索话术并点“使用”，或直接输入")}),
    )
    script = IdFormField(required=False, widget=forms.HiddenInput)
    customer = IdFormField(required=False, widget=forms.HiddenInput)
    lead = IdFormField(required=False, widget=forms.HiddenInput)

    def channel(self) -> str:
        """The compliance preview's channel for the purpose chosen (or the initial one)."""
        value = self.data.get("purpose") if self.is_bound else self.initial.get("purpose")
        return guard_channel(str(value or UsePurpose.ANSWER))


class OutcomeForm(ProjectForm):
    """登记效果: 异议已化解 or 未化解 (the rest comes from the lead)."""

    outcome = forms.ChoiceField(
        label=_("效果"), choices=[(o.value, o.label) for o in UseOutcome if o in MARKED]
    )


class PeriodForm(ProjectForm):
    """The period of the uses counted (both ends included, either may be left open)."""

    since = DateFormField(label=_("开始日期"), required=False)
    until = DateFormField(label=_("结束日期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.fields[name].widget.attrs["class"] = "form-control-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return data

    def period(self) -> tuple[date | None, date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("since"), self.cleaned_data.get("until")
