"""Forms of application documents: the upload form of a checklist item and of the customer's file. They
read the input; every rule (type by content, size, dates, who) is the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = "application/pdf,image/jpeg,image/png"


class ItemUploadForm(forms.Form):
    """上传资料 for one checklist item (its kind and customer are the item's)."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    issued_on = forms.DateField(
        label=_("出具日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CustomerDocumentForm(ItemUploadForm):
    """上传资料 to a customer's file, naming its kind (身份证, 收入证明 …)."""

    kind = forms.CharField(label=_("资料类型"), max_length=100)

    field_order = ["kind", "file", "issued_on", "valid_until"]
