"""The forms of customer requests. They read what a person types; the services check the rules (the
length of a text, the known kinds, who may act) and their refusals are shown on the field they name —
so a text of 100,000 characters gets the service's sentence, not a browser cut."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.models import Customer
from creditdesk.servicedesk.choices import Complexity, RequestChannel, RequestKind, Urgency
from creditdesk.servicedesk.services.common import NOTE_MAX

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
SUGGESTED = ("", _("— 按内容建议 —"))
NO_CUSTOMER = ("", _("— 请先搜索客户 —"))


def _text(label: Any, *, rows: int = 4, required: bool = True, **attrs: Any) -> forms.CharField:
    """Free text whose length the service checks (its sentence says how long it is)."""
    return forms.CharField(
        label=label, required=required, strip=False, widget=forms.Textarea(attrs={"rows": rows, **attrs})
    )


class RequestForm(ProjectForm):
    """登记客户诉求: the customer (searched), how it came in, what the customer said; the kind, urgency and
    complexity may be left to the suggestion (shown beside the text as it is typed)."""

    customer = IdFormField(label=_("客户"), widget=forms.Select(choices=[NO_CUSTOMER]))
    channel = forms.ChoiceField(label=_("渠道"), choices=RequestChannel.choices, initial=RequestChannel.PHONE)
    text = _text(_("诉求内容"), rows=5)
    kind = forms.ChoiceField(label=_("诉求类型"), choices=[SUGGESTED, *RequestKind.choices], required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=[SUGGESTED, *Urgency.choices], required=False)
    complexity = forms.ChoiceField(
        label=_("复杂程度"), choices=[SUGGESTED, *Complexity.choices], required=False
    )
    received_at = forms.DateTimeField(
        label=_("收到时间"),
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M"],
        help_text=_("留空为现在；补登信函等可填实际收到时间。"),
        widget=forms.DateTimeInput(
            attrs={"placeholder": "YYYY-MM-DD HH:MM", "autocomplete": "off", "maxlength": "16"},
            format=DATETIME_FORMAT,
        ),
    )

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any) -> None:
        """``customer``: the one already picked (``?customer=``, or the form shown again) — a customer the
        person sees; the search box fills the list otherwise."""
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["customer"].widget.choices = [NO_CUSTOMER, (customer.pk, customer.name)]
            self.fields["customer"].initial = customer.pk


class RespondForm(ProjectForm):
    response = _text(_("给客户的答复"), rows=4)


class CloseForm(ProjectForm):
    resolution = _text(_("处理结果"), rows=3)


class EscalateForm(ProjectForm):
    note = forms.CharField(
        label=_("升级说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("如：客户要求主管回复")}),
    )
