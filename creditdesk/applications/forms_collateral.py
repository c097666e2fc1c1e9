"""Forms of the collateral register's pages. They read what was typed; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.applications.models import CollateralKind
from creditdesk.applications.selectors.collateral import CollateralRow
from creditdesk.core.forms import AmountFormField, DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.core.money import format_yuan


class CollateralForm(ProjectForm):
    """押品登记."""

    kind = forms.ChoiceField(label=_("押品类型"), choices=CollateralKind.choices)
    description = forms.CharField(label=_("押品描述"), max_length=300)
    owners = forms.CharField(
        label=_("全部所有权人"), max_length=300, help_text=_("按权属证书填写全部所有权人，以顿号分隔。")
    )
    certificate_number = forms.CharField(label=_("权属证书编号"), max_length=100, required=False)
    location = forms.CharField(label=_("坐落 / 存放地"), max_length=300, required=False)
    next_revaluation_on = DateFormField(label=_("下次重估日期"), required=False)


class AppraisalForm(ProjectForm):
    """押品评估."""

    appraiser = forms.CharField(label=_("评估机构 / 评估人"), max_length=100)
    appraised_on = DateFormField(label=_("评估日期"))
    value = AmountFormField(label=_("评估价值（元）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appraised_on"].initial = timezone.localdate()


class PriorLienForm(ProjectForm):
    """已有抵押登记."""

    holder = forms.CharField(label=_("抵押权人"), max_length=100)
    rank = forms.IntegerField(label=_("顺位"), min_value=1, max_value=99, initial=1)
    amount = AmountFormField(label=_("担保余额（元）"))


class PledgeForm(ProjectForm):
    """押品担保 from an application: one of the collaterals of its parties, and the amount it secures."""

    collateral = forms.TypedChoiceField(label=_("押品"), coerce=int, choices=())
    amount = AmountFormField(label=_("担保金额（元）"))

    def __init__(self, *args: Any, rows: list[CollateralRow], **kwargs: Any) -> None:
        """``rows``: the collaterals of the application's parties, each with its position (the option says
        what remains of its value)."""
        super().__init__(*args, **kwargs)
        self.fields["collateral"].choices = [
            (
                row.collateral.pk,
                _("%(owner)s · %(collateral)s（剩余可担保 %(remaining)s 元）")
                % {
                    "owner": row.collateral.customer.name,
                    "collateral": row.collateral,
                    "remaining": format_yuan(row.position.remaining),
                },
            )
            for row in rows
        ]
