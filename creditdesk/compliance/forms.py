"""Forms of the compliance pages: the checker (a text and where it goes) and a rule. The services check
the rules themselves (the text's length, the pattern compiles): the forms only read what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.compliance import guard
from creditdesk.compliance.choices import Channel, RuleKind, Severity
from creditdesk.core.forms import Form as ProjectForm


class CheckForm(ProjectForm):
    """合规检查: the text as the sender would send it (not trimmed: the findings point into it) and its
    channel; an empty or too long text is refused by the service with its sentence."""

    text = forms.CharField(
        label=_("要发送的内容"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 7, "placeholder": _("粘贴或输入要发给客户的短信、微信、方案说明或催收话术…")}
        ),
        help_text=_("输入时自动检查，不会发送，也不会记录。"),
    )
    channel = forms.ChoiceField(label=_("发送渠道"), choices=Channel.choices, initial=Channel.MESSAGE)


class RuleForm(ProjectForm):
    """合规规则. The code names the rule in the log: typed once, shown (not editable) afterwards."""

    code = forms.SlugField(
        label=_("规则代码"),
        max_length=50,
        help_text=_("英文字母、数字和下划线，如 promise_approval；保存后不能修改。"),
    )
    name = forms.CharField(label=_("规则名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=RuleKind.choices)
    severity = forms.ChoiceField(
        label=_("处理方式"),
        choices=Severity.choices,
        help_text=_("拦截：不能发送；提醒：发送人看到提示后仍可发送。"),
    )
    pattern = forms.CharField(
        label=_("匹配内容"),
        required=False,
        max_length=guard.MAX_PATTERN,
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "禁用词：每行一个，空格和符号隔开的写法也能识别；正则表达式、利率触发词：按 Python 正则语法，"
            "不区分大小写；身份证号、银行卡号：无需填写。"
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("适用渠道"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都不选：适用于全部渠道。"),
    )
    negation_exempt = forms.BooleanField(
        label=_("否定语境不拦截（如“所谓的征信修复都是骗局”“不能保证放款”）"), required=False, initial=True
    )
    message = forms.CharField(
        label=_("问题说明"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("发送人看到的提示。"),
    )
    suggestion = forms.CharField(
        label=_("合规替代说法"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("依据"), max_length=300, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("规则代码是拦截记录中的名字，不能修改。")

    def clean_pattern(self) -> str:
        """One line ending for every browser; the blank lines around a pattern are not part of it."""
        return str(self.cleaned_data.get("pattern") or "").replace("\r\n", "\n").strip("\n")
